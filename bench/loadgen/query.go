package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// QueryStats are one query's figures over one transport at one
// concurrency.
type QueryStats struct {
	Query     string  `json:"query"`
	Transport string  `json:"transport"` // "grpc" or "rest"
	Clients   int     `json:"clients"`
	TxLoad    bool    `json:"tx_load"`
	QPS       float64 `json:"qps"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	OK        int     `json:"ok"`
	Errors    int     `json:"errors"`
	// ErrorSample is the first error seen, if any.
	ErrorSample string `json:"error_sample,omitempty"`
	// StateSize is how many objects the query workload put in genesis.
	StateSize int `json:"state_size"`
	// CPU is where the machine's CPU went during the window (absent where
	// it cannot be read).
	CPU *WindowCPU `json:"cpu,omitempty"`
	// GC is how long the node's collector was marking during the window.
	GC *GCOverlap `json:"node_gc,omitempty"`

	start, end time.Time
}

// queryLoad runs clients concurrent clients, each issuing q's queries back
// to back for d, and checks every answer. Each client has its own
// connection, as separate wallets or services would. nodePID, if set, is
// the node's process id, for the window's CPU figures.
func queryLoad(ctx context.Context, q *Query, transport, grpcAddr, restBase string, clients, size int, d time.Duration, nodePID func() int) (QueryStats, error) {
	st := QueryStats{Query: q.Name, Transport: transport, Clients: clients}
	var counter atomic.Uint64
	var mu sync.Mutex
	var lat []float64
	var errs int
	var firstErr string

	if size < 1 {
		size = 1
	}
	type doer func(ctx context.Context, i int) error
	doers := make([]doer, clients)
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for c := range doers {
		switch transport {
		case "grpc":
			conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				return st, err
			}
			closers = append(closers, func() { conn.Close() })
			doers[c] = func(ctx context.Context, i int) error { return q.GRPC(ctx, conn, i) }
		case "rest":
			tr := &http.Transport{
				DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
				MaxIdleConnsPerHost: 1,
				MaxConnsPerHost:     1,
			}
			closers = append(closers, tr.CloseIdleConnections)
			client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
			doers[c] = func(ctx context.Context, i int) error { return q.REST(ctx, client, restBase, i) }
		default:
			return st, fmt.Errorf("unknown transport %q", transport)
		}
	}

	// One untimed query per client opens its connection.
	for c, do := range doers {
		if err := do(ctx, c%size); err != nil {
			return st, fmt.Errorf("%s over %s: warm-up query failed: %w", q.Name, transport, err)
		}
	}

	runCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	meter := startCPUMeter(nodePID)
	start := time.Now()
	var wg sync.WaitGroup
	for _, do := range doers {
		wg.Add(1)
		go func(do doer) {
			defer wg.Done()
			local := make([]float64, 0, 4096)
			localErrs := 0
			var localFirst string
			for runCtx.Err() == nil {
				i := int((counter.Add(1) - 1) % uint64(size))
				t := time.Now()
				err := do(ctx, i)
				el := time.Since(t)
				if err != nil {
					localErrs++
					if localFirst == "" {
						localFirst = err.Error()
					}
					continue
				}
				local = append(local, float64(el)/float64(time.Millisecond))
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += localErrs
			if firstErr == "" {
				firstErr = localFirst
			}
			mu.Unlock()
		}(do)
	}
	wg.Wait()
	st.start, st.end = start, time.Now()
	elapsed := st.end.Sub(start).Seconds()
	st.CPU = meter.done()
	st.OK = len(lat)
	st.Errors = errs
	st.ErrorSample = truncate(strings.TrimSpace(firstErr), 300)
	st.QPS = round2(float64(st.OK) / elapsed)
	st.P50Ms, st.P99Ms, st.MaxMs = percentiles(lat)
	return st, nil
}
