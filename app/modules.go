package app

import (
	"cosmossdk.io/x/evidence"
	evidencetypes "cosmossdk.io/x/evidence/types"
	"cosmossdk.io/x/feegrant"
	feegrantmodule "cosmossdk.io/x/feegrant/module"
	"cosmossdk.io/x/upgrade"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	authzmodule "github.com/cosmos/cosmos-sdk/x/authz/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/x/claims"
	claimssim "github.com/carechain/carechain/x/claims/simulation"
	claimstypes "github.com/carechain/carechain/x/claims/types"
	"github.com/carechain/carechain/x/consent"
	consentsim "github.com/carechain/carechain/x/consent/simulation"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records"
	recordstypes "github.com/carechain/carechain/x/records/types"
	"github.com/carechain/carechain/x/registry"
	registrysim "github.com/carechain/carechain/x/registry/simulation"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// maccPerms lists the module accounts and what each may do with coins.
// There is no mint module: Carechain has no inflation, validators earn fees.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	// Claims holds every plan's escrow; it neither mints nor burns, and is
	// blocked from plain bank sends (coins enter only through MsgFundPlan).
	claimstypes.ModuleName: nil,
	// Research holds every study's incentive escrow; likewise no minting or
	// burning, and blocked from plain bank sends (coins enter only through
	// MsgRegisterStudy).
	researchtypes.ModuleName: nil,
}

// receivingModuleAccounts are module accounts that may receive coins from
// ordinary accounts (all others are blocked in x/bank).
var receivingModuleAccounts = map[string]bool{
	govtypes.ModuleName: true,
}

// ModuleAccountPermissions returns a copy of the module account permissions.
func ModuleAccountPermissions() map[string][]string {
	out := make(map[string][]string, len(maccPerms))
	for k, v := range maccPerms {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// BlockedAddresses returns the module account addresses that may not receive
// funds through x/bank sends.
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool)
	for name := range maccPerms {
		if receivingModuleAccounts[name] {
			continue
		}
		blocked[authtypes.NewModuleAddress(name).String()] = true
	}
	return blocked
}

//nolint:staticcheck // module.Manager in v0.53 still takes the legacy AppModule interface.
func appModules(app *CarechainApp, appCodec codec.Codec, txConfig client.TxEncodingConfig) []module.AppModule {
	return []module.AppModule{ //nolint:staticcheck // see above
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts, nil),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper, nil),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil, app.interfaceRegistry),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil),
		gov.NewAppModule(appCodec, app.GovKeeper, app.AccountKeeper, app.BankKeeper, nil),
		consensus.NewAppModule(appCodec, app.ConsensusParamsKeeper),
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		evidence.NewAppModule(app.EvidenceKeeper),
		authzmodule.NewAppModule(appCodec, app.AuthzKeeper, app.AccountKeeper, app.BankKeeper, app.interfaceRegistry),
		feegrantmodule.NewAppModule(appCodec, app.AccountKeeper, app.BankKeeper, app.FeeGrantKeeper, app.interfaceRegistry),
		registry.NewAppModule(app.RegistryKeeper),
		claims.NewAppModule(app.ClaimsKeeper),
		consent.NewAppModule(app.ConsentKeeper),
		research.NewAppModule(app.ResearchKeeper),
		records.NewAppModule(app.RecordsKeeper),
	}
}

// newBasicManager derives the BasicManager (codec registration, default
// genesis, CLI) from the module manager, overriding the modules whose basic
// form needs arguments.
func newBasicManager(mm *module.Manager) module.BasicManager {
	return module.NewBasicManagerFromManager(mm, map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
	})
}

// simulationModules are the modules the simulator drives, in a fixed order.
func simulationModules(app *CarechainApp, appCodec codec.Codec) []module.AppModuleSimulation {
	return []module.AppModuleSimulation{
		auth.NewAppModule(appCodec, app.AccountKeeper, simGenesisAccounts, nil),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper, nil),
		feegrantmodule.NewAppModule(appCodec, app.AccountKeeper, app.BankKeeper, app.FeeGrantKeeper, app.interfaceRegistry),
		gov.NewAppModule(appCodec, app.GovKeeper, app.AccountKeeper, app.BankKeeper, nil),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil, app.interfaceRegistry),
		evidence.NewAppModule(app.EvidenceKeeper),
		authzmodule.NewAppModule(appCodec, app.AuthzKeeper, app.AccountKeeper, app.BankKeeper, app.interfaceRegistry),
		// Carechain's modules: one line each (see docs/reliability-sim.md).
		registrysim.NewAppModule(app.RegistryKeeper, app.AccountKeeper, app.BankKeeper),
		consentsim.NewAppModule(app.ConsentKeeper, app.RegistryKeeper, app.AccountKeeper, app.BankKeeper),
		claimssim.NewAppModule(app.ClaimsKeeper, app.RegistryKeeper, app.AccountKeeper, app.BankKeeper),
	}
}

// simGenesisAccounts gives every simulation account a plain BaseAccount.
// Carechain has no vesting module, so the SDK's RandomGenesisAccounts (which
// makes some accounts vesting accounts) would produce a genesis this app
// cannot decode.
func simGenesisAccounts(simState *module.SimulationState) authtypes.GenesisAccounts {
	accs := make(authtypes.GenesisAccounts, len(simState.Accounts))
	for i, acc := range simState.Accounts {
		accs[i] = authtypes.NewBaseAccountWithAddress(acc.Address)
	}
	return accs
}

// Module order. Upgrade runs first in PreBlock so that a scheduled upgrade
// halts the chain before any other state changes; auth follows so that
// unordered-tx bookkeeping is pruned.
func orderPreBlockers() []string {
	return []string{upgradetypes.ModuleName, authtypes.ModuleName}
}

// Distribution runs before slashing so that fees are allocated to the
// validators that signed the previous block before any slash takes effect.
func orderBeginBlockers() []string {
	return []string{
		distrtypes.ModuleName,
		slashingtypes.ModuleName,
		evidencetypes.ModuleName,
		stakingtypes.ModuleName,
		authz.ModuleName,
	}
}

// Gov ends proposals before staking applies validator-set changes; feegrant
// prunes expired allowances and consent moves due consents to EXPIRED (both
// bounded per block by the module).
func orderEndBlockers() []string {
	return []string{
		govtypes.ModuleName,
		stakingtypes.ModuleName,
		feegrant.ModuleName,
		authz.ModuleName,
		consenttypes.ModuleName,
	}
}

// Genesis order: accounts and balances first; staking before genutil so that
// gentxs find their pools; genutil after auth and bank so that gentx signers
// exist and are funded, and after registry so that genesis validators pass
// the validator-admission ante check. Carechain's modules follow their
// dependencies: consent follows registry (whose organizations its consents
// and break-glass grants name); records follows consent; claims follows bank,
// registry and records (its genesis checks the escrow against the module
// account's bank balance); research follows bank and consent (its genesis
// checks the escrow against the bank balance and each participation's
// consent against x/consent).
func orderInitGenesis() []string {
	return []string{
		consensusparamtypes.ModuleName,
		authtypes.ModuleName,
		banktypes.ModuleName,
		distrtypes.ModuleName,
		stakingtypes.ModuleName,
		slashingtypes.ModuleName,
		govtypes.ModuleName,
		registrytypes.ModuleName,
		consenttypes.ModuleName,
		recordstypes.ModuleName,
		claimstypes.ModuleName,
		researchtypes.ModuleName,
		genutiltypes.ModuleName,
		evidencetypes.ModuleName,
		authz.ModuleName,
		feegrant.ModuleName,
		upgradetypes.ModuleName,
	}
}
