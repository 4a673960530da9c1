package e2e

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/app/devnet"
	claimstypes "github.com/carechain/carechain/x/claims/types"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// Summary is what Verify checked.
type Summary struct {
	// Height is the last height checked; every node had reached it.
	Height int64
	// From is the first height every node holds (a state-synced node starts
	// above 1); block and app hashes were compared on [From, Height].
	From  int64
	Nodes int
	// Txs found in blocks 1..Height, and how many of them senders had
	// acknowledged.
	Txs, Acked int
	// Fees paid by the committed transactions.
	Fees sdk.Coins
}

// Verify stops the load and checks the network after a scenario. Every
// node must be running. It checks:
//
//  1. Agreement: for every height h that every node holds, the block hash
//     and the header's app hash (the state after h-1) are identical on every
//     node.
//  2. Transactions: every transaction a sender saw committed is in exactly
//     one block; no transaction appears twice; every transaction in a block
//     is one the load sent; none failed.
//  3. Balances: each committed transaction's bank events (coin_spent,
//     coin_received) move exactly its fee and its generator's predicted
//     moves (claim payments from the plan escrow, study incentives, ...);
//     at the final height, on every node, every account holding any coin,
//     module escrows included, has exactly its balance at height 1 plus
//     the moves of the committed transactions minus the fees it paid; the
//     fee collector and distribution accounts together gained exactly the
//     fees; total supply is unchanged. The sums by party (payers,
//     providers, patients, escrows, ...) are logged.
//  4. Module state: each generator's StateChecker (the key stored is the
//     last one set, every member added is a member, ...).
func Verify(t testing.TB, net *Network, load *Load) *Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	load.Stop()
	for _, n := range net.Nodes {
		if !n.Live() {
			t.Fatalf("verify: %s is not running", n.Name)
		}
	}
	if errs := load.Errors(); len(errs) > 0 {
		t.Errorf("load errors (%d):\n  %s", len(errs), strings.Join(first(errs, 20), "\n  "))
	}

	if notes := load.Notes(); len(notes) > 0 {
		t.Logf("load notes:\n  %s", strings.Join(first(notes, 30), "\n  "))
	}

	// The tracker stops at H; every node must get there.
	H := net.Tip(ctx) + 2
	if err := load.tr.stopAt(H); err != nil {
		t.Fatal(err)
	}
	for _, n := range net.Nodes {
		if _, err := net.WaitHeight(ctx, n, H, 2*time.Minute); err != nil {
			t.Fatalf("verify: %v", err)
		}
		// /status counts a block once it is stored; queries at H need the
		// application to have committed it.
		if err := waitAppHeight(ctx, n, H, time.Minute); err != nil {
			t.Fatalf("verify: %v", err)
		}
	}
	if err := load.tr.waitScanned(ctx, H, time.Minute); err != nil {
		t.Fatal(err)
	}
	sum := &Summary{Height: H, Nodes: len(net.Nodes)}

	sum.From = checkAgreement(ctx, t, net, H)
	seen, _ := load.tr.snapshot()
	checkTransactions(t, net, load, seen, sum)
	checkBalances(ctx, t, net, load, seen, H, sum)
	for _, c := range load.checkers {
		for _, n := range net.Nodes {
			if err := c.CheckState(ctx, n, H); err != nil {
				t.Errorf("state check: %v", err)
			}
		}
	}
	t.Logf("verified %d nodes: identical block and app hashes at heights %d..%d; %d transactions in blocks, %d acknowledged, each exactly once; balances and supply conserved (fees %s)\n%s",
		sum.Nodes, sum.From, sum.Height, sum.Txs, sum.Acked, sum.Fees, load.Stats())
	return sum
}

// waitAppHeight waits until the node's application has committed height h.
func waitAppHeight(ctx context.Context, n *Node, h int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		info, err := n.Client().ABCIInfo(ctx)
		if err == nil && info.Response.LastBlockHeight >= h {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: application has not committed height %d after %s (abci_info: %v, %v)", n.Name, h, timeout, info, err)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("... and %d more", len(s)-n))
	}
	return s
}

// checkAgreement compares block hash and app hash at every common height
// and returns the first common height.
func checkAgreement(ctx context.Context, t testing.TB, net *Network, H int64) int64 {
	t.Helper()
	from := int64(1)
	for _, n := range net.Nodes {
		st, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.SyncInfo.EarliestBlockHeight > from {
			from = st.SyncInfo.EarliestBlockHeight
		}
	}
	type hashes struct{ block, app []byte }
	got := make([][]hashes, len(net.Nodes))
	var wg sync.WaitGroup
	errs := make([]error, len(net.Nodes))
	for i, n := range net.Nodes {
		wg.Add(1)
		go func(i int, n *Node) {
			defer wg.Done()
			for h := from; h <= H; h++ {
				c, err := n.Client().Commit(ctx, &h)
				if err != nil {
					errs[i] = fmt.Errorf("%s /commit %d: %w", n.Name, h, err)
					return
				}
				hdr := c.Header
				if !bytes.Equal(hdr.Hash(), c.Commit.BlockID.Hash) {
					errs[i] = fmt.Errorf("%s height %d: header hashes to %X, commit is for %X", n.Name, h, hdr.Hash(), c.Commit.BlockID.Hash)
					return
				}
				got[i] = append(got[i], hashes{c.Commit.BlockID.Hash, hdr.AppHash})
			}
		}(i, n)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mismatches := 0
	for k := 0; k <= int(H-from); k++ {
		for i := 1; i < len(net.Nodes); i++ {
			a, b := got[0][k], got[i][k]
			if !bytes.Equal(a.block, b.block) || !bytes.Equal(a.app, b.app) {
				mismatches++
				if mismatches <= 5 {
					t.Errorf("height %d: %s has block %X app hash %X, %s has block %X app hash %X",
						from+int64(k), net.Nodes[0].Name, a.block, a.app, net.Nodes[i].Name, b.block, b.app)
				}
			}
		}
	}
	if mismatches > 0 {
		t.Fatalf("%d height/node pairs disagree", mismatches)
	}
	return from
}

func checkTransactions(t testing.TB, net *Network, load *Load, seen map[string][]Inclusion, sum *Summary) {
	t.Helper()
	load.mu.Lock()
	defer load.mu.Unlock()
	for hash, incs := range seen {
		sum.Txs += len(incs)
		op := load.ops[hash]
		if op == nil {
			t.Errorf("tx %s at height %d was not sent by the load", hash, incs[0].Height)
			continue
		}
		if len(incs) > 1 {
			t.Errorf("tx %s (%s from %s, seq %d) is in %d blocks: %+v", hash, op.Kind, op.Sender, op.Seq, len(incs), incs)
		}
		for _, inc := range incs {
			if inc.Code != 0 {
				t.Errorf("tx %s (%s from %s, seq %d) failed at height %d: code %d (%s) %s", hash, op.Kind, op.Sender, op.Seq, inc.Height, inc.Code, inc.Codespace, inc.Log)
			}
		}
	}
	for hash, op := range load.ops {
		if !op.Acked {
			continue
		}
		sum.Acked++
		if n := len(seen[hash]); n != 1 {
			t.Errorf("acknowledged tx %s (%s from %s, seq %d) is in %d blocks up to height %d", hash, op.Kind, op.Sender, op.Seq, n, sum.Height)
		}
	}
	if sum.Acked == 0 {
		t.Errorf("no transaction was acknowledged: the scenario ran without load")
	}
}

// balances maps bech32 address to coins.
type balances map[string]sdk.Coins

func (b balances) add(addr string, c sdk.Coins) { b[addr] = b[addr].Add(c...) }

// appliedTx is a committed transaction of the load.
type appliedTx struct {
	op  *Op
	inc Inclusion
}

// expectBalances replays the committed transactions over the starting
// balances, in block order as the chain executed them: a transaction whose
// ante handler ran pays its fee (from the fee granter if it has one); a
// successful one makes its moves. It returns the expected balances, the
// fees paid and any move that would have overdrawn an account.
func expectBalances(start balances, txs []appliedTx) (balances, sdk.Coins, []string) {
	want := balances{}
	for a, c := range start {
		want[a] = c
	}
	sort.Slice(txs, func(i, j int) bool {
		a, b := txs[i].inc, txs[j].inc
		return a.Height < b.Height || (a.Height == b.Height && a.Index < b.Index)
	})
	var problems []string
	sub := func(addr string, c sdk.Coins) {
		res, neg := want[addr].SafeSub(c...)
		if neg {
			problems = append(problems, fmt.Sprintf("expected balance of %s goes negative: %s - %s", addr, want[addr], c))
			return
		}
		want[addr] = res
	}
	fees := sdk.NewCoins()
	for _, tx := range txs {
		if tx.inc.FeeCharged {
			sub(tx.op.FeePayer, tx.op.Fee)
			fees = fees.Add(tx.op.Fee...)
		}
		if tx.inc.Code == 0 {
			for _, m := range tx.op.Moves {
				sub(m.From, m.Coins)
				want.add(m.To, m.Coins)
			}
		}
	}
	return want, fees, problems
}

// holders lists every balance at height via DenomOwners for each denom.
func holders(ctx context.Context, n *Node, denoms []string, height int64) (balances, error) {
	out := balances{}
	for _, denom := range denoms {
		err := queryPages(ctx, n, "/cosmos.bank.v1beta1.Query/DenomOwners", height, 500,
			func(page *query.PageRequest) gogoproto.Message {
				return &banktypes.QueryDenomOwnersRequest{Denom: denom, Pagination: page}
			},
			func(resp *banktypes.QueryDenomOwnersResponse) {
				for _, o := range resp.DenomOwners {
					out.add(o.Address, sdk.NewCoins(o.Balance))
				}
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func supply(ctx context.Context, n *Node, height int64) (sdk.Coins, error) {
	var resp banktypes.QueryTotalSupplyResponse
	if err := Query(ctx, n, "/cosmos.bank.v1beta1.Query/TotalSupply", &banktypes.QueryTotalSupplyRequest{Pagination: &query.PageRequest{Limit: 100}}, &resp, height); err != nil {
		return nil, err
	}
	return resp.Supply, nil
}

func checkBalances(ctx context.Context, t testing.TB, net *Network, load *Load, seen map[string][]Inclusion, H int64, sum *Summary) {
	t.Helper()
	// Height 1 is the state every scenario starts from (genesis plus the
	// first block; the load starts later). Validators keep every height.
	var base *Node
	for _, n := range net.Nodes {
		if st, err := n.Status(ctx); err == nil && st.SyncInfo.EarliestBlockHeight == 1 {
			base = n
			break
		}
	}
	if base == nil {
		t.Fatal("no node holds height 1")
	}
	supply1, err := supply(ctx, base, 1)
	if err != nil {
		t.Fatal(err)
	}
	denoms := make([]string, 0, len(supply1))
	for _, c := range supply1 {
		denoms = append(denoms, c.Denom)
	}
	start, err := holders(ctx, base, denoms, 1)
	if err != nil {
		t.Fatal(err)
	}

	feeCollector := authtypes.NewModuleAddress(authtypes.FeeCollectorName).String()
	distribution := authtypes.NewModuleAddress(distrtypes.ModuleName).String()
	feeSink := func(b balances) sdk.Coins { return b[feeCollector].Add(b[distribution]...) }

	var txs []appliedTx
	load.mu.Lock()
	for hash, incs := range seen {
		if op := load.ops[hash]; op != nil { // unknown txs are reported by checkTransactions
			for _, inc := range incs {
				txs = append(txs, appliedTx{op, inc})
			}
		}
	}
	load.mu.Unlock()
	want, fees, problems := expectBalances(start, txs)
	for _, p := range problems {
		t.Error(p)
	}
	// Each transaction's own bank events (fee deduction, escrow payments
	// made inside x/claims and x/research) must move exactly what the
	// generator predicted: a difference names the transaction.
	if bad := checkTxEvents(txs, feeCollector); len(bad) > 0 {
		t.Errorf("%d committed transactions moved coins otherwise than predicted:\n  %s", len(bad), strings.Join(first(bad, 10), "\n  "))
	}
	sum.Fees = fees
	wantSink := feeSink(start).Add(fees...)

	for _, n := range net.Nodes {
		got, err := holders(ctx, n, denoms, H)
		if err != nil {
			t.Fatal(err)
		}
		addrs := map[string]bool{}
		for a := range got {
			addrs[a] = true
		}
		for a := range want {
			addrs[a] = true
		}
		bad := 0
		for _, a := range sortedKeys(addrs) {
			if a == feeCollector || a == distribution {
				continue
			}
			if !got[a].Equal(want[a]) {
				bad++
				if bad <= 10 {
					t.Errorf("%s at height %d: %s holds %s, expected %s (start %s)", n.Name, H, net.Accounts.NameOf(a), got[a], want[a], start[a])
				}
			}
		}
		if s := feeSink(got); !s.Equal(wantSink) {
			t.Errorf("%s at height %d: fee collector + distribution hold %s, expected %s (start %s + fees %s)", n.Name, H, s, wantSink, feeSink(start), fees)
		}
		supplyH, err := supply(ctx, n, H)
		if err != nil {
			t.Fatal(err)
		}
		if !supplyH.Equal(supply1) {
			t.Errorf("%s: total supply %s at height %d, %s at height 1", n.Name, supplyH, H, supply1)
		}
		if n == net.Nodes[0] {
			logGroups(t, net, start, want, got, fees)
		}
	}
}

// coinDeltas are signed per-address, per-denom balance changes.
type coinDeltas map[string]map[string]sdkmath.Int

func (d coinDeltas) add(addr string, coins sdk.Coins, sign int64) {
	if d[addr] == nil {
		d[addr] = map[string]sdkmath.Int{}
	}
	for _, c := range coins {
		v, ok := d[addr][c.Denom]
		if !ok {
			v = sdkmath.ZeroInt()
		}
		d[addr][c.Denom] = v.Add(c.Amount.MulRaw(sign))
	}
}

// nonZero drops zero entries, so that two deltas compare by content.
func (d coinDeltas) nonZero() map[string]string {
	out := map[string]string{}
	for addr, byDenom := range d {
		var parts []string
		for _, denom := range sortedKeys(byDenom) {
			if v := byDenom[denom]; !v.IsZero() {
				parts = append(parts, v.String()+denom)
			}
		}
		if len(parts) > 0 {
			out[addr] = strings.Join(parts, ",")
		}
	}
	return out
}

// eventDeltas sums a transaction's bank events: coin_spent takes from its
// spender, coin_received gives to its receiver (x/bank emits both for
// every transfer, fee deduction and module escrow payment included).
func eventDeltas(events []abci.Event) (coinDeltas, error) {
	d := coinDeltas{}
	for _, e := range events {
		var who string
		var sign int64
		switch e.Type {
		case banktypes.EventTypeCoinSpent:
			who, sign = banktypes.AttributeKeySpender, -1
		case banktypes.EventTypeCoinReceived:
			who, sign = banktypes.AttributeKeyReceiver, 1
		default:
			continue
		}
		var addr, amount string
		for _, a := range e.Attributes {
			switch a.Key {
			case who:
				addr = a.Value
			case sdk.AttributeKeyAmount:
				amount = a.Value
			}
		}
		coins, err := sdk.ParseCoinsNormalized(amount)
		if err != nil {
			return nil, fmt.Errorf("%s event amount %q: %w", e.Type, amount, err)
		}
		d.add(addr, coins, sign)
	}
	return d, nil
}

// checkTxEvents compares, transaction by transaction, the balance changes
// its bank events report with what the load predicted: the fee from the
// fee payer to the fee collector (if the ante handler took it) and, if it
// succeeded, the generator's moves. It returns one line per mismatch.
func checkTxEvents(txs []appliedTx, feeCollector string) []string {
	var bad []string
	for _, tx := range txs {
		want := coinDeltas{}
		if tx.inc.FeeCharged {
			want.add(tx.op.FeePayer, tx.op.Fee, -1)
			want.add(feeCollector, tx.op.Fee, 1)
		}
		if tx.inc.Code == 0 {
			for _, m := range tx.op.Moves {
				want.add(m.From, m.Coins, -1)
				want.add(m.To, m.Coins, 1)
			}
		}
		got, err := eventDeltas(tx.inc.Events)
		if err != nil {
			bad = append(bad, fmt.Sprintf("tx %s (%s from %s) at height %d: %v", tx.op.Hash, tx.op.Kind, tx.op.Sender, tx.inc.Height, err))
			continue
		}
		g, w := got.nonZero(), want.nonZero()
		if len(g) != len(w) || !mapsEqual(g, w) {
			bad = append(bad, fmt.Sprintf("tx %s (%s from %s, code %d) at height %d: events move %v, predicted %v", tx.op.Hash, tx.op.Kind, tx.op.Sender, tx.inc.Code, tx.inc.Height, g, w))
		}
	}
	return bad
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// partyGroup names the role of an address in the balance report: the
// issue's payers, providers, patients and module escrows.
func partyGroup(net *Network, addr string) string {
	name := net.Accounts.NameOf(addr)
	switch {
	case addr == authtypes.NewModuleAddress(claimstypes.ModuleName).String():
		return "escrow: claims plans"
	case addr == authtypes.NewModuleAddress(researchtypes.ModuleName).String():
		return "escrow: research studies"
	case addr == authtypes.NewModuleAddress(authtypes.FeeCollectorName).String() || addr == authtypes.NewModuleAddress(distrtypes.ModuleName).String():
		return "fee collector+distribution"
	case addr == authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String() || addr == authtypes.NewModuleAddress(stakingtypes.NotBondedPoolName).String():
		return "staking pools"
	case name == devnet.AcmeAdmin:
		return "payers"
	case name == devnet.MercyAdmin || strings.HasPrefix(name, "node") || name == devnet.Validator:
		return "providers/validators"
	case name == devnet.Alice || name == devnet.Bob || name == devnet.Carol || strings.HasPrefix(name, "e2e-patient-"):
		return "patients"
	case name == devnet.NorthwindAdmin || name == devnet.IRBAdmin:
		return "research/irb"
	case name == devnet.Consortium:
		return "consortium"
	case name == addr:
		return "other accounts"
	default:
		return "other named"
	}
}

// logGroups prints balance sums by party: at height 1, as the committed
// transactions' fees and moves predict at the final height, and as
// queried there (the per-account check is done before; this is the
// issue's "payers, providers, patients and module escrows" view). The fee
// collector and distribution row is expected to gain exactly the fees.
func logGroups(t testing.TB, net *Network, start, want, end balances, fees sdk.Coins) {
	type row struct{ start, want, end sdk.Coins }
	rows := map[string]*row{}
	get := func(g string) *row {
		if rows[g] == nil {
			rows[g] = &row{sdk.NewCoins(), sdk.NewCoins(), sdk.NewCoins()}
		}
		return rows[g]
	}
	for a, c := range start {
		r := get(partyGroup(net, a))
		r.start = r.start.Add(c...)
	}
	for a, c := range want {
		r := get(partyGroup(net, a))
		r.want = r.want.Add(c...)
	}
	sink := "fee collector+distribution"
	get(sink).want = get(sink).start.Add(fees...)
	for a, c := range end {
		r := get(partyGroup(net, a))
		r.end = r.end.Add(c...)
	}
	var b strings.Builder
	total := &row{sdk.NewCoins(), sdk.NewCoins(), sdk.NewCoins()}
	for _, g := range sortedKeys(rows) {
		r := rows[g]
		total.start, total.want, total.end = total.start.Add(r.start...), total.want.Add(r.want...), total.end.Add(r.end...)
		mark := "ok"
		if !r.want.Equal(r.end) {
			mark = "DIFFERS"
		}
		fmt.Fprintf(&b, "  %-28s start %s\n  %-28s expected %s\n  %-28s end %s  [%s]\n", g, r.start, "", r.want, "", r.end, mark)
	}
	fmt.Fprintf(&b, "  %-28s start %s\n  %-28s end %s", "total", total.start, "", total.end)
	t.Logf("balances by party (fees %s):\n%s", fees, b.String())
}
