package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/app/keepers"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/types"
)

func TestRegisterEscrowsFromTheSigningSponsorMember(t *testing.T) {
	f := newFixture(t)
	before, moduleBefore := f.usd(devnet.NorthwindAdmin), f.moduleUSD()
	res, err := f.msg.RegisterStudy(f.ctx, f.registerMsg())
	require.NoError(t, err)
	eqInt(t, usd(200), res.Escrow.Amount, "10 participants × $20")

	eqInt(t, before.Sub(usd(200)), f.usd(devnet.NorthwindAdmin))
	eqInt(t, moduleBefore.Add(usd(200)), f.moduleUSD())
	s := f.study(res.StudyId)
	require.Equal(t, types.StudyStatusDraft, s.Status)
	require.Equal(t, devnet.OrgNorthwind, s.SponsorOrg)
	require.EqualValues(t, 1, s.ProtocolVersion)
	require.Zero(t, s.ApprovedVersion)
	require.Equal(t, []string{"Condition", "Observation"}, s.RequestedCategories, "stored sorted")
	eqInt(t, usd(200), s.Escrow.Amount)
	require.Equal(t, f.addr(devnet.NorthwindAdmin), s.RegisteredBy)
	f.requireInvariants()

	versions, err := f.q.ProtocolVersions(f.ctx, &types.QueryProtocolVersionsRequest{StudyId: res.StudyId})
	require.NoError(t, err)
	require.Len(t, versions.Versions, 1)
	require.Equal(t, hashV1, versions.Versions[0].ProtocolHash, "the protocol hash is fixed on chain before anyone enrolls")
	require.Empty(t, versions.Versions[0].ApprovedBy)
}

func TestRegisterZeroIncentiveEscrowsNothing(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg()
	msg.Incentive = sdk.NewCoin(app.SettlementDenom, math.ZeroInt())
	before := f.usd(devnet.NorthwindAdmin)
	id := f.register(msg)
	require.True(t, f.study(id).Escrow.IsZero())
	eqInt(t, before, f.usd(devnet.NorthwindAdmin))
}

func TestRegisterRules(t *testing.T) {
	cases := map[string]struct {
		signer string
		edit   func(f *fixture, m *types.MsgRegisterStudy)
		want   error
	}{
		"a patient is no sponsor":            {signer: devnet.Alice, want: types.ErrNotSponsorMember},
		"a provider is no sponsor":           {signer: devnet.MercyAdmin, want: types.ErrNotSponsorMember},
		"a sponsor org the signer is not in": {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.SponsorOrg = devnet.OrgMercy }, want: types.ErrNotSponsorMember},
		"title with an e-mail address":       {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.Title = "Study of jane@example.org" }, want: types.ErrInvalidStudy},
		"title with a newline":               {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.Title = "Study\nnotes" }, want: types.ErrInvalidStudy},
		"title too long":                     {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.Title = strings.Repeat("a", 161) }, want: types.ErrInvalidStudy},
		"empty title":                        {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.Title = "" }, want: types.ErrInvalidStudy},
		"upper-case protocol hash":           {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.ProtocolHash = strings.ToUpper(hashV1) }, want: types.ErrInvalidStudy},
		"short protocol hash":                {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.ProtocolHash = hashV1[:63] }, want: types.ErrInvalidStudy},
		"protocol uri with a space":          {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.ProtocolUri = "https://x.example/a b" }, want: types.ErrInvalidStudy},
		"no categories (would mean all)":     {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.RequestedCategories = nil }, want: types.ErrInvalidStudy},
		"category listed twice": {edit: func(_ *fixture, m *types.MsgRegisterStudy) {
			m.RequestedCategories = []string{"Condition", "Condition"}
		}, want: types.ErrInvalidStudy},
		"category with a space":      {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.RequestedCategories = []string{"blood pressure"} }, want: types.ErrInvalidStudy},
		"zero target":                {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.TargetEnrollment = 0 }, want: types.ErrInvalidStudy},
		"target above the parameter": {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.TargetEnrollment = types.DefaultMaxTargetEnrollment + 1 }, want: types.ErrInvalidStudy},
		"bad incentive denom":        {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.Incentive = sdk.Coin{Denom: "$", Amount: math.OneInt()} }, want: types.ErrInvalidStudy},
		"negative incentive": {edit: func(_ *fixture, m *types.MsgRegisterStudy) {
			m.Incentive = sdk.Coin{Denom: "uusd", Amount: math.NewInt(-1)}
		}, want: types.ErrInvalidStudy},
		"ends now": {edit: func(f *fixture, m *types.MsgRegisterStudy) { m.EndsAt = f.now() }, want: types.ErrInvalidStudy},
		"ends beyond max_study_duration": {edit: func(f *fixture, m *types.MsgRegisterStudy) {
			m.EndsAt = f.now().Add(types.DefaultMaxStudyDuration + time.Second)
		}, want: types.ErrInvalidStudy},
		"a payer as IRB":             {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.IrbOrg = devnet.OrgAcme }, want: types.ErrInvalidIRB},
		"an unknown IRB":             {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.IrbOrg = "nobody-irb" }, want: types.ErrInvalidIRB},
		"the sponsor as its own IRB": {edit: func(_ *fixture, m *types.MsgRegisterStudy) { m.IrbOrg = devnet.OrgNorthwind }, want: types.ErrInvalidIRB},
		"a suspended IRB": {edit: func(f *fixture, _ *types.MsgRegisterStudy) {
			f.setOrgStatus(devnet.OrgIRB, registrytypes.OrgStatusSuspended)
		},
			want: types.ErrInvalidIRB},
		"a suspended sponsor": {edit: func(f *fixture, _ *types.MsgRegisterStudy) {
			f.setOrgStatus(devnet.OrgNorthwind, registrytypes.OrgStatusSuspended)
		},
			want: types.ErrNotSponsorMember},
		"non-canonical sponsor address": {edit: func(f *fixture, m *types.MsgRegisterStudy) { m.Sponsor = strings.ToUpper(m.Sponsor) }, want: types.ErrInvalidAddress},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			msg := f.registerMsg()
			if tc.signer != "" {
				msg.Sponsor = f.addr(tc.signer)
			}
			if tc.edit != nil {
				tc.edit(f, msg)
			}
			before := f.usd(devnet.NorthwindAdmin)
			_, err := f.msg.RegisterStudy(f.ctx, msg)
			require.ErrorIs(t, err, tc.want)
			eqInt(t, before, f.usd(devnet.NorthwindAdmin), "nothing escrowed")
		})
	}
}

func TestRegisterNeedsTheEscrowInTheSignersAccount(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg()
	msg.Incentive = sdk.NewCoin(app.SettlementDenom, f.usd(devnet.NorthwindAdmin)) // × 10 is more than the account holds
	_, err := f.msg.RegisterStudy(f.ctx, msg)
	require.Error(t, err)
	f.requireInvariants()
}

func TestApprovalByAMemberOfTheNamedIRBOnly(t *testing.T) {
	f := newFixture(t)
	id := f.register(f.registerMsg())
	approve := func(reviewer sdk.AccAddress) error {
		_, err := f.msg.ApproveStudy(f.ctx, &types.MsgApproveStudy{Reviewer: f.s(reviewer), StudyId: id, ProtocolVersion: 1, ProtocolHash: hashV1})
		return err
	}
	// A member of another IRB organization is outside the named one.
	other := patient(900)
	f.addOrg("other-irb", other, registrytypes.RoleIRB)
	f.addMember("other-irb", other, other)
	for _, reviewer := range []sdk.AccAddress{f.accAddr(devnet.NorthwindAdmin), f.accAddr(devnet.MercyAdmin), f.accAddr(devnet.Alice), other} {
		requireErr(t, approve(reviewer), types.ErrNotIRBMember)
	}
	require.Equal(t, types.StudyStatusDraft, f.study(id).Status)

	require.NoError(t, approve(f.accAddr(devnet.IRBAdmin)))
	s := f.study(id)
	require.Equal(t, types.StudyStatusApproved, s.Status)
	require.EqualValues(t, 1, s.ApprovedVersion)
	pv, err := f.q.ProtocolVersions(f.ctx, &types.QueryProtocolVersionsRequest{StudyId: id})
	require.NoError(t, err)
	require.Equal(t, f.addr(devnet.IRBAdmin), pv.Versions[0].ApprovedBy)
	require.NotNil(t, pv.Versions[0].ApprovedAt)

	requireErr(t, approve(f.accAddr(devnet.IRBAdmin)), types.ErrAlreadyApproved)
}

func TestApprovalNamesTheCurrentVersionAndHash(t *testing.T) {
	f := newFixture(t)
	id := f.register(f.registerMsg())
	for _, m := range []*types.MsgApproveStudy{
		{StudyId: id, ProtocolVersion: 2, ProtocolHash: hashV1},
		{StudyId: id, ProtocolVersion: 1, ProtocolHash: hashV2},
		{StudyId: id, ProtocolVersion: 0, ProtocolHash: hashV1},
	} {
		m.Reviewer = f.addr(devnet.IRBAdmin)
		_, err := f.msg.ApproveStudy(f.ctx, m)
		requireErr(t, err, types.ErrVersionMismatch)
	}
	_, err := f.msg.ApproveStudy(f.ctx, &types.MsgApproveStudy{Reviewer: f.addr(devnet.IRBAdmin), StudyId: 99, ProtocolVersion: 1, ProtocolHash: hashV1})
	requireErr(t, err, types.ErrStudyNotFound)
}

func TestApprovalRefusedToAReviewerWhoActsForTheSponsor(t *testing.T) {
	f := newFixture(t)
	id := f.register(f.registerMsg())
	f.addMember(devnet.OrgNorthwind, f.accAddr(devnet.NorthwindAdmin), f.accAddr(devnet.IRBAdmin))
	_, err := f.msg.ApproveStudy(f.ctx, &types.MsgApproveStudy{Reviewer: f.addr(devnet.IRBAdmin), StudyId: id, ProtocolVersion: 1, ProtocolHash: hashV1})
	requireErr(t, err, types.ErrConflictOfInterest)
}

func TestApprovalRefusedWhileTheIRBIsSuspended(t *testing.T) {
	f := newFixture(t)
	id := f.register(f.registerMsg())
	f.setOrgStatus(devnet.OrgIRB, registrytypes.OrgStatusSuspended)
	_, err := f.msg.ApproveStudy(f.ctx, &types.MsgApproveStudy{Reviewer: f.addr(devnet.IRBAdmin), StudyId: id, ProtocolVersion: 1, ProtocolHash: hashV1})
	requireErr(t, err, types.ErrNotIRBMember)
}

func TestApprovalRefusedOnAFinishedStudy(t *testing.T) {
	f := newFixture(t)
	id := f.register(f.registerMsg())
	_, err := f.setStatus(id, types.StudyStatusTerminated)
	require.NoError(t, err)
	_, err = f.msg.ApproveStudy(f.ctx, &types.MsgApproveStudy{Reviewer: f.addr(devnet.IRBAdmin), StudyId: id, ProtocolVersion: 1, ProtocolHash: hashV1})
	requireErr(t, err, types.ErrWrongStudyStatus)
}

// Must-show 1 at keeper level: enrolling creates the research consent and
// pays the incentive from escrow.
func TestEnrollCreatesResearchConsentAndPaysIncentive(t *testing.T) {
	f := newFixture(t)
	alice := f.accAddr(devnet.Alice)
	requireDeny(t, f.research(alice, "Observation"), consenttypes.ReasonNoConsent)
	before, escrowBefore := f.usd(devnet.Alice), f.study(demoStudy).Escrow.Amount

	res, err := f.enroll(demoStudy, f.addr(devnet.Alice))
	require.NoError(t, err)
	eqInt(t, usd(50), res.IncentivePaid.Amount)
	eqInt(t, before.Add(usd(50)), f.usd(devnet.Alice))
	eqInt(t, escrowBefore.Sub(usd(50)), f.study(demoStudy).Escrow.Amount)
	require.EqualValues(t, 1, f.study(demoStudy).EnrollmentCount)

	for _, cat := range devnet.NorthwindStudyCategories {
		requirePermit(t, f.research(alice, cat), res.ConsentId)
	}
	requireDeny(t, f.research(alice, "mental-health"), consenttypes.ReasonNoConsent)
	d, err := f.h.App.ConsentKeeper.CheckAccess(f.ctx, consenttypes.AccessRequest{Accessor: f.accAddr(devnet.NorthwindAdmin), Patient: alice,
		Action: consenttypes.ActionWrite, Purpose: consenttypes.PurposeHresch, Category: "Observation"})
	require.NoError(t, err)
	require.Equal(t, consenttypes.DecisionDeny, d.Decision, "research access is read-only")
	d, err = f.h.App.ConsentKeeper.CheckAccess(f.ctx, consenttypes.AccessRequest{Accessor: f.accAddr(devnet.NorthwindAdmin), Patient: alice,
		Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeTreat, Category: "Observation"})
	require.NoError(t, err)
	require.Equal(t, consenttypes.DecisionDeny, d.Decision, "for research only")

	c := f.consent(res.ConsentId)
	require.Equal(t, types.ModuleName, c.ManagedBy)
	require.Equal(t, devnet.OrgNorthwind, c.GranteeOrg)
	require.Equal(t, f.addr(devnet.Alice), c.GrantedBy)
	require.True(t, c.ExpiresAt.Equal(f.study(demoStudy).EndsAt), "the consent expires with the study")

	st, reason := f.status(demoStudy, alice)
	require.Equal(t, types.ParticipationStatusEnrolled, st)
	require.Empty(t, reason)
}

func TestEnrollmentRules(t *testing.T) {
	t.Run("before IRB approval", func(t *testing.T) {
		f := newFixture(t)
		id := f.register(f.registerMsg())
		_, err := f.enroll(id, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyNotApproved)
	})
	t.Run("approved but not recruiting", func(t *testing.T) {
		f := newFixture(t)
		id := f.register(f.registerMsg())
		f.approve(id)
		_, err := f.enroll(id, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyNotRecruiting)
	})
	t.Run("after CLOSED", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.setStatus(demoStudy, types.StudyStatusClosed)
		require.NoError(t, err)
		_, err = f.enroll(demoStudy, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyNotRecruiting)
		_, err = f.setStatus(demoStudy, types.StudyStatusRecruiting)
		require.NoError(t, err, "recruitment may reopen")
		f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	})
	t.Run("after COMPLETED or TERMINATED", func(t *testing.T) {
		for _, st := range []types.StudyStatus{types.StudyStatusCompleted, types.StudyStatusTerminated} {
			f := newFixture(t)
			_, err := f.setStatus(demoStudy, st)
			require.NoError(t, err)
			_, err = f.enroll(demoStudy, f.addr(devnet.Alice))
			requireErr(t, err, types.ErrStudyNotRecruiting)
		}
	})
	t.Run("beyond target", func(t *testing.T) {
		f := newFixture(t)
		msg := f.registerMsg()
		msg.TargetEnrollment = 2
		id := f.recruiting(msg)
		f.mustEnroll(id, f.addr(devnet.Alice))
		f.mustEnroll(id, f.addr(devnet.Bob))
		before := f.usd(devnet.Carol)
		_, err := f.enroll(id, f.addr(devnet.Carol))
		requireErr(t, err, types.ErrStudyFull)
		eqInt(t, before, f.usd(devnet.Carol))
		require.True(t, f.study(id).Escrow.IsZero(), "the escrow paid exactly the target's incentives")
		requireDeny(t, f.research(f.accAddr(devnet.Carol), "Observation"), consenttypes.ReasonNoConsent)
	})
	t.Run("withdrawn slots stay used", func(t *testing.T) {
		f := newFixture(t)
		msg := f.registerMsg()
		msg.TargetEnrollment = 1
		id := f.recruiting(msg)
		f.mustEnroll(id, f.addr(devnet.Alice))
		require.NoError(t, f.withdraw(id, f.addr(devnet.Alice)))
		_, err := f.enroll(id, f.addr(devnet.Bob))
		requireErr(t, err, types.ErrStudyFull)
	})
	t.Run("after ends_at", func(t *testing.T) {
		f := newFixture(t)
		f.after(f.study(demoStudy).EndsAt.Sub(f.now()))
		_, err := f.enroll(demoStudy, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyEnded)
	})
	t.Run("twice, or again after withdrawing", func(t *testing.T) {
		f := newFixture(t)
		f.mustEnroll(demoStudy, f.addr(devnet.Alice))
		_, err := f.enroll(demoStudy, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrAlreadyEnrolled)
		require.NoError(t, f.withdraw(demoStudy, f.addr(devnet.Alice)))
		_, err = f.enroll(demoStudy, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrAlreadyEnrolled)
	})
	t.Run("while the sponsor is suspended", func(t *testing.T) {
		f := newFixture(t)
		f.setOrgStatus(devnet.OrgNorthwind, registrytypes.OrgStatusSuspended)
		_, err := f.enroll(demoStudy, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyNotRecruiting)
	})
	t.Run("unknown study", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.enroll(42, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyNotFound)
	})
}

// Decision on max_consent_duration: the research consent expires at the
// study's end or at block time + max_consent_duration, whichever is first;
// re-consenting renews it.
func TestResearchConsentIsCappedByMaxConsentDurationAndRenewedByReconsent(t *testing.T) {
	f := newFixture(t)
	f.setMaxConsentDuration(30 * 24 * time.Hour)
	alice := f.accAddr(devnet.Alice)
	id := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	require.True(t, f.consent(id).ExpiresAt.Equal(f.now().Add(30*24*time.Hour)))

	q, err := f.q.Participation(f.ctx, &types.QueryParticipationRequest{StudyId: demoStudy, Patient: f.addr(devnet.Alice)})
	require.NoError(t, err)
	require.True(t, q.ConsentExpiresAt.Equal(f.now().Add(30*24*time.Hour)), "wallets see when to renew")

	f.after(31 * 24 * time.Hour)
	requireDeny(t, f.research(alice, "Observation"), consenttypes.ReasonConsentExpired)
	res, err := f.reconsent(demoStudy, f.addr(devnet.Alice))
	require.NoError(t, err)
	requirePermit(t, f.research(alice, "Observation"), res.ConsentId)
	require.True(t, f.consent(res.ConsentId).ExpiresAt.Equal(f.now().Add(30*24*time.Hour)))
}

// Must-show 3 at keeper level.
func TestWithdrawRevokesResearchAccessAtOnce(t *testing.T) {
	f := newFixture(t)
	alice := f.accAddr(devnet.Alice)
	id := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	requirePermit(t, f.research(alice, "Observation"), id)
	paid := f.usd(devnet.Alice)

	require.NoError(t, f.withdraw(demoStudy, f.addr(devnet.Alice)))
	requireDeny(t, f.research(alice, "Observation"), consenttypes.ReasonNoConsent)
	c := f.consent(id)
	require.Equal(t, consenttypes.ConsentStatusRevoked, c.Status)
	require.Equal(t, "module:research", c.RevokedBy)
	eqInt(t, paid, f.usd(devnet.Alice), "the incentive is the patient's to keep")

	st, _ := f.status(demoStudy, alice)
	require.Equal(t, types.ParticipationStatusWithdrawn, st)
	s := f.study(demoStudy)
	require.EqualValues(t, 1, s.EnrollmentCount)
	require.EqualValues(t, 1, s.WithdrawalCount)
	require.Zero(t, s.CurrentVersionConsents)

	requireErr(t, f.withdraw(demoStudy, f.addr(devnet.Alice)), types.ErrAlreadyWithdrawn)
	requireErr(t, f.withdraw(demoStudy, f.addr(devnet.Bob)), types.ErrParticipationNotFound)
	_, err := f.reconsent(demoStudy, f.addr(devnet.Alice))
	requireErr(t, err, types.ErrAlreadyWithdrawn)
}

func TestWithdrawAfterTheStudyAndItsConsentEnded(t *testing.T) {
	f := newFixture(t)
	id := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	_, err := f.setStatus(demoStudy, types.StudyStatusCompleted)
	require.NoError(t, err)
	f.after(f.study(demoStudy).EndsAt.Sub(f.now()) + time.Hour)
	_, err = f.h.App.ConsentKeeper.EndBlocker(f.ctx)
	require.NoError(t, err)
	require.Equal(t, consenttypes.ConsentStatusExpired, f.consent(id).Status)

	require.NoError(t, f.withdraw(demoStudy, f.addr(devnet.Alice)), "withdrawing is allowed at any time")
	st, _ := f.status(demoStudy, f.accAddr(devnet.Alice))
	require.Equal(t, types.ParticipationStatusWithdrawn, st)
}

func TestPatientCannotRevokeTheResearchConsentDirectly(t *testing.T) {
	f := newFixture(t)
	id := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	_, err := consentMsg(f).RevokeConsent(f.ctx, &consenttypes.MsgRevokeConsent{Signer: f.addr(devnet.Alice), Patient: f.addr(devnet.Alice), ConsentId: id})
	require.ErrorIs(t, err, consenttypes.ErrManagedConsent)
}

// Must-show 4 at keeper level.
func TestAmendmentSuspendsEveryParticipantUntilApprovalAndReconsent(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.accAddr(devnet.Alice), f.accAddr(devnet.Bob)
	aliceConsent := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	bobConsent := f.mustEnroll(demoStudy, f.addr(devnet.Bob))
	requirePermit(t, f.research(bob, "Condition"), bobConsent)

	res, err := f.amend(demoStudy, hashV2)
	require.NoError(t, err)
	require.EqualValues(t, 2, res.ProtocolVersion)
	s := f.study(demoStudy)
	require.Equal(t, types.StudyStatusRecruiting, s.Status, "still recruiting, but enrollment waits for the approval")
	require.Zero(t, s.CurrentVersionConsents)
	for _, p := range []sdk.AccAddress{alice, bob} {
		st, reason := f.status(demoStudy, p)
		require.Equal(t, types.ParticipationStatusReconsentRequired, st)
		require.Equal(t, types.ReasonReconsentRequired, reason)
		requireDeny(t, f.research(p, "Observation"), types.ReasonReconsentRequired)
	}
	_, err = f.enroll(demoStudy, f.addr(devnet.Carol))
	requireErr(t, err, types.ErrStudyNotApproved)
	_, err = f.reconsent(demoStudy, f.addr(devnet.Alice))
	requireErr(t, err, types.ErrStudyNotApproved, "nobody consents to an unapproved protocol")

	f.approve(demoStudy)
	requireDeny(t, f.research(alice, "Observation"), types.ReasonReconsentRequired)
	requireDeny(t, f.research(bob, "Observation"), types.ReasonReconsentRequired)

	rc, err := f.reconsent(demoStudy, f.addr(devnet.Alice))
	require.NoError(t, err)
	require.EqualValues(t, 2, rc.ProtocolVersion)
	requirePermit(t, f.research(alice, "Observation"), rc.ConsentId)
	requireDeny(t, f.research(bob, "Observation"), types.ReasonReconsentRequired)
	require.Equal(t, consenttypes.ConsentStatusRevoked, f.consent(aliceConsent).Status, "the old consent is replaced")
	require.EqualValues(t, 1, f.study(demoStudy).CurrentVersionConsents)

	st, _ := f.status(demoStudy, alice)
	require.Equal(t, types.ParticipationStatusEnrolled, st)
	f.mustEnroll(demoStudy, f.addr(devnet.Carol))
	require.EqualValues(t, 2, f.study(demoStudy).CurrentVersionConsents)
}

func TestAmendmentTermsApplyAtReconsent(t *testing.T) {
	f := newFixture(t)
	alice := f.accAddr(devnet.Alice)
	f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	newEnd := f.study(demoStudy).EndsAt.Add(90 * 24 * time.Hour)
	_, err := f.msg.AmendProtocol(f.ctx, &types.MsgAmendProtocol{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: demoStudy,
		ProtocolHash: hashV2, RequestedCategories: []string{"MedicationStatement", "Observation"}, EndsAt: &newEnd})
	require.NoError(t, err)
	f.approve(demoStudy)
	rc, err := f.reconsent(demoStudy, f.addr(devnet.Alice))
	require.NoError(t, err)
	requirePermit(t, f.research(alice, "MedicationStatement"), rc.ConsentId)
	requireDeny(t, f.research(alice, "Condition"), consenttypes.ReasonNoConsent)
	require.True(t, f.consent(rc.ConsentId).ExpiresAt.Equal(newEnd))

	versions, err := f.q.ProtocolVersions(f.ctx, &types.QueryProtocolVersionsRequest{StudyId: demoStudy})
	require.NoError(t, err)
	require.Len(t, versions.Versions, 2)
	require.Equal(t, devnet.NorthwindStudyProtocolHash, versions.Versions[0].ProtocolHash, "the history keeps every version")
	require.Equal(t, hashV2, versions.Versions[1].ProtocolHash)
	require.Equal(t, []string{"Condition", "Observation"}, versions.Versions[0].RequestedCategories)
}

func TestAmendmentRules(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.AmendProtocol(f.ctx, &types.MsgAmendProtocol{Sponsor: f.addr(devnet.IRBAdmin), StudyId: demoStudy, ProtocolHash: hashV2})
	requireErr(t, err, types.ErrNotSponsorMember)
	_, err = f.amend(demoStudy, devnet.NorthwindStudyProtocolHash)
	requireErr(t, err, types.ErrInvalidStudy)
	_, err = f.amend(demoStudy, "not-a-hash")
	requireErr(t, err, types.ErrInvalidStudy)
	past := f.now().Add(-time.Hour)
	_, err = f.msg.AmendProtocol(f.ctx, &types.MsgAmendProtocol{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: demoStudy, ProtocolHash: hashV2, EndsAt: &past})
	requireErr(t, err, types.ErrInvalidStudy)

	// An approved study that never recruited goes back to DRAFT.
	id := f.register(f.registerMsg())
	f.approve(id)
	_, err = f.amend(id, hashV2)
	require.NoError(t, err)
	require.Equal(t, types.StudyStatusDraft, f.study(id).Status)
	_, err = f.setStatus(id, types.StudyStatusRecruiting)
	requireErr(t, err, types.ErrInvalidStatusTransition)
	f.approve(id)
	require.Equal(t, types.StudyStatusApproved, f.study(id).Status)

	_, err = f.setStatus(id, types.StudyStatusTerminated)
	require.NoError(t, err)
	_, err = f.amend(id, hashV3)
	requireErr(t, err, types.ErrWrongStudyStatus)
}

func TestReopeningRecruitmentNeedsTheCurrentVersionApproved(t *testing.T) {
	f := newFixture(t)
	_, err := f.setStatus(demoStudy, types.StudyStatusClosed)
	require.NoError(t, err)
	_, err = f.amend(demoStudy, hashV2)
	require.NoError(t, err)
	_, err = f.setStatus(demoStudy, types.StudyStatusRecruiting)
	requireErr(t, err, types.ErrStudyNotApproved)
	f.approve(demoStudy)
	_, err = f.setStatus(demoStudy, types.StudyStatusRecruiting)
	require.NoError(t, err)
}

// The amendment is one write whatever the number of participants: its gas
// does not grow with them (DESIGN: no loop over participants).
func TestAmendmentCostDoesNotDependOnParticipants(t *testing.T) {
	gas := func(participants int) uint64 {
		f := newFixture(t)
		for i := 0; i < participants; i++ {
			f.mustEnroll(demoStudy, f.s(patient(i)))
		}
		ctx := f.ctx.WithGasMeter(storeGasMeter())
		_, err := f.msg.AmendProtocol(ctx, &types.MsgAmendProtocol{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: demoStudy, ProtocolHash: hashV2})
		require.NoError(t, err)
		for i := 0; i < participants; i++ {
			st, _ := f.status(demoStudy, patient(i))
			require.Equal(t, types.ParticipationStatusReconsentRequired, st)
		}
		return ctx.GasMeter().GasConsumed()
	}
	require.Equal(t, gas(2), gas(60))
}

// The guard is O(1): the decision costs the same whatever the number of
// other participants.
func TestGuardCostDoesNotDependOnParticipants(t *testing.T) {
	gas := func(participants int) uint64 {
		f := newFixture(t)
		f.mustEnroll(demoStudy, f.addr(devnet.Alice))
		for i := 0; i < participants; i++ {
			f.mustEnroll(demoStudy, f.s(patient(i)))
		}
		_, err := f.amend(demoStudy, hashV2)
		require.NoError(t, err)
		ctx := f.ctx.WithGasMeter(storeGasMeter())
		d, err := f.h.App.ConsentKeeper.CheckAccess(ctx, consenttypes.AccessRequest{Accessor: f.accAddr(devnet.NorthwindAdmin),
			Patient: f.accAddr(devnet.Alice), Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeHresch, Category: "Observation"})
		require.NoError(t, err)
		require.Equal(t, types.ReasonReconsentRequired, d.Reason)
		return ctx.GasMeter().GasConsumed()
	}
	require.Equal(t, gas(1), gas(60))
}

func TestGuardFailsClosedForAResearchConsentWithoutParticipation(t *testing.T) {
	f := newFixture(t)
	suspended, reason, err := f.k.ConsentSuspended(f.ctx, consenttypes.Consent{Id: 12345, ManagedBy: types.ModuleName})
	require.NoError(t, err)
	require.True(t, suspended)
	require.Equal(t, types.ReasonNoParticipation, reason)
}

func TestStudyEndSuspendsResearchAccess(t *testing.T) {
	for _, st := range []types.StudyStatus{types.StudyStatusCompleted, types.StudyStatusTerminated} {
		f := newFixture(t)
		alice := f.accAddr(devnet.Alice)
		f.mustEnroll(demoStudy, f.addr(devnet.Alice))
		_, err := f.setStatus(demoStudy, st)
		require.NoError(t, err)
		requireDeny(t, f.research(alice, "Observation"), types.ReasonStudyEnded)
		s, _ := f.status(demoStudy, alice)
		require.Equal(t, types.ParticipationStatusStudyEnded, s)
		_, err = f.reconsent(demoStudy, f.addr(devnet.Alice))
		requireErr(t, err, types.ErrStudyEnded)
	}
}

// Must-show 5 (escrow): COMPLETED and TERMINATED return the unused escrow to
// the sponsor organization's payout address, not the registering member.
func TestFinishingReturnsUnusedEscrowToTheSponsorPayoutAddress(t *testing.T) {
	for _, st := range []types.StudyStatus{types.StudyStatusCompleted, types.StudyStatusTerminated} {
		f := newFixture(t)
		staff := patient(777)
		f.addMember(devnet.OrgNorthwind, f.accAddr(devnet.NorthwindAdmin), staff)
		require.NoError(t, f.h.App.BankKeeper.SendCoins(f.ctx, f.accAddr(devnet.NorthwindAdmin), staff, sdk.NewCoins(usdCoin(1000))))
		msg := f.registerMsg()
		msg.Sponsor = f.s(staff)
		id := f.recruiting(msg)
		f.mustEnroll(id, f.addr(devnet.Alice))
		f.mustEnroll(id, f.addr(devnet.Bob))
		eqInt(t, usd(160), f.study(id).Escrow.Amount)

		payout, staffBefore := f.usd(devnet.NorthwindAdmin), f.h.App.BankKeeper.GetBalance(f.ctx, staff, app.SettlementDenom).Amount
		res, err := f.setStatus(id, st)
		require.NoError(t, err)
		eqInt(t, usd(160), res.EscrowReturned.Amount)
		eqInt(t, payout.Add(usd(160)), f.usd(devnet.NorthwindAdmin), "northwind's payout address is its admin")
		eqInt(t, staffBefore, f.h.App.BankKeeper.GetBalance(f.ctx, staff, app.SettlementDenom).Amount)
		s := f.study(id)
		require.Equal(t, st, s.Status)
		require.True(t, s.Escrow.IsZero())
		f.requireInvariants()

		for _, next := range []types.StudyStatus{types.StudyStatusRecruiting, types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated} {
			_, err := f.setStatus(id, next)
			requireErr(t, err, types.ErrInvalidStatusTransition)
		}
	}
}

func TestStatusTransitionsBySponsorOnly(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.SetStudyStatus(f.ctx, &types.MsgSetStudyStatus{Sponsor: f.addr(devnet.IRBAdmin), StudyId: demoStudy, Status: types.StudyStatusClosed})
	requireErr(t, err, types.ErrNotSponsorMember)
	id := f.register(f.registerMsg())
	for _, st := range []types.StudyStatus{types.StudyStatusApproved, types.StudyStatusRecruiting, types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusUnspecified, types.StudyStatus(99)} {
		_, err := f.setStatus(id, st)
		requireErr(t, err, types.ErrInvalidStatusTransition)
	}
	res, err := f.setStatus(id, types.StudyStatusTerminated)
	require.NoError(t, err)
	eqInt(t, usd(200), res.EscrowReturned.Amount, "terminating a draft returns everything")
}

func TestRecruitingAfterEndsAtIsRefused(t *testing.T) {
	f := newFixture(t)
	_, err := f.setStatus(demoStudy, types.StudyStatusClosed)
	require.NoError(t, err)
	f.after(f.study(demoStudy).EndsAt.Sub(f.now()))
	_, err = f.setStatus(demoStudy, types.StudyStatusRecruiting)
	requireErr(t, err, types.ErrStudyEnded)
	_, err = f.setStatus(demoStudy, types.StudyStatusCompleted)
	require.NoError(t, err, "a study past its end can still be completed")
}

func TestDatasets(t *testing.T) {
	f := newFixture(t)
	anchor := func(signer string, id uint64, hash string, n uint64) (*types.MsgAnchorDatasetResponse, error) {
		return f.msg.AnchorDataset(f.ctx, &types.MsgAnchorDataset{Sponsor: f.addr(signer), StudyId: id, DatasetHash: hash, RecordCount: n})
	}
	draft := f.register(f.registerMsg())
	_, err := anchor(devnet.NorthwindAdmin, draft, hashV1, 10)
	requireErr(t, err, types.ErrWrongStudyStatus)
	_, err = anchor(devnet.Alice, demoStudy, hashV1, 10)
	requireErr(t, err, types.ErrNotSponsorMember)
	_, err = anchor(devnet.NorthwindAdmin, demoStudy, strings.ToUpper(hashV1), 10)
	requireErr(t, err, types.ErrInvalidDataset)
	_, err = anchor(devnet.NorthwindAdmin, demoStudy, hashV1, 0)
	requireErr(t, err, types.ErrInvalidDataset)

	for i, h := range []string{hashV1, hashV2, hashV3} {
		res, err := anchor(devnet.NorthwindAdmin, demoStudy, h, uint64(100*(i+1)))
		require.NoError(t, err)
		require.EqualValues(t, i+1, res.Index)
	}
	_, err = anchor(devnet.NorthwindAdmin, demoStudy, hashV2, 5)
	requireErr(t, err, types.ErrDuplicateDataset)
	_, err = anchor(devnet.NorthwindAdmin, draft, hashV2, 5)
	requireErr(t, err, types.ErrWrongStudyStatus)

	_, err = f.setStatus(demoStudy, types.StudyStatusCompleted)
	require.NoError(t, err)
	_, err = anchor(devnet.NorthwindAdmin, demoStudy, hashOut, 7)
	require.NoError(t, err, "final datasets are anchored after completion")
	require.EqualValues(t, 4, f.study(demoStudy).DatasetCount)
}

func TestResultsArePublishedOnce(t *testing.T) {
	f := newFixture(t)
	publish := func(signer, hash, uri string) error {
		_, err := f.msg.PublishResults(f.ctx, &types.MsgPublishResults{Sponsor: f.addr(signer), StudyId: demoStudy, ResultsHash: hash, ResultsUri: uri})
		return err
	}
	const uri = "https://northwind.example/results/nw-204"
	requireErr(t, publish(devnet.NorthwindAdmin, hashOut, uri), types.ErrWrongStudyStatus)
	_, err := f.setStatus(demoStudy, types.StudyStatusClosed)
	require.NoError(t, err)
	requireErr(t, publish(devnet.IRBAdmin, hashOut, uri), types.ErrNotSponsorMember)
	requireErr(t, publish(devnet.NorthwindAdmin, "abc", uri), types.ErrInvalidResults)
	requireErr(t, publish(devnet.NorthwindAdmin, hashOut, ""), types.ErrInvalidResults)
	requireErr(t, publish(devnet.NorthwindAdmin, hashOut, "results nw-204"), types.ErrInvalidResults)

	require.NoError(t, publish(devnet.NorthwindAdmin, hashOut, uri))
	s := f.study(demoStudy)
	require.Equal(t, hashOut, s.ResultsHash)
	require.Equal(t, uri, s.ResultsUri)
	require.NotNil(t, s.ResultsPublishedAt)

	requireErr(t, publish(devnet.NorthwindAdmin, hashV1, uri), types.ErrResultsAlreadyPublished)
	_, err = f.setStatus(demoStudy, types.StudyStatusCompleted)
	require.NoError(t, err)
	requireErr(t, publish(devnet.NorthwindAdmin, hashV1, uri), types.ErrResultsAlreadyPublished)
	require.Equal(t, hashOut, f.study(demoStudy).ResultsHash, "outcome switching after publication is impossible")
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.MaxTargetEnrollment = 5
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.addr(devnet.NorthwindAdmin), Params: p})
	requireErr(t, err, types.ErrInvalidAuthority)
	bad := p
	bad.MaxTargetEnrollment = 0
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: keepers.Authority(), Params: bad})
	requireErr(t, err, types.ErrInvalidParams)
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: keepers.Authority(), Params: p})
	require.NoError(t, err)
	_, err = f.msg.RegisterStudy(f.ctx, f.registerMsg()) // target 10 > 5
	requireErr(t, err, types.ErrInvalidStudy)
}
