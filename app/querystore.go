package app

import (
	"context"
	"fmt"
	"io"
	"maps"
	"sync"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"

	"cosmossdk.io/store/cachekv"
	"cosmossdk.io/store/iavl"
	"cosmossdk.io/store/rootmulti"
	"cosmossdk.io/store/tracekv"
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
//     does is seen by another. That layer is made for a store only when the
//     query first reads it (queryBranch): rootmulti's cachemulti makes one
//     for every mounted store, about 7.5 KB of garbage per query, although
//     a query reads one or two stores.
//
// Queries at an older height, and any store set-up this does not handle
// (tracing, listeners, a store missing at that version), go to rootmulti
// unchanged. An immutable IAVL tree is safe for concurrent reads (queries
// already share its node database and node cache).
type queryMultiStore struct {
	*rootmulti.Store

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

func newQueryMultiStore(rs *rootmulti.Store) *queryMultiStore {
	return &queryMultiStore{Store: rs}
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
	return newQueryBranch(s.lookup), nil
}

func (s *queryStores) lookup(key storetypes.StoreKey) (storetypes.KVStore, bool) {
	st, ok := s.stores[key].(storetypes.KVStore)
	return st, ok
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

// queryBranch is one query's branch of the latest version's stores
// (storetypes.CacheMultiStore): it gives each store a cache layer
// (cachekv) the first time the query asks for it, where cachemulti makes
// one for every mounted store up front. What a query may do with it is
// what it may do with cachemulti's: read and write its own layer, branch
// it again (CacheMultiStore), and Write a branch into its parent. Like
// cachemulti, it cannot load another version and has no latest version.
type queryBranch struct {
	parent func(storetypes.StoreKey) (storetypes.KVStore, bool)

	mu     sync.Mutex
	stores []branchStore // in the order first asked for; a query reads few

	traceWriter  io.Writer
	traceContext storetypes.TraceContext
}

type branchStore struct {
	key   storetypes.StoreKey
	store storetypes.CacheKVStore
}

var _ storetypes.CacheMultiStore = (*queryBranch)(nil)

func newQueryBranch(parent func(storetypes.StoreKey) (storetypes.KVStore, bool)) *queryBranch {
	return &queryBranch{parent: parent}
}

// kvStore returns key's cache layer, making it on first use.
func (b *queryBranch) kvStore(key storetypes.StoreKey) (storetypes.KVStore, bool) {
	if key == nil {
		return nil, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.stores {
		if s.key == key {
			return s.store, true
		}
	}
	parent, ok := b.parent(key)
	if !ok || parent == nil {
		return nil, false
	}
	if b.traceWriter != nil {
		tctx := b.traceContext.Clone().Merge(storetypes.TraceContext{"store_name": key.Name()})
		parent = tracekv.NewStore(parent, b.traceWriter, tctx)
	}
	cs := cachekv.NewStore(parent)
	b.stores = append(b.stores, branchStore{key: key, store: cs})
	return cs, true
}

// GetKVStore implements storetypes.MultiStore; like cachemulti, it panics
// for a store that is not mounted.
func (b *queryBranch) GetKVStore(key storetypes.StoreKey) storetypes.KVStore {
	s, ok := b.kvStore(key)
	if !ok {
		panic(fmt.Sprintf("kv store with key %v has not been registered in stores", key))
	}
	return s
}

// GetStore implements storetypes.MultiStore.
func (b *queryBranch) GetStore(key storetypes.StoreKey) storetypes.Store {
	return b.GetKVStore(key)
}

// Write implements storetypes.CacheMultiStore: it writes every layer made
// so far into its parent.
func (b *queryBranch) Write() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.stores {
		s.store.Write()
	}
}

// CacheMultiStore implements storetypes.MultiStore: a branch of this
// branch.
func (b *queryBranch) CacheMultiStore() storetypes.CacheMultiStore {
	return newQueryBranch(b.kvStore)
}

// CacheWrap implements storetypes.CacheWrapper.
func (b *queryBranch) CacheWrap() storetypes.CacheWrap {
	return b.CacheMultiStore()
}

// CacheWrapWithTrace implements storetypes.CacheWrapper.
func (b *queryBranch) CacheWrapWithTrace(io.Writer, storetypes.TraceContext) storetypes.CacheWrap {
	return b.CacheWrap()
}

// CacheMultiStoreWithVersion implements storetypes.MultiStore; a branch
// cannot load another version (as cachemulti).
func (b *queryBranch) CacheMultiStoreWithVersion(int64) (storetypes.CacheMultiStore, error) {
	panic("cannot branch cached multi-store with a version")
}

// GetStoreType implements storetypes.Store.
func (b *queryBranch) GetStoreType() storetypes.StoreType { return storetypes.StoreTypeMulti }

// TracingEnabled implements storetypes.MultiStore.
func (b *queryBranch) TracingEnabled() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.traceWriter != nil
}

// SetTracer implements storetypes.MultiStore: stores first read after it
// are traced to w.
func (b *queryBranch) SetTracer(w io.Writer) storetypes.MultiStore {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.traceWriter = w
	return b
}

// SetTracingContext implements storetypes.MultiStore (merged, as
// cachemulti does).
func (b *queryBranch) SetTracingContext(tc storetypes.TraceContext) storetypes.MultiStore {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.traceContext != nil {
		maps.Copy(b.traceContext, tc)
	} else {
		b.traceContext = tc
	}
	return b
}

// LatestVersion implements storetypes.MultiStore; a branch has none (as
// cachemulti).
func (b *queryBranch) LatestVersion() int64 {
	panic("cannot get latest version from branch cached multi-store")
}
