// Package simulation drives x/research in the SDK's full-app simulator:
// randomized genesis parameters, weighted operations for every message an
// account signs (study registration with its escrow, IRB approval,
// amendments, status changes, enrollment, re-consent, withdrawal, datasets
// and results), a governance proposal message for MsgUpdateParams, and a
// store decoder. The escrow and participation invariants (CheckState) are
// asserted by the app's simulation tests.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/internal/simutil"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	"github.com/carechain/carechain/x/research/keeper"
	"github.com/carechain/carechain/x/research/types"
)

var (
	_ module.AppModuleSimulation = AppModule{}
	_ module.HasProposalMsgs     = AppModule{}
)

// AppModule is the research module's simulation module.
type AppModule struct {
	k  keeper.Keeper
	rk registrykeeper.Keeper
	ck consentkeeper.Keeper
	ks simutil.Keepers
}

// NewAppModule returns the research module's simulation module; the
// registry keeper finds the accounts acting for RESEARCH_SPONSOR and IRB
// organizations, the consent keeper tells whether a research consent can
// be created for a patient.
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
