package loadgen

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/iavl"

	"cosmossdk.io/log"
	iavlstore "cosmossdk.io/store/iavl"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/baseapp"

	"github.com/carechain/carechain/app"
)

// StateGrowth is the cost in state of one workload's item.
type StateGrowth struct {
	Workload string `json:"workload"`
	Item     string `json:"item"`
	// Store is the KV store that holds the items.
	Store string `json:"store"`
	// Items is how many were added (transactions committed with code 0).
	Items int `json:"items"`
	// DiskBytesPerItem is the growth of data/application.db (compacted, after
	// a clean stop) divided by Items.
	DiskBytesPerItem float64 `json:"disk_bytes_per_item"`
	// LogicalBytesPerItem is the growth of the sum of key and value lengths
	// in Store (the item and its indexes), divided by Items.
	LogicalBytesPerItem float64 `json:"logical_bytes_per_item"`
	// LogicalAllStores is the same over every store (it adds what each
	// block writes whatever it holds, such as staking's historical info).
	LogicalAllStores float64 `json:"logical_bytes_per_item_all_stores"`
	// Ratio is disk / logical (the item's store).
	Ratio float64 `json:"ratio"`
	// LogicalByStore breaks the logical growth per item down by store.
	LogicalByStore  map[string]float64 `json:"logical_bytes_per_item_by_store"`
	DiskBytesBefore int64              `json:"disk_bytes_before"`
	DiskBytesAfter  int64              `json:"disk_bytes_after"`
	Tx              TxStats            `json:"tx"`
}

// stateSize is a snapshot of the application database of a stopped node.
type stateSize struct {
	disk    int64
	logical map[string]int64
	// unpruned names the stores that could not drop their old versions
	// (pruneStores).
	unpruned []string
}

// measureState measures the live state of a stopped node: it deletes every
// IAVL version but the latest (synchronously; the node's own pruning runs
// in the background and may be cut short by the stop), sums the key and
// value bytes of every KV store, compacts data/application.db and measures
// its files. The node can be restarted afterwards: it needs only the
// latest version.
func measureState(home, backend string) (stateSize, error) {
	dataDir := filepath.Join(home, "data")
	db, err := dbm.NewDB("application", dbm.BackendType(backend), dataDir)
	if err != nil {
		return stateSize{}, fmt.Errorf("opening application database: %w", err)
	}
	a := app.NewCarechainApp(log.NewNopLogger(), db, nil, true, app.AppOptionsWithHome(home), baseapp.SetIAVLSyncPruning(true))
	cms, ok := a.CommitMultiStore().(*rootmulti.Store)
	if !ok {
		db.Close()
		return stateSize{}, fmt.Errorf("unexpected commit multistore %T", a.CommitMultiStore())
	}
	var unpruned []string
	if latest := cms.LastCommitID().Version; latest > 1 {
		if unpruned, err = pruneStores(cms, a.KVStoreKeys(), latest-1); err != nil {
			db.Close()
			return stateSize{}, err
		}
	}
	logical := map[string]int64{}
	keys := a.KVStoreKeys()
	for _, name := range sortedStoreNames(keys) {
		store := a.CommitMultiStore().GetCommitKVStore(keys[name])
		it := store.Iterator(nil, nil)
		var n int64
		for ; it.Valid(); it.Next() {
			n += int64(len(it.Key()) + len(it.Value()))
		}
		err := it.Close()
		if err != nil {
			db.Close()
			return stateSize{}, err
		}
		logical[name] = n
	}
	if err := db.Close(); err != nil {
		return stateSize{}, err
	}

	disk, err := compactApplicationDB(dataDir, backend)
	if err != nil {
		return stateSize{}, err
	}
	return stateSize{disk: disk, logical: logical, unpruned: unpruned}, nil
}

// pruneStores deletes every version up to and including to from each IAVL
// store, store by store. A node stopped while its own background pruning
// was under way can leave a version without its root in a store; IAVL
// since 1.2.5 logs that and prunes on past it (what the version still
// held is lost to pruning and stays in the disk figure). Should a store
// still report iavl.ErrVersionDoesNotExist, it keeps its old versions
// (their bytes stay in the disk figure, which can only raise the
// disk/logical ratio), the other stores are pruned (rootmulti's
// PruneStores would stop at it, in map order), and it is returned by name
// so that the run can say so.
func pruneStores(cms *rootmulti.Store, keys map[string]*storetypes.KVStoreKey, to int64) ([]string, error) {
	var unpruned []string
	for _, name := range sortedStoreNames(keys) {
		st, ok := cms.GetCommitKVStore(keys[name]).(*iavlstore.Store)
		if !ok {
			continue
		}
		if err := st.DeleteVersionsTo(to); err != nil {
			if errors.Is(err, iavl.ErrVersionDoesNotExist) {
				unpruned = append(unpruned, name)
				continue
			}
			return nil, fmt.Errorf("pruning store %s to version %d: %w", name, to, err)
		}
	}
	return unpruned, nil
}

// sortedStoreNames returns the names of keys in order.
func sortedStoreNames(keys map[string]*storetypes.KVStoreKey) []string {
	names := make([]string, 0, len(keys))
	for name := range keys {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// compactApplicationDB compacts the stopped node's data/application.db
// (goleveldb or pebbledb) until its size settles and returns that size. One
// full compaction does not always drop every deleted node (pruning deletes
// may just have been written), hence the passes.
func compactApplicationDB(dataDir, backend string) (int64, error) {
	var disk int64
	for pass := 0; pass < 5; pass++ {
		if err := compactOnce(dataDir, backend); err != nil {
			return 0, fmt.Errorf("compacting: %w", err)
		}
		size, err := dirSize(filepath.Join(dataDir, "application.db"))
		if err != nil {
			return 0, err
		}
		settled := pass > 0 && size >= disk-disk/1000
		disk = size
		if settled {
			break
		}
	}
	return disk, nil
}

func compactOnce(dataDir, backend string) error {
	switch dbm.BackendType(backend) {
	case dbm.GoLevelDBBackend, "":
		ldb, err := dbm.NewGoLevelDB("application", dataDir, nil)
		if err != nil {
			return err
		}
		if err := ldb.ForceCompact(nil, nil); err != nil {
			ldb.Close()
			return err
		}
		return ldb.Close()
	case dbm.PebbleDBBackend:
		db, err := dbm.NewPebbleDB("application", dataDir, nil)
		if err != nil {
			return err
		}
		pdb := db.(*dbm.PebbleDB).DB()
		// Every key of the application database starts with a printable
		// prefix ("s/k:<store>/", "s/latest", ...), so this covers all.
		if err := pdb.Compact([]byte{0}, bytes.Repeat([]byte{0xff}, 32), true); err != nil {
			db.Close()
			return err
		}
		return db.Close()
	default:
		return fmt.Errorf("unsupported application database backend %q", backend)
	}
}

func growth(before, after stateSize, items int) (disk, logical float64, byStore map[string]float64) {
	if items == 0 {
		return 0, 0, nil
	}
	byStore = map[string]float64{}
	var total int64
	for name, a := range after.logical {
		d := a - before.logical[name]
		total += d
		if d != 0 {
			byStore[name] = round2(float64(d) / float64(items))
		}
	}
	return round2(float64(after.disk-before.disk) / float64(items)), round2(float64(total) / float64(items)), byStore
}
