package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"

	"google.golang.org/grpc"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Workload is one transaction type the load generator sends. Each lives in
// its own file in bench/workloads and registers itself from init(); see
// bench/README.md for how to add one.
type Workload struct {
	// Name is the short name used on the command line and in the report
	// ("bank-send", "consent-grant").
	Name string
	// MsgType is the message's type URL, for the report.
	MsgType string
	// Healthcare marks a Carechain message: it is compared with the bank
	// baseline (at least 0.8x) and joins the mixed healthcare run.
	Healthcare bool
	// Gas is the gas limit of each transaction. The fee paid is
	// Gas x the node's minimum gas price, rounded up.
	Gas uint64

	// Item names what one transaction adds to state ("record", "consent",
	// "claim"); the state-growth phase measures bytes on disk per item.
	// Empty: the workload is not measured for state growth.
	Item string
	// Store is the KV store the items live in (the module's store key);
	// their logical size is that store's growth.
	Store string
	// ItemPerSender says only a sender's first transaction adds an item
	// (later ones overwrite it, as with an account's encryption key). The
	// state-growth phase then gives every item its own sender.
	ItemPerSender bool

	// MustEmit, if set, is an event type every committed transaction of
	// this workload must emit (e.g. "carechain.claims.v1.EventClaimPaid"):
	// a transaction with code 0 without it did not do what the workload
	// measures and is reported as failed, never counted as committed.
	MustEmit string

	// Genesis adds what this workload's transactions need to the benchmark
	// genesis: consents, plans, enrollments, memberships, extra accounts.
	// g.Senders are already funded accounts. May be nil.
	Genesis func(g *Genesis) error
	// Msg builds the i-th message (i counts from 0 for each sender) that
	// sender s signs. Every message it returns must succeed when delivered
	// in order after the previous ones: a failure is reported, never counted
	// as throughput.
	Msg func(s *Sender, i uint64) sdk.Msg
}

// Query is one read path the load generator exercises over gRPC and REST.
type Query struct {
	// Name is the short name used on the command line and in the report.
	Name string
	// Genesis adds g.Size objects for the query to find (e.g. 100,000
	// consents). May be nil.
	Genesis func(g *Genesis) error
	// GRPC asks on conn for object i (0 <= i < the Size its Genesis was
	// given; the clients cycle through them) and checks the answer: a
	// wrong answer is an error, never a fast query.
	GRPC func(ctx context.Context, conn grpc.ClientConnInterface, i int) error
	// REST asks the same over REST at base (http://127.0.0.1:port) with
	// client and checks the answer.
	REST func(ctx context.Context, client *http.Client, base string, i int) error
}

var (
	registryMu sync.Mutex
	workloads  = map[string]*Workload{}
	queries    = map[string]*Query{}
)

// Register adds a transaction workload. It panics on a duplicate name or a
// workload without Name, Gas or Msg (a programming error).
func Register(w *Workload) {
	registryMu.Lock()
	defer registryMu.Unlock()
	switch {
	case w.Name == "" || w.Msg == nil || w.Gas == 0:
		panic(fmt.Sprintf("loadgen: workload %q needs Name, Gas and Msg", w.Name))
	case w.Item != "" && w.Store == "":
		panic(fmt.Sprintf("loadgen: workload %q has an Item but no Store", w.Name))
	case workloads[w.Name] != nil:
		panic(fmt.Sprintf("loadgen: workload %q registered twice", w.Name))
	}
	workloads[w.Name] = w
}

// RegisterQuery adds a query workload.
func RegisterQuery(q *Query) {
	registryMu.Lock()
	defer registryMu.Unlock()
	switch {
	case q.Name == "" || q.GRPC == nil || q.REST == nil:
		panic(fmt.Sprintf("loadgen: query %q needs Name, GRPC and REST", q.Name))
	case queries[q.Name] != nil:
		panic(fmt.Sprintf("loadgen: query %q registered twice", q.Name))
	}
	queries[q.Name] = q
}

// BaselineWorkload is the name of the bank MsgSend workload every other
// workload is compared with.
const BaselineWorkload = "bank-send"

// Workloads returns the registered workloads, the baseline first and the
// rest by name.
func Workloads() []*Workload {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]*Workload, 0, len(workloads))
	for _, w := range workloads {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Name == BaselineWorkload) != (out[j].Name == BaselineWorkload) {
			return out[i].Name == BaselineWorkload
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Queries returns the registered queries by name.
func Queries() []*Query {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]*Query, 0, len(queries))
	for _, q := range queries {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
