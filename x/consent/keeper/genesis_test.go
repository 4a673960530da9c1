package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/consent/types"
)

// populate builds state of every kind: active, revoked, expired-by-EndBlock,
// managed consents, representatives, reviewed and open break-glass grants.
func populate(t *testing.T, f *fixture) (permit, deny uint64) {
	permit = f.grant(f.orgGrant(f.alice))
	d := f.orgGrant(f.alice)
	d.Decision, d.Categories = types.DecisionDeny, []string{"mental-health"}
	deny = f.grant(d)
	revoked := f.grant(f.orgGrant(f.bob))
	_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.bob), Patient: f.s(f.bob), ConsentId: revoked})
	require.NoError(t, err)
	short := f.orgGrant(f.carol)
	short.ExpiresAt = f.now().Add(time.Minute)
	f.grant(short)
	_, err = f.k.CreateManagedConsent(f.ctx, "research", f.researchConsent(f.s(f.alice)))
	require.NoError(t, err)
	_, err = f.msg.AppointRepresentative(f.ctx, &types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now().Add(48 * time.Hour)})
	require.NoError(t, err)
	reviewed, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.admin), Patient: f.s(f.carol), Reason: types.BreakGlassReasonOther, JustificationHash: justification})
	require.NoError(t, err)
	_, err = f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(f.carol), BreakGlassId: reviewed.BreakGlassId, Outcome: types.ReviewOutcomeJustified})
	require.NoError(t, err)
	f.at(f.now().Add(2 * time.Minute))
	_, err = f.k.EndBlocker(f.ctx)
	require.NoError(t, err)
	_, err = f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonPatientUnresponsive, JustificationHash: justification})
	require.NoError(t, err)
	return permit, deny
}

func TestGenesisRoundTripReproducesStateAndDecisions(t *testing.T) {
	f := newFixture(t)
	permit, deny := populate(t, f)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate(f.ac))
	require.Len(t, exported.Consents, 5)
	require.EqualValues(t, 6, exported.NextConsentId)
	require.Len(t, exported.Representatives, 1)
	require.Len(t, exported.BreakGlassGrants, 2)

	g := newFixture(t)
	g.at(f.now())
	require.NoError(t, g.k.InitGenesis(g.ctx, exported))
	reexported, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, reexported)

	// The indexes are rebuilt: decisions, listings and ids continue.
	requirePermit(t, g.read(g.doctor, "Observation"), permit)
	d := g.read(g.doctor, "mental-health")
	requireDeny(t, d, types.ReasonDeniedByConsent)
	require.Equal(t, deny, d.ConsentID)
	bg := g.check(g.doctor, g.alice, types.ActionRead, types.PurposeEtreat, "mental-health", 0)
	require.Equal(t, types.ReasonBreakGlass, bg.Reason)
	active, err := g.q.PatientConsents(g.ctx, &types.QueryPatientConsentsRequest{Patient: g.s(g.alice), Status: types.ConsentStatusActive})
	require.NoError(t, err)
	require.Len(t, active.Consents, 3)
	byOrg, err := g.q.OrganizationBreakGlass(g.ctx, &types.QueryOrganizationBreakGlassRequest{OrgId: mercy})
	require.NoError(t, err)
	require.Len(t, byOrg.BreakGlass, 2)
	onBehalf := g.orgGrant(g.alice)
	onBehalf.Signer = g.s(g.bob)
	require.EqualValues(t, 6, g.grant(onBehalf), "the representative still acts and ids continue")

	g.at(g.now().Add(31 * 24 * time.Hour))
	n, err := g.k.EndBlocker(g.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n, "the expiry queue is rebuilt (alice's permit, deny and the new grant)")
}

func TestGenesisValidation(t *testing.T) {
	f := newFixture(t)
	populate(t, f)
	good, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, types.DefaultGenesis().Validate(f.ac))

	for name, edit := range map[string]func(gs *types.GenesisState){
		"bad params":        func(gs *types.GenesisState) { gs.Params.MaxExpirationsPerBlock = 0 },
		"zero next id":      func(gs *types.GenesisState) { gs.NextConsentId = 0 },
		"id not below next": func(gs *types.GenesisState) { gs.NextConsentId = 2 },
		"duplicate consent": func(gs *types.GenesisState) { gs.Consents = append(gs.Consents, gs.Consents[0]) },
		"bad patient":       func(gs *types.GenesisState) { gs.Consents[0].Patient = "care1bad" },
		"no grantee":        func(gs *types.GenesisState) { gs.Consents[0].GranteeOrg = "" },
		"unsorted actions": func(gs *types.GenesisState) {
			gs.Consents[0].Actions = []types.Action{types.ActionWrite, types.ActionRead}
		},
		"unknown status": func(gs *types.GenesisState) { gs.Consents[0].Status = types.ConsentStatusUnspecified },
		"revoked without time": func(gs *types.GenesisState) {
			gs.Consents[2].RevokedAt = nil
		},
		"expiry before start": func(gs *types.GenesisState) { gs.Consents[0].ExpiresAt = gs.Consents[0].ValidFrom },
		"self representative": func(gs *types.GenesisState) {
			gs.Representatives[0].Representative = gs.Representatives[0].Patient
		},
		"duplicate representative": func(gs *types.GenesisState) {
			gs.Representatives = append(gs.Representatives, gs.Representatives[0])
		},
		"break-glass id not below next": func(gs *types.GenesisState) { gs.NextBreakGlassId = 1 },
		"break-glass bad hash":          func(gs *types.GenesisState) { gs.BreakGlassGrants[0].JustificationHash = "x" },
		"break-glass bad review": func(gs *types.GenesisState) {
			gs.BreakGlassGrants[0].Review.Outcome = types.ReviewOutcomeUnspecified
		},
	} {
		var gs types.GenesisState
		bz, err := good.Marshal()
		require.NoError(t, err)
		require.NoError(t, gs.Unmarshal(bz))
		edit(&gs)
		require.Error(t, gs.Validate(f.ac), name)
	}

	// Governance may lower the per-grantee limit after the consents were
	// granted (this export holds several active consents of one patient for
	// one grantee): the export must still import.
	var lowered types.GenesisState
	bz, err := good.Marshal()
	require.NoError(t, err)
	require.NoError(t, lowered.Unmarshal(bz))
	lowered.Params.MaxActiveConsentsPerGrantee = 1
	require.NoError(t, lowered.Validate(f.ac))
}
