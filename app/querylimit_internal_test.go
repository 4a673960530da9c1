package app

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestQueryWorkersBoundConcurrency: no more queries run at once than there
// are workers, and every query gets its own answer.
func TestQueryWorkersBoundConcurrency(t *testing.T) {
	l := newQueryLimiter(3)
	defer l.close()
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := l.do(context.Background(), func() (any, error) {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
				return i, nil
			})
			require.NoError(t, err)
			require.Equal(t, i, res)
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, peak.Load(), int32(3))
	require.Equal(t, int32(3), peak.Load(), "40 queries keep 3 workers busy")
}

// TestQueryWorkersServeInArrivalOrder: queries waiting for a worker are
// served first come, first served.
func TestQueryWorkersServeInArrivalOrder(t *testing.T) {
	l := newQueryLimiter(1)
	defer l.close()
	release := occupyWorker(l)
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go l.do(context.Background(), func() (any, error) { //nolint:errcheck // recorded below
			defer wg.Done()
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			return nil, nil
		})
		time.Sleep(20 * time.Millisecond) // let query i queue before i+1
	}
	release()
	wg.Wait()
	require.Equal(t, []int{0, 1, 2, 3, 4}, order)
}

// TestQueryWorkersGiveUpWithTheClient: a query whose client gives up while
// it waits returns the context's error and is not run; a panicking query
// is an error, not a dead worker.
func TestQueryWorkersGiveUpWithTheClient(t *testing.T) {
	l := newQueryLimiter(1)
	defer l.close()
	release := occupyWorker(l)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var ran atomic.Bool
	_, err := l.do(ctx, func() (any, error) { ran.Store(true); return nil, nil })
	require.Equal(t, codes.DeadlineExceeded, status.Code(err))
	release()

	_, err = l.do(context.Background(), func() (any, error) { panic("boom") })
	require.Equal(t, codes.Internal, status.Code(err))
	res, err := l.do(context.Background(), func() (any, error) { return "still serving", nil })
	require.NoError(t, err)
	require.Equal(t, "still serving", res)
	require.False(t, ran.Load(), "the abandoned query never ran")
}

// TestQueryWorkersOffAndClosed: -1 workers, or a closed limiter, runs the
// query on the caller's goroutine.
func TestQueryWorkersOffAndClosed(t *testing.T) {
	require.Nil(t, newQueryLimiter(-1))
	var off *queryLimiter
	res, err := off.do(context.Background(), func() (any, error) { return 1, nil })
	require.NoError(t, err)
	require.Equal(t, 1, res)

	l := newQueryLimiter(2)
	l.close()
	res, err = l.do(context.Background(), func() (any, error) { return 2, nil })
	require.NoError(t, err)
	require.Equal(t, 2, res)
}

type mapOptions map[string]any

func (m mapOptions) Get(k string) any { return m[k] }

// TestQueryWorkersSetting: app.toml's carechain.query-workers.
func TestQueryWorkersSetting(t *testing.T) {
	require.Equal(t, DefaultQueryWorkers(), queryWorkers(mapOptions{}), "absent: the default")
	require.Equal(t, DefaultQueryWorkers(), queryWorkers(mapOptions{FlagQueryWorkers: 0}))
	require.Equal(t, -1, queryWorkers(mapOptions{FlagQueryWorkers: -1}))
	require.Equal(t, -1, queryWorkers(mapOptions{FlagQueryWorkers: -7}))
	require.Equal(t, 6, queryWorkers(mapOptions{FlagQueryWorkers: "6"}), "as viper reads it from TOML or a flag")
	require.GreaterOrEqual(t, DefaultQueryWorkers(), 4)
}

// occupyWorker runs a query that holds a worker until release is called.
func occupyWorker(l *queryLimiter) (release func()) {
	hold := make(chan struct{})
	started := make(chan struct{})
	go l.do(context.Background(), func() (any, error) { //nolint:errcheck // the blocker's answer does not matter
		close(started)
		<-hold
		return nil, nil
	})
	<-started
	return func() { close(hold) }
}
