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

	for _, w := range ws {
		t.Run(w.Name, func(t *testing.T) {
			for _, s := range senders[w.Name] {
				acc := h.App.AccountKeeper.GetAccount(h.Ctx(), s.Addr)
				require.NotNil(t, acc, "sender %d is funded in genesis", s.Index)
				require.Equal(t, s.AccountNumber, acc.GetAccountNumber(), "account number known offline")
				require.NotNil(t, acc.GetPubKey(), "public key set in genesis")
			}
			var txs []apptest.Tx
			for k := 0; k < perLane; k++ {
				for _, s := range senders[w.Name] {
					bz, err := signer.Sign(s, w.Gas, w.Msg(s, s.Sequence))
					require.NoError(t, err)
					txs = append(txs, apptest.Tx{Bytes: bz})
				}
			}
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
			require.Error(t, q.GRPC(context.Background(), conn, querySize+7), "an object genesis did not create is not found")
		})
	}
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
