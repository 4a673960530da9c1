package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

func TestGrantRecordsTheConsent(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	msg.Actions = []types.Action{types.ActionWrite, types.ActionRead}
	msg.Categories = []string{"Observation", "Condition"}
	msg.SourceDocumentHash = justification
	id := f.grant(msg)
	require.EqualValues(t, 1, id)

	c, err := f.k.GetConsent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.Consent{
		Id: id, Patient: f.s(f.alice), GranteeOrg: mercy, Decision: types.DecisionPermit,
		Actions:    []types.Action{types.ActionRead, types.ActionWrite},
		Purposes:   []types.Purpose{types.PurposeTreat},
		Categories: []string{"Condition", "Observation"},
		ValidFrom:  f.now(), ExpiresAt: msg.ExpiresAt, Status: types.ConsentStatusActive,
		GrantedBy: f.s(f.alice), SourceDocumentHash: justification, GrantedAt: f.now(),
	}, c)

	var granted *types.EventConsentGranted
	for _, ev := range f.ctx.EventManager().Events() {
		if ev.Type == "carechain.consent.v1.EventConsentGranted" {
			msg, err := sdk.ParseTypedEvent(abciEvent(ev))
			require.NoError(t, err)
			granted = msg.(*types.EventConsentGranted)
		}
	}
	require.NotNil(t, granted, "a grant emits EventConsentGranted")
	require.Equal(t, id, granted.ConsentId)
	require.Equal(t, mercy, granted.GranteeOrg)

	_, err = f.k.GetConsent(f.ctx, 99)
	require.ErrorIs(t, err, types.ErrConsentNotFound)
}

func TestGrantValidation(t *testing.T) {
	f := newFixture(t)
	cases := map[string]struct {
		edit func(m *types.MsgGrantConsent)
		err  error
	}{
		"no decision":          {func(m *types.MsgGrantConsent) { m.Decision = types.DecisionUnspecified }, types.ErrInvalidConsent},
		"no actions":           {func(m *types.MsgGrantConsent) { m.Actions = nil }, types.ErrInvalidConsent},
		"duplicate action":     {func(m *types.MsgGrantConsent) { m.Actions = []types.Action{types.ActionRead, types.ActionRead} }, types.ErrInvalidConsent},
		"unknown action":       {func(m *types.MsgGrantConsent) { m.Actions = []types.Action{7} }, types.ErrInvalidConsent},
		"no purposes":          {func(m *types.MsgGrantConsent) { m.Purposes = nil }, types.ErrInvalidConsent},
		"unspecified purpose":  {func(m *types.MsgGrantConsent) { m.Purposes = []types.Purpose{types.PurposeUnspecified} }, types.ErrInvalidConsent},
		"free-text category":   {func(m *types.MsgGrantConsent) { m.Categories = []string{"depression notes"} }, types.ErrInvalidConsent},
		"duplicate category":   {func(m *types.MsgGrantConsent) { m.Categories = []string{"Observation", "Observation"} }, types.ErrInvalidConsent},
		"record id zero":       {func(m *types.MsgGrantConsent) { m.RecordIds = []uint64{0} }, types.ErrInvalidConsent},
		"too many records":     {func(m *types.MsgGrantConsent) { m.RecordIds = make([]uint64, types.MaxRecordIDs+1) }, types.ErrInvalidConsent},
		"bad document hash":    {func(m *types.MsgGrantConsent) { m.SourceDocumentHash = "ABC" }, types.ErrInvalidConsent},
		"no grantee":           {func(m *types.MsgGrantConsent) { m.GranteeOrg = "" }, types.ErrInvalidConsent},
		"both grantees":        {func(m *types.MsgGrantConsent) { m.Grantee = f.s(f.doctor) }, types.ErrInvalidConsent},
		"self grantee":         {func(m *types.MsgGrantConsent) { m.GranteeOrg, m.Grantee = "", f.s(f.alice) }, types.ErrInvalidConsent},
		"bad grantee address":  {func(m *types.MsgGrantConsent) { m.GranteeOrg, m.Grantee = "", "care1nope" }, types.ErrInvalidAddress},
		"unknown organization": {func(m *types.MsgGrantConsent) { m.GranteeOrg = "nowhere-clinic" }, types.ErrUnknownOrganization},
		"no expiry":            {func(m *types.MsgGrantConsent) { m.ExpiresAt = time.Time{} }, types.ErrInvalidConsent},
		"expiry in the past":   {func(m *types.MsgGrantConsent) { m.ExpiresAt = f.now().Add(-time.Second) }, types.ErrInvalidConsent},
		"expiry now":           {func(m *types.MsgGrantConsent) { m.ExpiresAt = f.now() }, types.ErrInvalidConsent},
		"valid_from after expiry": {func(m *types.MsgGrantConsent) {
			v := m.ExpiresAt.Add(time.Second)
			m.ValidFrom = &v
		}, types.ErrInvalidConsent},
		"beyond max duration": {func(m *types.MsgGrantConsent) {
			m.ExpiresAt = f.now().Add(types.DefaultMaxConsentDuration + time.Second)
		}, types.ErrConsentTooLong},
	}
	for name, tc := range cases {
		msg := f.orgGrant(f.alice)
		tc.edit(msg)
		_, err := f.msg.GrantConsent(f.ctx, msg)
		require.ErrorIs(t, err, tc.err, name)
	}
	msg := f.orgGrant(f.alice)
	msg.ExpiresAt = f.now().Add(types.DefaultMaxConsentDuration)
	f.grant(msg) // exactly the maximum is fine
}

func TestPastValidFromIsClampedToBlockTime(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	past := f.now().Add(-48 * time.Hour)
	msg.ValidFrom = &past
	c, err := f.k.GetConsent(f.ctx, f.grant(msg))
	require.NoError(t, err)
	require.Equal(t, f.now(), c.ValidFrom)
}

func TestOnlyPatientOrRepresentativeMayGrantOrRevoke(t *testing.T) {
	f := newFixture(t)
	id := f.grant(f.orgGrant(f.alice))

	for _, signer := range []sdk.AccAddress{f.bob, f.doctor, f.admin} {
		msg := f.orgGrant(f.alice)
		msg.Signer = f.s(signer)
		_, err := f.msg.GrantConsent(f.ctx, msg)
		require.ErrorIs(t, err, types.ErrNotPatientOrRepresentative)

		_, err = f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(signer), Patient: f.s(f.alice), ConsentId: id})
		require.ErrorIs(t, err, types.ErrNotPatientOrRepresentative)
	}
	// bob cannot revoke alice's consent by naming himself as the patient.
	_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.bob), Patient: f.s(f.bob), ConsentId: id})
	require.ErrorIs(t, err, types.ErrConsentPatientMismatch)
	requirePermit(t, f.read(f.doctor, "Observation"), id)
}

func TestRevokeErrors(t *testing.T) {
	f := newFixture(t)
	id := f.grant(f.orgGrant(f.alice))
	revoke := &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: id}
	_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: 404})
	require.ErrorIs(t, err, types.ErrConsentNotFound)
	_, err = f.msg.RevokeConsent(f.ctx, revoke)
	require.NoError(t, err)
	_, err = f.msg.RevokeConsent(f.ctx, revoke)
	require.ErrorIs(t, err, types.ErrConsentNotActive)

	managed, err := f.k.CreateManagedConsent(f.ctx, "research", f.researchConsent(f.s(f.alice)))
	require.NoError(t, err)
	_, err = f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: managed})
	require.ErrorIs(t, err, types.ErrManagedConsent)
}

func TestRepresentativeGrantsAndRevokesUntilAppointmentEnds(t *testing.T) {
	f := newFixture(t)
	expires := f.now().Add(10 * 24 * time.Hour)
	_, err := f.msg.AppointRepresentative(f.ctx, &types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: expires})
	require.NoError(t, err)

	onBehalf := f.orgGrant(f.alice)
	onBehalf.Signer = f.s(f.bob)
	id := f.grant(onBehalf)
	c, err := f.k.GetConsent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, f.s(f.alice), c.Patient)
	require.Equal(t, f.s(f.bob), c.GrantedBy)
	requirePermit(t, f.read(f.doctor, "Observation"), id)

	// bob represents alice, not carol.
	forCarol := f.orgGrant(f.carol)
	forCarol.Signer = f.s(f.bob)
	_, err = f.msg.GrantConsent(f.ctx, forCarol)
	require.ErrorIs(t, err, types.ErrNotPatientOrRepresentative)

	f.at(expires)
	_, err = f.msg.GrantConsent(f.ctx, onBehalf)
	require.ErrorIs(t, err, types.ErrRepresentativeExpired)
	_, err = f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.bob), Patient: f.s(f.alice), ConsentId: id})
	require.ErrorIs(t, err, types.ErrRepresentativeExpired)

	// Re-appointing extends; removal ends it for good.
	_, err = f.msg.AppointRepresentative(f.ctx, &types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now().Add(time.Hour)})
	require.NoError(t, err)
	_, err = f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.bob), Patient: f.s(f.alice), ConsentId: id})
	require.NoError(t, err)
	_, err = f.msg.RemoveRepresentative(f.ctx, &types.MsgRemoveRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob)})
	require.NoError(t, err)
	_, err = f.msg.GrantConsent(f.ctx, onBehalf)
	require.ErrorIs(t, err, types.ErrNotPatientOrRepresentative)
	_, err = f.msg.RemoveRepresentative(f.ctx, &types.MsgRemoveRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob)})
	require.ErrorIs(t, err, types.ErrRepresentativeNotFound)
}

func TestRepresentativeMayResign(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.AppointRepresentative(f.ctx, &types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now().Add(time.Hour)})
	require.NoError(t, err)
	_, err = f.msg.ResignRepresentative(f.ctx, &types.MsgResignRepresentative{Representative: f.s(f.bob), Patient: f.s(f.alice)})
	require.NoError(t, err)
	onBehalf := f.orgGrant(f.alice)
	onBehalf.Signer = f.s(f.bob)
	_, err = f.msg.GrantConsent(f.ctx, onBehalf)
	require.ErrorIs(t, err, types.ErrNotPatientOrRepresentative)
	res, err := f.q.RepresentedPatients(f.ctx, &types.QueryRepresentedPatientsRequest{Representative: f.s(f.bob)})
	require.NoError(t, err)
	require.Empty(t, res.Representatives)
}

func TestAppointRepresentativeValidation(t *testing.T) {
	f := newFixture(t)
	for name, tc := range map[string]struct {
		msg *types.MsgAppointRepresentative
		err error
	}{
		"self":          {&types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.alice), ExpiresAt: f.now().Add(time.Hour)}, types.ErrInvalidRepresentative},
		"past":          {&types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now()}, types.ErrInvalidRepresentative},
		"too long":      {&types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now().Add(types.DefaultMaxConsentDuration + time.Second)}, types.ErrConsentTooLong},
		"bad address":   {&types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: "care1xyz", ExpiresAt: f.now().Add(time.Hour)}, types.ErrInvalidAddress},
		"upper-case":    {&types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: upper(f.s(f.bob)), ExpiresAt: f.now().Add(time.Hour)}, types.ErrInvalidAddress},
		"not a patient": {&types.MsgAppointRepresentative{Patient: "", Representative: f.s(f.bob), ExpiresAt: f.now().Add(time.Hour)}, types.ErrInvalidAddress},
	} {
		_, err := f.msg.AppointRepresentative(f.ctx, tc.msg)
		require.ErrorIs(t, err, tc.err, name)
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestActiveConsentCapPerGrantee(t *testing.T) {
	f := newFixture(t)
	params := types.DefaultParams()
	params.MaxActiveConsentsPerGrantee = 2
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: params})
	require.NoError(t, err)

	short := f.orgGrant(f.alice)
	short.ExpiresAt = f.now().Add(time.Hour)
	f.grant(short)
	second := f.grant(f.orgGrant(f.alice))
	_, err = f.msg.GrantConsent(f.ctx, f.orgGrant(f.alice))
	require.ErrorIs(t, err, types.ErrTooManyConsents)

	// Other grantees and other patients are unaffected.
	acmeGrant := f.orgGrant(f.alice)
	acmeGrant.GranteeOrg = acme
	f.grant(acmeGrant)
	f.grant(f.orgGrant(f.bob))

	// Revoking one frees a slot.
	_, err = f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: second})
	require.NoError(t, err)
	f.grant(f.orgGrant(f.alice))
	_, err = f.msg.GrantConsent(f.ctx, f.orgGrant(f.alice))
	require.ErrorIs(t, err, types.ErrTooManyConsents)

	// A consent past expiry frees its slot even before EndBlock runs: the
	// grant expires it on the way.
	f.at(short.ExpiresAt)
	f.grant(f.orgGrant(f.alice))
	c, err := f.k.GetConsent(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, types.ConsentStatusExpired, c.Status)
}

func TestManagedConsentLifecycle(t *testing.T) {
	f := newFixture(t)
	id, err := f.k.CreateManagedConsent(f.ctx, "research", f.researchConsent(f.s(f.alice)))
	require.NoError(t, err)
	c, err := f.k.GetConsent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, "research", c.ManagedBy)
	require.Equal(t, f.s(f.alice), c.GrantedBy)
	require.Equal(t, types.ConsentStatusActive, c.Status)

	tooLong := f.researchConsent(f.s(f.alice))
	tooLong.ExpiresAt = f.now().Add(types.DefaultMaxConsentDuration + time.Hour)
	_, err = f.k.CreateManagedConsent(f.ctx, "research", tooLong)
	require.ErrorIs(t, err, types.ErrConsentTooLong)
	_, err = f.k.CreateManagedConsent(f.ctx, "", f.researchConsent(f.s(f.alice)))
	require.ErrorIs(t, err, types.ErrInvalidConsent)
	noPurpose := f.researchConsent(f.s(f.alice))
	noPurpose.Purposes = nil
	_, err = f.k.CreateManagedConsent(f.ctx, "research", noPurpose)
	require.ErrorIs(t, err, types.ErrInvalidConsent)

	require.ErrorIs(t, f.k.RevokeManagedConsent(f.ctx, "claims", id), types.ErrNotManager)
	patientGranted := f.grant(f.orgGrant(f.alice))
	require.ErrorIs(t, f.k.RevokeManagedConsent(f.ctx, "research", patientGranted), types.ErrNotManager)
	require.NoError(t, f.k.RevokeManagedConsent(f.ctx, "research", id))
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeHresch, "Observation", 0), types.ReasonNoConsent)
	require.ErrorIs(t, f.k.RevokeManagedConsent(f.ctx, "research", id), types.ErrConsentNotActive)
	c, err = f.k.GetConsent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, "module:research", c.RevokedBy)
}

func TestBreakGlassRules(t *testing.T) {
	f := newFixture(t)
	open := func(accessor sdk.AccAddress, org string) (*types.MsgBreakGlassResponse, error) {
		return f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
			Accessor: f.s(accessor), Patient: f.s(f.alice), OrganizationId: org,
			Reason: types.BreakGlassReasonPatientUnresponsive, JustificationHash: justification,
		})
	}
	_, err := open(f.outsider, "")
	require.ErrorIs(t, err, types.ErrNotProvider)
	_, err = open(f.clerk, "") // a PAYER member
	require.ErrorIs(t, err, types.ErrNotProvider)
	_, err = open(f.doctor, acme) // not a member of that org
	require.ErrorIs(t, err, types.ErrNotProvider)
	_, err = f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.doctor), Patient: f.s(f.alice), JustificationHash: justification})
	require.ErrorIs(t, err, types.ErrInvalidBreakGlass)
	_, err = f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonOther, JustificationHash: "not a hash"})
	require.ErrorIs(t, err, types.ErrInvalidBreakGlass)
	_, err = f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.doctor), Patient: f.s(f.doctor), Reason: types.BreakGlassReasonOther, JustificationHash: justification})
	require.ErrorIs(t, err, types.ErrInvalidBreakGlass)

	f.reg.setStatus(mercy, registrytypes.OrgStatusSuspended)
	_, err = open(f.doctor, "")
	require.ErrorIs(t, err, types.ErrNotProvider, "a suspended provider's members cannot break glass")
	f.reg.setStatus(mercy, registrytypes.OrgStatusActive)

	res, err := open(f.doctor, mercy)
	require.NoError(t, err)
	g, err := f.k.GetBreakGlass(f.ctx, res.BreakGlassId)
	require.NoError(t, err)
	require.Equal(t, mercy, g.OrganizationId)
	require.Equal(t, f.ctx.BlockHeight(), g.OpenedHeight)
	_, err = open(f.doctor, "")
	require.ErrorIs(t, err, types.ErrBreakGlassOpen)

	f.at(res.ExpiresAt)
	res2, err := open(f.doctor, "")
	require.NoError(t, err, "after expiry a new one may be opened")
	require.Greater(t, res2.BreakGlassId, res.BreakGlassId)

	var opened int
	for _, ev := range f.ctx.EventManager().Events() {
		if ev.Type == "carechain.consent.v1.EventBreakGlassOpened" {
			opened++
		}
	}
	require.Equal(t, 2, opened, "every break-glass emits EventBreakGlassOpened")
}

func TestBreakGlassReviewRules(t *testing.T) {
	f := newFixture(t)
	res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: justification,
	})
	require.NoError(t, err)
	review := func(reviewer sdk.AccAddress, outcome types.ReviewOutcome) error {
		_, err := f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(reviewer), BreakGlassId: res.BreakGlassId, Outcome: outcome})
		return err
	}
	require.ErrorIs(t, review(f.doctor, types.ReviewOutcomeJustified), types.ErrNotReviewer, "the accessor")
	require.ErrorIs(t, review(f.bob, types.ReviewOutcomeJustified), types.ErrNotReviewer, "a stranger")
	require.ErrorIs(t, review(f.clerk, types.ReviewOutcomeJustified), types.ErrNotReviewer, "another org's member")
	require.ErrorIs(t, review(f.alice, types.ReviewOutcomeUnspecified), types.ErrInvalidBreakGlass)
	_, err = f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(f.alice), BreakGlassId: 999, Outcome: types.ReviewOutcomeJustified})
	require.ErrorIs(t, err, types.ErrBreakGlassNotFound)

	require.NoError(t, review(f.admin, types.ReviewOutcomeJustified), "the org admin")
	require.ErrorIs(t, review(f.alice, types.ReviewOutcomeUnjustified), types.ErrAlreadyReviewed)

	g, err := f.k.GetBreakGlass(f.ctx, res.BreakGlassId)
	require.NoError(t, err)
	require.Equal(t, &types.BreakGlassReview{Reviewer: f.s(f.admin), Outcome: types.ReviewOutcomeJustified, ReviewedAt: f.now()}, g.Review)
	require.Equal(t, types.DecisionPermit, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0).Decision,
		"a justified review leaves the grant open until it expires")
}

func TestPatientAndRepresentativeMayReview(t *testing.T) {
	f := newFixture(t)
	f.reg.addMember(mercy, f.carol)
	_, err := f.msg.AppointRepresentative(f.ctx, &types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now().Add(time.Hour)})
	require.NoError(t, err)
	var ids []uint64
	for _, accessor := range []sdk.AccAddress{f.doctor, f.carol} {
		res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(accessor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonOther, JustificationHash: justification})
		require.NoError(t, err)
		ids = append(ids, res.BreakGlassId)
	}
	_, err = f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(f.alice), BreakGlassId: ids[0], Outcome: types.ReviewOutcomeJustified, NoteHash: justification})
	require.NoError(t, err)
	_, err = f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(f.bob), BreakGlassId: ids[1], Outcome: types.ReviewOutcomeJustified})
	require.NoError(t, err)
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.BreakGlassDuration = time.Hour
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.s(f.alice), Params: p})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	for name, edit := range map[string]func(*types.Params){
		"zero expirations":       func(p *types.Params) { p.MaxExpirationsPerBlock = 0 },
		"zero cap":               func(p *types.Params) { p.MaxActiveConsentsPerGrantee = 0 },
		"huge cap":               func(p *types.Params) { p.MaxActiveConsentsPerGrantee = 10_000 },
		"instant break-glass":    func(p *types.Params) { p.BreakGlassDuration = 0 },
		"month-long break-glass": func(p *types.Params) { p.BreakGlassDuration = 30 * 24 * time.Hour },
		"no consent duration":    func(p *types.Params) { p.MaxConsentDuration = 0 },
	} {
		bad := p
		edit(&bad)
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: bad})
		require.ErrorIs(t, err, types.ErrInvalidParams, name)
	}
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.NoError(t, err)
	res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonOther, JustificationHash: justification})
	require.NoError(t, err)
	require.Equal(t, f.now().Add(time.Hour), res.ExpiresAt, "break_glass_duration comes from the params")
}
