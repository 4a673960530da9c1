package keeper_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/runtime"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/app/keepers"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/x/claims/keeper"
	"github.com/carechain/carechain/x/claims/types"
)

// fakeRecords is x/records as far as claims is concerned: record id →
// patient.
type fakeRecords map[uint64]sdk.AccAddress

func (r fakeRecords) RecordPatient(_ context.Context, id uint64) (sdk.AccAddress, error) {
	p, ok := r[id]
	if !ok {
		return nil, fmt.Errorf("record %d: %w", id, collections.ErrNotFound)
	}
	return p, nil
}

// fixture runs the claims keeper against the real application's state (bank,
// registry, the devnet demo organizations and the Acme Gold plan) in a cache
// context that is thrown away, with a fake x/records.
type fixture struct {
	t       *testing.T
	h       *apptest.Harness
	ctx     sdk.Context
	k       keeper.Keeper
	msg     types.MsgServer
	q       keeper.Querier
	records fakeRecords
}

// The harness chain starts on 2026-01-05 09:00 UTC; alice is covered by
// Acme Gold (plan 1) for 2026.
var (
	jan2 = day(2026, 1, 2)
	jan3 = day(2026, 1, 3)
	jan4 = day(2026, 1, 4)
	jan5 = day(2026, 1, 5)
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	h := apptest.New(t)
	records := fakeRecords{}
	a := h.App
	k := keeper.NewKeeper(a.AppCodec(), runtime.NewKVStoreService(a.GetKey(types.StoreKey)), a.AccountKeeper.AddressCodec(),
		keepers.Authority(), a.RegistryKeeper, records, a.BankKeeper, a.AccountKeeper)
	ctx, _ := h.Ctx().CacheContext()
	f := &fixture{t: t, h: h, ctx: ctx, k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQuerier(k), records: records}
	f.requireInvariants()
	return f
}

func (f *fixture) addr(name string) string            { return f.h.Addr(name) }
func (f *fixture) accAddr(name string) sdk.AccAddress { return f.h.AccAddr(name) }

// at moves the block time.
func (f *fixture) at(t time.Time) { f.ctx = f.ctx.WithBlockTime(t) }

func (f *fixture) balance(name string) math.Int {
	return f.h.App.BankKeeper.GetBalance(f.ctx, f.accAddr(name), app.SettlementDenom).Amount
}

func (f *fixture) moduleBalance() math.Int {
	return f.h.App.BankKeeper.GetBalance(f.ctx, f.k.ModuleAddress(), app.SettlementDenom).Amount
}

func (f *fixture) plan(id uint64) types.Plan {
	f.t.Helper()
	p, err := f.k.GetPlan(f.ctx, id)
	require.NoError(f.t, err)
	return p
}

func (f *fixture) claim(id uint64) types.Claim {
	f.t.Helper()
	c, err := f.k.GetClaim(f.ctx, id)
	require.NoError(f.t, err)
	return c
}

func (f *fixture) eob(id uint64) types.ExplanationOfBenefits {
	f.t.Helper()
	res, err := f.q.ExplanationOfBenefits(f.ctx, &types.QueryExplanationOfBenefitsRequest{Id: id})
	require.NoError(f.t, err)
	return res.Eob
}

func (f *fixture) requireInvariants() {
	f.t.Helper()
	require.NoError(f.t, f.k.CheckInvariants(f.ctx))
}

func usd(n int64) math.Int { return math.NewInt(n * 1_000_000) }

func line(code string, charge math.Int, date time.Time) types.ClaimLine {
	return types.ClaimLine{ProcedureCode: code, DiagnosisCodes: []string{"J06.9"}, Units: 1, Charge: charge, ServiceDate: date}
}

func (f *fixture) submit(submitter string, planID uint64, patient string, lines ...types.ClaimLine) (*types.MsgSubmitClaimResponse, error) {
	res, err := f.msg.SubmitClaim(f.ctx, &types.MsgSubmitClaim{
		Submitter: f.addr(submitter), PlanId: planID, Patient: f.addr(patient), Lines: lines,
	})
	if err == nil {
		f.requireInvariants()
	}
	return res, err
}

func (f *fixture) mustSubmit(submitter string, planID uint64, patient string, lines ...types.ClaimLine) *types.MsgSubmitClaimResponse {
	f.t.Helper()
	res, err := f.submit(submitter, planID, patient, lines...)
	require.NoError(f.t, err)
	return res
}

// newPlan creates a plan of acme-health with one auto rule for 99213 and one
// review rule for 80053 (both 20% coinsurance), funds it with escrow and
// enrolls patients for 2026.
func (f *fixture) newPlan(escrow, annualLimit math.Int, patients ...string) uint64 {
	f.t.Helper()
	res, err := f.msg.CreatePlan(f.ctx, &types.MsgCreatePlan{
		Payer: f.addr(devnet.AcmeAdmin), Name: "Test Plan", Denom: app.SettlementDenom,
		Rules: []types.CoverageRule{
			{ProcedureCode: "99213", MaxAllowedPerUnit: usd(100), CoinsuranceBps: 2000},
			{ProcedureCode: "80053", MaxAllowedPerUnit: usd(40), CoinsuranceBps: 2000, RequiresReview: true},
		},
		AnnualLimitPerMember: annualLimit,
	})
	require.NoError(f.t, err)
	if escrow.IsPositive() {
		f.fund(res.PlanId, escrow)
	}
	for _, p := range patients {
		f.enroll(res.PlanId, p, day(2026, 1, 1), day(2027, 1, 1))
	}
	return res.PlanId
}

func (f *fixture) fund(planID uint64, amount math.Int) *types.MsgFundPlanResponse {
	f.t.Helper()
	res, err := f.msg.FundPlan(f.ctx, &types.MsgFundPlan{Payer: f.addr(devnet.AcmeAdmin), PlanId: planID, Amount: amount})
	require.NoError(f.t, err)
	f.requireInvariants()
	return res
}

func (f *fixture) enroll(planID uint64, patient string, start, end time.Time) {
	f.t.Helper()
	_, err := f.msg.EnrollMember(f.ctx, &types.MsgEnrollMember{
		Payer: f.addr(devnet.AcmeAdmin), PlanId: planID, Patient: f.addr(patient), CoverageStart: start, CoverageEnd: end,
	})
	require.NoError(f.t, err)
}

func (f *fixture) adjudicate(payer string, claimID uint64, decisions ...types.LineDecision) (*types.MsgAdjudicateClaimResponse, error) {
	res, err := f.msg.AdjudicateClaim(f.ctx, &types.MsgAdjudicateClaim{Payer: f.addr(payer), ClaimId: claimID, Decisions: decisions})
	if err == nil {
		f.requireInvariants()
	}
	return res, err
}

func approve(i uint32) types.LineDecision { return types.LineDecision{LineIndex: i, Approve: true} }
func deny(i uint32, r types.AdjudicationReason) types.LineDecision {
	return types.LineDecision{LineIndex: i, ReasonCode: r}
}

// eqInt compares amounts by value (math.Int's internals differ for equal
// values).
func eqInt(t *testing.T, want, got math.Int, msgAndArgs ...any) {
	t.Helper()
	if !want.Equal(got) {
		require.Failf(t, "amounts differ", "want %s, got %s %v", want, got, msgAndArgs)
	}
}

func keeperEscrowInvariant(f *fixture) sdk.Invariant { return keeper.EscrowInvariant(f.k) }
