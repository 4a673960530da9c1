// Package simulation drives x/claims in the SDK's full-app simulator:
// randomized genesis parameters, weighted operations for every message an
// account signs (plans, escrow, enrollment, claims and their adjudication,
// withdrawal and appeal), a governance proposal message for
// MsgUpdateParams, and a store decoder. The escrow invariants
// (keeper.CheckInvariants) are asserted by the app's simulation tests.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/claims/keeper"
	"github.com/carechain/carechain/x/claims/types"
	"github.com/carechain/carechain/x/internal/simutil"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
)

var (
	_ module.AppModuleSimulation = AppModule{}
	_ module.HasProposalMsgs     = AppModule{}
)

// AppModule is the claims module's simulation module.
type AppModule struct {
	k  keeper.Keeper
	rk registrykeeper.Keeper
	ks simutil.Keepers
}

// NewAppModule returns the claims module's simulation module; the registry
// keeper finds the accounts acting for PAYER and PROVIDER organizations.
func NewAppModule(k keeper.Keeper, rk registrykeeper.Keeper, ak simulation.AccountKeeper, bk simulation.BankKeeper) AppModule {
	ks := simutil.Keepers{AK: ak, BK: bk}
	return AppModule{k: k, rk: rk, ks: ks}
}

// GenerateGenesisState implements module.AppModuleSimulation.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	gs := types.DefaultGenesis()
	gs.Params = RandomParams(simState.Rand)
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}

// RegisterStoreDecoder implements module.AppModuleSimulation.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	sdr[types.StoreKey] = simtypes.NewStoreDecoderFuncFromCollectionsSchema(am.k.Schema)
}

// WeightedOperations implements module.AppModuleSimulation.
func (am AppModule) WeightedOperations(simState module.SimulationState) []simtypes.WeightedOperation {
	ops := WeightedOperations(simState.AppParams, simState.TxConfig, am.k, am.rk, am.ks)
	w := simutil.Weight(simState.AppParams, OpWeightGovExec, DefaultWeightGovExec)
	return append(ops, simutil.GovExecOperations(types.ModuleName, w, ProposalMsgs(am.k))...)
}

// ProposalMsgs implements module.HasProposalMsgs.
func (am AppModule) ProposalMsgs(module.SimulationState) []simtypes.WeightedProposalMsg {
	return ProposalMsgs(am.k)
}
