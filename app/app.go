// Package app wires the Carechain application: codecs, keepers, the module
// manager, block and genesis order, the ante handler and upgrades. Wiring is
// manual (no depinject) in the style of gaia: keepers are built in
// app/keepers, module lists and order live in app/modules.go.
package app

import (
	"encoding/json"
	"fmt"
	"io"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"github.com/cosmos/gogoproto/proto"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	"cosmossdk.io/log"
	"cosmossdk.io/store/rootmulti"
	"cosmossdk.io/x/tx/signing"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
	"github.com/cosmos/cosmos-sdk/version"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	txmodule "github.com/cosmos/cosmos-sdk/x/auth/tx/config"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/carechain/carechain/app/keepers"
	"github.com/carechain/carechain/app/upgrades"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
)

// Upgrades lists every named software upgrade this binary knows how to apply.
var Upgrades = []upgrades.Upgrade{}

var (
	_ runtime.AppI            = (*CarechainApp)(nil)
	_ servertypes.Application = (*CarechainApp)(nil)
)

// CarechainApp is the Carechain ABCI application.
type CarechainApp struct {
	*baseapp.BaseApp
	keepers.AppKeepers

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry

	mm           *module.Manager
	basicManager module.BasicManager
	sm           *module.SimulationManager
	configurator module.Configurator

	sigCache *sigCache // signatures CheckTx verified (app/sigcache.go)

	queryLimiter *queryLimiter // bounds concurrent queries (app/querylimit.go)
}

// NewCarechainApp returns a fully wired application.
func NewCarechainApp(
	logger log.Logger,
	db dbm.DB,
	traceStore io.Writer,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	baseAppOptions ...func(*baseapp.BaseApp),
) *CarechainApp {
	interfaceRegistry, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.NewBech32Codec(Bech32Prefix),
			ValidatorAddressCodec: address.NewBech32Codec(Bech32Prefix + sdk.PrefixValidator + sdk.PrefixOperator),
		},
	})
	if err != nil {
		panic(err)
	}
	legacyAmino := codec.NewLegacyAmino()
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)

	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	bApp := baseapp.NewBaseApp(AppName, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetCommitMultiStoreTracer(traceStore)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	app := &CarechainApp{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
	}

	app.AppKeepers = keepers.NewAppKeepers(
		appCodec,
		legacyAmino,
		bApp,
		maccPerms,
		BlockedAddresses(),
		skipUpgradeHeights(appOpts),
		homePath(appOpts),
		Bech32Prefix,
		logger,
		appOpts,
	)

	app.mm = module.NewManager(appModules(app, appCodec, txConfig)...)
	app.basicManager = newBasicManager(app.mm)
	app.basicManager.RegisterLegacyAminoCodec(legacyAmino)
	app.basicManager.RegisterInterfaces(interfaceRegistry)

	// The tx config is rebuilt once x/bank exists, so that SIGN_MODE_TEXTUAL
	// can render coin metadata.
	txConfig, err = authtx.NewTxConfigWithOptions(appCodec, authtx.ConfigOptions{
		EnabledSignModes:           authtx.DefaultSignModes,
		TextualCoinMetadataQueryFn: txmodule.NewBankKeeperCoinMetadataQueryFn(app.BankKeeper),
	})
	if err != nil {
		panic(err)
	}
	app.txConfig = txConfig

	app.mm.SetOrderPreBlockers(orderPreBlockers()...)
	app.mm.SetOrderBeginBlockers(orderBeginBlockers()...)
	app.mm.SetOrderEndBlockers(orderEndBlockers()...)
	app.mm.SetOrderInitGenesis(orderInitGenesis()...)
	app.mm.SetOrderExportGenesis(orderInitGenesis()...)

	app.configurator = module.NewConfigurator(appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.mm.RegisterServices(app.configurator); err != nil {
		panic(err)
	}

	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.mm.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		panic(err)
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)

	app.sm = module.NewSimulationManager(simulationModules(app, appCodec)...)
	app.sm.RegisterStoreDecoders()

	app.MountKVStores(app.KVStoreKeys())
	app.MountTransientStores(app.TransientStoreKeys())
	app.MountMemoryStores(app.MemoryStoreKeys())

	app.sigCache = newSigCache(DefaultSigCacheSize)
	app.queryLimiter = newQueryLimiter(queryWorkers(appOpts))
	anteHandler, err := NewAnteHandler(AnteHandlerOptions{
		AccountKeeper:   app.AccountKeeper,
		BankKeeper:      app.BankKeeper,
		FeegrantKeeper:  app.FeeGrantKeeper,
		SignModeHandler: txConfig.SignModeHandler(),
		ChainDecorators: app.chainAnteDecorators(),
		SigCache:        app.sigCache,
	})
	if err != nil {
		panic(fmt.Errorf("building the ante handler: %w", err))
	}
	app.SetAnteHandler(anteHandler)

	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)

	app.setUpgradeHandlers()
	app.setUpgradeStoreLoader()

	// Every Msg must carry its cosmos.msg.v1.signer annotation; a missing one
	// is a build error in our own protos, so fail loudly.
	protoFiles, err := proto.MergedRegistry()
	if err != nil {
		panic(err)
	}
	if err := msgservice.ValidateProtoAnnotations(protoFiles); err != nil {
		logger.Error("proto annotation check", "err", err)
	}

	// Queries read through queryMultiStore (app/querystore.go): the SDK's
	// per-query set-up re-hashes the commit info and reloads every store's
	// IAVL root on each query; both change once per block.
	if rs, ok := app.CommitMultiStore().(*rootmulti.Store); ok {
		qms := newQueryMultiStore(rs)
		app.SetQueryMultiStore(qms)
		sm := app.StreamingManager()
		sm.ABCIListeners = append(sm.ABCIListeners, qms)
		app.SetStreamingManager(sm)
	}

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("loading latest version: %w", err))
		}
	}
	return app
}

// chainAnteDecorators returns Carechain's own ante decorators (see
// AnteHandlerOptions.ChainDecorators for where they run).
func (app *CarechainApp) chainAnteDecorators() []sdk.AnteDecorator {
	return []sdk.AnteDecorator{
		// Only members of ACTIVE VALIDATOR organizations may create validators.
		registrykeeper.NewValidatorAdmissionDecorator(app.RegistryKeeper, app.StakingKeeper.ValidatorAddressCodec()),
	}
}

// Name returns the application name.
func (app *CarechainApp) Name() string { return app.BaseApp.Name() }

// PreBlocker runs the pre-block hooks (upgrades).
func (app *CarechainApp) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.mm.PreBlock(ctx)
}

// BeginBlocker runs every module's BeginBlock.
func (app *CarechainApp) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.mm.BeginBlock(ctx)
}

// EndBlocker runs every module's EndBlock.
func (app *CarechainApp) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.mm.EndBlock(ctx)
}

// InitChainer initializes every module from the genesis app state.
func (app *CarechainApp) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("decoding genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.mm.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.mm.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads the state at a given height.
func (app *CarechainApp) LoadHeight(height int64) error {
	return app.LoadVersion(height)
}

// LegacyAmino returns the amino codec (only for legacy JSON signing).
func (app *CarechainApp) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the protobuf codec.
func (app *CarechainApp) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the interface registry.
func (app *CarechainApp) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the transaction encoding configuration.
func (app *CarechainApp) TxConfig() client.TxConfig { return app.txConfig }

// ModuleManager returns the module manager.
func (app *CarechainApp) ModuleManager() *module.Manager { return app.mm }

// BasicManager returns the basic module manager.
func (app *CarechainApp) BasicManager() module.BasicManager { return app.basicManager }

// Configurator returns the module configurator.
func (app *CarechainApp) Configurator() module.Configurator { return app.configurator }

// DefaultGenesis returns the default genesis of every module.
func (app *CarechainApp) DefaultGenesis() map[string]json.RawMessage {
	return app.basicManager.DefaultGenesis(app.appCodec)
}

// SimulationManager implements runtime.AppI.
func (app *CarechainApp) SimulationManager() *module.SimulationManager { return app.sm }

// RegisterAPIRoutes registers the REST (grpc-gateway) routes of every module.
func (app *CarechainApp) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	// Carechain's own modules first: served in process (app/restquery.go);
	// the module manager's registrations of the same routes then never match.
	app.registerInProcessGateway(apiSvr.GRPCGatewayRouter)
	app.basicManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)

	if err := server.RegisterSwaggerAPI(clientCtx, apiSvr.Router, apiConfig.Swagger); err != nil {
		panic(err)
	}
}

// Close stops the query workers and closes BaseApp (its databases).
func (app *CarechainApp) Close() error {
	app.queryLimiter.close()
	return app.BaseApp.Close()
}

// RegisterGRPCServerWithSkipCheckHeader registers every gRPC query service
// on the node's gRPC server (the SDK's server calls it), behind the query
// limiter (app/querylimit.go).
func (app *CarechainApp) RegisterGRPCServerWithSkipCheckHeader(server gogogrpc.Server, skipCheckHeader bool) {
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(limitedServer{Server: server, l: app.queryLimiter}, skipCheckHeader)
}

// RegisterGRPCServer is RegisterGRPCServerWithSkipCheckHeader with header
// checks on, as BaseApp's.
func (app *CarechainApp) RegisterGRPCServer(server gogogrpc.Server) {
	app.RegisterGRPCServerWithSkipCheckHeader(server, false)
}

// RegisterTxService registers the tx gRPC service (simulate, broadcast).
func (app *CarechainApp) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService registers the CometBFT gRPC service.
func (app *CarechainApp) RegisterTendermintService(clientCtx client.Context) {
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, app.Query)
}

// RegisterNodeService registers the node gRPC service.
func (app *CarechainApp) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg)
}

// AutoCliOpts returns the options autocli uses to build tx and query commands.
func (app *CarechainApp) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.mm.Modules {
		if named, ok := m.(module.HasName); ok {
			if am, ok := m.(appmodule.AppModule); ok {
				modules[named.Name()] = am
			}
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.mm.Modules),
		AddressCodec:          address.NewBech32Codec(Bech32Prefix),
		ValidatorAddressCodec: address.NewBech32Codec(Bech32Prefix + sdk.PrefixValidator + sdk.PrefixOperator),
		ConsensusAddressCodec: address.NewBech32Codec(Bech32Prefix + sdk.PrefixValidator + sdk.PrefixConsensus),
	}
}

// ModuleAccountAddrs returns the addresses of all module accounts.
func (app *CarechainApp) ModuleAccountAddrs() map[string]bool {
	out := make(map[string]bool)
	for name := range maccPerms {
		out[authtypes.NewModuleAddress(name).String()] = true
	}
	return out
}

func (app *CarechainApp) setUpgradeHandlers() {
	for _, u := range Upgrades {
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, u.CreateHandler(app.mm, app.configurator, &app.AppKeepers))
	}
}

// setUpgradeStoreLoader applies the store changes of the upgrade scheduled at
// the height the node restarts at (written to disk by x/upgrade at the halt).
func (app *CarechainApp) setUpgradeStoreLoader() {
	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		panic(fmt.Errorf("reading upgrade info from disk: %w", err))
	}
	if app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return
	}
	for _, u := range Upgrades {
		if info.Name == u.Name {
			storeUpgrades := u.StoreUpgrades
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &storeUpgrades))
		}
	}
}
