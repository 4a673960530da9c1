package app

import (
	"context"
	"runtime"
	"strings"
	"sync"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// queryLimiter runs the node's queries on a fixed set of long-lived worker
// goroutines, first come first served. Two reasons:
//
//   - Stacks. gRPC runs each call on a new goroutine, which starts with a
//     small stack; a query's call depth through the SDK, the store layers
//     and LevelDB makes the runtime grow and copy that stack several times,
//     every call (17 % of the node's CPU under 32 CheckAccess clients). A
//     worker keeps the stack it grew.
//   - Turns. With many queries running at once on a node with few cores,
//     they share the CPU in the scheduler's order and with block execution;
//     a bounded set of workers keeps a query storm from taking every core
//     from consensus, and a queue serves waiting queries in arrival order.
//
// A nil *queryLimiter runs every query on the caller's goroutine.
type queryLimiter struct {
	workers int
	jobs    chan *queryJob

	start  sync.Once
	mu     sync.RWMutex // closed and sends on jobs
	closed bool
}

type queryJob struct {
	ctx  context.Context
	run  func() (any, error)
	res  any
	err  error
	done chan struct{}
}

// newQueryLimiter returns a limiter of n workers, started on the first
// query; n < 0 means none (nil: every query on its caller's goroutine).
func newQueryLimiter(n int) *queryLimiter {
	if n < 0 {
		return nil
	}
	return &queryLimiter{workers: n, jobs: make(chan *queryJob)}
}

// DefaultQueryWorkers is the number of query workers when app.toml's
// carechain.query-workers is 0: twice the CPUs Go may use, at least 4.
// On the 2-core benchmark machine, 4 workers answered CheckAccess from 32
// clients about 10 % faster than one goroutine per call (docs/performance.md).
func DefaultQueryWorkers() int {
	return max(4, 2*runtime.GOMAXPROCS(0))
}

// close stops the workers once the queries they run have finished; later
// queries run on their callers' goroutines.
func (l *queryLimiter) close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.jobs)
	}
}

func (l *queryLimiter) work() {
	for j := range l.jobs {
		j.res, j.err = runJob(j)
		close(j.done)
	}
}

// runJob runs a job that is still wanted, turning a panic into an error so
// that a worker never dies (the SDK's gRPC handlers recover their own).
func runJob(j *queryJob) (res any, err error) {
	if err := j.ctx.Err(); err != nil {
		return nil, status.FromContextError(err).Err()
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, status.Errorf(codes.Internal, "query panicked: %v", r)
		}
	}()
	return j.run()
}

// do runs fn on a worker and returns its result; it returns early, with
// the context's error, if ctx ends while the query waits or runs (the
// worker then finishes it and drops the answer).
func (l *queryLimiter) do(ctx context.Context, fn func() (any, error)) (any, error) {
	if l == nil {
		return fn()
	}
	l.start.Do(func() {
		for range l.workers {
			go l.work()
		}
	})
	j := &queryJob{ctx: ctx, run: fn, done: make(chan struct{})}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return fn()
	}
	select {
	case l.jobs <- j:
	case <-ctx.Done():
		l.mu.RUnlock()
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	l.mu.RUnlock()
	select {
	case <-j.done:
		return j.res, j.err
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
}

// unlimitedServices are gRPC services whose calls wait on the node rather
// than compute: BroadcastTx waits for CheckTx, which waits for the block
// being executed; the CometBFT service asks CometBFT. Holding a slot while
// waiting would stall the queries behind them.
var unlimitedServices = []string{
	"cosmos.tx.v1beta1.Service",
	"cosmos.base.tendermint.v1beta1.Service",
	"cosmos.base.node.v1beta1.Service",
}

func limited(service string) bool {
	for _, s := range unlimitedServices {
		if service == s {
			return false
		}
	}
	return true
}

// limitedServer registers services on the node's gRPC server with every
// method of a limited service behind l.
type limitedServer struct {
	gogogrpc.Server
	l *queryLimiter
}

// RegisterService implements gogogrpc.Server.
func (s limitedServer) RegisterService(desc *grpc.ServiceDesc, impl any) {
	if s.l == nil || !limited(desc.ServiceName) {
		s.Server.RegisterService(desc, impl)
		return
	}
	d := *desc
	d.Methods = make([]grpc.MethodDesc, len(desc.Methods))
	for i, m := range desc.Methods {
		h := m.Handler
		d.Methods[i] = grpc.MethodDesc{
			MethodName: m.MethodName,
			Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
				return s.l.do(ctx, func() (any, error) { return h(srv, ctx, dec, icpt) })
			},
		}
	}
	s.Server.RegisterService(&d, impl)
}

// serviceOf returns the service of a full method name
// ("/carechain.consent.v1.Query/CheckAccess" -> "carechain.consent.v1.Query").
func serviceOf(method string) string {
	method = strings.TrimPrefix(method, "/")
	if i := strings.LastIndexByte(method, '/'); i >= 0 {
		return method[:i]
	}
	return method
}
