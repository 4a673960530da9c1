// Package nodecache keeps IAVL tree nodes of the application database in
// memory as encoded bytes, in large chunks that hold no pointers.
//
// IAVL keeps its own cache of decoded nodes per store (iavl-cache-size
// nodes each). Every cached node is a Node, a NodeKey, four or five byte
// slices, a list element and a map entry: with the SDK's default of 781,250
// nodes per store a validator's heap holds tens of millions of objects, and
// the garbage collector marks all of them in every cycle. On a 2-core node
// one such mark takes several seconds, during which queries and blocks run
// at about half speed (docs/performance.md, "The node's tree caches").
//
// DB sits between IAVL and LevelDB. It caches the values of tree-node keys
// (s/k:<store>/s<version><nonce>) in 1 MiB byte chunks, written through on
// every write and filled on every read that misses, so that IAVL can run
// with a small decoded cache in front of it: a node that falls out of
// IAVL's cache costs a map lookup, a copy and a decode instead of a LevelDB
// read. The collector marks a chunk as one object without scanning it.
//
// The cache never answers differently from the database: every write and
// delete of a cached key goes through DB (IAVL writes through the prefix
// databases the multistore builds on top of it) and updates or drops the
// entry after the database has applied it, and a read that raced with a
// write of the same shard is not cached. Eviction is first in, first out,
// one chunk at a time.
package nodecache

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	dbm "github.com/cosmos/cosmos-db"
)

const (
	shardCount = 16
	chunkSize  = 1 << 20
	// entry header: key hash, key length, value length
	headerSize = 8 + 4 + 4
)

// MinSize is the smallest capacity New accepts: two chunks per shard.
const MinSize = shardCount * 2 * chunkSize

// DB is a dbm.DB whose tree-node reads are served from memory when they can be.
type DB struct {
	dbm.DB
	seed   maphash.Seed
	shards [shardCount]shard
	hits   atomic.Uint64
	misses atomic.Uint64

	closing   chan struct{} // closed by Close
	closeOnce sync.Once
	reporters sync.WaitGroup
}

var _ dbm.DB = (*DB)(nil)

// New wraps db with a node cache of capacity bytes (rounded down to whole
// chunks, at least MinSize). A capacity of zero or less returns db itself.
func New(db dbm.DB, capacity int) dbm.DB {
	if capacity <= 0 {
		return db
	}
	capacity = max(capacity, MinSize)
	d := &DB{DB: db, seed: maphash.MakeSeed(), closing: make(chan struct{})}
	for i := range d.shards {
		d.shards[i].init(capacity / shardCount / chunkSize)
	}
	return d
}

// Unwrap returns the database under the cache.
func (d *DB) Unwrap() dbm.DB { return d.DB }

// IsNodeKey reports whether key is an IAVL tree node's key in the
// multistore's layout: "s/k:" store name "/" 's' and 12 bytes of version and nonce.
func IsNodeKey(key []byte) bool {
	const storePrefix = "s/k:"
	if len(key) < len(storePrefix)+1+1+1+12 || !bytes.HasPrefix(key, []byte(storePrefix)) {
		return false
	}
	slash := bytes.IndexByte(key[len(storePrefix):], '/')
	if slash < 1 {
		return false
	}
	rest := key[len(storePrefix)+slash+1:]
	return len(rest) == 13 && rest[0] == 's'
}

func (d *DB) shard(key []byte) (*shard, uint64) {
	h := maphash.Bytes(d.seed, key)
	return &d.shards[h%shardCount], h
}

// Get returns the value of key, from memory for a cached tree node.
func (d *DB) Get(key []byte) ([]byte, error) {
	if !IsNodeKey(key) {
		return d.DB.Get(key)
	}
	s, h := d.shard(key)
	s.mu.Lock()
	v := s.get(h, key)
	writes := s.writes
	s.mu.Unlock()
	if v != nil {
		d.hits.Add(1)
		return v, nil
	}
	d.misses.Add(1)
	v, err := d.DB.Get(key)
	if err != nil || v == nil {
		return v, err
	}
	s.mu.Lock()
	if s.writes == writes { // no write to this shard since the lookup
		s.add(h, key, v)
	}
	s.mu.Unlock()
	return v, nil
}

// Set writes key, then caches it if it is a tree node.
func (d *DB) Set(key, value []byte) error {
	if err := d.DB.Set(key, value); err != nil {
		return err
	}
	d.written(key, value, false)
	return nil
}

// SetSync is Set with a synchronous write.
func (d *DB) SetSync(key, value []byte) error {
	if err := d.DB.SetSync(key, value); err != nil {
		return err
	}
	d.written(key, value, false)
	return nil
}

// Delete deletes key, then drops it from the cache.
func (d *DB) Delete(key []byte) error {
	if err := d.DB.Delete(key); err != nil {
		return err
	}
	d.written(key, nil, true)
	return nil
}

// DeleteSync is Delete with a synchronous write.
func (d *DB) DeleteSync(key []byte) error {
	if err := d.DB.DeleteSync(key); err != nil {
		return err
	}
	d.written(key, nil, true)
	return nil
}

// written updates the cache after the database applied a write of key.
func (d *DB) written(key, value []byte, deleted bool) {
	if IsNodeKey(key) {
		d.update(key, value, deleted)
	}
}

// update sets or drops tree node key's entry.
func (d *DB) update(key, value []byte, deleted bool) {
	s, h := d.shard(key)
	s.mu.Lock()
	s.writes++
	if deleted {
		s.remove(h, key)
	} else {
		s.add(h, key, value)
	}
	s.mu.Unlock()
}

// NewBatch returns a batch whose tree-node writes reach the cache when it is written.
func (d *DB) NewBatch() dbm.Batch {
	return &batch{Batch: d.DB.NewBatch(), db: d}
}

// NewBatchWithSize is NewBatch with a size hint.
func (d *DB) NewBatchWithSize(size int) dbm.Batch {
	return &batch{Batch: d.DB.NewBatchWithSize(size), db: d}
}

// Stats adds the cache's counters to the database's.
func (d *DB) Stats() map[string]string {
	st := d.DB.Stats()
	if st == nil {
		st = map[string]string{}
	}
	h, m := d.Counts()
	st["nodecache.hits"] = strconv.FormatUint(h, 10)
	st["nodecache.misses"] = strconv.FormatUint(m, 10)
	return st
}

// Counts returns how many tree-node reads were served from memory and how
// many went to the database.
func (d *DB) Counts() (hits, misses uint64) {
	return d.hits.Load(), d.misses.Load()
}

// Report calls fn with Counts every interval, and a last time (with final
// set) when the database is closed, before Close closes the database under
// the cache. fn runs on one goroutine of its own. Call it before Close.
func (d *DB) Report(every time.Duration, fn func(hits, misses uint64, final bool)) {
	d.reporters.Add(1)
	go func() {
		defer d.reporters.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				h, m := d.Counts()
				fn(h, m, false)
			case <-d.closing:
				h, m := d.Counts()
				fn(h, m, true)
				return
			}
		}
	}()
}

// Close stops the reporters (after their last call) and closes the
// database.
func (d *DB) Close() error {
	d.closeOnce.Do(func() { close(d.closing) })
	d.reporters.Wait()
	return d.DB.Close()
}

type op struct {
	key, value []byte // copies
	deleted    bool
}

type batch struct {
	dbm.Batch
	db  *DB
	ops []op
}

func (b *batch) Set(key, value []byte) error {
	if err := b.Batch.Set(key, value); err != nil {
		return err
	}
	if IsNodeKey(key) {
		b.record(key, value, false)
	}
	return nil
}

func (b *batch) Delete(key []byte) error {
	if err := b.Batch.Delete(key); err != nil {
		return err
	}
	if IsNodeKey(key) {
		b.record(key, nil, true)
	}
	return nil
}

// record copies the operation: callers may reuse key and value once Set returns.
func (b *batch) record(key, value []byte, deleted bool) {
	k := append([]byte(nil), key...)
	var v []byte
	if !deleted {
		v = append([]byte(nil), value...)
	}
	b.ops = append(b.ops, op{key: k, value: v, deleted: deleted})
}

func (b *batch) Write() error {
	if err := b.Batch.Write(); err != nil {
		return err
	}
	b.apply()
	return nil
}

func (b *batch) WriteSync() error {
	if err := b.Batch.WriteSync(); err != nil {
		return err
	}
	b.apply()
	return nil
}

func (b *batch) Close() error {
	b.ops = nil
	return b.Batch.Close()
}

func (b *batch) apply() {
	for _, o := range b.ops { // tree nodes only: Set and Delete recorded no other key
		b.db.update(o.key, o.value, o.deleted)
	}
	b.ops = nil
}

// shard is a ring of chunks with an index from key hash to the absolute
// position of the key's newest entry. An entry is valid while the chunk
// slot it was written into still holds the same generation.
type shard struct {
	mu     sync.Mutex
	writes uint64
	chunks [][]byte // allocated on first use
	used   []int    // bytes written into each slot
	gen    []uint64 // the generation (absolute position / chunkSize) each slot holds
	idx    map[uint64]uint64
	pos    uint64 // absolute position of the next entry
}

func (s *shard) init(n int) {
	n = max(n, 2)
	s.chunks = make([][]byte, n)
	s.used = make([]int, n)
	s.gen = make([]uint64, n)
	s.idx = make(map[uint64]uint64)
}

func (s *shard) slot(p uint64) (int, int) {
	return int((p / chunkSize) % uint64(len(s.chunks))), int(p % chunkSize)
}

// entry returns the key and value stored at p, or nil if p was overwritten.
func (s *shard) entry(p uint64) (key, value []byte) {
	i, off := s.slot(p)
	if s.chunks[i] == nil || s.gen[i] != p/chunkSize || off >= s.used[i] {
		return nil, nil
	}
	c := s.chunks[i]
	kl := int(binary.BigEndian.Uint32(c[off+8:]))
	vl := int(binary.BigEndian.Uint32(c[off+12:]))
	k := c[off+headerSize : off+headerSize+kl]
	return k, c[off+headerSize+kl : off+headerSize+kl+vl]
}

func (s *shard) get(h uint64, key []byte) []byte {
	p, ok := s.idx[h]
	if !ok {
		return nil
	}
	k, v := s.entry(p)
	if k == nil || !bytes.Equal(k, key) {
		return nil
	}
	return append(make([]byte, 0, len(v)), v...)
}

func (s *shard) remove(h uint64, key []byte) {
	p, ok := s.idx[h]
	if !ok {
		return
	}
	if k, _ := s.entry(p); k == nil || bytes.Equal(k, key) {
		delete(s.idx, h)
	}
}

func (s *shard) add(h uint64, key, value []byte) {
	size := headerSize + len(key) + len(value)
	if size > chunkSize {
		return
	}
	i, off := s.slot(s.pos)
	if off+size > chunkSize { // the rest of this chunk stays unused
		s.pos += uint64(chunkSize - off)
		i, off = s.slot(s.pos)
	}
	if off == 0 {
		s.recycle(i)
	}
	c := s.chunks[i]
	binary.BigEndian.PutUint64(c[off:], h)
	binary.BigEndian.PutUint32(c[off+8:], uint32(len(key)))
	binary.BigEndian.PutUint32(c[off+12:], uint32(len(value)))
	copy(c[off+headerSize:], key)
	copy(c[off+headerSize+len(key):], value)
	s.used[i] = off + size
	s.idx[h] = s.pos
	s.pos += uint64(size)
}

// recycle makes slot i hold the generation that starts at s.pos, dropping
// the index entries that still point into the generation it held.
func (s *shard) recycle(i int) {
	if s.chunks[i] == nil {
		s.chunks[i] = make([]byte, chunkSize)
	} else {
		c := s.chunks[i]
		base := s.gen[i] * chunkSize
		for off := 0; off < s.used[i]; {
			h := binary.BigEndian.Uint64(c[off:])
			if p, ok := s.idx[h]; ok && p == base+uint64(off) {
				delete(s.idx, h)
			}
			off += headerSize + int(binary.BigEndian.Uint32(c[off+8:])) + int(binary.BigEndian.Uint32(c[off+12:]))
		}
	}
	s.used[i] = 0
	s.gen[i] = s.pos / chunkSize
}
