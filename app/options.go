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

// FlagNodeCacheMiB is app.toml's carechain.node-cache-mib: memory for the
// application database's tree nodes, in MiB (0: DefaultNodeCacheMiB; -1:
// no node cache). See package nodecache.
const FlagNodeCacheMiB = "carechain.node-cache-mib"

// DefaultNodeCacheMiB is the node cache of a node whose app.toml does not set one.
const DefaultNodeCacheMiB = 1024

// DefaultIAVLCacheSize is the iavl-cache-size (decoded nodes per store) that
// carechaind writes into new homes, instead of the SDK's 781,250: with the
// node cache behind it, a smaller decoded cache costs little and leaves the
// garbage collector far fewer objects to mark (docs/performance.md).
const DefaultIAVLCacheSize = 100_000

// NodeCacheBytes is the node cache app.toml asks for, in bytes (0: none).
func NodeCacheBytes(appOpts servertypes.AppOptions) int {
	return max(sizeSetting(appOpts, FlagNodeCacheMiB, DefaultNodeCacheMiB), 0) << 20
}

func queryWorkers(appOpts servertypes.AppOptions) int {
	return sizeSetting(appOpts, FlagQueryWorkers, DefaultQueryWorkers())
}

// sizeSetting reads one of [carechain]'s sizes: 0 or absent is def, any
// negative value is -1 (off), anything else is itself.
func sizeSetting(appOpts servertypes.AppOptions, key string, def int) int {
	n := 0
	if appOpts != nil {
		n = cast.ToInt(appOpts.Get(key))
	}
	switch {
	case n == 0:
		return def
	case n < 0:
		return -1
	}
	return n
}
