package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
)

func requireCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
}

func ids(cs []types.Consent) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.Id
	}
	return out
}

func TestConsentQueries(t *testing.T) {
	f := newFixture(t)
	a1 := f.grant(f.orgGrant(f.alice))
	toDoctor := f.orgGrant(f.alice)
	toDoctor.GranteeOrg, toDoctor.Grantee = "", f.s(f.doctor)
	a2 := f.grant(toDoctor)
	b1 := f.grant(f.orgGrant(f.bob))
	_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: a1})
	require.NoError(t, err)

	one, err := f.q.Consent(f.ctx, &types.QueryConsentRequest{Id: a2})
	require.NoError(t, err)
	require.Equal(t, f.s(f.doctor), one.Consent.Grantee)
	_, err = f.q.Consent(f.ctx, &types.QueryConsentRequest{Id: 77})
	requireCode(t, err, codes.NotFound)

	all, err := f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice)})
	require.NoError(t, err)
	require.Equal(t, []uint64{a1, a2}, ids(all.Consents))
	active, err := f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Status: types.ConsentStatusActive})
	require.NoError(t, err)
	require.Equal(t, []uint64{a2}, ids(active.Consents))
	revoked, err := f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Status: types.ConsentStatusRevoked})
	require.NoError(t, err)
	require.Equal(t, []uint64{a1}, ids(revoked.Consents))
	_, err = f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: "nope"})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Status: 9})
	requireCode(t, err, codes.InvalidArgument)

	page, err := f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Pagination: &query.PageRequest{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, []uint64{a1}, ids(page.Consents))
	require.NotEmpty(t, page.Pagination.NextKey)
	page, err = f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Pagination: &query.PageRequest{Key: page.Pagination.NextKey, Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, []uint64{a2}, ids(page.Consents))
	_, err = f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Pagination: &query.PageRequest{Limit: keeper.MaxPageLimit + 1}})
	requireCode(t, err, codes.InvalidArgument)

	byOrg, err := f.q.GranteeConsents(f.ctx, &types.QueryGranteeConsentsRequest{Grantee: mercy})
	require.NoError(t, err)
	require.Equal(t, []uint64{a1, b1}, ids(byOrg.Consents))
	byAddr, err := f.q.GranteeConsents(f.ctx, &types.QueryGranteeConsentsRequest{Grantee: f.s(f.doctor)})
	require.NoError(t, err)
	require.Equal(t, []uint64{a2}, ids(byAddr.Consents))
	_, err = f.q.GranteeConsents(f.ctx, &types.QueryGranteeConsentsRequest{Grantee: "Not An Org!"})
	requireCode(t, err, codes.InvalidArgument)
}

func TestCheckAccessQuery(t *testing.T) {
	f := newFixture(t)
	id := f.grant(f.orgGrant(f.alice))
	res, err := f.q.CheckAccess(f.ctx, &types.QueryCheckAccessRequest{
		Accessor: f.s(f.doctor), Patient: f.s(f.alice), Action: types.ActionRead, Purpose: types.PurposeTreat, Category: "Observation",
	})
	require.NoError(t, err)
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionPermit, ConsentId: id, Reason: types.ReasonConsent}, res)
	res, err = f.q.CheckAccess(f.ctx, &types.QueryCheckAccessRequest{
		Accessor: f.s(f.clerk), Patient: f.s(f.alice), Action: types.ActionRead, Purpose: types.PurposeTreat, Category: "Observation",
	})
	require.NoError(t, err)
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, Reason: types.ReasonNoConsent}, res)

	for _, bad := range []*types.QueryCheckAccessRequest{
		{Accessor: "x", Patient: f.s(f.alice), Action: types.ActionRead, Purpose: types.PurposeTreat},
		{Accessor: f.s(f.doctor), Patient: f.s(f.alice), Purpose: types.PurposeTreat},
		{Accessor: f.s(f.doctor), Patient: f.s(f.alice), Action: types.ActionRead},
	} {
		_, err := f.q.CheckAccess(f.ctx, bad)
		requireCode(t, err, codes.InvalidArgument)
	}
}

func TestRepresentativeAndBreakGlassQueries(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.AppointRepresentative(f.ctx, &types.MsgAppointRepresentative{Patient: f.s(f.alice), Representative: f.s(f.bob), ExpiresAt: f.now().Add(time.Hour)})
	require.NoError(t, err)
	reps, err := f.q.Representatives(f.ctx, &types.QueryRepresentativesRequest{Patient: f.s(f.alice)})
	require.NoError(t, err)
	require.Equal(t, []types.Representative{{Patient: f.s(f.alice), Representative: f.s(f.bob), AppointedAt: f.now(), ExpiresAt: f.now().Add(time.Hour)}}, reps.Representatives)
	represented, err := f.q.RepresentedPatients(f.ctx, &types.QueryRepresentedPatientsRequest{Representative: f.s(f.bob)})
	require.NoError(t, err)
	require.Equal(t, reps.Representatives, represented.Representatives)

	res, err := f.msg.BreakGlass(f.ctx, &types.MsgBreakGlass{Accessor: f.s(f.doctor), Patient: f.s(f.alice), Reason: types.BreakGlassReasonOther, JustificationHash: justification})
	require.NoError(t, err)
	_, err = f.msg.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.s(f.alice), BreakGlassId: res.BreakGlassId, Outcome: types.ReviewOutcomeJustified})
	require.NoError(t, err)

	one, err := f.q.BreakGlass(f.ctx, &types.QueryBreakGlassRequest{Id: res.BreakGlassId})
	require.NoError(t, err)
	require.Equal(t, types.ReviewOutcomeJustified, one.BreakGlass.Review.Outcome)
	_, err = f.q.BreakGlass(f.ctx, &types.QueryBreakGlassRequest{Id: 5})
	requireCode(t, err, codes.NotFound)

	byPatient, err := f.q.PatientBreakGlass(f.ctx, &types.QueryPatientBreakGlassRequest{Patient: f.s(f.alice)})
	require.NoError(t, err)
	require.Equal(t, []types.BreakGlassGrant{one.BreakGlass}, byPatient.BreakGlass)
	byOrg, err := f.q.OrganizationBreakGlass(f.ctx, &types.QueryOrganizationBreakGlassRequest{OrgId: mercy})
	require.NoError(t, err)
	require.Equal(t, []types.BreakGlassGrant{one.BreakGlass}, byOrg.BreakGlass)
	none, err := f.q.OrganizationBreakGlass(f.ctx, &types.QueryOrganizationBreakGlassRequest{OrgId: acme})
	require.NoError(t, err)
	require.Empty(t, none.BreakGlass)
	_, err = f.q.OrganizationBreakGlass(f.ctx, &types.QueryOrganizationBreakGlassRequest{OrgId: "X"})
	requireCode(t, err, codes.InvalidArgument)

	params, err := f.q.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), params.Params)
}
