package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/x/claims/types"
)

func requireCode(t *testing.T, code codes.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
}

func TestQueryPlan(t *testing.T) {
	f := newFixture(t)
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	res, err := f.q.Plan(f.ctx, &types.QueryPlanRequest{Id: acmeGold})
	require.NoError(t, err)
	require.Equal(t, devnet.AcmeGoldPlanName, res.Plan.Name)
	eqInt(t, devnet.AcmeGoldEscrow, res.Plan.Escrow)
	eqInt(t, usd(32), res.Plan.Reserved)
	eqInt(t, devnet.AcmeGoldEscrow.Sub(usd(32)), res.Available)

	_, err = f.q.Plan(f.ctx, &types.QueryPlanRequest{Id: 42})
	requireCode(t, codes.NotFound, err)
	_, err = f.q.Plan(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryPayerPlansIsPaginated(t *testing.T) {
	f := newFixture(t)
	f.newPlan(math.ZeroInt(), math.ZeroInt())
	f.newPlan(math.ZeroInt(), math.ZeroInt())
	res, err := f.q.PayerPlans(f.ctx, &types.QueryPayerPlansRequest{OrgId: devnet.OrgAcme, Pagination: &query.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, res.Plans, 2)
	require.EqualValues(t, 1, res.Plans[0].Id)
	require.NotEmpty(t, res.Pagination.NextKey)
	res, err = f.q.PayerPlans(f.ctx, &types.QueryPayerPlansRequest{OrgId: devnet.OrgAcme, Pagination: &query.PageRequest{Key: res.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, res.Plans, 1)
	require.EqualValues(t, 3, res.Plans[0].Id)

	res, err = f.q.PayerPlans(f.ctx, &types.QueryPayerPlansRequest{OrgId: devnet.OrgMercy})
	require.NoError(t, err)
	require.Empty(t, res.Plans)
	_, err = f.q.PayerPlans(f.ctx, &types.QueryPayerPlansRequest{OrgId: "Not An Id"})
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryEnrollment(t *testing.T) {
	f := newFixture(t)
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
	res, err := f.q.Enrollment(f.ctx, &types.QueryEnrollmentRequest{PlanId: acmeGold, Patient: f.addr(devnet.Alice)})
	require.NoError(t, err)
	require.Equal(t, day(2026, 1, 1), res.Enrollment.CoverageStart)
	require.Equal(t, day(2027, 1, 1), res.Enrollment.CoverageEnd)
	require.True(t, res.CoveredNow)
	eqInt(t, usd(80), res.BenefitUsed)
	eqInt(t, devnet.AcmeGoldAnnualLimit, res.AnnualLimit)

	_, err = f.q.Enrollment(f.ctx, &types.QueryEnrollmentRequest{PlanId: acmeGold, Patient: f.addr(devnet.Bob)})
	requireCode(t, codes.NotFound, err)
	_, err = f.q.Enrollment(f.ctx, &types.QueryEnrollmentRequest{PlanId: acmeGold, Patient: "bob"})
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryClaimsFilters(t *testing.T) {
	f := newFixture(t)
	f.enroll(acmeGold, devnet.Bob, day(2026, 1, 1), day(2027, 1, 1))
	plan2 := f.newPlan(usd(1000), math.ZeroInt(), devnet.Alice)
	c1 := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5)).ClaimId // PAID
	c2 := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5)).ClaimId  // PENDING
	c3 := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("80053", usd(40), jan5)).ClaimId    // PENDING
	c4 := f.mustSubmit(devnet.MercyAdmin, plan2, devnet.Alice, line("99213", usd(100), jan4)).ClaimId    // PAID

	ids := func(req types.QueryClaimsRequest) []uint64 {
		t.Helper()
		res, err := f.q.Claims(f.ctx, &req)
		require.NoError(t, err)
		var out []uint64
		for _, c := range res.Claims {
			out = append(out, c.Id)
		}
		return out
	}
	alice := f.addr(devnet.Alice)
	require.Equal(t, []uint64{c1, c2, c3, c4}, ids(types.QueryClaimsRequest{}))
	require.Equal(t, []uint64{c1, c2, c3, c4}, ids(types.QueryClaimsRequest{Provider: devnet.OrgMercy}))
	require.Empty(t, ids(types.QueryClaimsRequest{Provider: "lakeside-clinic"}))
	require.Equal(t, []uint64{c1, c2, c4}, ids(types.QueryClaimsRequest{Patient: alice}))
	require.Equal(t, []uint64{c1, c2, c3}, ids(types.QueryClaimsRequest{PlanId: acmeGold}))
	require.Equal(t, []uint64{c2, c3}, ids(types.QueryClaimsRequest{Status: types.ClaimStatusPendingReview}))
	require.Equal(t, []uint64{c2}, ids(types.QueryClaimsRequest{Patient: alice, Status: types.ClaimStatusPendingReview}))
	require.Equal(t, []uint64{c4}, ids(types.QueryClaimsRequest{Patient: alice, PlanId: plan2, Provider: devnet.OrgMercy, Status: types.ClaimStatusPaid}))
	require.Equal(t, []uint64{c1, c4}, ids(types.QueryClaimsRequest{Provider: devnet.OrgMercy, Status: types.ClaimStatusPaid}))

	// Pages.
	res, err := f.q.Claims(f.ctx, &types.QueryClaimsRequest{Patient: alice, Pagination: &query.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, res.Claims, 2)
	res, err = f.q.Claims(f.ctx, &types.QueryClaimsRequest{Patient: alice, Pagination: &query.PageRequest{Key: res.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, res.Claims, 1)
	require.Equal(t, c4, res.Claims[0].Id)

	_, err = f.q.Claims(f.ctx, &types.QueryClaimsRequest{Patient: "alice"})
	requireCode(t, codes.InvalidArgument, err)
	_, err = f.q.Claims(f.ctx, &types.QueryClaimsRequest{Status: 77})
	requireCode(t, codes.InvalidArgument, err)
	_, err = f.q.Claim(f.ctx, &types.QueryClaimRequest{Id: 99})
	requireCode(t, codes.NotFound, err)
	_, err = f.q.ExplanationOfBenefits(f.ctx, &types.QueryExplanationOfBenefitsRequest{Id: 99})
	requireCode(t, codes.NotFound, err)
}

func TestQueryPageSizeIsBounded(t *testing.T) {
	f := newFixture(t)
	f.enroll(acmeGold, devnet.Bob, day(2025, 1, 1), day(2027, 1, 1))
	start := day(2025, 1, 1)
	for i := 0; i < 210; i++ {
		f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("85025", math.NewInt(1), start.AddDate(0, 0, i)))
	}
	res, err := f.q.Claims(f.ctx, &types.QueryClaimsRequest{Pagination: &query.PageRequest{Limit: 1000}})
	require.NoError(t, err)
	require.Len(t, res.Claims, 200)
}

func TestQueryParams(t *testing.T) {
	f := newFixture(t)
	res, err := f.q.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), res.Params)
}
