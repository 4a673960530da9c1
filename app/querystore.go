package app

import (
	"context"
	"sync"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/store/cachemulti"
	"cosmossdk.io/store/iavl"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"
)

// queryMultiStore is the multistore gRPC, REST and ABCI queries read from
// (BaseApp.SetQueryMultiStore). It is the commit multistore with two costs
// of the SDK's per-query set-up taken out, both of which change only once
// per block:
//
//   - LatestVersion: rootmulti answers it by re-hashing the commit info
//     (a Merkle root over every store's commit ID) on each call, and
//     BaseApp asks twice per query. Here it is a number updated when a block
//     commits.
//   - CacheMultiStoreWithVersion for the latest version: rootmulti loads an
//     immutable IAVL tree for every mounted store on each call (a database
//     read of each store's root). Here the trees of the latest version are
//     loaded once and shared by every query until the next commit; each
//     query still gets its own cache layer over them, so nothing a query
//     does is seen by another.
//
// Queries at an older height, and any store set-up this does not handle
// (tracing, listeners, a store missing at that version), go to rootmulti
// unchanged. An immutable IAVL tree is safe for concurrent reads (queries
// already share its node database and node cache).
type queryMultiStore struct {
	*rootmulti.Store
	db dbm.DB

	// latest is the last committed version, set by ListenCommit right
	// after the commit multistore commits (before BaseApp resets its check
	// state to the new height); 0 until the first commit this process sees.
	latest atomic.Int64

	mu   sync.Mutex // serialises building snap
	snap atomic.Pointer[queryStores]
}

// queryStores are the read-only stores of one committed version.
type queryStores struct {
	version int64
	stores  map[storetypes.StoreKey]storetypes.CacheWrapper
}

var (
	_ storetypes.MultiStore   = (*queryMultiStore)(nil)
	_ storetypes.ABCIListener = (*queryMultiStore)(nil)
)

func newQueryMultiStore(rs *rootmulti.Store, db dbm.DB) *queryMultiStore {
	return &queryMultiStore{Store: rs, db: db}
}

// LatestVersion implements storetypes.MultiStore.
func (q *queryMultiStore) LatestVersion() int64 {
	if v := q.latest.Load(); v > 0 {
		return v
	}
	return q.Store.LatestVersion()
}

// CacheMultiStoreWithVersion implements storetypes.MultiStore.
func (q *queryMultiStore) CacheMultiStoreWithVersion(version int64) (storetypes.CacheMultiStore, error) {
	if version <= 0 || version != q.latest.Load() || q.TracingEnabled() {
		return q.Store.CacheMultiStoreWithVersion(version)
	}
	s := q.snap.Load()
	if s == nil || s.version != version {
		var ok bool
		if s, ok = q.load(version); !ok {
			return q.Store.CacheMultiStoreWithVersion(version)
		}
	}
	return cachemulti.NewStore(q.db, s.stores, q.StoreKeysByName(), nil, nil), nil
}

// load opens the immutable stores of version, or reports false when
// rootmulti must do it (a store without that version, a listener).
func (q *queryMultiStore) load(version int64) (*queryStores, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if s := q.snap.Load(); s != nil && s.version == version {
		return s, true
	}
	keys := q.StoreKeysByName()
	stores := make(map[storetypes.StoreKey]storetypes.CacheWrapper, len(keys))
	for _, key := range keys {
		if q.ListeningEnabled(key) {
			return nil, false
		}
		store := q.GetCommitKVStore(key)
		if store == nil {
			return nil, false
		}
		if store.GetStoreType() != storetypes.StoreTypeIAVL {
			stores[key] = store
			continue
		}
		ist, ok := store.(*iavl.Store)
		if !ok {
			return nil, false
		}
		imm, err := ist.GetImmutable(version)
		if err != nil {
			return nil, false
		}
		stores[key] = imm
	}
	s := &queryStores{version: version, stores: stores}
	q.snap.Store(s)
	return s, true
}

// ListenFinalizeBlock implements storetypes.ABCIListener.
func (q *queryMultiStore) ListenFinalizeBlock(context.Context, abci.RequestFinalizeBlock, abci.ResponseFinalizeBlock) error {
	return nil
}

// ListenCommit implements storetypes.ABCIListener: BaseApp calls it right
// after the commit multistore has committed the block.
func (q *queryMultiStore) ListenCommit(context.Context, abci.ResponseCommit, []*storetypes.StoreKVPair) error {
	q.latest.Store(q.Store.LatestVersion())
	return nil
}
