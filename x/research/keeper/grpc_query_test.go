package keeper_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/app/devnet"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/keeper"
	"github.com/carechain/carechain/x/research/types"
)

func requireCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), "%v", err)
}

func TestStudyQueryShowsCountsAndEscrow(t *testing.T) {
	f := newFixture(t)
	f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	f.mustEnroll(demoStudy, f.addr(devnet.Bob))
	require.NoError(t, f.withdraw(demoStudy, f.addr(devnet.Bob)))

	res, err := f.q.Study(f.ctx, &types.QueryStudyRequest{Id: demoStudy})
	require.NoError(t, err)
	require.EqualValues(t, 2, res.Study.EnrollmentCount)
	require.EqualValues(t, 1, res.Study.WithdrawalCount)
	require.EqualValues(t, 1, res.ActiveParticipants)
	require.True(t, res.CurrentVersionApproved)
	eqInt(t, usd(50*98), res.Study.Escrow.Amount)

	_, err = f.q.Study(f.ctx, &types.QueryStudyRequest{Id: 77})
	requireCode(t, err, codes.NotFound)
}

func TestStudiesFilteredByStatusAndSponsor(t *testing.T) {
	f := newFixture(t)
	draft := f.register(f.registerMsg())
	recruiting := f.recruiting(f.registerMsg())
	other := patient(901)
	f.addOrg("other-sponsor", other, registrytypes.RoleResearchSponsor)
	f.addMember("other-sponsor", other, other)
	require.NoError(t, f.h.App.BankKeeper.SendCoins(f.ctx, f.accAddr(devnet.NorthwindAdmin), other, sdkCoins(usdCoin(1000))))
	msg := f.registerMsg()
	msg.Sponsor = f.s(other)
	foreign := f.register(msg)

	ids := func(req *types.QueryStudiesRequest) []uint64 {
		t.Helper()
		res, err := f.q.Studies(f.ctx, req)
		require.NoError(t, err)
		var out []uint64
		for _, s := range res.Studies {
			out = append(out, s.Id)
		}
		return out
	}
	require.Equal(t, []uint64{demoStudy, draft, recruiting, foreign}, ids(&types.QueryStudiesRequest{}))
	require.Equal(t, []uint64{demoStudy, recruiting}, ids(&types.QueryStudiesRequest{Status: types.StudyStatusRecruiting}))
	require.Equal(t, []uint64{draft, foreign}, ids(&types.QueryStudiesRequest{Status: types.StudyStatusDraft}))
	require.Equal(t, []uint64{demoStudy, draft, recruiting}, ids(&types.QueryStudiesRequest{Sponsor: devnet.OrgNorthwind}))
	require.Equal(t, []uint64{draft}, ids(&types.QueryStudiesRequest{Sponsor: devnet.OrgNorthwind, Status: types.StudyStatusDraft}))
	require.Equal(t, []uint64{foreign}, ids(&types.QueryStudiesRequest{Sponsor: "other-sponsor", Status: types.StudyStatusDraft}))
	require.Empty(t, ids(&types.QueryStudiesRequest{Status: types.StudyStatusCompleted}))

	// The status index follows status changes.
	_, err := f.setStatus(recruiting, types.StudyStatusClosed)
	require.NoError(t, err)
	require.Equal(t, []uint64{demoStudy}, ids(&types.QueryStudiesRequest{Status: types.StudyStatusRecruiting}))
	require.Equal(t, []uint64{recruiting}, ids(&types.QueryStudiesRequest{Sponsor: devnet.OrgNorthwind, Status: types.StudyStatusClosed}))

	// Pagination.
	page, err := f.q.Studies(f.ctx, &types.QueryStudiesRequest{Pagination: &query.PageRequest{Limit: 3}})
	require.NoError(t, err)
	require.Len(t, page.Studies, 3)
	require.NotEmpty(t, page.Pagination.NextKey)
	rest, err := f.q.Studies(f.ctx, &types.QueryStudiesRequest{Pagination: &query.PageRequest{Key: page.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, rest.Studies, 1)

	_, err = f.q.Studies(f.ctx, &types.QueryStudiesRequest{Pagination: &query.PageRequest{Limit: keeper.MaxPageLimit + 1}})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.Studies(f.ctx, &types.QueryStudiesRequest{Status: types.StudyStatus(42)})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.Studies(f.ctx, &types.QueryStudiesRequest{Sponsor: "Not An Org"})
	requireCode(t, err, codes.InvalidArgument)
}

func TestParticipationQuery(t *testing.T) {
	f := newFixture(t)
	id := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	res, err := f.q.Participation(f.ctx, &types.QueryParticipationRequest{StudyId: demoStudy, Patient: f.addr(devnet.Alice)})
	require.NoError(t, err)
	require.Equal(t, types.ParticipationStatusEnrolled, res.Status)
	require.Equal(t, id, res.Participation.ConsentId)
	require.EqualValues(t, 1, res.Participation.ConsentedVersion)
	require.True(t, res.ConsentExpiresAt.Equal(f.study(demoStudy).EndsAt))

	_, err = f.amend(demoStudy, hashV2)
	require.NoError(t, err)
	res, err = f.q.Participation(f.ctx, &types.QueryParticipationRequest{StudyId: demoStudy, Patient: f.addr(devnet.Alice)})
	require.NoError(t, err)
	require.Equal(t, types.ParticipationStatusReconsentRequired, res.Status, "derived, not stored")

	_, err = f.q.Participation(f.ctx, &types.QueryParticipationRequest{StudyId: demoStudy, Patient: f.addr(devnet.Bob)})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.Participation(f.ctx, &types.QueryParticipationRequest{StudyId: 99, Patient: f.addr(devnet.Alice)})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.Participation(f.ctx, &types.QueryParticipationRequest{StudyId: demoStudy, Patient: "alice"})
	requireCode(t, err, codes.InvalidArgument)
}

func TestDatasetsQueryListsInOrder(t *testing.T) {
	f := newFixture(t)
	for i, h := range []string{hashV3, hashV1, hashV2} {
		_, err := f.msg.AnchorDataset(f.ctx, &types.MsgAnchorDataset{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: demoStudy, DatasetHash: h, RecordCount: uint64(i + 1)})
		require.NoError(t, err)
	}
	res, err := f.q.StudyDatasets(f.ctx, &types.QueryStudyDatasetsRequest{StudyId: demoStudy, Pagination: &query.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, res.Datasets, 2)
	require.Equal(t, hashV3, res.Datasets[0].DatasetHash)
	require.EqualValues(t, 1, res.Datasets[0].RecordCount)
	require.Equal(t, hashV1, res.Datasets[1].DatasetHash)
	require.Equal(t, f.addr(devnet.NorthwindAdmin), res.Datasets[1].AnchoredBy)
	res, err = f.q.StudyDatasets(f.ctx, &types.QueryStudyDatasetsRequest{StudyId: demoStudy, Pagination: &query.PageRequest{Key: res.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, res.Datasets, 1)
	require.EqualValues(t, 3, res.Datasets[0].Index)

	draft := f.register(f.registerMsg())
	res, err = f.q.StudyDatasets(f.ctx, &types.QueryStudyDatasetsRequest{StudyId: draft})
	require.NoError(t, err)
	require.Empty(t, res.Datasets, "another study's datasets are not listed")
	_, err = f.q.StudyDatasets(f.ctx, &types.QueryStudyDatasetsRequest{StudyId: 99})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.StudyDatasets(f.ctx, &types.QueryStudyDatasetsRequest{StudyId: demoStudy, Pagination: &query.PageRequest{Limit: 1000}})
	requireCode(t, err, codes.InvalidArgument)
}

// Enrolment in some studies is itself sensitive: no query returns a list
// of participations. This fails if one is added.
func TestNoQueryListsParticipants(t *testing.T) {
	participation := reflect.TypeOf(types.Participation{})
	srv := reflect.TypeOf((*types.QueryServer)(nil)).Elem()
	for i := 0; i < srv.NumMethod(); i++ {
		m := srv.Method(i)
		resp := m.Type.Out(0).Elem()
		for j := 0; j < resp.NumField(); j++ {
			field := resp.Field(j)
			if field.Type.Kind() == reflect.Slice {
				require.NotEqual(t, participation, field.Type.Elem(), "%s.%s lists participations", m.Name, field.Name)
				require.NotEqual(t, reflect.PointerTo(participation), field.Type.Elem(), "%s.%s lists participations", m.Name, field.Name)
			}
		}
	}
}

func TestParamsQuery(t *testing.T) {
	f := newFixture(t)
	res, err := f.q.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), res.Params)
}
