package apptest

import (
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BenchTx is one transaction of a benchmark: the signer (a named account
// of the harness) and its messages.
type BenchTx struct {
	Signer string
	Msgs   []sdk.Msg
}

// RunTxBenchmark measures delivering transactions through the real app:
// it signs b.N transactions, next(0) ... next(b.N-1), with the timer
// stopped, then delivers them perBlock to a block (FinalizeBlock and Commit,
// ante handler included) and checks every result. A transaction whose code
// is not 0 fails the benchmark at once: a failing transaction never counts
// as a fast one. One op is one transaction; gas/tx is reported as well.
//
// Keeper benchmarks of module code follow the same rule: check what every
// iteration returned (the decision, the created id) and b.Fatal on a wrong
// answer.
func RunTxBenchmark(b *testing.B, h *Harness, perBlock int, next func(i int) BenchTx) {
	b.Helper()
	b.StopTimer()
	pending := map[string]uint64{}
	txs := make([]Tx, b.N)
	for i := range txs {
		t := next(i)
		txs[i] = h.Sign(t.Signer, TxOptions{}, pending[t.Signer], t.Msgs...)
		pending[t.Signer]++
	}
	var gas int64
	b.ReportAllocs()
	b.StartTimer()
	for start := 0; start < len(txs); start += perBlock {
		end := min(start+perBlock, len(txs))
		results := h.DeliverBlock(time.Second, txs[start:end]...)
		for k, res := range results {
			if res.Code != 0 {
				b.Fatalf("transaction %d failed: code %d (%s): %s", start+k, res.Code, res.Codespace, res.Log)
			}
			gas += res.GasUsed
		}
	}
	b.StopTimer()
	if b.N > 0 {
		b.ReportMetric(float64(gas)/float64(b.N), "gas/tx")
	}
}
