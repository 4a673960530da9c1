package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
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

// TestQueryBranches: a query's stores get their cache layer on first use;
// a branch of the query's branch (what ctx.CacheContext makes) must keep
// its writes until written, then show them to the query only, and a store
// that is not mounted must panic as with the SDK's cachemulti.
func TestQueryBranches(t *testing.T) {
	h := apptest.New(t)
	h.NextBlock(time.Second)
	bank, acc := h.App.GetKey(banktypes.StoreKey), h.App.GetKey(authtypes.StoreKey)

	ctx, err := h.App.CreateQueryContext(0, false)
	require.NoError(t, err)
	require.True(t, h.App.BankKeeper.GetBalance(ctx, h.AccAddr(devnet.Alice), app.SettlementDenom).IsPositive(), "a committed balance")
	require.True(t, h.App.AccountKeeper.HasAccount(ctx, h.AccAddr(devnet.Bob)), "a second store of the same query")

	inner, write := ctx.CacheContext()
	inner.KVStore(bank).Set([]byte("scratch"), []byte{1})
	inner.KVStore(acc).Set([]byte("scratch"), []byte{2})
	require.False(t, ctx.KVStore(bank).Has([]byte("scratch")), "not written yet")
	write()
	require.Equal(t, []byte{1}, ctx.KVStore(bank).Get([]byte("scratch")), "written into the query's branch")
	require.Equal(t, []byte{2}, ctx.KVStore(acc).Get([]byte("scratch")))

	other, err := h.App.CreateQueryContext(0, false)
	require.NoError(t, err)
	require.False(t, other.KVStore(bank).Has([]byte("scratch")), "another query does not see it")
	require.False(t, h.Ctx().KVStore(bank).Has([]byte("scratch")), "nor does the chain")

	nope := storetypes.NewKVStoreKey("nope")
	require.PanicsWithValue(t, fmt.Sprintf("kv store with key %v has not been registered in stores", nope), func() {
		ctx.KVStore(nope)
	})
	require.Panics(t, func() { ctx.MultiStore().LatestVersion() }, "a branch has no latest version")
}
