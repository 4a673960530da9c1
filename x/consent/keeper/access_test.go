package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

func TestPatientAlwaysPermittedOnOwnData(t *testing.T) {
	f := newFixture(t)
	d := f.check(f.alice, f.alice, types.ActionWrite, types.PurposeHresch, "Observation", 7)
	require.Equal(t, types.AccessDecision{Decision: types.DecisionPermit, Reason: types.ReasonPatient}, d)
}

func TestOrganizationGrantPermitsMembersOnly(t *testing.T) {
	f := newFixture(t)
	id := f.grant(f.orgGrant(f.alice))

	requirePermit(t, f.read(f.doctor, "Observation"), id)
	requirePermit(t, f.check(f.doctor, f.alice, types.ActionWrite, types.PurposeTreat, "Observation", 0), id)
	requirePermit(t, f.read(f.doctor, ""), id)

	requireDeny(t, f.read(f.clerk, "Observation"), types.ReasonNoConsent)
	requireDeny(t, f.read(f.outsider, "Observation"), types.ReasonNoConsent)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeHresch, "Observation", 0), types.ReasonNoConsent)
	// The grant is alice's: it says nothing about bob's data.
	requireDeny(t, f.check(f.doctor, f.bob, types.ActionRead, types.PurposeTreat, "Observation", 0), types.ReasonNoConsent)
}

func TestSuspendedOrganizationMembersLoseAccess(t *testing.T) {
	f := newFixture(t)
	f.grant(f.orgGrant(f.alice))
	f.reg.setStatus(mercy, registrytypes.OrgStatusSuspended)
	requireDeny(t, f.read(f.doctor, "Observation"), types.ReasonNoConsent)
}

func TestRemovedMemberLosesOrganizationAccess(t *testing.T) {
	f := newFixture(t)
	f.grant(f.orgGrant(f.alice))
	f.reg.removeMember(mercy, f.doctor)
	requireDeny(t, f.read(f.doctor, "Observation"), types.ReasonNoConsent)
}

func TestAccountGrantPermitsThatAccountOnly(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	msg.GranteeOrg, msg.Grantee = "", f.s(f.outsider)
	id := f.grant(msg)
	requirePermit(t, f.read(f.outsider, "Observation"), id)
	requireDeny(t, f.read(f.doctor, "Observation"), types.ReasonNoConsent)
}

func TestDenyOverridesOverlappingPermit(t *testing.T) {
	f := newFixture(t)
	permit := f.grant(f.orgGrant(f.alice))
	deny := f.orgGrant(f.alice)
	deny.Decision = types.DecisionDeny
	deny.Categories = []string{"mental-health"}
	denyID := f.grant(deny)

	d := f.read(f.doctor, "mental-health")
	requireDeny(t, d, types.ReasonDeniedByConsent)
	require.Equal(t, denyID, d.ConsentID)
	requirePermit(t, f.read(f.doctor, "Observation"), permit)
	// A category-specific DENY does not touch requests about no category.
	requirePermit(t, f.read(f.doctor, ""), permit)
}

func TestDenyToAccountOverridesPermitToItsOrganization(t *testing.T) {
	f := newFixture(t)
	f.grant(f.orgGrant(f.alice))
	deny := f.orgGrant(f.alice)
	deny.Decision, deny.GranteeOrg, deny.Grantee = types.DecisionDeny, "", f.s(f.doctor)
	denyID := f.grant(deny)
	d := f.read(f.doctor, "Observation")
	requireDeny(t, d, types.ReasonDeniedByConsent)
	require.Equal(t, denyID, d.ConsentID)
	require.Equal(t, types.DecisionPermit, f.read(f.admin, "Observation").Decision, "other mercy members keep access")
}

func TestDenyOnlyAppliesToItsActionsAndPurposes(t *testing.T) {
	f := newFixture(t)
	permit := f.grant(f.orgGrant(f.alice))
	deny := f.orgGrant(f.alice)
	deny.Decision, deny.Actions = types.DecisionDeny, []types.Action{types.ActionWrite}
	f.grant(deny)
	requirePermit(t, f.read(f.doctor, "Observation"), permit)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionWrite, types.PurposeTreat, "Observation", 0), types.ReasonDeniedByConsent)
}

func TestCategoryAndRecordNarrowing(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	msg.Categories = []string{"Observation", "11488-4"}
	msg.RecordIds = []uint64{42}
	id := f.grant(msg)

	requirePermit(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "Observation", 42), id)
	requirePermit(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "11488-4", 42), id)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "Condition", 42), types.ReasonNoConsent)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "Observation", 43), types.ReasonNoConsent)
	// A narrowed consent never covers a request that names no record or
	// no category.
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "Observation", 0), types.ReasonNoConsent)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "", 42), types.ReasonNoConsent)
}

func TestExpiryIsDecidedByBlockTimeWithoutEndBlocker(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	id := f.grant(msg)

	f.at(msg.ExpiresAt.Add(-time.Nanosecond))
	requirePermit(t, f.read(f.doctor, "Observation"), id)
	f.at(msg.ExpiresAt)
	d := f.read(f.doctor, "Observation")
	requireDeny(t, d, types.ReasonConsentExpired)
	require.Equal(t, id, d.ConsentID)
	c, err := f.k.GetConsent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.ConsentStatusActive, c.Status, "no EndBlocker ran: the status is still ACTIVE, the decision is DENY anyway")
}

func TestFutureValidFromIsNotYetValid(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	validFrom := f.now().Add(time.Hour)
	msg.ValidFrom = &validFrom
	id := f.grant(msg)
	d := f.read(f.doctor, "Observation")
	requireDeny(t, d, types.ReasonConsentNotYetValid)
	require.Equal(t, id, d.ConsentID)
	f.at(validFrom)
	requirePermit(t, f.read(f.doctor, "Observation"), id)
}

func TestRevokedConsentDeniesAtOnce(t *testing.T) {
	f := newFixture(t)
	id := f.grant(f.orgGrant(f.alice))
	_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: id})
	require.NoError(t, err)
	requireDeny(t, f.read(f.doctor, "Observation"), types.ReasonNoConsent)
	c, err := f.k.GetConsent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.ConsentStatusRevoked, c.Status)
	require.Equal(t, f.s(f.alice), c.RevokedBy)
	require.Equal(t, f.now(), *c.RevokedAt)
}

func TestMalformedRequestsAreErrors(t *testing.T) {
	f := newFixture(t)
	for name, req := range map[string]types.AccessRequest{
		"no accessor":   {Patient: f.alice, Action: types.ActionRead, Purpose: types.PurposeTreat},
		"no patient":    {Accessor: f.doctor, Action: types.ActionRead, Purpose: types.PurposeTreat},
		"no action":     {Accessor: f.doctor, Patient: f.alice, Purpose: types.PurposeTreat},
		"no purpose":    {Accessor: f.doctor, Patient: f.alice, Action: types.ActionRead},
		"bad purpose":   {Accessor: f.doctor, Patient: f.alice, Action: types.ActionRead, Purpose: 99},
		"bad category":  {Accessor: f.doctor, Patient: f.alice, Action: types.ActionRead, Purpose: types.PurposeTreat, Category: "free text here"},
		"long category": {Accessor: f.doctor, Patient: f.alice, Action: types.ActionRead, Purpose: types.PurposeTreat, Category: string(make([]byte, 65))},
	} {
		_, err := f.k.CheckAccess(f.ctx, req)
		require.ErrorIs(t, err, types.ErrInvalidAccessRequest, name)
	}
}

// guard suspends every consent it is asked about, with a reason.
type guard struct {
	suspend bool
	asked   []uint64
}

func (g *guard) ConsentSuspended(_ context.Context, c types.Consent) (bool, string, error) {
	g.asked = append(g.asked, c.Id)
	return g.suspend, "reconsent_required", nil
}

func (f *fixture) researchConsent(patient string) types.Consent {
	return types.Consent{
		Patient: patient, GranteeOrg: mercy, Decision: types.DecisionPermit,
		Actions: []types.Action{types.ActionRead}, Purposes: []types.Purpose{types.PurposeHresch},
		Categories: []string{"Observation"}, ExpiresAt: f.now().Add(90 * 24 * time.Hour),
	}
}

func TestManagedConsentAsksItsGuard(t *testing.T) {
	f := newFixture(t)
	f.singleEntryPoint = true // the guard counts how often it is asked
	g := &guard{suspend: true}
	f.k.SetConsentGuard("research", g)
	id, err := f.k.CreateManagedConsent(f.ctx, "research", f.researchConsent(f.s(f.alice)))
	require.NoError(t, err)

	d := f.check(f.doctor, f.alice, types.ActionRead, types.PurposeHresch, "Observation", 0)
	requireDeny(t, d, "reconsent_required")
	require.Equal(t, id, d.ConsentID)
	require.Equal(t, []uint64{id}, g.asked)

	g.suspend = false
	requirePermit(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeHresch, "Observation", 0), id)
	// Patient-granted consents are never put to a guard.
	g.asked = nil
	f.grant(f.orgGrant(f.alice))
	f.read(f.doctor, "Observation")
	require.Empty(t, g.asked)
}

func TestGuardSetOnKeeperCopyIsSeenEverywhere(t *testing.T) {
	f := newFixture(t)
	copyOfKeeper := f.k // e.g. handed to x/records before x/research wires its guard
	f.k.SetConsentGuard("research", &guard{suspend: true})
	id, err := f.k.CreateManagedConsent(f.ctx, "research", f.researchConsent(f.s(f.alice)))
	require.NoError(t, err)
	d, err := copyOfKeeper.CheckAccess(f.ctx, types.AccessRequest{Accessor: f.doctor, Patient: f.alice, Action: types.ActionRead, Purpose: types.PurposeHresch, Category: "Observation"})
	require.NoError(t, err)
	require.Equal(t, types.DecisionDeny, d.Decision)
	require.Equal(t, id, d.ConsentID)
	require.Panics(t, func() { f.k.SetConsentGuard("research", &guard{}) }, "one guard per module")
}

func TestBreakGlassPermitsEmergencyTreatmentOnly(t *testing.T) {
	f := newFixture(t)
	res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonPatientUnresponsive, JustificationHash: justification,
	})
	require.NoError(t, err)
	require.Equal(t, f.now().Add(types.DefaultBreakGlassDuration), res.ExpiresAt)

	d := f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "Observation", 0)
	require.Equal(t, types.AccessDecision{Decision: types.DecisionPermit, BreakGlassID: res.BreakGlassId, Reason: types.ReasonBreakGlass}, d)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeTreat, "Observation", 0), types.ReasonNoConsent)
	requireDeny(t, f.check(f.admin, f.alice, types.ActionRead, types.PurposeEtreat, "Observation", 0), types.ReasonNoConsent)

	f.at(res.ExpiresAt.Add(-time.Nanosecond))
	require.Equal(t, types.DecisionPermit, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0).Decision)
	f.at(res.ExpiresAt)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0), types.ReasonNoConsent)
}

func TestBreakGlassOverridesDenyProvisions(t *testing.T) {
	f := newFixture(t)
	deny := f.orgGrant(f.alice)
	deny.Decision, deny.Purposes = types.DecisionDeny, []types.Purpose{types.PurposeEtreat}
	f.grant(deny)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0), types.ReasonDeniedByConsent)
	res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: justification,
	})
	require.NoError(t, err)
	d := f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0)
	require.Equal(t, types.DecisionPermit, d.Decision)
	require.Equal(t, res.BreakGlassId, d.BreakGlassID)
}

func TestConsentPermitIsPreferredOverBreakGlass(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	msg.Purposes = []types.Purpose{types.PurposeTreat, types.PurposeEtreat}
	id := f.grant(msg)
	_, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: justification,
	})
	require.NoError(t, err)
	requirePermit(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0), id)
}

func TestBreakGlassEndsWhenAccessorLeavesTheProvider(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: justification,
	})
	require.NoError(t, err)
	f.reg.removeMember(mercy, f.doctor)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0), types.ReasonNoConsent)
}

func TestUnjustifiedReviewClosesOpenBreakGlass(t *testing.T) {
	f := newFixture(t)
	res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonOther, JustificationHash: justification,
	})
	require.NoError(t, err)
	_, err = f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(f.alice), BreakGlassId: res.BreakGlassId, Outcome: types.ReviewOutcomeUnjustified})
	require.NoError(t, err)
	requireDeny(t, f.check(f.doctor, f.alice, types.ActionRead, types.PurposeEtreat, "", 0), types.ReasonNoConsent)
	// And the accessor may open a new one (which the patient will see).
	_, err = f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonOther, JustificationHash: justification,
	})
	require.NoError(t, err)
}

// TestPermitNamesConsentsInDecisionOrder: when several consents permit, the
// decision names the first in a fixed order: one naming the accessor's
// address, then by organization id, then by consent id. The ACTIVE-consent
// index orders grantee keys by length first ("zz" before
// "mercy-general"), so the order must not come from it.
func TestPermitNamesConsentsInDecisionOrder(t *testing.T) {
	f := newFixture(t)
	f.reg.addOrg("zz", f.s(f.admin))
	f.reg.addMember("zz", f.doctor)

	zz := f.orgGrant(f.alice)
	zz.GranteeOrg = "zz"
	zzID := f.grant(zz)
	mercyID := f.grant(f.orgGrant(f.alice))
	requirePermit(t, f.read(f.doctor, "Observation"), mercyID)

	own := f.orgGrant(f.alice)
	own.GranteeOrg, own.Grantee = "", f.s(f.doctor)
	ownID := f.grant(own)
	requirePermit(t, f.read(f.doctor, "Observation"), ownID)

	// Without the address consent and mercy-general, zz's consent permits;
	// an organization the accessor does not act for permits nothing.
	f.reg.removeMember(mercy, f.doctor)
	revoke := &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: ownID}
	_, err := f.msg.RevokeConsent(f.ctx, revoke)
	require.NoError(t, err)
	requirePermit(t, f.read(f.doctor, "Observation"), zzID)
	f.reg.setStatus("zz", registrytypes.OrgStatusSuspended)
	requireDeny(t, f.read(f.doctor, "Observation"), types.ReasonNoConsent)
}
