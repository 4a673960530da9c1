package e2e

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/carechain/carechain/app"
)

// Defaults of every load transaction: the gas limit covers each message
// kind the mixes send; the fee is above the devnet's 0.0025ucare/gas.
const (
	DefaultGas = 300_000
)

// DefaultFee is what every load transaction pays unless its Op says
// otherwise.
var DefaultFee = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000)))

// Move is a transfer a transaction makes when it succeeds (fees excluded).
// From and To are bech32 addresses; module accounts (escrows) by their
// module address.
type Move struct {
	From, To string
	Coins    sdk.Coins
}

// Op is one transaction a Generator asks a sender to send.
type Op struct {
	// Kind labels the transaction in reports ("bank-send", ...).
	Kind string
	Msgs []sdk.Msg
	// Moves are the balance changes the transaction makes when it succeeds.
	// Verify checks every account's final balance against the sum of the
	// moves of the committed transactions (and their fees).
	Moves []Move
	// Gas and Fee default to DefaultGas and DefaultFee.
	Gas uint64
	Fee sdk.Coins

	// Set by the load when the op is signed.
	Sender   string // account name
	Seq      uint64
	Hash     string // upper-case hex SHA-256 of the tx bytes, as CometBFT prints it
	FeePayer string // bech32 address: the fee granter if any, else the sender
	gen      Generator

	// Acked: the sender saw the transaction committed with code 0.
	Acked bool
	// Abandoned: CheckTx refused it; it was never resent.
	Abandoned bool
}

// Sender is one account sending transactions, one at a time (a sender
// waits for each to be committed before signing the next, so its sequence
// numbers never need guessing across crashes).
type Sender struct {
	Name    string
	Key     Key
	Rand    *rand.Rand
	Network *Network
	// FeeGranter pays this sender's fees when set (bech32).
	FeeGranter string

	gens   []Generator
	next   int
	accNum uint64
	seq    uint64
	rr     int
}

// Address is the sender's bech32 address.
func (s *Sender) Address() string { return s.Key.Address }

// Generator produces the transactions of one kind. The load calls Next
// from the goroutine of each sender the generator was given to, and
// Committed from the block scanner for every committed transaction the
// generator produced (acknowledged or not); implementations guard their
// state with a mutex.
type Generator interface {
	// Kind labels the generator's transactions in reports.
	Kind() string
	// Next returns the next transaction for s to send, or false if the
	// generator has nothing for s now (for example a record write waiting
	// for a consent to be committed).
	Next(s *Sender) (Op, bool)
	// Committed reports that op was included in a block.
	Committed(op *Op, inc Inclusion)
}

// StateChecker is implemented by generators that can check, after a
// scenario, that the state at a height reflects exactly the transactions
// they saw committed up to it (a member added is a member, the last key
// set is the key stored, ...).
type StateChecker interface {
	CheckState(ctx context.Context, n *Node, height int64) error
}

// SenderPlan gives an account its generators; the sender cycles through
// them.
type SenderPlan struct {
	Account    string
	FeeGranter string // account name paying the sender's fees, if any
	Generators []Generator
}

// LoadOptions configure a load.
type LoadOptions struct {
	Plan []SenderPlan
	// ResendAfter: a transaction not committed after this long is sent again
	// (same bytes) to the next live node. Default 6 s.
	ResendAfter time.Duration
	// DrainTimeout bounds how long Stop waits for in-flight transactions.
	// Default 60 s.
	DrainTimeout time.Duration
	// Seed makes the generated transactions reproducible; default is derived
	// from the test name.
	Seed uint64
}

// KindStats count one kind of transaction.
type KindStats struct {
	Sent, Acked, Failed, InDoubt int
}

// Load sends transactions from several senders concurrently to the live
// nodes of a network and follows the chain to see them committed.
type Load struct {
	t    testing.TB
	net  *Network
	tr   *tracker
	opts LoadOptions

	genCtx    context.Context
	stopGen   context.CancelFunc
	drainCtx  context.Context
	stopDrain context.CancelFunc
	wg        sync.WaitGroup
	stopOnce  sync.Once
	startedAt time.Time

	mu           sync.Mutex
	ops          map[string]*Op
	errs         []string
	notes        []string
	rebroadcasts int
	resyncs      int
	// height0Refusals count CheckTx refusals by a node that has not
	// committed a block since it started (cosmos/cosmos-sdk#24628).
	height0Refusals int
	// syncingRefusals count CheckTx refusals by nodes still syncing.
	syncingRefusals int
	acked           int
	checkers        []StateChecker
}

// StartLoad starts one goroutine per planned sender. Senders whose
// account does not exist yet (funded by another sender's transaction)
// wait for it.
func StartLoad(t testing.TB, net *Network, opts LoadOptions) *Load {
	t.Helper()
	if opts.ResendAfter == 0 {
		opts.ResendAfter = 6 * time.Second
	}
	if opts.DrainTimeout == 0 {
		opts.DrainTimeout = 60 * time.Second
	}
	if opts.Seed == 0 {
		h := fnv.New64a()
		h.Write([]byte(t.Name()))
		opts.Seed = h.Sum64()
	}
	l := &Load{t: t, net: net, opts: opts, ops: map[string]*Op{}, startedAt: time.Now()}
	l.genCtx, l.stopGen = context.WithCancel(context.Background())
	l.drainCtx, l.stopDrain = context.WithCancel(context.Background())
	l.tr = newTracker(net, l.onInclusion)
	// Every account is known before any sender starts: generators look
	// recipients up by name.
	for _, p := range opts.Plan {
		net.Accounts.Ensure(p.Account)
	}
	seenChecker := map[StateChecker]bool{}
	for i, p := range opts.Plan {
		s := &Sender{
			Name:    p.Account,
			Key:     net.Accounts.Ensure(p.Account),
			Rand:    rand.New(rand.NewPCG(opts.Seed, uint64(i))),
			Network: net,
			gens:    p.Generators,
		}
		if p.FeeGranter != "" {
			s.FeeGranter = net.Accounts.Address(p.FeeGranter)
		}
		for _, g := range p.Generators {
			if c, ok := g.(StateChecker); ok && !seenChecker[c] {
				seenChecker[c] = true
				l.checkers = append(l.checkers, c)
			}
		}
		l.wg.Add(1)
		go l.runSender(s)
	}
	t.Cleanup(l.close)
	return l
}

func (l *Load) errorf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

// notef keeps a client-side event worth reporting that is not an error.
func (l *Load) notef(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.notes) < 100 {
		l.notes = append(l.notes, time.Now().Format("15:04:05.000")+" "+fmt.Sprintf(format, args...))
	}
}

// Notes returns the client-side events worth reporting (sequence re-reads).
func (l *Load) Notes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.notes...)
}

func (l *Load) onInclusion(hash string, inc Inclusion) {
	l.mu.Lock()
	op := l.ops[hash]
	l.mu.Unlock()
	if op != nil && op.gen != nil {
		op.gen.Committed(op, inc)
	}
}

// Acked is the number of transactions senders saw committed with code 0.
func (l *Load) Acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acked
}

// WaitAcked waits until n more transactions than now have been acknowledged.
func (l *Load) WaitAcked(ctx context.Context, n int, timeout time.Duration) error {
	target := l.Acked() + n
	deadline := time.Now().Add(timeout)
	for l.Acked() < target {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d transactions acknowledged after %s; load errors: %v", l.Acked(), target, timeout, l.Errors())
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// Errors returns what went wrong on the client side (refused transactions,
// failed deliveries).
func (l *Load) Errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errs...)
}

// Stop stops generating transactions and waits (up to DrainTimeout) for
// every sender's in-flight transaction to be committed.
func (l *Load) Stop() {
	l.stopOnce.Do(func() {
		l.stopGen()
		done := make(chan struct{})
		go func() { l.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(l.opts.DrainTimeout):
			l.stopDrain()
			<-done
		}
		l.stopDrain()
	})
}

func (l *Load) close() {
	l.Stop()
	l.tr.stop()
}

func (l *Load) runSender(s *Sender) {
	defer l.wg.Done()
	// The account may be created by another sender (funding); wait for it.
	for {
		if l.genCtx.Err() != nil {
			return
		}
		if n := l.bestNode(); n != nil {
			accNum, seq, err := Account(l.genCtx, n, s.Key.Address)
			if err == nil {
				s.accNum, s.seq = accNum, seq
				break
			}
		}
		if sleepCtx(l.genCtx, 500*time.Millisecond) != nil {
			return
		}
	}
	for l.genCtx.Err() == nil {
		op, ok := s.nextOp()
		if !ok {
			_ = sleepCtx(l.genCtx, 300*time.Millisecond)
			continue
		}
		l.send(s, op)
	}
}

func (s *Sender) nextOp() (*Op, bool) {
	for range s.gens {
		g := s.gens[s.next%len(s.gens)]
		s.next++
		op, ok := g.Next(s)
		if ok {
			op.gen = g
			if op.Kind == "" {
				op.Kind = g.Kind()
			}
			return &op, true
		}
	}
	return nil, false
}

// bestNode is the live node furthest ahead (for sequence queries).
func (l *Load) bestNode() *Node {
	nodes := l.tr.liveByHeight(l.drainCtx)
	if len(nodes) == 0 {
		return nil
	}
	return nodes[0].n
}

func (l *Load) send(s *Sender, op *Op) {
	if op.Gas == 0 {
		op.Gas = DefaultGas
	}
	if op.Fee == nil {
		op.Fee = DefaultFee
	}
	var granter sdk.AccAddress
	op.FeePayer = s.Key.Address
	if s.FeeGranter != "" {
		granter = mustAccAddress(s.FeeGranter)
		op.FeePayer = s.FeeGranter
	}
	op.Sender, op.Seq = s.Name, s.seq
	bz, err := SignTx(l.net.ChainID, s.Key, s.accNum, s.seq, op.Fee, op.Gas, granter, op.Msgs...)
	if err != nil {
		l.errorf("%s: signing %s: %v", s.Name, op.Kind, err)
		_ = sleepCtx(l.genCtx, time.Second)
		return
	}
	op.Hash = fmt.Sprintf("%X", cmttypes.Tx(bz).Hash())
	l.mu.Lock()
	l.ops[op.Hash] = op
	l.mu.Unlock()
	committed := l.tr.watch(op.Hash)

	first := true
	for {
		accepted, err := l.broadcast(s, bz, first)
		if err != nil {
			l.mu.Lock()
			op.Abandoned = true
			l.mu.Unlock()
			var refused *checkTxError
			if errors.As(err, &refused) && refused.codespace == sdkerrors.RootCodespace && refused.code == sdkerrors.ErrWrongSequence.ABCICode() {
				// Our sequence came from a node behind the others; ask again.
				l.mu.Lock()
				l.resyncs++
				l.mu.Unlock()
				l.notef("%s: %s seq %d: %v; sequence re-read", s.Name, op.Kind, op.Seq, err)
				_ = sleepCtx(l.genCtx, time.Second)
				if n := l.bestNode(); n != nil {
					if _, seq, err := Account(l.drainCtx, n, s.Key.Address); err == nil {
						s.seq = seq
					}
				}
				return
			}
			l.errorf("%s: %s (seq %d) refused: %v", s.Name, op.Kind, s.seq, err)
			_ = sleepCtx(l.genCtx, time.Second)
			return
		}
		wait := l.opts.ResendAfter
		if !accepted {
			wait = 500 * time.Millisecond // no node took it: try again soon
		} else if !first {
			l.mu.Lock()
			l.rebroadcasts++
			l.mu.Unlock()
		}
		if accepted {
			first = false
		}
		select {
		case <-committed:
			incs := l.tr.inclusions(op.Hash)
			inc := incs[0]
			l.mu.Lock()
			if inc.Code == 0 {
				op.Acked = true
				l.acked++
			}
			l.mu.Unlock()
			if inc.Code != 0 {
				l.errorf("%s: %s (seq %d, tx %s) failed in block %d: code %d (%s) %s", s.Name, op.Kind, op.Seq, op.Hash, inc.Height, inc.Code, inc.Codespace, inc.Log)
			}
			if inc.Code != 0 && !inc.FeeCharged {
				return // the ante handler refused it: the sequence did not move
			}
			s.seq++
			return
		case <-time.After(wait):
		case <-l.drainCtx.Done():
			return // in doubt: Verify accounts for it if it is in a block
		}
	}
}

// broadcast sends tx to the next live node that answers. accepted is false
// if no node answered. A CheckTx refusal is an error, except on a resend,
// where "already seen" and "sequence already used" mean an earlier copy
// got there first. A node that refuses the sequence may just be behind (it
// is catching up after a restart), so the other nodes are asked before a
// sequence refusal is reported, and a node whose state is behind the
// sender's sequence is never taken as proof that the sequence is wrong.
func (l *Load) broadcast(s *Sender, bz []byte, first bool) (accepted bool, err error) {
	nodes := l.net.LiveNodes()
	var wrongSeq error
	for i := range nodes {
		n := nodes[(s.rr+i)%len(nodes)]
		res, err := n.Client().BroadcastTxSync(l.drainCtx, bz)
		if err != nil {
			if strings.Contains(err.Error(), "tx already exists in cache") {
				s.rr++
				return true, nil
			}
			continue // node down or dying: try the next one
		}
		switch {
		case res.Code == 0:
			s.rr++
			return true, nil
		case res.Codespace == sdkerrors.RootCodespace && res.Code == sdkerrors.ErrTxInMempoolCache.ABCICode():
			s.rr++
			return true, nil
		case res.Codespace == sdkerrors.RootCodespace && res.Code == sdkerrors.ErrWrongSequence.ABCICode():
			if !first {
				s.rr++
				return true, nil
			}
			if m := seqMismatchRE.FindStringSubmatch(res.Log); m != nil {
				expected, _ := strconv.ParseUint(m[1], 10, 64)
				got, _ := strconv.ParseUint(m[2], 10, 64)
				if expected < got {
					continue // this node has not caught up with our last transaction yet
				}
			}
			wrongSeq = &checkTxError{node: n.Name, code: res.Code, codespace: res.Codespace, log: res.Log}
		case s.accNum != 0 && res.Codespace == sdkerrors.RootCodespace && res.Code == sdkerrors.ErrUnauthorized.ABCICode() &&
			strings.Contains(res.Log, "please verify account number (0)"):
			// cosmos/cosmos-sdk#24628: until a (re)started node commits a
			// block, its CheckTx state has height 0 and signature
			// verification assumes account number 0 (the genesis rule), so
			// it refuses every other account's transactions. Transient: ask
			// another node, or this one again shortly.
			l.mu.Lock()
			l.height0Refusals++
			l.mu.Unlock()
		case n.CatchingUp():
			// A node still syncing checks transactions against the state it
			// has so far (before a state-sync restore: none at all). Clients
			// see these refusals too; they are not the transaction's fault.
			l.mu.Lock()
			l.syncingRefusals++
			l.mu.Unlock()
		default:
			s.rr++
			return false, &checkTxError{node: n.Name, code: res.Code, codespace: res.Codespace, log: res.Log}
		}
	}
	s.rr++
	if wrongSeq != nil {
		return false, wrongSeq
	}
	return false, nil
}

// seqMismatchRE parses x/auth's "account sequence mismatch, expected 5, got 7".
var seqMismatchRE = regexp.MustCompile(`expected (\d+), got (\d+)`)

type checkTxError struct {
	node      string
	code      uint32
	codespace string
	log       string
}

func (e *checkTxError) Error() string {
	return fmt.Sprintf("CheckTx on %s: code %d (%s): %s", e.node, e.code, e.codespace, e.log)
}

// LoadStats summarize a load.
type LoadStats struct {
	ByKind       map[string]*KindStats
	Rebroadcasts int
	Resyncs      int
	// Height0Refusals: CheckTx refusals by nodes that had not committed a
	// block since their restart (cosmos/cosmos-sdk#24628); each was retried.
	Height0Refusals int
	// SyncingRefusals: CheckTx refusals by nodes still syncing; retried.
	SyncingRefusals int
	Duration        time.Duration
}

// Stats counts the transactions by kind.
func (l *Load) Stats() LoadStats {
	seen, _ := l.tr.snapshot()
	l.mu.Lock()
	defer l.mu.Unlock()
	st := LoadStats{ByKind: map[string]*KindStats{}, Rebroadcasts: l.rebroadcasts, Resyncs: l.resyncs, Height0Refusals: l.height0Refusals, SyncingRefusals: l.syncingRefusals, Duration: time.Since(l.startedAt)}
	for hash, op := range l.ops {
		if op.Abandoned && len(seen[hash]) == 0 {
			continue
		}
		k := st.ByKind[op.Kind]
		if k == nil {
			k = &KindStats{}
			st.ByKind[op.Kind] = k
		}
		k.Sent++
		incs := seen[hash]
		switch {
		case op.Acked:
			k.Acked++
		case len(incs) > 0 && incs[0].Code != 0:
			k.Failed++
		case len(incs) > 0:
			k.InDoubt++ // committed, but the sender stopped waiting first
		}
	}
	return st
}

// String renders the stats as one line per kind.
func (st LoadStats) String() string {
	kinds := make([]string, 0, len(st.ByKind))
	for k := range st.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	total := KindStats{}
	for _, k := range kinds {
		s := st.ByKind[k]
		fmt.Fprintf(&b, "  %-22s sent %5d  acknowledged %5d  committed-unacknowledged %3d  failed %d\n", k, s.Sent, s.Acked, s.InDoubt, s.Failed)
		total.Sent += s.Sent
		total.Acked += s.Acked
		total.InDoubt += s.InDoubt
		total.Failed += s.Failed
	}
	fmt.Fprintf(&b, "  %-22s sent %5d  acknowledged %5d  committed-unacknowledged %3d  failed %d  (%.1f tx/s over %s; %d resends, %d sequence re-reads, %d refusals by restarted nodes before their first block, %d by syncing nodes)",
		"total", total.Sent, total.Acked, total.InDoubt, total.Failed, float64(total.Acked)/st.Duration.Seconds(), st.Duration.Round(time.Second), st.Rebroadcasts, st.Resyncs, st.Height0Refusals, st.SyncingRefusals)
	return b.String()
}

func mustAccAddress(bech string) sdk.AccAddress {
	a, err := sdk.AccAddressFromBech32(bech)
	if err != nil {
		panic(err)
	}
	return a
}
