package cmd

import (
	"path/filepath"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// LevelDB caches of the application database. goleveldb's defaults (8 MiB
// of block cache, 4 MiB write buffer) are sized for a small key-value store:
// with a few hundred thousand consents and records in state, every IAVL
// fast-node iterator a query opens (CheckAccess and a record list open
// one each) misses the block cache and decompresses its blocks again. 128 MiB
// holds the hot part of a consortium's state; see docs/performance.md.
const (
	appDBBlockCache  = 128 << 20
	appDBWriteBuffer = 16 << 20
)

// openAppDB opens data/application.db as the SDK does (server.openDB), with
// larger LevelDB caches when the backend is goleveldb.
func openAppDB(rootDir string, backend dbm.BackendType) (dbm.DB, error) {
	dataDir := filepath.Join(rootDir, "data")
	if backend != dbm.GoLevelDBBackend {
		return dbm.NewDB("application", backend, dataDir)
	}
	return dbm.NewGoLevelDBWithOpts("application", dataDir, &opt.Options{
		Filter:             filter.NewBloomFilter(10), // as cosmos-db's default
		BlockCacheCapacity: appDBBlockCache,
		WriteBuffer:        appDBWriteBuffer,
	})
}
