package cmd

import (
	"fmt"
	"path/filepath"
	"time"

	"cosmossdk.io/log"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/spf13/cast"
	"github.com/spf13/cobra"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/nodecache"
)

// LevelDB caches of the application database. goleveldb's defaults (8 MiB
// of block cache, 4 MiB write buffer) are sized for a small key-value store:
// with a few hundred thousand consents and records in state, every IAVL
// fast-node iterator a query opens (CheckAccess and a record list open
// one each) misses the block cache and decompresses its blocks again. 128 MiB
// holds the hot part of a consortium's state; see docs/performance.md.
//
// The write side is sized for a chain whose stores keep growing (records,
// consents, claims with their index keys, written at random places in the
// key space): goleveldb's defaults (2 MiB tables, a 10 MiB level 1) give a
// few hundred MiB of state five levels, and every block's keys are rewritten
// once per level on the way down. 8 MiB tables and a 64 MiB level 1 take
// one to two levels off. Seek-triggered compactions are off, as in
// go-ethereum: under query load they rewrite tables that no write touched.
// Writes slow down at 16 level-0 files and pause at 32 (goleveldb: 8 and
// 12), so that a burst of large blocks is not throttled while the single
// compaction thread catches up. Measured together in docs/performance.md
// ("The node's slowdown over a run").
const (
	appDBBlockCache  = 128 << 20
	appDBWriteBuffer = 64 << 20
	appDBTableSize   = 8 << 20
	appDBLevel1Size  = 64 << 20
	appDBL0Slowdown  = 16
	appDBL0Pause     = 32
)

// startNodeCache is the node cache `carechaind start` puts in front of the
// application database, in bytes (app.toml's carechain.node-cache-mib, read
// by tuneStartAppDB before the database is opened).
var startNodeCache = app.DefaultNodeCacheMiB << 20

// startLogger is the logger of `carechaind start` (set by tuneStartAppDB),
// for the node cache's hit-rate lines; nil outside start.
var startLogger log.Logger

// nodeCacheReportEvery is how often the node logs its node cache's hit rate
// (and once more when it stops).
const nodeCacheReportEvery = 5 * time.Minute

// openAppDB opens data/application.db as the SDK does (server.openDB), with
// larger LevelDB caches when the backend is goleveldb, behind the node cache
// (package nodecache) unless app.toml turns it off.
func openAppDB(rootDir string, backend dbm.BackendType) (dbm.DB, error) {
	db, err := openAppDBBackend(rootDir, backend)
	if err != nil {
		return nil, err
	}
	db = nodecache.New(db, startNodeCache)
	if c, ok := db.(*nodecache.DB); ok && startLogger != nil {
		c.Report(nodeCacheReportEvery, nodeCacheReporter(startLogger, nodeCacheReportEvery))
	}
	return db, nil
}

// nodeCacheReporter returns the node cache's Report function: one log line
// per interval with the share of tree-node reads served from memory, in the
// interval and since start, and one at shutdown with the total. An operator
// whose share stays low raises node-cache-mib.
func nodeCacheReporter(logger log.Logger, every time.Duration) func(hits, misses uint64, final bool) {
	var lastHits, lastMisses uint64
	share := func(h, m uint64) string {
		if h+m == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f %%", 100*float64(h)/float64(h+m))
	}
	return func(hits, misses uint64, final bool) {
		if final {
			logger.Info(fmt.Sprintf("application database: node cache served %s of %d tree-node reads since start", share(hits, misses), hits+misses))
			return
		}
		h, m := hits-lastHits, misses-lastMisses
		lastHits, lastMisses = hits, misses
		logger.Info(fmt.Sprintf("application database: node cache served %s of %d tree-node reads in the last %s (%s of %d since start)",
			share(h, m), h+m, every, share(hits, misses), hits+misses))
	}
}

func openAppDBBackend(rootDir string, backend dbm.BackendType) (dbm.DB, error) {
	dataDir := filepath.Join(rootDir, "data")
	if backend != dbm.GoLevelDBBackend {
		return dbm.NewDB("application", backend, dataDir)
	}
	return dbm.NewGoLevelDBWithOpts("application", dataDir, &opt.Options{
		Filter:                 filter.NewBloomFilter(10), // as cosmos-db's default
		BlockCacheCapacity:     appDBBlockCache,
		WriteBuffer:            appDBWriteBuffer,
		CompactionTableSize:    appDBTableSize,
		CompactionTotalSize:    appDBLevel1Size,
		DisableSeeksCompaction: true,
		WriteL0SlowdownTrigger: appDBL0Slowdown,
		WriteL0PauseTrigger:    appDBL0Pause,
	})
}

// tuneStartAppDB makes `carechaind start` read carechain.node-cache-mib from
// app.toml before it opens the application database, and log what it uses.
func tuneStartAppDB(rootCmd *cobra.Command) {
	start := beforeStart(rootCmd, "the node cache", func(cmd *cobra.Command) {
		sctx := server.GetServerContextFromCmd(cmd)
		startNodeCache = app.NodeCacheBytes(sctx.Viper)
		startLogger = sctx.Logger
		sctx.Logger.Info(fmt.Sprintf("application database: node cache %d MiB (carechain.node-cache-mib), iavl-cache-size %d",
			startNodeCache>>20, cast.ToUint64(sctx.Viper.Get(server.FlagIAVLCacheSize))))
	})
	start.Long += fmt.Sprintf("\n\nThe node keeps the IAVL tree nodes of its application database in a node cache of\n"+
		"app.toml's [carechain] node-cache-mib MiB (0: %d, -1: off), behind IAVL's own iavl-cache-size.\n"+
		"Every %s, and when it stops, it logs the share of tree-node reads the cache served\n"+
		"(\"application database: node cache served ...\").", app.DefaultNodeCacheMiB, nodeCacheReportEvery)
}
