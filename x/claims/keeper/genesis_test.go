package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/x/claims/types"
)

// claimsInEveryStatus builds claims that are PAID, PENDING_REVIEW,
// AWAITING_FUNDS (for payment and for review), DENIED, APPEALED, APPROVED
// and WITHDRAWN.
func claimsInEveryStatus(f *fixture) (awaitingPlan uint64) {
	f.enroll(acmeGold, devnet.Bob, day(2026, 1, 1), day(2027, 1, 1))
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan2))            // PAID
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan2))             // PENDING_REVIEW
	denied := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("80053", usd(40), jan2))     // → DENIED
	appealed := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("80053", usd(40), jan3))   // → APPEALED
	withdrawn := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("99214", usd(100), jan2)) // covered, paid
	_ = withdrawn
	gone := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("80053", usd(40), jan4))
	for _, id := range []uint64{denied.ClaimId, appealed.ClaimId} {
		_, err := f.adjudicate(devnet.AcmeAdmin, id, deny(0, types.ReasonInsufficientDocumentation))
		require.NoError(f.t, err)
	}
	_, err := f.msg.AppealClaim(f.ctx, &types.MsgAppealClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: appealed.ClaimId})
	require.NoError(f.t, err)
	_, err = f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: gone.ClaimId})
	require.NoError(f.t, err)

	plan := f.newPlan(math.ZeroInt(), usd(192), devnet.Carol)
	f.mustSubmit(devnet.MercyAdmin, plan, devnet.Carol, line("99213", usd(100), jan2))        // AWAITING_FUNDS to pay 80
	f.mustSubmit(devnet.MercyAdmin, plan, devnet.Carol, line("80053", usd(40), jan3))         // AWAITING_FUNDS to reserve 32
	f.mustSubmit(devnet.MercyAdmin, plan, devnet.Carol, line("99213", usd(100), jan4))        // AWAITING_FUNDS to pay 80
	res := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Carol, line("99213", usd(100), jan5)) // limit used up
	require.Equal(f.t, types.ClaimStatusApproved, res.Status, "approved, nothing to pay")
	return plan
}

// Genesis export then import reproduces plans, enrollments and claims, and
// rebuilds every index: duplicates stay blocked, the awaiting-funds queue
// and the annual-limit usage work as before.
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	awaitingPlan := claimsInEveryStatus(f)
	statuses := map[types.ClaimStatus]bool{}
	for id := uint64(1); id < 20; id++ {
		if c, err := f.k.GetClaim(f.ctx, id); err == nil {
			statuses[c.Status] = true
		}
	}
	for _, s := range []types.ClaimStatus{types.ClaimStatusPaid, types.ClaimStatusPendingReview, types.ClaimStatusDenied,
		types.ClaimStatusAppealed, types.ClaimStatusWithdrawn, types.ClaimStatusAwaitingFunds, types.ClaimStatusApproved} {
		require.True(t, statuses[s], "fixture has a %s claim", s)
	}

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate(f.k.AddressCodec()))

	// Import into an emptied claims store (bank state unchanged).
	ctx, _ := f.ctx.CacheContext()
	store := ctx.KVStore(f.h.App.GetKey(types.StoreKey))
	it := store.Iterator(nil, nil)
	var keys [][]byte
	for ; it.Valid(); it.Next() {
		keys = append(keys, it.Key())
	}
	require.NoError(t, it.Close())
	for _, k := range keys {
		store.Delete(k)
	}
	_, err = f.k.GetPlan(ctx, acmeGold)
	require.ErrorIs(t, err, types.ErrPlanNotFound, "store emptied")
	require.NoError(t, f.k.InitGenesis(ctx, exported))
	require.NoError(t, f.k.CheckInvariants(ctx))

	reexported, err := f.k.ExportGenesis(ctx)
	require.NoError(t, err)
	require.Equal(t, f.h.App.AppCodec().MustMarshalJSON(exported), f.h.App.AppCodec().MustMarshalJSON(reexported))

	// Indexes work on the imported state as on the original. (The imported
	// branch reads through to the original, so it goes first.)
	original := f.ctx
	for _, c := range []sdk.Context{ctx, original} {
		f.ctx = c
		_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan2))
		require.ErrorIs(t, err, types.ErrDuplicateClaim)
		res, err := f.q.Claims(f.ctx, &types.QueryClaimsRequest{Status: types.ClaimStatusAwaitingFunds})
		require.NoError(t, err)
		require.Len(t, res.Claims, 3)
		used, err := f.k.BenefitUsed(f.ctx, awaitingPlan, f.accAddr(devnet.Carol), 2026)
		require.NoError(t, err)
		eqInt(t, usd(192), used)
		out := f.fund(awaitingPlan, usd(192))
		require.Len(t, out.ReleasedClaimIds, 3)
	}
}

func TestInitGenesisChecksEscrowAgainstBank(t *testing.T) {
	f := newFixture(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	gs.Plans[0].Escrow = gs.Plans[0].Escrow.AddRaw(1)
	ctx, _ := f.ctx.CacheContext()
	require.ErrorContains(t, f.k.InitGenesis(ctx, gs), "escrow of uusd")
}

// The invariant check fails when escrow bookkeeping and bank disagree, or
// when reservations do not match the claims under review.
func TestInvariantsDetectBrokenState(t *testing.T) {
	t.Run("escrow above balance", func(t *testing.T) {
		f := newFixture(t)
		p := f.plan(acmeGold)
		p.Escrow = p.Escrow.AddRaw(1)
		require.NoError(t, f.k.Plans.Set(f.ctx, p.Id, p))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "escrow of uusd")
	})
	t.Run("coins outside any escrow", func(t *testing.T) {
		f := newFixture(t)
		require.NoError(t, f.h.App.BankKeeper.SendCoins(f.ctx, f.accAddr(devnet.Alice), f.k.ModuleAddress(),
			sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "no plan holds it")
	})
	t.Run("reservation without a claim", func(t *testing.T) {
		f := newFixture(t)
		p := f.plan(acmeGold)
		p.Reserved = usd(1)
		require.NoError(t, f.k.Plans.Set(f.ctx, p.Id, p))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "reserved")
	})
	t.Run("reserved above escrow", func(t *testing.T) {
		f := newFixture(t)
		p := f.plan(acmeGold)
		p.Reserved = p.Escrow.AddRaw(1)
		require.NoError(t, f.k.Plans.Set(f.ctx, p.Id, p))
		require.Error(t, f.k.CheckInvariants(f.ctx))
	})
	t.Run("SDK form", func(t *testing.T) {
		f := newFixture(t)
		_, broken := keeperEscrowInvariant(f)(f.ctx)
		require.False(t, broken)
	})
}
