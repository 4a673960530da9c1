// Package simulation drives x/registry in the SDK's full-app simulator:
// randomized genesis, weighted operations for every message an account
// signs, governance proposal messages for the authority's messages, and a
// store decoder for import/export diffs.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/internal/simutil"
	"github.com/carechain/carechain/x/registry/keeper"
	"github.com/carechain/carechain/x/registry/types"
)

var (
	_ module.AppModuleSimulation = AppModule{}
	_ module.HasProposalMsgs     = AppModule{}
)

// AppModule is the registry's simulation module. It is added to the app's
// SimulationManager (app/modules.go simulationModules) beside the module
// itself.
type AppModule struct {
	k  keeper.Keeper
	ks simutil.Keepers
}

// NewAppModule returns the registry's simulation module.
func NewAppModule(k keeper.Keeper, ak simulation.AccountKeeper, bk simulation.BankKeeper) AppModule {
	ks := simutil.Keepers{AK: ak, BK: bk}
	return AppModule{k: k, ks: ks}
}

// GenerateGenesisState implements module.AppModuleSimulation.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	gs := RandomizedGenState(simState.Rand, simState.Accounts)
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}

// RegisterStoreDecoder implements module.AppModuleSimulation.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	sdr[types.StoreKey] = simtypes.NewStoreDecoderFuncFromCollectionsSchema(am.k.Schema)
}

// WeightedOperations implements module.AppModuleSimulation.
func (am AppModule) WeightedOperations(simState module.SimulationState) []simtypes.WeightedOperation {
	ops := WeightedOperations(simState.AppParams, simState.TxConfig, am.k, am.ks)
	w := simutil.Weight(simState.AppParams, OpWeightGovExec, DefaultWeightGovExec)
	return append(ops, simutil.GovExecOperations(types.ModuleName, w, ProposalMsgs(am.k))...)
}

// ProposalMsgs implements module.HasProposalMsgs.
func (am AppModule) ProposalMsgs(module.SimulationState) []simtypes.WeightedProposalMsg {
	return ProposalMsgs(am.k)
}
