package cmd

import (
	"errors"
	"io"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"

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
	return app.NewCarechainApp(logger, db, traceStore, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
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
