// Package keepers builds every keeper of the Carechain application in
// dependency order. It is the one place to read to see how modules are wired
// to each other.
package keepers

import (
	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"
	evidencekeeper "cosmossdk.io/x/evidence/keeper"
	evidencetypes "cosmossdk.io/x/evidence/types"
	"cosmossdk.io/x/feegrant"
	feegrantkeeper "cosmossdk.io/x/feegrant/keeper"
	upgradekeeper "cosmossdk.io/x/upgrade/keeper"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	consensusparamkeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1beta1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1beta1"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	claimskeeper "github.com/carechain/carechain/x/claims/keeper"
	claimstypes "github.com/carechain/carechain/x/claims/types"
	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordskeeper "github.com/carechain/carechain/x/records/keeper"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	researchkeeper "github.com/carechain/carechain/x/research/keeper"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// AppKeepers holds every keeper of the application.
type AppKeepers struct {
	keys    map[string]*storetypes.KVStoreKey
	tkeys   map[string]*storetypes.TransientStoreKey
	memKeys map[string]*storetypes.MemoryStoreKey

	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.BaseKeeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        slashingkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             *govkeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	FeeGrantKeeper        feegrantkeeper.Keeper
	AuthzKeeper           authzkeeper.Keeper
	ConsensusParamsKeeper consensusparamkeeper.Keeper

	// Carechain modules.
	RegistryKeeper registrykeeper.Keeper
	// ConsentKeeper answers CheckAccess for every other module. Modules
	// that manage consents register their guard on it with
	// SetConsentGuard after they are built.
	ConsentKeeper consentkeeper.Keeper
	// RecordsKeeper indexes records and logs disclosures; it asks consent
	// before every write and every logged read.
	RecordsKeeper recordskeeper.Keeper
	ClaimsKeeper  claimskeeper.Keeper
	// ResearchKeeper manages research consents in x/consent and is their
	// ConsentGuard.
	ResearchKeeper researchkeeper.Keeper
}

// Authority is the address of the governance module account: the only signer
// allowed to change parameters or admit organizations.
func Authority() string {
	return authtypes.NewModuleAddress(govtypes.ModuleName).String()
}

// NewAppKeepers constructs all keepers. bech32Prefix is the account prefix;
// validator and consensus prefixes are derived from it the SDK way.
func NewAppKeepers(
	appCodec codec.Codec,
	legacyAmino *codec.LegacyAmino,
	bApp *baseapp.BaseApp,
	maccPerms map[string][]string,
	blockedAddrs map[string]bool,
	skipUpgradeHeights map[int64]bool,
	homePath string,
	bech32Prefix string,
	logger log.Logger,
	appOpts servertypes.AppOptions,
) AppKeepers {
	k := AppKeepers{}
	k.GenerateKeys()

	if err := bApp.RegisterStreamingServices(appOpts, k.keys); err != nil {
		panic(err)
	}

	authority := Authority()
	accCodec := address.NewBech32Codec(bech32Prefix)
	valCodec := address.NewBech32Codec(bech32Prefix + sdk.PrefixValidator + sdk.PrefixOperator)
	consCodec := address.NewBech32Codec(bech32Prefix + sdk.PrefixValidator + sdk.PrefixConsensus)

	k.ConsensusParamsKeeper = consensusparamkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[consensusparamtypes.StoreKey]),
		authority,
		runtime.EventService{},
	)
	bApp.SetParamStore(k.ConsensusParamsKeeper.ParamsStore)

	k.AccountKeeper = authkeeper.NewAccountKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[authtypes.StoreKey]),
		authtypes.ProtoBaseAccount,
		maccPerms,
		accCodec,
		bech32Prefix,
		authority,
	)

	k.BankKeeper = bankkeeper.NewBaseKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[banktypes.StoreKey]),
		k.AccountKeeper,
		blockedAddrs,
		authority,
		logger,
	)

	k.AuthzKeeper = authzkeeper.NewKeeper(
		runtime.NewKVStoreService(k.keys[authzkeeper.StoreKey]),
		appCodec,
		bApp.MsgServiceRouter(),
		k.AccountKeeper,
	).SetBankKeeper(k.BankKeeper)

	k.FeeGrantKeeper = feegrantkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[feegrant.StoreKey]),
		k.AccountKeeper,
	).SetBankKeeper(k.BankKeeper)

	k.StakingKeeper = stakingkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[stakingtypes.StoreKey]),
		k.AccountKeeper,
		k.BankKeeper,
		authority,
		valCodec,
		consCodec,
	)

	k.DistrKeeper = distrkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[distrtypes.StoreKey]),
		k.AccountKeeper,
		k.BankKeeper,
		k.StakingKeeper,
		authtypes.FeeCollectorName,
		authority,
	)

	k.SlashingKeeper = slashingkeeper.NewKeeper(
		appCodec,
		legacyAmino,
		runtime.NewKVStoreService(k.keys[slashingtypes.StoreKey]),
		k.StakingKeeper,
		authority,
	)

	// Staking hooks are set once, after the keepers that listen exist.
	k.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(
		k.DistrKeeper.Hooks(),
		k.SlashingKeeper.Hooks(),
	))

	k.UpgradeKeeper = upgradekeeper.NewKeeper(
		skipUpgradeHeights,
		runtime.NewKVStoreService(k.keys[upgradetypes.StoreKey]),
		appCodec,
		homePath,
		bApp,
		authority,
	)

	govConfig := govtypes.DefaultConfig()
	k.GovKeeper = govkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[govtypes.StoreKey]),
		k.AccountKeeper,
		k.BankKeeper,
		k.StakingKeeper,
		k.DistrKeeper,
		bApp.MsgServiceRouter(),
		govConfig,
		authority,
	)
	// Legacy (v1beta1) proposal content: text proposals only. Without a
	// router, a MsgExecLegacyContent dereferences nil inside x/gov (found by
	// the simulation, which submits legacy text proposals).
	legacyGovRouter := govv1beta1.NewRouter()
	legacyGovRouter.AddRoute(govtypes.RouterKey, govv1beta1.ProposalHandler)
	k.GovKeeper.SetLegacyRouter(legacyGovRouter)

	k.EvidenceKeeper = *evidencekeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[evidencetypes.StoreKey]),
		k.StakingKeeper,
		k.SlashingKeeper,
		accCodec,
		runtime.ProvideCometInfoService(),
	)

	k.RegistryKeeper = registrykeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[registrytypes.StoreKey]),
		accCodec,
		authority,
	)

	// Consent answers CheckAccess for every other module.
	k.ConsentKeeper = consentkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[consenttypes.StoreKey]),
		accCodec,
		authority,
		k.RegistryKeeper,
	)

	// Records asks the registry who acts for which organization and consent
	// whether a write or a read is permitted.
	k.RecordsKeeper = recordskeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[recordstypes.StoreKey]),
		accCodec,
		authority,
		k.RegistryKeeper,
		k.ConsentKeeper,
	)

	// Claims pays providers from escrow held in its module account; it asks
	// the registry who acts for which organization and x/records whose
	// record an evidence id is.
	k.ClaimsKeeper = claimskeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[claimstypes.StoreKey]),
		accCodec,
		authority,
		k.RegistryKeeper,
		k.RecordsKeeper,
		k.BankKeeper,
		k.AccountKeeper,
	)

	// Research creates and revokes participants' research consents through
	// x/consent and holds study escrow in its module account. It is the
	// guard of the consents it manages: CheckAccess asks it whether a
	// participant must re-consent. The guard registry is shared by every
	// copy of the consent keeper, including those already handed out.
	k.ResearchKeeper = researchkeeper.NewKeeper(
		appCodec,
		runtime.NewKVStoreService(k.keys[researchtypes.StoreKey]),
		accCodec,
		authority,
		k.RegistryKeeper,
		researchkeeper.NewConsentKeeper(k.ConsentKeeper),
		k.BankKeeper,
		k.AccountKeeper,
	)
	k.ConsentKeeper.SetConsentGuard(researchtypes.ModuleName, k.ResearchKeeper)

	return k
}
