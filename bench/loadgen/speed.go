package loadgen

import (
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
)

// MachineSpeed is what one core of the machine did in a fixed reference
// workload, measured by the load generator while the node was idle. The
// same binary's CPU time per transaction has moved by more than half
// between runs an hour apart on these shared machines with no steal
// reported; these two figures say whether the machine itself was slower.
type MachineSpeed struct {
	// Before names the measured phase that followed.
	Before string `json:"before"`
	// VerifiesPerS is secp256k1 signature verifications per second on one
	// core (what a node's CheckTx spends most on).
	VerifiesPerS float64 `json:"secp256k1_verifies_per_s"`
	// MemNsPerRead is the time of one dependent read at a random place in
	// a 64 MiB table: far beyond a core's own caches, so it measures the
	// host's shared last-level cache, TLB walks and memory, which other
	// guests on the host slow down without any steal being reported.
	MemNsPerRead float64 `json:"mem_ns_per_read"`
}

const speedTableLen = 16 << 20 // uint32 entries: 64 MiB

// speedProbe is how long each reference workload runs per measurement.
const speedProbe = 150 * time.Millisecond

// speedSummary is the run's range of each speed figure, for the table:
// "min-max (median)"; empty without samples.
func speedSummary(ss []MachineSpeed) (verifies, memNs string) {
	if len(ss) == 0 {
		return "", ""
	}
	v := make([]float64, len(ss))
	m := make([]float64, len(ss))
	for i, s := range ss {
		v[i], m[i] = s.VerifiesPerS, s.MemNsPerRead
	}
	span := func(xs []float64) string {
		slices.Sort(xs)
		return fmt.Sprintf("%.0f-%.0f (median %.0f)", xs[0], xs[len(xs)-1], xs[len(xs)/2])
	}
	return span(v), span(m)
}

var speedTable struct {
	once sync.Once
	next []uint32
}

// speedCycle is a random cyclic permutation (Sattolo's algorithm): every
// read's address depends on the previous read, so neither the prefetcher
// nor out-of-order execution hides the memory latency.
func speedCycle() []uint32 {
	speedTable.once.Do(func() { speedTable.next = randomCycle(speedTableLen) })
	return speedTable.next
}

// randomCycle returns next such that following next from any entry visits
// all n entries before coming back.
func randomCycle(n int) []uint32 {
	next := make([]uint32, n)
	for i := range next {
		next[i] = uint32(i)
	}
	r := rand.New(rand.NewSource(1))
	for i := len(next) - 1; i > 0; i-- {
		j := r.Intn(i)
		next[i], next[j] = next[j], next[i]
	}
	return next
}

// measureSpeed runs each reference workload for d on this goroutine's
// thread.
func measureSpeed(before string, d time.Duration) MachineSpeed {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	s := MachineSpeed{Before: before}

	key := secp256k1.GenPrivKeyFromSecret([]byte("carechain machine speed"))
	msg := []byte("the same message every time, signed once")
	sig, err := key.Sign(msg)
	if err != nil {
		panic(err)
	}
	pub := key.PubKey()
	n := 0
	t0 := time.Now()
	for time.Since(t0) < d {
		for k := 0; k < 16; k++ {
			if !pub.VerifySignature(msg, sig) {
				panic("machine speed: a valid signature did not verify")
			}
		}
		n += 16
	}
	s.VerifiesPerS = round2(float64(n) / time.Since(t0).Seconds())

	next := speedCycle()
	var at uint32
	steps := 0
	t0 = time.Now()
	for time.Since(t0) < d {
		for k := 0; k < 4096; k++ {
			at = next[at]
		}
		steps += 4096
	}
	el := time.Since(t0)
	if at == speedTableLen { // never true; keeps the loop from being removed
		panic("machine speed: impossible index")
	}
	s.MemNsPerRead = round2(float64(el.Nanoseconds()) / float64(steps))
	return s
}
