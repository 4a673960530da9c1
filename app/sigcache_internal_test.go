package app

import "testing"

func TestSigCacheEvictsOldest(t *testing.T) {
	c := newSigCache(2)
	k := func(b byte) [32]byte { return [32]byte{b} }
	c.add(k(1))
	c.add(k(2))
	c.add(k(3)) // evicts 1
	if c.take(k(1)) {
		t.Fatal("the oldest entry survived eviction")
	}
	if !c.take(k(2)) || !c.take(k(3)) {
		t.Fatal("recent entries were lost")
	}
	if c.take(k(2)) {
		t.Fatal("an entry was taken twice")
	}
	if s := c.stats(); s.Hits != 2 || s.Misses != 2 || s.Added != 3 || s.Size != 0 {
		t.Fatalf("stats %+v", s)
	}
	if newSigCache(0) != nil {
		t.Fatal("size 0 must turn the cache off")
	}
}
