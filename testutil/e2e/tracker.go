package e2e

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Inclusion is one appearance of a transaction in a committed block.
type Inclusion struct {
	Height    int64
	Index     int
	Code      uint32
	Codespace string
	Log       string
	// FeeCharged: the ante handler ran to the end (code 0, or the message
	// failed after the fee was taken).
	FeeCharged bool
	// Events and Data are the transaction's result: generators read the ids
	// their messages created from them (see MsgResponse).
	Events []abci.Event
	Data   []byte
}

// MsgResponse decodes the response of the i-th message of a committed
// transaction, for example the id a MsgGrantConsent assigned:
//
//	var resp consenttypes.MsgGrantConsentResponse
//	err := inc.MsgResponse(0, &resp)
func (inc Inclusion) MsgResponse(i int, resp gogoproto.Message) error {
	var data sdk.TxMsgData
	if err := gogoproto.Unmarshal(inc.Data, &data); err != nil {
		return err
	}
	if i >= len(data.MsgResponses) {
		return fmt.Errorf("transaction has %d message responses, want #%d", len(data.MsgResponses), i)
	}
	return gogoproto.Unmarshal(data.MsgResponses[i].Value, resp)
}

// tracker follows the chain block by block (/block and /block_results from
// whichever live node is furthest ahead) and records every transaction it
// sees by hash. It does not use the tx index: scanning blocks is what
// proves a transaction is there, and how often.
type tracker struct {
	net *Network

	mu      sync.Mutex
	scanned int64
	limit   int64 // scan no further (0: no limit)
	seen    map[string][]Inclusion
	waiters map[string]chan struct{}
	blocks  map[int64]int // txs per scanned height
	// onInclusion is called (outside the lock) for every transaction seen.
	onInclusion func(hash string, inc Inclusion)

	cancel context.CancelFunc
	done   chan struct{}
}

func newTracker(net *Network, onInclusion func(string, Inclusion)) *tracker {
	ctx, cancel := context.WithCancel(context.Background())
	tr := &tracker{
		net: net, seen: map[string][]Inclusion{}, waiters: map[string]chan struct{}{},
		blocks: map[int64]int{}, onInclusion: onInclusion, cancel: cancel, done: make(chan struct{}),
	}
	go tr.run(ctx)
	return tr
}

func (tr *tracker) run(ctx context.Context) {
	defer close(tr.done)
	for {
		tr.scan(ctx)
		if sleepCtx(ctx, 250*time.Millisecond) != nil {
			return
		}
	}
}

func (tr *tracker) stop() {
	tr.cancel()
	<-tr.done
}

type nodeHeight struct {
	n *Node
	h int64
}

// liveByHeight returns the live nodes, furthest ahead first.
func (tr *tracker) liveByHeight(ctx context.Context) []nodeHeight {
	var mu sync.Mutex
	var out []nodeHeight
	var wg sync.WaitGroup
	for _, n := range tr.net.LiveNodes() {
		wg.Add(1)
		go func(n *Node) {
			defer wg.Done()
			if h, err := n.Height(ctx); err == nil {
				mu.Lock()
				out = append(out, nodeHeight{n, h})
				mu.Unlock()
			}
		}(n)
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i].h > out[j].h })
	return out
}

func (tr *tracker) scan(ctx context.Context) {
	nodes := tr.liveByHeight(ctx)
	if len(nodes) == 0 {
		return
	}
	tr.mu.Lock()
	from, limit := tr.scanned+1, tr.limit
	tr.mu.Unlock()
	for h := from; h <= nodes[0].h && (limit == 0 || h <= limit); h++ {
		var blk *ctypes.ResultBlock
		var res *ctypes.ResultBlockResults
		for _, nh := range nodes {
			if nh.h < h {
				break
			}
			b, err := nh.n.Client().Block(ctx, &h)
			if err != nil {
				continue
			}
			// The results exist once the block is executed; a node that
			// crashed between saving and executing it has the block only.
			r, err := nh.n.Client().BlockResults(ctx, &h)
			if err != nil {
				continue
			}
			blk, res = b, r
			break
		}
		if blk == nil {
			return
		}
		if len(blk.Block.Txs) != len(res.TxsResults) {
			return
		}
		tr.record(h, blk, res)
	}
}

func (tr *tracker) record(h int64, blk *ctypes.ResultBlock, res *ctypes.ResultBlockResults) {
	type found struct {
		hash string
		inc  Inclusion
	}
	var incs []found
	for i, tx := range blk.Block.Txs {
		r := res.TxsResults[i]
		inc := Inclusion{Height: h, Index: i, Code: r.Code, Codespace: r.Codespace, Log: r.Log, FeeCharged: r.Code == 0 || hasFeeEvent(r.Events), Events: r.Events, Data: r.Data}
		incs = append(incs, found{fmt.Sprintf("%X", tx.Hash()), inc})
	}
	// Generators learn of the block (Committed) before any sender does:
	// a sender's next Next then sees the state its last transaction made,
	// for example the record id a claim can cite as evidence.
	if tr.onInclusion != nil {
		for _, f := range incs {
			tr.onInclusion(f.hash, f.inc)
		}
	}
	tr.mu.Lock()
	for _, f := range incs {
		tr.seen[f.hash] = append(tr.seen[f.hash], f.inc)
		if ch, ok := tr.waiters[f.hash]; ok {
			close(ch)
			delete(tr.waiters, f.hash)
		}
	}
	tr.blocks[h] = len(blk.Block.Txs)
	tr.scanned = h
	tr.mu.Unlock()
}

// hasFeeEvent reports whether a failed transaction's events include the
// ante handler's fee deduction (x/auth emits a "tx" event with a "fee"
// attribute; the events of a successful ante handler are kept when the
// message then fails).
func hasFeeEvent(events []abci.Event) bool {
	for _, e := range events {
		if e.Type != "tx" {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == "fee" {
				return true
			}
		}
	}
	return false
}

// watch returns a channel closed once hash is seen in a block.
func (tr *tracker) watch(hash string) <-chan struct{} {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	ch := make(chan struct{})
	if len(tr.seen[hash]) > 0 {
		close(ch)
		return ch
	}
	if old, ok := tr.waiters[hash]; ok {
		return old
	}
	tr.waiters[hash] = ch
	return ch
}

func (tr *tracker) inclusions(hash string) []Inclusion {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]Inclusion(nil), tr.seen[hash]...)
}

func (tr *tracker) height() int64 {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.scanned
}

// stopAt makes the tracker scan no block above h.
func (tr *tracker) stopAt(h int64) error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.scanned > h {
		return fmt.Errorf("tracker already scanned past %d (at %d)", h, tr.scanned)
	}
	tr.limit = h
	return nil
}

// waitScanned waits until the tracker has scanned every block up to h.
func (tr *tracker) waitScanned(ctx context.Context, h int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for tr.height() < h {
		if time.Now().After(deadline) {
			return fmt.Errorf("tracker at height %d after %s, want %d", tr.height(), timeout, h)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// snapshot returns every inclusion seen and the txs-per-block counts.
func (tr *tracker) snapshot() (map[string][]Inclusion, map[int64]int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	seen := make(map[string][]Inclusion, len(tr.seen))
	for k, v := range tr.seen {
		seen[k] = append([]Inclusion(nil), v...)
	}
	blocks := make(map[int64]int, len(tr.blocks))
	for k, v := range tr.blocks {
		blocks[k] = v
	}
	return seen, blocks
}
