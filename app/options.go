package app

import (
	"github.com/spf13/cast"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
)

// EmptyAppOptions is an AppOptions that holds nothing (tests, genesis tools).
type EmptyAppOptions struct{}

// Get implements servertypes.AppOptions.
func (EmptyAppOptions) Get(string) any { return nil }

// AppOptionsWithHome is an AppOptions that knows only the home directory.
type AppOptionsWithHome string

// Get implements servertypes.AppOptions.
func (h AppOptionsWithHome) Get(key string) any {
	if key == flags.FlagHome {
		return string(h)
	}
	return nil
}

func skipUpgradeHeights(appOpts servertypes.AppOptions) map[int64]bool {
	out := make(map[int64]bool)
	if appOpts == nil {
		return out
	}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		out[int64(h)] = true
	}
	return out
}

func homePath(appOpts servertypes.AppOptions) string {
	if appOpts == nil {
		return DefaultNodeHome
	}
	if h := cast.ToString(appOpts.Get(flags.FlagHome)); h != "" {
		return h
	}
	return DefaultNodeHome
}

// FlagQueryWorkers is app.toml's carechain.query-workers: how many worker
// goroutines run the node's gRPC and REST queries (0: DefaultQueryWorkers;
// -1: none, each query runs on its caller's goroutine, as in the SDK).
const FlagQueryWorkers = "carechain.query-workers"

func queryWorkers(appOpts servertypes.AppOptions) int {
	if appOpts == nil {
		return DefaultQueryWorkers()
	}
	n := cast.ToInt(appOpts.Get(FlagQueryWorkers))
	switch {
	case n == 0:
		return DefaultQueryWorkers()
	case n < 0:
		return -1
	}
	return n
}
