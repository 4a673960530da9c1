// Package simulation drives x/records in the SDK's full-app simulator:
// randomized genesis parameters, weighted operations for every message an
// account signs (records written by patients and by providers their
// consent permits, new versions, entered-in-error marks, key envelopes for
// permitted readers, logged reads), a governance proposal message for
// MsgUpdateParams, and a store decoder. The records state check
// (CheckState) is asserted by the app's simulation tests.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/internal/simutil"
	"github.com/carechain/carechain/x/records/keeper"
	"github.com/carechain/carechain/x/records/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
)

var (
	_ module.AppModuleSimulation = AppModule{}
	_ module.HasProposalMsgs     = AppModule{}
)

// AppModule is the records module's simulation module.
type AppModule struct {
	k  keeper.Keeper
	rk registrykeeper.Keeper
	ck consentkeeper.Keeper
	ks simutil.Keepers
}

// NewAppModule returns the records module's simulation module; the
// registry keeper finds the accounts acting for PROVIDER organizations,
// the consent keeper the consents that permit a provider to write and the
// readers a record may be shared with.
func NewAppModule(k keeper.Keeper, rk registrykeeper.Keeper, ck consentkeeper.Keeper, ak simulation.AccountKeeper, bk simulation.BankKeeper) AppModule {
	return AppModule{k: k, rk: rk, ck: ck, ks: simutil.Keepers{AK: ak, BK: bk}}
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
	ops := WeightedOperations(simState.AppParams, simState.TxConfig, am.k, am.rk, am.ck, am.ks)
	w := simutil.Weight(simState.AppParams, OpWeightGovExec, DefaultWeightGovExec)
	return append(ops, simutil.GovExecOperations(types.ModuleName, w, ProposalMsgs(am.k))...)
}

// ProposalMsgs implements module.HasProposalMsgs.
func (am AppModule) ProposalMsgs(module.SimulationState) []simtypes.WeightedProposalMsg {
	return ProposalMsgs(am.k)
}
