package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
)

func requireCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
}

func ids(records []types.Record) []uint64 {
	out := make([]uint64, len(records))
	for i, r := range records {
		out[i] = r.Id
	}
	return out
}

func TestRecordQuery(t *testing.T) {
	f := newFixture(t)
	id := f.create(f.alice, f.alice, "Observation")
	res, err := f.q.Record(f.ctx, &types.QueryRecordRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, f.record(id), res.Record)
	_, err = f.q.Record(f.ctx, &types.QueryRecordRequest{Id: id + 1})
	requireCode(t, err, codes.NotFound)
}

func TestPatientRecordsFilters(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	obs1 := f.create(f.alice, f.alice, "Observation")
	cond := f.create(f.doctor, f.alice, "Condition")
	obs2, err := f.supersede(f.doctor, f.create(f.doctor, f.alice, "Observation")) // obs2 supersedes id 3
	require.NoError(t, err)
	f.create(f.bob, f.bob, "Observation") // another patient's record
	_, err = f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(f.alice), RecordId: obs1})
	require.NoError(t, err)

	list := func(category string, st types.RecordStatus) []uint64 {
		t.Helper()
		res, err := f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: f.s(f.alice), Category: category, Status: st})
		require.NoError(t, err)
		return ids(res.Records)
	}
	require.Equal(t, []uint64{1, 2, 3, 4}, list("", types.RecordStatusUnspecified))
	require.Equal(t, []uint64{1, 3, 4}, list("Observation", types.RecordStatusUnspecified))
	require.Equal(t, []uint64{cond, obs2}, list("", types.RecordStatusCurrent))
	require.Equal(t, []uint64{obs2}, list("Observation", types.RecordStatusCurrent))
	require.Equal(t, []uint64{3}, list("Observation", types.RecordStatusSuperseded))
	require.Equal(t, []uint64{obs1}, list("", types.RecordStatusEnteredInError))
	require.Empty(t, list("Condition", types.RecordStatusSuperseded))
	require.Empty(t, list("Procedure", types.RecordStatusUnspecified))

	// Paginated.
	res, err := f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: f.s(f.alice), Pagination: &query.PageRequest{Limit: 3, CountTotal: true}})
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2, 3}, ids(res.Records))
	require.EqualValues(t, 4, res.Pagination.Total)
	res, err = f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: f.s(f.alice), Pagination: &query.PageRequest{Key: res.Pagination.NextKey}})
	require.NoError(t, err)
	require.Equal(t, []uint64{4}, ids(res.Records))

	_, err = f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: f.s(f.alice), Pagination: &query.PageRequest{Limit: keeperMaxPage + 1}})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: f.s(f.alice), Category: "not a category"})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: f.s(f.alice), Status: 9})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.PatientRecords(f.ctx, &types.QueryPatientRecordsRequest{Patient: "alice"})
	requireCode(t, err, codes.InvalidArgument)
}

const keeperMaxPage = 200

func TestRecordHistory(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	v1 := f.create(f.doctor, f.alice, "Observation")
	f.create(f.alice, f.alice, "Observation") // an unrelated document in between
	v2, err := f.supersede(f.doctor, v1)
	require.NoError(t, err)
	v3, err := f.supersede(f.alice, v2)
	require.NoError(t, err)

	for _, asked := range []uint64{v1, v2, v3} {
		res, err := f.q.RecordHistory(f.ctx, &types.QueryRecordHistoryRequest{Id: asked})
		require.NoError(t, err)
		require.Equal(t, []uint64{v1, v2, v3}, ids(res.Records), "asked about %d", asked)
		require.Equal(t, []types.RecordStatus{types.RecordStatusSuperseded, types.RecordStatusSuperseded, types.RecordStatusCurrent},
			[]types.RecordStatus{res.Records[0].Status, res.Records[1].Status, res.Records[2].Status})
	}
	res, err := f.q.RecordHistory(f.ctx, &types.QueryRecordHistoryRequest{Id: v3, Pagination: &query.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Equal(t, []uint64{v1, v2}, ids(res.Records))
	res, err = f.q.RecordHistory(f.ctx, &types.QueryRecordHistoryRequest{Id: v3, Pagination: &query.PageRequest{Key: res.Pagination.NextKey}})
	require.NoError(t, err)
	require.Equal(t, []uint64{v3}, ids(res.Records))
	res, err = f.q.RecordHistory(f.ctx, &types.QueryRecordHistoryRequest{Id: 2})
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, ids(res.Records))
	_, err = f.q.RecordHistory(f.ctx, &types.QueryRecordHistoryRequest{Id: 99})
	requireCode(t, err, codes.NotFound)
}

func TestRecordByHash(t *testing.T) {
	f := newFixture(t)
	msg := f.newRecord(f.alice, f.alice, "Observation")
	id, err := f.createMsg(msg)
	require.NoError(t, err)
	res, err := f.q.RecordByHash(f.ctx, &types.QueryRecordByHashRequest{CiphertextHash: msg.CiphertextHash})
	require.NoError(t, err)
	require.Equal(t, id, res.Record.Id)
	_, err = f.q.RecordByHash(f.ctx, &types.QueryRecordByHashRequest{CiphertextHash: sha("unknown")})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.RecordByHash(f.ctx, &types.QueryRecordByHashRequest{CiphertextHash: msg.ContentCommitment})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.RecordByHash(f.ctx, &types.QueryRecordByHashRequest{CiphertextHash: "ABC"})
	requireCode(t, err, codes.InvalidArgument)
}

func TestCheckRecordAccessQuery(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "mental-health")
	f.permitOrg(f.alice, mercy)
	denyID := f.grant(f.alice, consenttypes.DecisionDeny, mercy, nil, readWrite, treat, "mental-health")
	obs := f.create(f.alice, f.alice, "Observation")

	ask := func(accessor string, id uint64, action consenttypes.Action) *types.QueryCheckRecordAccessResponse {
		t.Helper()
		res, err := f.q.CheckRecordAccess(f.ctx, &types.QueryCheckRecordAccessRequest{Accessor: accessor, RecordId: id, Action: action, Purpose: consenttypes.PurposeTreat})
		require.NoError(t, err)
		return res
	}
	require.Equal(t, &types.QueryCheckRecordAccessResponse{Decision: consenttypes.DecisionPermit, ConsentId: 1, Reason: consenttypes.ReasonConsent},
		ask(f.s(f.doctor), obs, consenttypes.ActionRead))
	require.Equal(t, &types.QueryCheckRecordAccessResponse{Decision: consenttypes.DecisionDeny, ConsentId: denyID, Reason: consenttypes.ReasonDeniedByConsent},
		ask(f.s(f.doctor), rec, consenttypes.ActionRead), "the record's category is what consent is asked about")
	require.Equal(t, consenttypes.ReasonPatient, ask(f.s(f.alice), rec, consenttypes.ActionWrite).Reason)
	require.Equal(t, consenttypes.DecisionDeny, ask(f.s(f.nurse), obs, consenttypes.ActionRead).Decision)

	_, err := f.q.CheckRecordAccess(f.ctx, &types.QueryCheckRecordAccessRequest{Accessor: f.s(f.doctor), RecordId: 99, Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeTreat})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.CheckRecordAccess(f.ctx, &types.QueryCheckRecordAccessRequest{Accessor: f.s(f.doctor), RecordId: obs, Purpose: consenttypes.PurposeTreat})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.k.CheckRecordAccess(f.ctx, f.doctor, 99, consenttypes.ActionRead, consenttypes.PurposeTreat)
	require.ErrorIs(t, err, types.ErrRecordNotFound)

	// A consent narrowed to one record id covers that record only: the
	// record's id is what consent is asked about.
	bobs1, bobs2 := f.create(f.bob, f.bob, "Observation"), f.create(f.bob, f.bob, "Observation")
	_, err = f.consentTx.GrantConsent(f.fresh(), &consenttypes.MsgGrantConsent{
		Signer: f.s(f.bob), Patient: f.s(f.bob), Decision: consenttypes.DecisionPermit, GranteeOrg: lakeside,
		Actions: readOnly, Purposes: treat, RecordIds: []uint64{bobs1}, ExpiresAt: f.now().Add(time.Hour),
	})
	require.NoError(t, err)
	d, err := f.k.CheckRecordAccess(f.ctx, f.nurse, bobs1, consenttypes.ActionRead, consenttypes.PurposeTreat)
	require.NoError(t, err)
	require.True(t, d.Permitted())
	d, err = f.k.CheckRecordAccess(f.ctx, f.nurse, bobs2, consenttypes.ActionRead, consenttypes.PurposeTreat)
	require.NoError(t, err)
	require.False(t, d.Permitted())
}

func TestAccessLogTimeRangeAndPagination(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")
	bobs := f.create(f.bob, f.bob, "Observation")
	f.grant(f.alice, consenttypes.DecisionPermit, mercy, nil, readOnly, treat)
	f.grant(f.bob, consenttypes.DecisionPermit, mercy, nil, readOnly, treat)

	// Five reads of alice's record, one hour apart (two in the same block
	// at t0+2h), and bob's reads in between.
	var times []time.Time
	for i := range 4 {
		f.advance(time.Hour)
		_, _, err := f.access(f.doctor, rec, consenttypes.PurposeTreat)
		require.NoError(t, err)
		times = append(times, f.now())
		if i == 1 {
			_, _, err := f.access(f.admin, rec, consenttypes.PurposeTreat)
			require.NoError(t, err)
			times = append(times, f.now())
		}
		_, _, err = f.access(f.doctor, bobs, consenttypes.PurposeTreat)
		require.NoError(t, err)
	}
	eventIDs := func(evs []types.AccessEvent) []uint64 {
		out := make([]uint64, len(evs))
		for i, ev := range evs {
			out[i] = ev.Id
		}
		return out
	}
	logOf := func(from, to *time.Time, page *query.PageRequest) *types.QueryAccessLogResponse {
		t.Helper()
		res, err := f.q.AccessLog(f.ctx, &types.QueryAccessLogRequest{Patient: f.s(f.alice), From: from, To: to, Pagination: page})
		require.NoError(t, err)
		return res
	}
	all := logOf(nil, nil, nil)
	require.Equal(t, []uint64{1, 3, 4, 6, 8}, eventIDs(all.Events), "alice's log only, in time order")
	for _, ev := range all.Events {
		require.Equal(t, f.s(f.alice), ev.Patient)
	}
	require.Nil(t, all.Pagination.NextKey)

	// from is inclusive, to exclusive.
	require.Equal(t, []uint64{3, 4}, eventIDs(logOf(&times[1], &times[3], nil).Events))
	require.Equal(t, []uint64{6, 8}, eventIDs(logOf(&times[3], nil, nil).Events))
	require.Equal(t, []uint64{1}, eventIDs(logOf(nil, &times[1], nil).Events))
	before := t0
	require.Empty(t, logOf(nil, &before, nil).Events)

	// Key pagination, forwards and backwards, inside a range.
	from, to := times[0], times[4].Add(time.Second)
	page := logOf(&from, &to, &query.PageRequest{Limit: 2, CountTotal: true})
	require.Equal(t, []uint64{1, 3}, eventIDs(page.Events))
	require.EqualValues(t, 5, page.Pagination.Total)
	page = logOf(&from, &to, &query.PageRequest{Limit: 2, Key: page.Pagination.NextKey})
	require.Equal(t, []uint64{4, 6}, eventIDs(page.Events))
	page = logOf(&from, &to, &query.PageRequest{Limit: 2, Key: page.Pagination.NextKey})
	require.Equal(t, []uint64{8}, eventIDs(page.Events))
	require.Nil(t, page.Pagination.NextKey)

	page = logOf(nil, nil, &query.PageRequest{Limit: 3, Reverse: true})
	require.Equal(t, []uint64{8, 6, 4}, eventIDs(page.Events))
	page = logOf(nil, nil, &query.PageRequest{Limit: 3, Reverse: true, Key: page.Pagination.NextKey})
	require.Equal(t, []uint64{3, 1}, eventIDs(page.Events))
	require.Equal(t, []uint64{4, 6}, eventIDs(logOf(nil, nil, &query.PageRequest{Offset: 2, Limit: 2}).Events))

	// Bad requests.
	for _, req := range []*types.QueryAccessLogRequest{
		{Patient: f.s(f.alice), From: &times[2], To: &times[1]},
		{Patient: f.s(f.alice), Pagination: &query.PageRequest{Limit: keeperMaxPage + 1}},
		{Patient: f.s(f.alice), Pagination: &query.PageRequest{Key: []byte("garbage")}},
		{Patient: "nobody"},
	} {
		_, err := f.q.AccessLog(f.ctx, req)
		requireCode(t, err, codes.InvalidArgument)
	}
	// A key from alice's log cannot page through bob's.
	alicePage := logOf(nil, nil, &query.PageRequest{Limit: 1})
	_, err := f.q.AccessLog(f.ctx, &types.QueryAccessLogRequest{Patient: f.s(f.bob), Pagination: &query.PageRequest{Key: alicePage.Pagination.NextKey}})
	requireCode(t, err, codes.InvalidArgument)
	// A key outside the requested range is refused too.
	_, err = f.q.AccessLog(f.ctx, &types.QueryAccessLogRequest{Patient: f.s(f.alice), From: &times[3], Pagination: &query.PageRequest{Key: alicePage.Pagination.NextKey}})
	requireCode(t, err, codes.InvalidArgument)
}

func TestAccessEventQuery(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")
	id, _, err := f.access(f.alice, rec, consenttypes.PurposeTreat)
	require.NoError(t, err)
	res, err := f.q.AccessEvent(f.ctx, &types.QueryAccessEventRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, rec, res.Event.RecordId)
	_, err = f.q.AccessEvent(f.ctx, &types.QueryAccessEventRequest{Id: id + 1})
	requireCode(t, err, codes.NotFound)
}

func TestKeyEnvelopeQueries(t *testing.T) {
	f := newFixture(t)
	msg := f.newRecord(f.alice, f.alice, "Observation")
	msg.KeyEnvelopes = []types.NewKeyEnvelope{f.envelope(f.alice)}
	rec, err := f.createMsg(msg)
	require.NoError(t, err)
	res, err := f.q.KeyEnvelope(f.ctx, &types.QueryKeyEnvelopeRequest{RecordId: rec, Recipient: f.s(f.alice)})
	require.NoError(t, err)
	require.Equal(t, msg.KeyEnvelopes[0].WrappedKey, res.Envelope.WrappedKey)
	require.Equal(t, msg.KeyEnvelopes[0].EphemeralPublicKey, res.Envelope.EphemeralPublicKey)
	_, err = f.q.KeyEnvelope(f.ctx, &types.QueryKeyEnvelopeRequest{RecordId: rec, Recipient: f.s(f.bob)})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.KeyEnvelope(f.ctx, &types.QueryKeyEnvelopeRequest{RecordId: rec, Recipient: "x"})
	requireCode(t, err, codes.InvalidArgument)
	_, err = f.q.RecordEnvelopes(f.ctx, &types.QueryRecordEnvelopesRequest{RecordId: 99})
	requireCode(t, err, codes.NotFound)
}

func TestParamsQuery(t *testing.T) {
	f := newFixture(t)
	res, err := f.q.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), res.Params)
}
