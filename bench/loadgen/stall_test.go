package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeChain is a node seen through the commit observer: the last height
// and when it was observed.
type fakeChain struct {
	height int64
	at     time.Time
}

func (c *fakeChain) latest() (int64, time.Time) { return c.height, c.at }

func TestStallWatcherSavesStacksOncePerStall(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	chain := &fakeChain{height: 10, at: t0}
	fetches := 0
	var logged []string
	w := &stallWatcher{
		after: stallAfter(2 * time.Second),
		last:  chain.latest,
		goroutines: func(context.Context) ([]byte, error) {
			fetches++
			return fmt.Appendf(nil, "goroutine dump %d", fetches), nil
		},
		mempool: func(context.Context) (int, error) { return 5800 + fetches, nil },
		dir:     dir,
		logf:    func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) },
	}
	ctx := context.Background()

	// Blocks every two seconds: no stall, however often it checks.
	for i := 1; i <= 5; i++ {
		chain.height, chain.at = 10+int64(i), t0.Add(time.Duration(2*i)*time.Second)
		w.check(ctx, chain.at.Add(1900*time.Millisecond))
	}
	if got := w.recorded(); len(got) != 0 || fetches != 0 {
		t.Fatalf("blocks kept coming, yet %d stalls recorded and %d dumps taken", len(got), fetches)
	}

	// Height 15 was observed at t0+10s; nothing after it for 7 s.
	w.check(ctx, t0.Add(15*time.Second)) // 5 s: under three intervals (6 s)
	w.check(ctx, t0.Add(17*time.Second))
	w.check(ctx, t0.Add(17250*time.Millisecond)) // the same stall: not again
	w.check(ctx, t0.Add(20*time.Second))
	got := w.recorded()
	if len(got) != 1 || fetches != 1 {
		t.Fatalf("one stall: recorded %+v, %d dumps", got, fetches)
	}
	s := got[0]
	if s.AfterHeight != 15 || s.WaitedS != 7 || !s.DetectedAt.Equal(t0.Add(17*time.Second)) || s.Goroutines != "stall-16.txt" ||
		s.MempoolTxs == nil || *s.MempoolTxs != 5800 {
		t.Fatalf("stall recorded as %+v", s)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "stall-16.txt")); err != nil || string(data) != "goroutine dump 1" {
		t.Fatalf("stall-16.txt: %q, %v", data, err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "no block for 7.0 s after height 15, 5800 transactions in the mempool") || !strings.Contains(logged[0], filepath.Join(dir, "stall-16.txt")) {
		t.Fatalf("log: %q", logged)
	}

	if got := w.recorded(); got[0].LastedS != 0 {
		t.Fatalf("the stall has not ended, yet it lasted %v s", got[0].LastedS)
	}

	// The chain moves on (the stall lasted 11 s), then stalls again after
	// height 16 until the watch ends.
	chain.height, chain.at = 16, t0.Add(21*time.Second)
	w.check(ctx, t0.Add(21250*time.Millisecond))
	if got := w.recorded(); got[0].LastedS != 11 {
		t.Fatalf("the first stall lasted %v s, want 11", got[0].LastedS)
	}
	w.check(ctx, t0.Add(30*time.Second))
	got = w.recorded()
	if len(got) != 2 || got[1].AfterHeight != 16 || got[1].Goroutines != "stall-17.txt" || fetches != 2 || got[1].LastedS != 0 || got[0].LastedS != 11 {
		t.Fatalf("second stall: %+v, %d dumps", got, fetches)
	}

	// Printed under the table.
	var out bytes.Buffer
	(&Results{Stalls: w.recorded()}).PrintTable(&out)
	for _, want := range []string{
		"stall: no block for 11.0 s after height 15 (noticed after 7.0 s at 07:00:17 UTC; 5800 transactions in the mempool; goroutine stacks in stall-16.txt)",
		"stall: no block for at least 9.0 s after height 16 (noticed after 9.0 s at 07:00:30 UTC;",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("table does not say %q:\n%s", want, out.String())
		}
	}
}

func TestStallWatcherRecordsAStallWithoutStacks(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	chain := &fakeChain{height: 3, at: t0}
	for name, fetch := range map[string]func(context.Context) ([]byte, error){
		"no pprof listener": nil,
		"fetch fails":       func(context.Context) ([]byte, error) { return nil, errors.New("connection refused") },
	} {
		t.Run(name, func(t *testing.T) {
			var logged []string
			w := &stallWatcher{after: stallAfter(time.Second), last: chain.latest, goroutines: fetch, dir: t.TempDir(),
				logf: func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }}
			w.check(context.Background(), t0.Add(5*time.Second))
			got := w.recorded()
			if len(got) != 1 || got[0].AfterHeight != 3 || got[0].Goroutines != "" || got[0].MempoolTxs != nil {
				t.Fatalf("recorded %+v", got)
			}
			if len(logged) != 1 || !strings.Contains(logged[0], "were not saved") {
				t.Fatalf("log: %q", logged)
			}
		})
	}
}

func TestStallWatcherWaitsForTheFirstBlock(t *testing.T) {
	w := &stallWatcher{after: 5 * time.Second, last: (&fakeChain{}).latest, logf: t.Logf}
	w.check(context.Background(), time.Now())
	if got := w.recorded(); len(got) != 0 {
		t.Fatalf("no block observed yet, but recorded %+v", got)
	}
}

func TestStallAfter(t *testing.T) {
	for tc, want := range map[time.Duration]time.Duration{
		time.Second:      5 * time.Second,
		2 * time.Second:  6 * time.Second,
		5 * time.Second:  15 * time.Second,
		10 * time.Second: 30 * time.Second,
	} {
		if got := stallAfter(tc); got != want {
			t.Errorf("stallAfter(%s) = %s, want %s", tc, got, want)
		}
	}
}
