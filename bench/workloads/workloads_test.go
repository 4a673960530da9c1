package workloads_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	_ "github.com/carechain/carechain/bench/workloads"
	"github.com/carechain/carechain/testutil/apptest"
	claimstypes "github.com/carechain/carechain/x/claims/types"
)

const (
	lanes     = 3
	perLane   = 4
	querySize = 40
)

// TestWorkloadsCommitOnTheApp is the contract every workload and query
// signs up to: on the benchmark genesis, each workload's first messages,
// signed offline by the load generator's signer with the account numbers
// fixed in genesis and several per sender in one block, all commit with
// code 0 within their gas limit; each query finds every object its genesis
// created and reports an error for one that does not exist.
func TestWorkloadsCommitOnTheApp(t *testing.T) {
	ws, qs := loadgen.Workloads(), loadgen.Queries()
	require.NotEmpty(t, ws)
	require.Equal(t, loadgen.BaselineWorkload, ws[0].Name, "the bank baseline is registered and listed first")

	h, senders, signer := benchChain(t, ws, qs, lanes, querySize)

	for _, w := range ws {
		t.Run(w.Name, func(t *testing.T) {
			for _, s := range senders[w.Name] {
				acc := h.App.AccountKeeper.GetAccount(h.Ctx(), s.Addr)
				require.NotNil(t, acc, "sender %d is funded in genesis", s.Index)
				require.Equal(t, s.AccountNumber, acc.GetAccountNumber(), "account number known offline")
				require.NotNil(t, acc.GetPubKey(), "public key set in genesis")
			}
			txs := signPerLane(t, signer, w, senders[w.Name], w.Gas)
			for i, res := range h.DeliverBlock(time.Second, txs...) {
				require.Zerof(t, res.Code, "tx %d: code %d (%s): %s", i, res.Code, res.Codespace, res.Log)
				require.LessOrEqual(t, res.GasUsed, int64(w.Gas))
				if w.MustEmit == "" {
					continue
				}
				var ev *abci.Event
				for k := range res.Events {
					if res.Events[k].Type == w.MustEmit {
						ev = &res.Events[k]
					}
				}
				require.NotNilf(t, ev, "tx %d emits %s", i, w.MustEmit)
				if w.Name == "claim-submit" {
					claimIsPaid(t, h, ev)
				}
			}
		})
	}

	for _, q := range qs {
		t.Run("query "+q.Name, func(t *testing.T) {
			conn := &baseapp.QueryServiceTestHelper{GRPCQueryRouter: h.App.GRPCQueryRouter(), Ctx: h.Ctx()}
			for i := 0; i < querySize; i++ {
				require.NoError(t, q.GRPC(context.Background(), conn, i), "object %d", i)
			}
			require.Error(t, q.GRPC(context.Background(), conn, -1), "an object genesis did not create is not found")
		})
	}
}

// signPerLane signs perLane transactions of w for each sender, in turn,
// with gas limit gas, as the load generator's lanes send them.
func signPerLane(t *testing.T, signer *loadgen.Signer, w *loadgen.Workload, senders []*loadgen.Sender, gas uint64) []apptest.Tx {
	t.Helper()
	var txs []apptest.Tx
	for k := 0; k < perLane; k++ {
		for _, s := range senders {
			bz, err := signer.Sign(s, gas, w.Msg(s, s.Sequence))
			require.NoError(t, err)
			txs = append(txs, apptest.Tx{Bytes: bz})
		}
	}
	return txs
}

// claimIsPaid checks that the claim an EventClaimPaid names is PAID in
// state, with its payment recorded.
func claimIsPaid(t *testing.T, h *apptest.Harness, ev *abci.Event) {
	t.Helper()
	var id uint64
	for _, a := range ev.Attributes {
		if a.Key == "claim_id" {
			var err error
			id, err = strconv.ParseUint(strings.Trim(a.Value, `"`), 10, 64)
			require.NoError(t, err)
		}
	}
	require.NotZero(t, id, "EventClaimPaid names its claim")
	conn := &baseapp.QueryServiceTestHelper{GRPCQueryRouter: h.App.GRPCQueryRouter(), Ctx: h.Ctx()}
	res, err := claimstypes.NewQueryClient(conn).Claim(context.Background(), &claimstypes.QueryClaimRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, claimstypes.ClaimStatusPaid, res.Claim.Status, "claim %d", id)
	require.NotNil(t, res.Claim.PaidAt)
}

// benchChain starts an in-process chain on the load generator's benchmark
// genesis: lanes funded senders per workload and querySize objects per
// query.
func benchChain(t testing.TB, ws []*loadgen.Workload, qs []*loadgen.Query, lanes, querySize int) (*apptest.Harness, map[string][]*loadgen.Sender, *loadgen.Signer) {
	senders := map[string][]*loadgen.Sender{}
	for _, w := range ws {
		for i := 0; i < lanes; i++ {
			senders[w.Name] = append(senders[w.Name], loadgen.NewSender(w.Name, i))
		}
	}
	hook := loadgen.NewGenesisHook(ws, senders, qs, querySize)
	h := apptest.New(t, func(cdc codec.JSONCodec, genesis map[string]json.RawMessage, accounts map[string]devnet.Account) {
		net := &devnet.Network{ChainID: apptest.ChainID, GenesisTime: apptest.GenesisTime}
		for _, a := range accounts {
			net.Accounts = append(net.Accounts, a)
		}
		require.NoError(t, hook(cdc, genesis, net))
	})
	signer := loadgen.NewSigner(h.TxConfig(), apptest.ChainID, sdk.NewDecCoinFromDec(app.BondDenom, sdkmath.LegacyMustNewDecFromStr("0.0025")))
	return h, senders, signer
}

// BenchmarkWorkloadTx delivers each workload's transactions, exactly as the
// load generator signs them, through FinalizeBlock and Commit, 200 to a
// block, on the benchmark genesis: bank-send (the baseline), consent grant,
// record creation (with its consent check), record access, claim submission
// (auto-adjudicated and paid from escrow) and study enrollment. Signing is
// outside the timer. Every transaction must commit with code 0 and, where
// the workload says so, emit its event (a claim must be PAID): a failing
// transaction fails the benchmark, it never counts as a fast one. Run:
//
//	go test ./bench/workloads -run '^$' -bench WorkloadTx -benchtime 2000x
func BenchmarkWorkloadTx(b *testing.B) {
	const benchLanes, perBlock = 64, 200
	ws := loadgen.Workloads()
	h, senders, signer := benchChain(b, ws, nil, benchLanes, 0)
	for _, w := range ws {
		b.Run(w.Name, func(b *testing.B) {
			lanes := senders[w.Name]
			txs := make([]apptest.Tx, b.N)
			for i := range txs {
				s := lanes[i%len(lanes)]
				bz, err := signer.Sign(s, w.Gas, w.Msg(s, s.Sequence))
				if err != nil {
					b.Fatal(err)
				}
				txs[i] = apptest.Tx{Bytes: bz}
			}
			var gas int64
			b.ReportAllocs()
			b.ResetTimer()
			for start := 0; start < len(txs); start += perBlock {
				end := min(start+perBlock, len(txs))
				for k, res := range h.DeliverBlock(time.Second, txs[start:end]...) {
					if res.Code != 0 {
						b.Fatalf("%s tx %d: code %d (%s): %s", w.Name, start+k, res.Code, res.Codespace, res.Log)
					}
					if w.MustEmit != "" && !emitted(res.Events, w.MustEmit) {
						b.Fatalf("%s tx %d: no %s", w.Name, start+k, w.MustEmit)
					}
					gas += res.GasUsed
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(gas)/float64(b.N), "gas/tx")
		})
	}
}

func emitted(events []abci.Event, typ string) bool {
	for _, e := range events {
		if e.Type == typ {
			return true
		}
	}
	return false
}

// TestSimulatedGasLimitsHold is what a run with --gas-adjustment relies on:
// every workload's gas limit, simulated from its senders' first
// transactions times the default adjustment, covers the transactions that
// follow them (several per sender, over several blocks), which all commit
// with code 0 within it; and it is below the workload's fixed limit, so
// the fee paid is what a wallet would pay, not a ceiling.
func TestSimulatedGasLimitsHold(t *testing.T) {
	ws := loadgen.Workloads()
	h, senders, signer := benchChain(t, ws, nil, lanes, 0)
	h.App.RegisterTxService(client.Context{})
	conn := &baseapp.QueryServiceTestHelper{GRPCQueryRouter: h.App.GRPCQueryRouter(), Ctx: h.Ctx()}

	for _, w := range ws {
		t.Run(w.Name, func(t *testing.T) {
			gl, err := loadgen.SimulateGasLimit(context.Background(), conn, signer, w, senders[w.Name], loadgen.DefaultGasAdjustment)
			require.NoError(t, err)
			require.Equal(t, lanes, gl.Samples)
			require.Greater(t, gl.Simulated, uint64(0))
			require.GreaterOrEqual(t, float64(gl.Limit), float64(gl.Simulated)*loadgen.DefaultGasAdjustment)
			require.Less(t, gl.Limit, w.Gas, "simulated limit below the fixed one")
			for _, s := range senders[w.Name] {
				require.Zero(t, s.Sequence, "simulation does not move a sender's sequence")
			}
			for block := 0; block < 3; block++ {
				txs := signPerLane(t, signer, w, senders[w.Name], gl.Limit)
				for i, res := range h.DeliverBlock(time.Second, txs...) {
					require.Zerof(t, res.Code, "block %d tx %d: code %d (%s): %s", block, i, res.Code, res.Codespace, res.Log)
					require.Equal(t, int64(gl.Limit), res.GasWanted)
					require.LessOrEqual(t, res.GasUsed, int64(gl.Limit))
				}
			}
		})
	}
}

// TestSimulatedGasLimitRefusesAFailingTransaction: a workload whose next
// transaction fails in simulation is an error before any load is sent, not
// a run full of failures.
func TestSimulatedGasLimitRefusesAFailingTransaction(t *testing.T) {
	ws := loadgen.Workloads()
	h, senders, signer := benchChain(t, ws, nil, 1, 0)
	h.App.RegisterTxService(client.Context{})
	conn := &baseapp.QueryServiceTestHelper{GRPCQueryRouter: h.App.GRPCQueryRouter(), Ctx: h.Ctx()}
	bank := ws[0]
	s := senders[bank.Name][0]
	s.Sequence = 7 // the chain expects 0
	_, err := loadgen.SimulateGasLimit(context.Background(), conn, signer, bank, senders[bank.Name], loadgen.DefaultGasAdjustment)
	require.ErrorContains(t, err, "sequence")
	require.EqualValues(t, 7, s.Sequence)

	s.Sequence = 0
	_, err = loadgen.SimulateGasLimit(context.Background(), conn, signer, bank, senders[bank.Name], 0.9)
	require.ErrorContains(t, err, "at least 1")
}
