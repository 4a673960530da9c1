package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
)

// TestQueriesReadTheLatestCommittedBlock: the query multistore shares one
// set of read-only stores per block, so a query must still see each new
// block's writes as soon as it is committed, an older height must still
// answer with that height's state, and nothing one query context writes
// may be seen by another.
func TestQueriesReadTheLatestCommittedBlock(t *testing.T) {
	h := apptest.New(t)
	bob := h.AccAddr(devnet.Bob)
	balance := func(height int64) sdkmath.Int {
		ctx, err := h.App.CreateQueryContext(height, false)
		require.NoError(t, err)
		return h.App.BankKeeper.GetBalance(ctx, bob, app.SettlementDenom).Amount
	}

	before := balance(0)
	h.NextBlock(time.Second)
	require.True(t, before.Equal(balance(0)), "the cached stores of an unchanged balance")
	for k := int64(1); k <= 3; k++ {
		h.MustDeliver(devnet.Alice, &banktypes.MsgSend{
			FromAddress: h.Addr(devnet.Alice), ToAddress: h.Addr(devnet.Bob),
			Amount: sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 7)),
		})
		require.Equal(t, before.AddRaw(7*k).String(), balance(0).String(), "send %d seen by the next query", k)
	}
	require.Equal(t, before.AddRaw(14).String(), balance(h.Height()-1).String(), "an older height answers with its own state")

	key := h.App.GetKey(banktypes.StoreKey)
	ctx, err := h.App.CreateQueryContext(0, false)
	require.NoError(t, err)
	ctx.KVStore(key).Set([]byte("query scratch"), []byte{1})
	require.True(t, ctx.KVStore(key).Has([]byte("query scratch")))
	other, err := h.App.CreateQueryContext(0, false)
	require.NoError(t, err)
	require.False(t, other.KVStore(key).Has([]byte("query scratch")), "one query's writes are not seen by another")
	require.False(t, h.Ctx().KVStore(key).Has([]byte("query scratch")), "nor by the chain")
}
