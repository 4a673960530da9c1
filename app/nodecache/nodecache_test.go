package nodecache

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/iavl"
	idb "github.com/cosmos/iavl/db"
	"github.com/stretchr/testify/require"
)

func nodeKey(store string, version int64, nonce uint32) []byte {
	k := []byte("s/k:" + store + "/s")
	k = binary.BigEndian.AppendUint64(k, uint64(version))
	return binary.BigEndian.AppendUint32(k, nonce)
}

func TestIsNodeKey(t *testing.T) {
	require.True(t, IsNodeKey(nodeKey("consent", 7, 1)))
	require.True(t, IsNodeKey(nodeKey("a", 1, 1)))
	for _, k := range [][]byte{
		nil,
		[]byte("s/latest"),
		[]byte("s/k:consent/m" + "xxxxxxxxxxxx"), // IAVL metadata
		append([]byte("s/k:consent/f"), make([]byte, 12)...),     // a fast node
		append([]byte("s/k:consent/s"), make([]byte, 11)...),     // too short
		append([]byte("s/k:consent/s"), make([]byte, 13)...),     // too long
		append([]byte("s/k:/s"), make([]byte, 12)...),            // no store name
		append([]byte("x/k:consent/s"), make([]byte, 12)...),     // not the multistore's prefix
		append([]byte("s/k:consent/n"), make([]byte, 32)...),     // a legacy node
		append([]byte("s/k:consent/fab/s"), make([]byte, 12)...), // a fast node whose key has a slash
	} {
		require.False(t, IsNodeKey(k), "%q", k)
	}
}

// counting records the reads that reach the database under the cache.
type counting struct {
	dbm.DB
	mu     sync.Mutex
	gets   int
	closed bool
}

func (c *counting) Close() error {
	c.closed = true
	return c.DB.Close()
}

func (c *counting) Get(key []byte) ([]byte, error) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return c.DB.Get(key)
}

func TestReadsAfterWritesComeFromMemory(t *testing.T) {
	under := &counting{DB: dbm.NewMemDB()}
	db := New(under, MinSize).(*DB)
	k1, k2, other := nodeKey("bank", 1, 1), nodeKey("bank", 1, 2), []byte("s/k:bank/f-some-fast-node")

	b := db.NewBatch()
	require.NoError(t, b.Set(k1, []byte("one")))
	require.NoError(t, b.Set(other, []byte("fast")))
	// not visible before the batch is written
	v, err := db.Get(k1)
	require.NoError(t, err)
	require.Nil(t, v)
	require.NoError(t, b.Write())
	require.NoError(t, b.Close())
	require.NoError(t, db.Set(k2, []byte("two")))

	under.gets = 0
	for _, c := range []struct{ k, v []byte }{{k1, []byte("one")}, {k2, []byte("two")}} {
		v, err := db.Get(c.k)
		require.NoError(t, err)
		require.Equal(t, c.v, v)
		v[0] = 'X' // the caller owns what it gets
	}
	require.Equal(t, 0, under.gets, "cached node reads reached the database")
	v, err = db.Get(k1)
	require.NoError(t, err)
	require.Equal(t, []byte("one"), v)
	v, err = db.Get(other)
	require.NoError(t, err)
	require.Equal(t, []byte("fast"), v)
	require.Equal(t, 1, under.gets, "only the non-node read reaches the database")

	// a delete is seen at once, through a batch or directly
	b = db.NewBatch()
	require.NoError(t, b.Delete(k1))
	require.NoError(t, b.Write())
	require.NoError(t, db.Delete(k2))
	for _, k := range [][]byte{k1, k2} {
		v, err := db.Get(k)
		require.NoError(t, err)
		require.Nil(t, v)
	}

	// a node written underneath before the cache existed is read once, then cached
	k3 := nodeKey("bank", 2, 1)
	require.NoError(t, under.Set(k3, []byte("three")))
	under.gets = 0
	for range 3 {
		v, err := db.Get(k3)
		require.NoError(t, err)
		require.Equal(t, []byte("three"), v)
	}
	require.Equal(t, 1, under.gets)
	hits, misses := db.Counts()
	require.Positive(t, hits)
	require.Positive(t, misses)
	require.Equal(t, fmt.Sprint(hits), db.Stats()["nodecache.hits"])
}

func TestReportRunsUntilClose(t *testing.T) {
	under := &counting{DB: dbm.NewMemDB()}
	db := New(under, MinSize).(*DB)
	k := nodeKey("bank", 1, 1)
	require.NoError(t, db.Set(k, []byte("one")))

	type call struct {
		hits, misses uint64
		final        bool
	}
	calls := make(chan call, 1000)
	db.Report(time.Millisecond, func(h, m uint64, final bool) { calls <- call{h, m, final} })
	first := <-calls // a tick comes before Close
	require.False(t, first.final)

	for range 3 {
		_, err := db.Get(k)
		require.NoError(t, err)
	}
	_, err := db.Get(nodeKey("bank", 9, 9)) // not there: a miss
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.True(t, under.closed, "Close closes the database under the cache")

	// the last call, made before Close returned, has every read and is final
	var last call
	for len(calls) > 0 {
		last = <-calls
	}
	require.Equal(t, call{hits: 3, misses: 1, final: true}, last)
	require.NoError(t, db.Close(), "a second Close")
}

func TestUnwrittenBatchLeavesTheCacheAlone(t *testing.T) {
	db := New(dbm.NewMemDB(), MinSize)
	k := nodeKey("records", 3, 1)
	require.NoError(t, db.Set(k, []byte("kept")))
	b := db.NewBatch()
	require.NoError(t, b.Set(k, []byte("discarded")))
	require.NoError(t, b.Close())
	v, err := db.Get(k)
	require.NoError(t, err)
	require.Equal(t, []byte("kept"), v)
}

// One shard, two chunks: old entries are evicted a chunk at a time and the
// index never outgrows what the chunks hold.
func TestShardEvictsOldestChunk(t *testing.T) {
	var s shard
	s.init(2)
	val := bytes.Repeat([]byte{7}, 1000)
	const n = 10_000 // about 10 MB through 2 MiB
	for i := range n {
		k := nodeKey("s", int64(i), 1)
		s.add(uint64(i)*0x9e3779b97f4a7c15, k, val)
	}
	per := chunkSize / (headerSize + 17 + len(val))
	require.LessOrEqual(t, len(s.idx), 2*per)
	for i := n - per/2; i < n; i++ {
		require.Equal(t, val, s.get(uint64(i)*0x9e3779b97f4a7c15, nodeKey("s", int64(i), 1)), "recent entry %d", i)
	}
	for i := range n - 2*per {
		require.Nil(t, s.get(uint64(i)*0x9e3779b97f4a7c15, nodeKey("s", int64(i), 1)), "old entry %d", i)
	}
	// an entry larger than a chunk is not cached, and breaks nothing
	s.add(1, nodeKey("s", 1, 9), make([]byte, chunkSize))
	require.Nil(t, s.get(1, nodeKey("s", 1, 9)))
	// two keys with one hash: the second replaces the first, never answers for it
	s.add(42, nodeKey("s", 1, 42), []byte("a"))
	s.add(42, nodeKey("s", 2, 42), []byte("b"))
	require.Nil(t, s.get(42, nodeKey("s", 1, 42)))
	require.Equal(t, []byte("b"), s.get(42, nodeKey("s", 2, 42)))
}

// Random writes, deletes, batches and reads, from several goroutines, with
// enough data to wrap every shard's ring: the cached database always answers
// as the database under it does.
func TestAnswersAsTheDatabase(t *testing.T) {
	under := dbm.NewMemDB()
	db := New(under, MinSize)
	const keys = 3000
	val := func(r *rand.Rand) []byte {
		v := make([]byte, 200+r.Intn(20_000))
		r.Read(v)
		return v
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			for range 6000 {
				// each goroutine writes its own keys, reads everyone's
				k := nodeKey(fmt.Sprintf("st%d", w), int64(r.Intn(keys)), 1)
				switch x := r.Intn(10); {
				case x < 3:
					require.NoError(t, db.Set(k, val(r)))
				case x < 4:
					require.NoError(t, db.Delete(k))
				case x < 6:
					b := db.NewBatch()
					for range 5 {
						kk := nodeKey(fmt.Sprintf("st%d", w), int64(r.Intn(keys)), 1)
						if r.Intn(4) == 0 {
							require.NoError(t, b.Delete(kk))
						} else {
							require.NoError(t, b.Set(kk, val(r)))
						}
					}
					require.NoError(t, b.Write())
					require.NoError(t, b.Close())
				default:
					got, err := db.Get(k)
					require.NoError(t, err)
					want, err := under.Get(k)
					require.NoError(t, err)
					require.Equal(t, want, got)
					o := nodeKey(fmt.Sprintf("st%d", r.Intn(4)), int64(r.Intn(keys)), 1)
					_, err = db.Get(o)
					require.NoError(t, err)
				}
			}
		}()
	}
	wg.Wait()
	for w := range 4 {
		for i := range keys {
			k := nodeKey(fmt.Sprintf("st%d", w), int64(i), 1)
			got, err := db.Get(k)
			require.NoError(t, err)
			want, err := under.Get(k)
			require.NoError(t, err)
			require.Equal(t, want, got, "key %x", k)
		}
	}
}

// IAVL with a small decoded cache over the node cache computes the same
// trees as IAVL over the bare database, through saves, overwrites, deletes
// and pruning, and reads its nodes from memory.
func TestIAVLOnTheCache(t *testing.T) {
	plain := dbm.NewMemDB()
	under := &counting{DB: dbm.NewMemDB()}
	cached := New(under, MinSize).(*DB)
	open := func(db dbm.DB, cacheSize int) *iavl.MutableTree {
		return iavl.NewMutableTree(idb.NewWrapper(dbm.NewPrefixDB(db, []byte("s/k:test/"))), cacheSize, false, iavl.NewNopLogger())
	}
	want, got := open(plain, 100_000), open(cached, 16)
	r := rand.New(rand.NewSource(1))
	for v := int64(1); v <= 60; v++ {
		for range 300 {
			k := fmt.Appendf(nil, "key-%05d", r.Intn(5000))
			if r.Intn(5) == 0 {
				_, _, err := want.Remove(k)
				require.NoError(t, err)
				_, _, err = got.Remove(k)
				require.NoError(t, err)
				continue
			}
			val := fmt.Appendf(nil, "value-%d-%d", v, r.Int())
			_, err := want.Set(k, val)
			require.NoError(t, err)
			_, err = got.Set(k, val)
			require.NoError(t, err)
		}
		h1, _, err := want.SaveVersion()
		require.NoError(t, err)
		h2, _, err := got.SaveVersion()
		require.NoError(t, err)
		require.Equal(t, h1, h2, "version %d", v)
		if v%10 == 0 { // prune as "everything" does
			require.NoError(t, want.DeleteVersionsTo(v-2))
			require.NoError(t, got.DeleteVersionsTo(v-2))
		}
	}
	// reopened from disk with the same small cache: same tree, same values
	reopened := open(cached, 16)
	_, err := reopened.Load()
	require.NoError(t, err)
	require.Equal(t, want.Hash(), reopened.Hash())
	for i := range 5000 {
		k := fmt.Appendf(nil, "key-%05d", i)
		a, err := want.Get(k)
		require.NoError(t, err)
		b, err := reopened.Get(k)
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
	hits, misses := cached.Counts()
	require.Greater(t, hits, 10*misses, "hits %d, misses %d", hits, misses)
}
