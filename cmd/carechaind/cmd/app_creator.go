package cmd

import (
	"errors"
	"io"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/spf13/cast"

	"cosmossdk.io/log"
	"cosmossdk.io/store/rootmulti"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"

	"github.com/carechain/carechain/app"
)

type appCreator struct{}

// newApp builds the application for `start` and the other node commands.
// server.DefaultBaseappOptions reads pruning, minimum gas prices, halt
// height, snapshots, IAVL cache and the chain-id from the node's config.
func (appCreator) newApp(logger log.Logger, db dbm.DB, traceStore io.Writer, appOpts servertypes.AppOptions) servertypes.Application {
	opts := server.DefaultBaseappOptions(appOpts)
	if restoresSnapshot(appOpts, db) {
		// The inter-block cache (app.toml inter-block-cache, on by default)
		// keeps what was read before a state-sync snapshot is restored,
		// "not found" included, and the SDK's multistore restore does not
		// reset it. A transaction or query that reaches the node while it
		// syncs (CheckTx reads accounts, BaseApp reads consensus params)
		// then makes the first block after the restore read empty state: the
		// node computes a wrong app hash and stops. Found by the e2e
		// state-sync scenario (tests/e2e TestStateSyncJoin). A node that is
		// about to restore a snapshot runs without the cache until its next
		// restart.
		logger.Info("state sync from an empty store: inter-block cache disabled until the next restart")
		opts = append(opts, baseapp.SetInterBlockCache(nil))
	}
	return app.NewCarechainApp(logger, db, traceStore, true, appOpts, opts...)
}

// restoresSnapshot reports whether this start will restore a state-sync
// snapshot: state sync is enabled and the application store is empty
// (CometBFT only state-syncs a node with no state).
func restoresSnapshot(appOpts servertypes.AppOptions, db dbm.DB) bool {
	return cast.ToBool(appOpts.Get("statesync.enable")) && rootmulti.GetLatestVersion(db) == 0
}

// appExport loads the state at height (or the latest when -1) and exports it.
func (appCreator) appExport(
	logger log.Logger,
	db dbm.DB,
	traceStore io.Writer,
	height int64,
	forZeroHeight bool,
	jailAllowedAddrs []string,
	appOpts servertypes.AppOptions,
	modulesToExport []string,
) (servertypes.ExportedApp, error) {
	if home, _ := appOpts.Get(flags.FlagHome).(string); home == "" {
		return servertypes.ExportedApp{}, errors.New("application home is not set")
	}
	a := app.NewCarechainApp(logger, db, traceStore, height == -1, appOpts)
	if height != -1 {
		if err := a.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	return a.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}
