package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/app/keepers"
	"github.com/carechain/carechain/x/claims/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

const acmeGold = devnet.AcmeGoldPlanID

// Must-show 1: a 99213 claim is adjudicated and paid in the same message;
// the provider's payout address rises by exactly the payer share and the
// escrow falls by the same amount.
func TestAutoApprovedClaimIsPaidAtOnce(t *testing.T) {
	f := newFixture(t)
	mercyBefore, escrowBefore := f.balance(devnet.MercyAdmin), f.plan(acmeGold).Escrow

	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(180), jan5))
	require.Equal(t, types.ClaimStatusPaid, res.Status)
	eqInt(t, usd(104), res.PayerAmount, "allowed min(180, 130) = 130; payer 130 × 8000 / 10000 = 104")

	eqInt(t, mercyBefore.Add(usd(104)), f.balance(devnet.MercyAdmin), "mercy-general's payout address is paid")
	eqInt(t, escrowBefore.Sub(usd(104)), f.plan(acmeGold).Escrow)
	eqInt(t, f.plan(acmeGold).Escrow, f.moduleBalance())

	c := f.claim(res.ClaimId)
	require.Equal(t, devnet.OrgMercy, c.ProviderOrg)
	require.Equal(t, f.addr(devnet.MercyAdmin), c.PaidTo)
	require.NotNil(t, c.PaidAt)
	require.NotNil(t, c.DecidedAt)

	eob := f.eob(res.ClaimId)
	require.True(t, eob.Final)
	require.Len(t, eob.Lines, 1)
	l := eob.Lines[0]
	eqInt(t, usd(180), l.Charge)
	eqInt(t, usd(130), l.Allowed)
	eqInt(t, usd(50), l.ProviderAdjustment)
	eqInt(t, usd(104), l.PayerPaid)
	eqInt(t, usd(26), l.Coinsurance)
	eqInt(t, math.ZeroInt(), l.OverAnnualLimit)
	eqInt(t, usd(26), l.PatientResponsibility)
	require.Equal(t, types.ReasonCovered, l.ReasonCode)
	eqInt(t, l.Charge, l.ProviderAdjustment.Add(l.PayerPaid).Add(l.PatientResponsibility))
}

// The payer share is truncated; the patient owes the remainder.
func TestPayerShareIsTruncated(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", math.NewInt(99_999_999), jan5))
	eqInt(t, math.NewInt(79_999_999), res.PayerAmount, "99999999 × 8000 / 10000 = 79999999.2 → 79999999")
	a := f.claim(res.ClaimId).Adjudication[0]
	eqInt(t, math.NewInt(20_000_000), a.PatientResponsibility)
}

// Must-show 2: an 80053 claim waits for review with its amount reserved;
// reserved funds cannot be withdrawn; a mercy member cannot adjudicate; an
// acme member approves it and it is paid.
func TestReviewClaimReservesThenPaysOnApproval(t *testing.T) {
	f := newFixture(t)
	before := f.plan(acmeGold)
	mercyBefore := f.balance(devnet.MercyAdmin)

	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(55), jan5))
	require.Equal(t, types.ClaimStatusPendingReview, res.Status)
	eqInt(t, usd(32), res.PayerAmount)
	p := f.plan(acmeGold)
	eqInt(t, before.Escrow, p.Escrow, "nothing is paid yet")
	eqInt(t, usd(32), p.Reserved)
	eqInt(t, mercyBefore, f.balance(devnet.MercyAdmin))

	// The payer can withdraw everything except the reservation.
	_, err := f.msg.WithdrawPlanFunds(f.ctx, &types.MsgWithdrawPlanFunds{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold, Amount: p.Escrow})
	require.ErrorIs(t, err, types.ErrInsufficientAvailable)
	acmeBefore := f.balance(devnet.AcmeAdmin)
	_, err = f.msg.WithdrawPlanFunds(f.ctx, &types.MsgWithdrawPlanFunds{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold, Amount: p.Available()})
	require.NoError(t, err)
	f.requireInvariants()
	eqInt(t, acmeBefore.Add(p.Available()), f.balance(devnet.AcmeAdmin), "withdrawals go to acme-health's payout address")
	eqInt(t, usd(32), f.plan(acmeGold).Escrow)
	_, err = f.msg.WithdrawPlanFunds(f.ctx, &types.MsgWithdrawPlanFunds{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold, Amount: math.OneInt()})
	require.ErrorIs(t, err, types.ErrInsufficientAvailable)

	// Providers and outsiders cannot adjudicate.
	for _, who := range []string{devnet.MercyAdmin, devnet.Validator, devnet.Alice} {
		_, err = f.adjudicate(who, res.ClaimId, approve(0))
		require.ErrorIs(t, err, types.ErrNotPayerMember, who)
	}

	out, err := f.adjudicate(devnet.AcmeAdmin, res.ClaimId, approve(0))
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusPaid, out.Status)
	eqInt(t, mercyBefore.Add(usd(32)), f.balance(devnet.MercyAdmin))
	p = f.plan(acmeGold)
	require.True(t, p.Escrow.IsZero())
	require.True(t, p.Reserved.IsZero())
	c := f.claim(res.ClaimId)
	require.Equal(t, types.ReasonApprovedOnReview, c.Adjudication[0].ReasonCode)
	require.Equal(t, f.addr(devnet.AcmeAdmin), c.Reviewer)

	// A decided claim cannot be adjudicated again.
	_, err = f.adjudicate(devnet.AcmeAdmin, res.ClaimId, approve(0))
	require.ErrorIs(t, err, types.ErrInvalidClaimStatus)
}

// A claim with an auto line and a review line waits as a whole; denying the
// review line pays the auto line only and releases the rest of the
// reservation.
func TestMixedClaimPartialApproval(t *testing.T) {
	f := newFixture(t)
	mercyBefore := f.balance(devnet.MercyAdmin)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5), line("80053", usd(40), jan5))
	require.Equal(t, types.ClaimStatusPendingReview, res.Status)
	eqInt(t, usd(80+32), f.plan(acmeGold).Reserved)

	out, err := f.adjudicate(devnet.AcmeAdmin, res.ClaimId, deny(1, types.ReasonNotMedicallyNecessary))
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusPaid, out.Status)
	eqInt(t, usd(80), out.PayerAmount)
	eqInt(t, mercyBefore.Add(usd(80)), f.balance(devnet.MercyAdmin))
	require.True(t, f.plan(acmeGold).Reserved.IsZero())
	eob := f.eob(res.ClaimId)
	require.Equal(t, types.LineStatusDenied, eob.Lines[1].Status)
	require.Equal(t, types.ReasonNotMedicallyNecessary, eob.Lines[1].ReasonCode)
	eqInt(t, usd(40), eob.Lines[1].PatientResponsibility, "a denied line's charge is the patient's")
	eqInt(t, usd(80), eob.TotalPayerPaid)
	eqInt(t, usd(20+40), eob.TotalPatientResponsibility)
}

func TestAdjudicationDecisionsAreChecked(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5), line("80053", usd(40), jan5))
	for name, ds := range map[string][]types.LineDecision{
		"no decision":                        {},
		"decision on an auto line":           {approve(0)},
		"line out of range":                  {approve(7)},
		"two decisions for one line":         {approve(1), approve(1)},
		"denial without reason":              {deny(1, types.ReasonUnspecified)},
		"denial with a non-denial reason":    {deny(1, types.ReasonCovered)},
		"NOT_COVERED for a code with a rule": {deny(1, types.ReasonNotCovered)},
		"approval with a reason":             {{LineIndex: 1, Approve: true, ReasonCode: types.ReasonNotCovered}},
	} {
		_, err := f.adjudicate(devnet.AcmeAdmin, res.ClaimId, ds...)
		require.ErrorIs(t, err, types.ErrInvalidDecision, name)
	}
	require.Equal(t, types.ClaimStatusPendingReview, f.claim(res.ClaimId).Status)
}

// Must-show 3: specific refusals.
func TestDuplicateClaimIsRefused(t *testing.T) {
	f := newFixture(t)
	first := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5), line("85025", usd(20), jan5))

	// Same services: lines reordered, a different charge and diagnosis, or
	// submitted by another mercy member.
	again := line("99213", usd(90), jan5)
	again.DiagnosisCodes = []string{"Z00.00"}
	_, err := f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("85025", usd(20), jan5), again)
	require.ErrorIs(t, err, types.ErrDuplicateClaim)
	_, err = f.submit(devnet.Validator, acmeGold, devnet.Alice, line("99213", usd(100), jan5), line("85025", usd(20), jan5))
	require.ErrorIs(t, err, types.ErrDuplicateClaim)

	// Different services are not duplicates.
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan4))
	twoUnits := line("99213", usd(100), jan5)
	twoUnits.Units = 2
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, twoUnits)
	require.Equal(t, first.ClaimId, f.claim(first.ClaimId).Id)
}

func TestWithdrawnClaimFreesItsFingerprint(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	_, err := f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	require.ErrorIs(t, err, types.ErrDuplicateClaim)
	_, err = f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: res.ClaimId})
	require.NoError(t, err)
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
}

func TestPatientNotEnrolledIsRefused(t *testing.T) {
	f := newFixture(t)
	_, err := f.submit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("99213", usd(100), jan5))
	require.ErrorIs(t, err, types.ErrNotEnrolled)
}

func TestServiceDateOutsideCoverageIsRefused(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(usd(1000), math.ZeroInt())
	f.enroll(plan, devnet.Bob, jan3, jan5) // [Jan 3, Jan 5)
	_, err := f.submit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan2))
	require.ErrorIs(t, err, types.ErrServiceDateNotCovered, "before coverage_start")
	_, err = f.submit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan5))
	require.ErrorIs(t, err, types.ErrServiceDateNotCovered, "coverage_end is exclusive")
	_, err = f.submit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan3), line("85025", usd(10), jan5))
	require.ErrorIs(t, err, types.ErrServiceDateNotCovered, "every line is checked")
	f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan3), line("99213", usd(100), jan4))
}

func TestSubmitterMustActForAnActiveProvider(t *testing.T) {
	f := newFixture(t)
	for _, who := range []string{devnet.Alice, devnet.AcmeAdmin, devnet.NorthwindAdmin} {
		_, err := f.submit(who, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
		require.ErrorIs(t, err, types.ErrNotProviderMember, who)
	}
	// Naming a provider organization the signer does not act for.
	_, err := f.msg.SubmitClaim(f.ctx, &types.MsgSubmitClaim{
		Submitter: f.addr(devnet.AcmeAdmin), ProviderOrg: devnet.OrgMercy, PlanId: acmeGold, Patient: f.addr(devnet.Alice),
		Lines: []types.ClaimLine{line("99213", usd(100), jan5)},
	})
	require.ErrorIs(t, err, types.ErrNotProviderMember)

	// A suspended provider's members cannot submit.
	reg := registrykeeper.NewMsgServerImpl(f.h.App.RegistryKeeper)
	_, err = reg.SetOrganizationStatus(f.ctx, &registrytypes.MsgSetOrganizationStatus{
		Authority: keepers.Authority(), OrganizationId: devnet.OrgMercy, Status: registrytypes.OrgStatusSuspended,
	})
	require.NoError(t, err)
	_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
	require.ErrorIs(t, err, types.ErrNotProviderMember)
}

func TestEvidenceMustBeRecordsOfThePatient(t *testing.T) {
	f := newFixture(t)
	f.records[1] = f.accAddr(devnet.Alice)
	f.records[2] = f.accAddr(devnet.Bob)
	submit := func(ids ...uint64) error {
		_, err := f.msg.SubmitClaim(f.ctx, &types.MsgSubmitClaim{
			Submitter: f.addr(devnet.MercyAdmin), PlanId: acmeGold, Patient: f.addr(devnet.Alice),
			Lines: []types.ClaimLine{line("99213", usd(100), jan5)}, EvidenceRecordIds: ids,
		})
		return err
	}
	require.ErrorIs(t, submit(1, 2), types.ErrEvidencePatientMismatch)
	require.ErrorIs(t, submit(3), types.ErrEvidenceNotFound)
	require.ErrorIs(t, submit(1, 1), types.ErrInvalidClaim)
	require.NoError(t, submit(1))
	require.Equal(t, []uint64{1}, f.claim(1).EvidenceRecordIds)
}

// Must-show 3: an uncovered code is denied line by line, with a reason.
func TestUncoveredCodeIsDeniedLineByLine(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5), line("J3490", usd(70), jan5))
	require.Equal(t, types.ClaimStatusPaid, res.Status)
	eqInt(t, usd(80), res.PayerAmount)
	c := f.claim(res.ClaimId)
	require.Equal(t, types.LineStatusApproved, c.Adjudication[0].Status)
	require.Equal(t, types.LineStatusDenied, c.Adjudication[1].Status)
	require.Equal(t, types.ReasonNotCovered, c.Adjudication[1].ReasonCode)
	require.True(t, c.Adjudication[1].PayerPaid.IsZero())
	eqInt(t, usd(70), c.Adjudication[1].PatientResponsibility)

	// A claim of uncovered codes only is DENIED, final at once: it cannot be
	// appealed, and the services may be billed to another plan.
	res = f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("J3490", usd(70), jan4))
	require.Equal(t, types.ClaimStatusDenied, res.Status)
	_, err := f.msg.AppealClaim(f.ctx, &types.MsgAppealClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: res.ClaimId})
	require.ErrorIs(t, err, types.ErrNotAppealable)
	require.True(t, f.eob(res.ClaimId).Final)
	other := f.newPlan(usd(100), math.ZeroInt(), devnet.Alice)
	f.mustSubmit(devnet.MercyAdmin, other, devnet.Alice, line("J3490", usd(70), jan4))
}

// Must-show 3: the annual limit caps what is paid.
func TestAnnualLimitCapsPayment(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(usd(10_000), usd(150), devnet.Bob) // payer pays at most $150 per member per year
	mercyBefore := f.balance(devnet.MercyAdmin)

	res := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan2)) // share 80
	eqInt(t, usd(80), res.PayerAmount)
	res = f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan3)) // share 80, 70 left
	require.Equal(t, types.ClaimStatusPaid, res.Status)
	eqInt(t, usd(70), res.PayerAmount)
	eob := f.eob(res.ClaimId)
	require.Equal(t, types.ReasonAnnualLimitReached, eob.Lines[0].ReasonCode)
	eqInt(t, usd(10), eob.Lines[0].OverAnnualLimit)
	eqInt(t, usd(20), eob.Lines[0].Coinsurance)
	eqInt(t, usd(30), eob.Lines[0].PatientResponsibility)

	// Limit exhausted: approved, nothing to pay.
	res = f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan4))
	require.Equal(t, types.ClaimStatusApproved, res.Status)
	require.True(t, res.PayerAmount.IsZero())
	eqInt(t, mercyBefore.Add(usd(150)), f.balance(devnet.MercyAdmin))

	q, err := f.q.Enrollment(f.ctx, &types.QueryEnrollmentRequest{PlanId: plan, Patient: f.addr(devnet.Bob)})
	require.NoError(t, err)
	eqInt(t, usd(150), q.BenefitUsed)
	require.EqualValues(t, 2026, q.BenefitYear)

	// A new calendar year of service dates starts afresh.
	f.at(day(2026, 12, 31).Add(time.Hour))
	_, err = f.submit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), day(2026, 12, 31)))
	require.NoError(t, err)
	f.enroll(plan, devnet.Bob, day(2026, 1, 1), day(2028, 1, 1))
	f.at(day(2027, 1, 2))
	res = f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), day(2027, 1, 1)))
	eqInt(t, usd(80), res.PayerAmount)
}

// Amounts reserved for review count against the annual limit, so approvals
// can never pay past it; a denial gives the room back.
func TestAnnualLimitCountsReservations(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(usd(10_000), usd(40), devnet.Bob)
	pending := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("80053", usd(40), jan2)) // share 32, reserved
	eqInt(t, usd(32), pending.PayerAmount)
	capped := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan3))
	eqInt(t, usd(8), capped.PayerAmount, "only 40 − 32 is left")
	_, err := f.adjudicate(devnet.AcmeAdmin, pending.ClaimId, deny(0, types.ReasonInsufficientDocumentation))
	require.NoError(t, err)
	res := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan4))
	eqInt(t, usd(32), res.PayerAmount, "the denial released 32")
}

// Must-show 4: withdrawal before decision, one appeal, no second one.
func TestWithdrawBeforeDecision(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	_, err := f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.AcmeAdmin), ClaimId: res.ClaimId})
	require.ErrorIs(t, err, types.ErrNotProviderMember, "only the claim's provider may withdraw it")

	_, err = f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.Validator), ClaimId: res.ClaimId})
	require.NoError(t, err, "any member of the provider organization may withdraw")
	f.requireInvariants()
	c := f.claim(res.ClaimId)
	require.Equal(t, types.ClaimStatusWithdrawn, c.Status)
	require.True(t, f.plan(acmeGold).Reserved.IsZero())
	used, err := f.k.BenefitUsed(f.ctx, acmeGold, f.accAddr(devnet.Alice), 2026)
	require.NoError(t, err)
	require.True(t, used.IsZero(), "withdrawal releases the annual-limit usage")

	_, err = f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: res.ClaimId})
	require.ErrorIs(t, err, types.ErrInvalidClaimStatus)
	paid := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
	_, err = f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: paid.ClaimId})
	require.ErrorIs(t, err, types.ErrInvalidClaimStatus, "a paid claim is decided")
}

func TestAppealOnce(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	appeal := func(who string, ids ...uint64) (*types.MsgAppealClaimResponse, error) {
		return f.msg.AppealClaim(f.ctx, &types.MsgAppealClaim{Submitter: f.addr(who), ClaimId: res.ClaimId, EvidenceRecordIds: ids})
	}
	_, err := appeal(devnet.MercyAdmin)
	require.ErrorIs(t, err, types.ErrInvalidClaimStatus, "nothing to appeal before a denial")

	out, err := f.adjudicate(devnet.AcmeAdmin, res.ClaimId, deny(0, types.ReasonInsufficientDocumentation))
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusDenied, out.Status)
	_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	require.ErrorIs(t, err, types.ErrDuplicateClaim, "a denial is contested by appeal, not by resubmission")

	_, err = appeal(devnet.AcmeAdmin)
	require.ErrorIs(t, err, types.ErrNotProviderMember)
	f.records[9] = f.accAddr(devnet.Alice)
	a, err := appeal(devnet.MercyAdmin, 9)
	require.NoError(t, err)
	f.requireInvariants()
	require.Equal(t, types.ClaimStatusAppealed, a.Status)
	c := f.claim(res.ClaimId)
	require.True(t, c.Appealed)
	require.Equal(t, []uint64{9}, c.EvidenceRecordIds)
	require.Equal(t, types.LineStatusPendingReview, c.Adjudication[0].Status)
	eqInt(t, usd(32), f.plan(acmeGold).Reserved)

	out, err = f.adjudicate(devnet.AcmeAdmin, res.ClaimId, deny(0, types.ReasonNotMedicallyNecessary))
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusDenied, out.Status)
	_, err = appeal(devnet.MercyAdmin)
	require.ErrorIs(t, err, types.ErrAlreadyAppealed)
	require.True(t, f.eob(res.ClaimId).Final)

	// After the final denial the services may be billed again.
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
}

func TestAppealApprovalPays(t *testing.T) {
	f := newFixture(t)
	res := f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("80053", usd(40), jan5))
	_, err := f.adjudicate(devnet.AcmeAdmin, res.ClaimId, deny(0, types.ReasonInsufficientDocumentation))
	require.NoError(t, err)
	_, err = f.msg.AppealClaim(f.ctx, &types.MsgAppealClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: res.ClaimId})
	require.NoError(t, err)
	before := f.balance(devnet.MercyAdmin)
	out, err := f.adjudicate(devnet.AcmeAdmin, res.ClaimId, approve(0))
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusPaid, out.Status)
	eqInt(t, before.Add(usd(32)), f.balance(devnet.MercyAdmin))
}

// Must-show 5: when escrow cannot cover a claim nothing moves; the claim
// waits in AWAITING_FUNDS until funding releases it.
func TestClaimAwaitsFundsThenFundingPaysIt(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(usd(50), math.ZeroInt(), devnet.Bob)
	mercyBefore, module := f.balance(devnet.MercyAdmin), f.moduleBalance()

	res := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan5)) // needs 80
	require.Equal(t, types.ClaimStatusAwaitingFunds, res.Status)
	eqInt(t, mercyBefore, f.balance(devnet.MercyAdmin), "nothing is paid")
	eqInt(t, module, f.moduleBalance())
	p := f.plan(plan)
	eqInt(t, usd(50), p.Escrow)
	require.True(t, p.Reserved.IsZero(), "nothing is reserved")

	// Funding that still falls short releases nothing.
	out := f.fund(plan, usd(20))
	require.Empty(t, out.ReleasedClaimIds)
	require.Equal(t, types.ClaimStatusAwaitingFunds, f.claim(res.ClaimId).Status)

	out = f.fund(plan, usd(10))
	require.Equal(t, []uint64{res.ClaimId}, out.ReleasedClaimIds)
	require.Equal(t, types.ClaimStatusPaid, f.claim(res.ClaimId).Status)
	eqInt(t, mercyBefore.Add(usd(80)), f.balance(devnet.MercyAdmin))
	require.True(t, f.plan(plan).Escrow.IsZero())
}

func TestAwaitingFundsIsFirstInFirstOut(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(math.ZeroInt(), math.ZeroInt(), devnet.Bob)
	big := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(100), jan3))   // 80
	small := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(10), jan4))  // 8
	review := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("80053", usd(40), jan5)) // 32 to reserve
	for _, id := range []uint64{big.ClaimId, small.ClaimId, review.ClaimId} {
		require.Equal(t, types.ClaimStatusAwaitingFunds, f.claim(id).Status)
	}

	out := f.fund(plan, usd(10))
	require.Empty(t, out.ReleasedClaimIds, "the oldest claim is not overtaken by a smaller later one")

	out = f.fund(plan, usd(80+8+32-10))
	require.Equal(t, []uint64{big.ClaimId, small.ClaimId, review.ClaimId}, out.ReleasedClaimIds)
	require.Equal(t, types.ClaimStatusPaid, f.claim(big.ClaimId).Status)
	require.Equal(t, types.ClaimStatusPaid, f.claim(small.ClaimId).Status)
	require.Equal(t, types.ClaimStatusPendingReview, f.claim(review.ClaimId).Status, "a claim needing review gets its reservation")
	eqInt(t, usd(32), f.plan(plan).Reserved)
}

func TestReleasePerFundingIsCapped(t *testing.T) {
	f := newFixture(t)
	params := types.DefaultParams()
	params.MaxClaimsReleasedPerFunding = 1
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: keepers.Authority(), Params: params})
	require.NoError(t, err)
	plan := f.newPlan(math.ZeroInt(), math.ZeroInt(), devnet.Bob)
	a := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(10), jan3))
	b := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(10), jan4))
	require.Equal(t, []uint64{a.ClaimId}, f.fund(plan, usd(100)).ReleasedClaimIds)
	require.Equal(t, types.ClaimStatusAwaitingFunds, f.claim(b.ClaimId).Status)
	require.Equal(t, []uint64{b.ClaimId}, f.fund(plan, math.OneInt()).ReleasedClaimIds)
}

// A reservation released by a denial lets waiting claims through.
func TestReleasedReservationPaysWaitingClaims(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(usd(32), math.ZeroInt(), devnet.Bob)
	review := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("80053", usd(40), jan3))
	require.Equal(t, types.ClaimStatusPendingReview, review.Status)
	waiting := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(30), jan4)) // 24
	require.Equal(t, types.ClaimStatusAwaitingFunds, waiting.Status)
	_, err := f.adjudicate(devnet.AcmeAdmin, review.ClaimId, deny(0, types.ReasonDuplicateService))
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusPaid, f.claim(waiting.ClaimId).Status)
}

func TestWithdrawAwaitingClaim(t *testing.T) {
	f := newFixture(t)
	plan := f.newPlan(math.ZeroInt(), math.ZeroInt(), devnet.Bob)
	res := f.mustSubmit(devnet.MercyAdmin, plan, devnet.Bob, line("99213", usd(10), jan3))
	_, err := f.msg.WithdrawClaim(f.ctx, &types.MsgWithdrawClaim{Submitter: f.addr(devnet.MercyAdmin), ClaimId: res.ClaimId})
	require.NoError(t, err)
	f.requireInvariants()
	require.Empty(t, f.fund(plan, usd(100)).ReleasedClaimIds)
}

func TestPlanLifecycle(t *testing.T) {
	f := newFixture(t)
	create := func(who string, rules ...types.CoverageRule) error {
		_, err := f.msg.CreatePlan(f.ctx, &types.MsgCreatePlan{
			Payer: f.addr(who), Name: "Plan", Denom: app.SettlementDenom, Rules: rules, AnnualLimitPerMember: math.ZeroInt(),
		})
		return err
	}
	ok := types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: usd(1), CoinsuranceBps: 0}
	require.ErrorIs(t, create(devnet.MercyAdmin, ok), types.ErrNotPayerMember)
	require.ErrorIs(t, create(devnet.AcmeAdmin), types.ErrInvalidPlan)
	require.ErrorIs(t, create(devnet.AcmeAdmin, ok, ok), types.ErrInvalidPlan)
	require.ErrorIs(t, create(devnet.AcmeAdmin, types.CoverageRule{ProcedureCode: "9921", MaxAllowedPerUnit: usd(1)}), types.ErrInvalidPlan)
	require.ErrorIs(t, create(devnet.AcmeAdmin, types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: usd(1), CoinsuranceBps: 10001}), types.ErrInvalidPlan)
	require.ErrorIs(t, create(devnet.AcmeAdmin, types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: math.ZeroInt()}), types.ErrInvalidPlan)
	require.NoError(t, create(devnet.AcmeAdmin, ok, types.CoverageRule{ProcedureCode: "80053", MaxAllowedPerUnit: usd(1)}))
	p := f.plan(2)
	require.Equal(t, "80053", p.Rules[0].ProcedureCode, "rules are kept sorted")
	require.Equal(t, devnet.OrgAcme, p.PayerOrg)

	_, err := f.msg.FundPlan(f.ctx, &types.MsgFundPlan{Payer: f.addr(devnet.MercyAdmin), PlanId: 2, Amount: usd(1)})
	require.ErrorIs(t, err, types.ErrNotPayerMember)
	_, err = f.msg.FundPlan(f.ctx, &types.MsgFundPlan{Payer: f.addr(devnet.AcmeAdmin), PlanId: 2, Amount: math.ZeroInt()})
	require.ErrorIs(t, err, types.ErrInvalidAmount)
	_, err = f.msg.FundPlan(f.ctx, &types.MsgFundPlan{Payer: f.addr(devnet.AcmeAdmin), PlanId: 99, Amount: usd(1)})
	require.ErrorIs(t, err, types.ErrPlanNotFound)
	_, err = f.msg.ClosePlan(f.ctx, &types.MsgClosePlan{Payer: f.addr(devnet.MercyAdmin), PlanId: 2})
	require.ErrorIs(t, err, types.ErrNotPayerMember)

	_, err = f.msg.ClosePlan(f.ctx, &types.MsgClosePlan{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold})
	require.NoError(t, err)
	_, err = f.msg.ClosePlan(f.ctx, &types.MsgClosePlan{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold})
	require.ErrorIs(t, err, types.ErrPlanClosed)
	_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
	require.ErrorIs(t, err, types.ErrPlanClosed)
	err = func() error {
		_, err := f.msg.EnrollMember(f.ctx, &types.MsgEnrollMember{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold, Patient: f.addr(devnet.Bob), CoverageStart: jan2, CoverageEnd: jan5})
		return err
	}()
	require.ErrorIs(t, err, types.ErrPlanClosed)
	// A closed plan can still be funded and drained of what is unreserved.
	f.fund(acmeGold, usd(1))
	_, err = f.msg.WithdrawPlanFunds(f.ctx, &types.MsgWithdrawPlanFunds{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold, Amount: f.plan(acmeGold).Escrow})
	require.NoError(t, err)
	f.requireInvariants()
}

func TestEnrollment(t *testing.T) {
	f := newFixture(t)
	enroll := func(who string, start, end time.Time) error {
		_, err := f.msg.EnrollMember(f.ctx, &types.MsgEnrollMember{Payer: f.addr(who), PlanId: acmeGold, Patient: f.addr(devnet.Bob), CoverageStart: start, CoverageEnd: end})
		return err
	}
	require.ErrorIs(t, enroll(devnet.MercyAdmin, jan2, jan5), types.ErrNotPayerMember)
	require.ErrorIs(t, enroll(devnet.AcmeAdmin, jan5, jan2), types.ErrInvalidEnrollment)
	require.ErrorIs(t, enroll(devnet.AcmeAdmin, jan5, jan5), types.ErrInvalidEnrollment)
	require.NoError(t, enroll(devnet.AcmeAdmin, jan2, jan4))
	_, err := f.submit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("99213", usd(100), jan4))
	require.ErrorIs(t, err, types.ErrServiceDateNotCovered)
	require.NoError(t, enroll(devnet.AcmeAdmin, jan2, day(2026, 2, 1)), "re-enrolling replaces the period")
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Bob, line("99213", usd(100), jan4))
}

func TestClaimLinesAreValidated(t *testing.T) {
	f := newFixture(t)
	bad := map[string]types.ClaimLine{
		"lower-case code":         line("99213", usd(1), jan5),
		"short code":              line("9921", usd(1), jan5),
		"bad diagnosis":           line("99213", usd(1), jan5),
		"no diagnosis":            line("99213", usd(1), jan5),
		"zero units":              line("99213", usd(1), jan5),
		"zero charge":             line("99213", math.ZeroInt(), jan5),
		"negative charge":         line("99213", math.NewInt(-1), jan5),
		"service date not a date": line("99213", usd(1), jan5.Add(time.Hour)),
		"service date in future":  line("99213", usd(1), day(2026, 1, 6)),
	}
	l := bad["lower-case code"]
	l.ProcedureCode = "9921a"
	bad["lower-case code"] = l
	l = bad["bad diagnosis"]
	l.DiagnosisCodes = []string{"depression"}
	bad["bad diagnosis"] = l
	l = bad["no diagnosis"]
	l.DiagnosisCodes = nil
	bad["no diagnosis"] = l
	l = bad["zero units"]
	l.Units = 0
	bad["zero units"] = l
	for name, l := range bad {
		_, err := f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, l)
		require.ErrorIs(t, err, types.ErrInvalidClaim, name)
	}
	_, err := f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(1), jan5), line("99213", usd(2), jan5))
	require.ErrorIs(t, err, types.ErrInvalidClaim, "the same code twice on one date is billed with units")
	_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice)
	require.ErrorIs(t, err, types.ErrInvalidClaim, "no lines")
	_, err = f.msg.SubmitClaim(f.ctx, &types.MsgSubmitClaim{Submitter: f.addr(devnet.MercyAdmin), PlanId: acmeGold, Patient: "care1nope", Lines: []types.ClaimLine{line("99213", usd(1), jan5)}})
	require.ErrorIs(t, err, types.ErrInvalidAddress)
	_, err = f.submit(devnet.MercyAdmin, 99, devnet.Alice, line("99213", usd(1), jan5))
	require.ErrorIs(t, err, types.ErrPlanNotFound)
}

func TestSuspendedPayerTakesNoClaims(t *testing.T) {
	f := newFixture(t)
	reg := registrykeeper.NewMsgServerImpl(f.h.App.RegistryKeeper)
	_, err := reg.SetOrganizationStatus(f.ctx, &registrytypes.MsgSetOrganizationStatus{
		Authority: keepers.Authority(), OrganizationId: devnet.OrgAcme, Status: registrytypes.OrgStatusSuspended,
	})
	require.NoError(t, err)
	_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
	require.ErrorIs(t, err, types.ErrPayerInactive)
	_, err = f.msg.FundPlan(f.ctx, &types.MsgFundPlan{Payer: f.addr(devnet.AcmeAdmin), PlanId: acmeGold, Amount: usd(1)})
	require.ErrorIs(t, err, types.ErrNotPayerMember, "a suspended payer's members cannot act for it")
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.addr(devnet.AcmeAdmin), Params: types.DefaultParams()})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	bad := types.DefaultParams()
	bad.MaxLinesPerClaim = 0
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: keepers.Authority(), Params: bad})
	require.ErrorIs(t, err, types.ErrInvalidParams)
	p := types.DefaultParams()
	p.MaxLinesPerClaim = 1
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: keepers.Authority(), Params: p})
	require.NoError(t, err)
	_, err = f.submit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(1), jan5), line("85025", usd(1), jan5))
	require.ErrorIs(t, err, types.ErrInvalidClaim)
}

// Every state change emits its typed event.
func TestEvents(t *testing.T) {
	f := newFixture(t)
	f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
	f.mustSubmit(devnet.MercyAdmin, acmeGold, devnet.Alice, line("99213", usd(100), jan5))
	var names []string
	for _, e := range f.ctx.EventManager().Events() {
		names = append(names, e.Type)
	}
	require.Contains(t, names, "carechain.claims.v1.EventClaimSubmitted")
	require.Contains(t, names, "carechain.claims.v1.EventClaimPaid")
}
