package loadgen

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRandomCycleVisitsEveryEntry: the memory probe's table is one cycle
// through every entry, so its reads never settle into a short loop that
// the caches would hold.
func TestRandomCycleVisitsEveryEntry(t *testing.T) {
	for _, n := range []int{2, 3, 1000, 4096} {
		next := randomCycle(n)
		seen := make([]bool, n)
		at := uint32(0)
		for i := 0; i < n; i++ {
			require.False(t, seen[at], "n=%d: entry %d visited twice after %d steps", n, at, i)
			seen[at] = true
			at = next[at]
		}
		require.Equal(t, uint32(0), at, "n=%d: back at the start after n steps", n)
	}
}

// TestMeasureSpeed: both probes run and give plausible figures (a
// verification takes microseconds, a memory read nanoseconds).
func TestMeasureSpeed(t *testing.T) {
	s := measureSpeed("a phase", 20*time.Millisecond)
	require.Equal(t, "a phase", s.Before)
	require.Greater(t, s.VerifiesPerS, 100.0)
	require.Less(t, s.VerifiesPerS, 1e6)
	require.Greater(t, s.MemNsPerRead, 0.1)
	require.Less(t, s.MemNsPerRead, 1e5)
}

// TestSpeedInTheTable: the table gives the run's range of both figures,
// and says nothing when no sample was taken.
func TestSpeedInTheTable(t *testing.T) {
	v, m := speedSummary([]MachineSpeed{
		{VerifiesPerS: 6100, MemNsPerRead: 510},
		{VerifiesPerS: 4000, MemNsPerRead: 700},
		{VerifiesPerS: 6000, MemNsPerRead: 480},
	})
	require.Equal(t, "4000-6100 (median 6000)", v)
	require.Equal(t, "480-700 (median 510)", m)

	var buf bytes.Buffer
	(&Results{Machine: Machine{Speed: []MachineSpeed{{Before: "start", VerifiesPerS: 6100, MemNsPerRead: 510}}}}).PrintTable(&buf)
	require.Contains(t, buf.String(), "machine speed, 1 samples while the node was idle: 6100-6100 (median 6100) secp256k1 verifies/s on one core, 510-510 (median 510) ns per memory read")
	buf.Reset()
	(&Results{}).PrintTable(&buf)
	require.NotContains(t, buf.String(), "machine speed")
}
