package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Stall is a moment when the node committed no block for much longer than
// its block interval. The node's goroutine stacks, taken while it was
// stuck, say where (a lock, a disk write, the collector).
type Stall struct {
	// AfterHeight is the last height committed before the stall.
	AfterHeight int64 `json:"after_height"`
	// DetectedAt is when the load generator noticed it, WaitedS how long
	// after AfterHeight's commit that was: the stall threshold, give or
	// take the watcher's quarter-second polling.
	DetectedAt time.Time `json:"detected_at"`
	WaitedS    float64   `json:"waited_s"`
	// LastedS is how long the stall lasted: from AfterHeight's commit to
	// the next block's, as the load generator observed them (to within
	// the watcher's polling). 0: no block came before the watch ended.
	LastedS float64 `json:"lasted_s,omitempty"`
	// since is when AfterHeight's commit was observed.
	since time.Time
	// MempoolTxs is how many transactions the node's mempool held then
	// (absent if the node did not answer): CometBFT rechecks every one of
	// them after each commit, serially.
	MempoolTxs *int `json:"mempool_txs,omitempty"`
	// Goroutines is the file (under --profile-dir) holding the node's
	// goroutine stacks at that moment (pprof's debug=2 text); empty if they
	// could not be taken.
	Goroutines string `json:"goroutines,omitempty"`
}

// stallAfter is how long without a new block counts as a stall: three
// block intervals, and at least five seconds. An idle node still commits
// an empty block every interval, so a long gap is never just a quiet
// moment.
func stallAfter(timeoutCommit time.Duration) time.Duration {
	return max(3*timeoutCommit, 5*time.Second)
}

// stallWatcher notices stalls while the node runs and saves the node's
// goroutine stacks during each one, once per stall.
type stallWatcher struct {
	after time.Duration
	// last returns the highest height observed and when it was observed.
	last func() (int64, time.Time)
	// goroutines fetches the node's goroutine stacks; nil: stalls are
	// recorded without them.
	goroutines func(ctx context.Context) ([]byte, error)
	// mempool, if set, returns how many transactions the mempool holds.
	mempool func(ctx context.Context) (int, error)
	dir     string
	logf    func(format string, args ...any)

	seen int64 // the height after which the last stall was recorded (check's own)

	mu     sync.Mutex // guards stalls, which recorded reads from another goroutine
	stalls []Stall
}

// check records a stall if the node has committed nothing for w.after by
// now, unless the stall after that height is already recorded. It is called
// from one goroutine at a time (run's).
func (w *stallWatcher) check(ctx context.Context, now time.Time) {
	h, at := w.last()
	w.mu.Lock()
	if n := len(w.stalls); n > 0 && w.stalls[n-1].LastedS == 0 && h > w.stalls[n-1].AfterHeight {
		// The chain has moved on since the last stall: it lasted until now.
		s := &w.stalls[n-1]
		s.LastedS = round2(at.Sub(s.since).Seconds())
		w.logf("the stall after height %d lasted %.1f s", s.AfterHeight, s.LastedS)
	}
	w.mu.Unlock()
	if h == 0 || at.IsZero() || now.Sub(at) < w.after || h == w.seen {
		return
	}
	w.seen = h
	s := Stall{AfterHeight: h, DetectedAt: now.UTC(), WaitedS: round2(now.Sub(at).Seconds()), since: at}
	mempool := ""
	if w.mempool != nil {
		mctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		n, err := w.mempool(mctx)
		cancel()
		if err == nil {
			s.MempoolTxs = &n
			mempool = fmt.Sprintf(", %d transactions in the mempool", n)
		}
	}
	if err := w.save(ctx, &s); err != nil {
		w.logf("no block for %.1f s after height %d%s; the node's goroutine stacks were not saved: %v", s.WaitedS, h, mempool, err)
	} else {
		w.logf("no block for %.1f s after height %d%s: the node's goroutine stacks are in %s", s.WaitedS, h, mempool, filepath.Join(w.dir, s.Goroutines))
	}
	w.mu.Lock()
	w.stalls = append(w.stalls, s)
	w.mu.Unlock()
}

func (w *stallWatcher) save(ctx context.Context, s *Stall) error {
	if w.goroutines == nil {
		return errors.New("no pprof listener (run with --profile-dir)")
	}
	data, err := w.goroutines(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(w.dir, 0o750); err != nil {
		return err
	}
	name := fmt.Sprintf("stall-%d.txt", s.AfterHeight+1)
	if err := os.WriteFile(filepath.Join(w.dir, name), data, 0o600); err != nil {
		return err
	}
	s.Goroutines = name
	return nil
}

// run checks every quarter second until ctx ends.
func (w *stallWatcher) run(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			w.check(ctx, now)
		}
	}
}

// recorded returns the stalls recorded so far.
func (w *stallWatcher) recorded() []Stall {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Stall(nil), w.stalls...)
}

// pprofGoroutines returns a function fetching the goroutine stacks from a
// node's pprof listener (host:port).
func pprofGoroutines(addr string) func(ctx context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		resp, err := pprofGet(ctx, addr, "goroutine?debug=2")
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
}

// pprofGet asks a node's pprof listener (host:port) for /debug/pprof/<what>
// and returns the response if it is 200 OK; the caller closes its body.
func pprofGet(ctx context.Context, addr, what string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/debug/pprof/"+what, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp, nil
}
