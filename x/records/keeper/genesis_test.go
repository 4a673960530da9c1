package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
)

// populated builds a store with every kind of records state: versions,
// entered-in-error, envelopes, access events of two patients.
func populated(t *testing.T) *fixture {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	v1 := f.create(f.doctor, f.alice, "Observation")
	v2, err := f.supersede(f.doctor, v1)
	require.NoError(t, err)
	own := f.create(f.alice, f.alice, "mental-health")
	_, err = f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(f.alice), RecordId: own})
	require.NoError(t, err)
	bobs := f.create(f.bob, f.bob, "11506-3")
	require.NoError(t, f.addEnvelope(f.doctor, v2, f.alice, consenttypes.PurposeUnspecified))
	require.NoError(t, f.addEnvelope(f.doctor, v2, f.admin, consenttypes.PurposeTreat))
	require.NoError(t, f.addEnvelope(f.bob, bobs, f.bob, consenttypes.PurposeUnspecified))
	f.advance(time.Hour)
	_, _, err = f.access(f.admin, v2, consenttypes.PurposeTreat)
	require.NoError(t, err)
	f.breakGlass(f.doctor, f.bob)
	f.advance(time.Hour)
	_, _, err = f.access(f.doctor, bobs, consenttypes.PurposeEtreat)
	require.NoError(t, err)
	_, _, err = f.access(f.alice, own, consenttypes.PurposeTreat)
	require.NoError(t, err)
	return f
}

func TestGenesisRoundTrip(t *testing.T) {
	f := populated(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, gs.Records, 4)
	require.Len(t, gs.Envelopes, 3)
	require.Len(t, gs.AccessEvents, 3)
	require.EqualValues(t, 5, gs.NextRecordId)
	require.EqualValues(t, 4, gs.NextAccessEventId)
	require.NoError(t, gs.Validate(f.ac))

	g := newFixture(t)
	g.ctx = g.ctx.WithBlockTime(f.now())
	require.NoError(t, g.k.InitGenesis(g.ctx, gs))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)

	// The indexes were rebuilt: every query answers as on the original.
	for _, fx := range []*fixture{f, g} {
		byHash, err := fx.q.RecordByHash(fx.ctx, &types.QueryRecordByHashRequest{CiphertextHash: gs.Records[1].CiphertextHash})
		require.NoError(t, err)
		require.EqualValues(t, 2, byHash.Record.Id)
		cur, err := fx.q.PatientRecords(fx.ctx, &types.QueryPatientRecordsRequest{Patient: fx.s(fx.alice), Status: types.RecordStatusCurrent})
		require.NoError(t, err)
		require.Equal(t, []uint64{2}, ids(cur.Records))
		eie, err := fx.q.PatientRecords(fx.ctx, &types.QueryPatientRecordsRequest{Patient: fx.s(fx.alice), Category: "mental-health", Status: types.RecordStatusEnteredInError})
		require.NoError(t, err)
		require.Equal(t, []uint64{3}, ids(eie.Records))
		hist, err := fx.q.RecordHistory(fx.ctx, &types.QueryRecordHistoryRequest{Id: 2})
		require.NoError(t, err)
		require.Equal(t, []uint64{1, 2}, ids(hist.Records))
		log := fx.accessLog(fx.alice)
		require.Len(t, log, 2)
		from := t0.Add(90 * time.Minute)
		bobLog, err := fx.q.AccessLog(fx.ctx, &types.QueryAccessLogRequest{Patient: fx.s(fx.bob), From: &from})
		require.NoError(t, err)
		require.Len(t, bobLog.Events, 1)
		require.NotZero(t, bobLog.Events[0].BreakGlassId)
		envs, err := fx.q.RecordEnvelopes(fx.ctx, &types.QueryRecordEnvelopesRequest{RecordId: 2})
		require.NoError(t, err)
		require.Len(t, envs.Envelopes, 2)
	}
	// Sequences continue where they stopped.
	g.n = f.n
	require.EqualValues(t, 5, g.create(g.alice, g.alice, "Observation"))
	id, _, err := g.access(g.alice, 5, consenttypes.PurposeTreat)
	require.NoError(t, err)
	require.EqualValues(t, 4, id)
	// The envelope count was rebuilt: the cap still applies.
	_, err = g.msg.UpdateParams(g.fresh(), &types.MsgUpdateParams{Authority: g.authority, Params: types.Params{MaxSizeBytes: 1 << 20, MaxInitialEnvelopes: 1, MaxEnvelopesPerRecord: 2}})
	require.NoError(t, err)
	require.ErrorIs(t, g.addEnvelope(g.doctor, 2, g.doctor, consenttypes.PurposeUnspecified), types.ErrTooManyEnvelopes)
}

func TestGenesisValidation(t *testing.T) {
	f := populated(t)
	base, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, base.Validate(f.ac))
	require.NoError(t, types.DefaultGenesis().Validate(f.ac))

	clone := func() *types.GenesisState {
		gs, err := f.k.ExportGenesis(f.ctx)
		require.NoError(t, err)
		return gs
	}
	cases := map[string]func(gs *types.GenesisState){
		"bad params":                func(gs *types.GenesisState) { gs.Params.MaxSizeBytes = 0 },
		"next record id 0":          func(gs *types.GenesisState) { gs.NextRecordId = 0 },
		"record id not below next":  func(gs *types.GenesisState) { gs.NextRecordId = 4 },
		"record listed twice":       func(gs *types.GenesisState) { gs.Records = append(gs.Records, gs.Records[3]) },
		"duplicate ciphertext hash": func(gs *types.GenesisState) { gs.Records[3].CiphertextHash = gs.Records[0].CiphertextHash },
		"upper-case hash": func(gs *types.GenesisState) {
			gs.Records[3].ContentCommitment = "AB" + gs.Records[3].ContentCommitment[2:]
		},
		"bad locator":                 func(gs *types.GenesisState) { gs.Records[3].Locator = "ftp://x/y" },
		"bad category":                func(gs *types.GenesisState) { gs.Records[3].Category = "a b" },
		"zero size":                   func(gs *types.GenesisState) { gs.Records[3].SizeBytes = 0 },
		"unknown status":              func(gs *types.GenesisState) { gs.Records[3].Status = types.RecordStatusUnspecified },
		"patient record with custody": func(gs *types.GenesisState) { gs.Records[3].CustodianOrg = mercy },
		"provider record no custody":  func(gs *types.GenesisState) { gs.Records[0].CustodianOrg = "" },
		"superseded without link":     func(gs *types.GenesisState) { gs.Records[0].SupersededBy = 0 },
		"broken supersedes":           func(gs *types.GenesisState) { gs.Records[1].Supersedes = 3 },
		"wrong version":               func(gs *types.GenesisState) { gs.Records[1].Version = 3 },
		"current with superseded_by":  func(gs *types.GenesisState) { gs.Records[3].SupersededBy = 2 },
		"entered in error unsigned":   func(gs *types.GenesisState) { gs.Records[2].EnteredInErrorBy = "" },
		"entered in error fields on current": func(gs *types.GenesisState) {
			gs.Records[3].EnteredInErrorBy = gs.Records[3].Patient
		},
		"envelope of unknown record": func(gs *types.GenesisState) { gs.Envelopes[0].RecordId = 99 },
		"envelope listed twice":      func(gs *types.GenesisState) { gs.Envelopes = append(gs.Envelopes, gs.Envelopes[0]) },
		"envelope bad scheme":        func(gs *types.GenesisState) { gs.Envelopes[0].Scheme = "x" },
		"event of unknown record":    func(gs *types.GenesisState) { gs.AccessEvents[0].RecordId = 99 },
		"event patient mismatch":     func(gs *types.GenesisState) { gs.AccessEvents[0].Patient = gs.AccessEvents[1].Patient },
		"event id not below next":    func(gs *types.GenesisState) { gs.NextAccessEventId = 3 },
		"event listed twice":         func(gs *types.GenesisState) { gs.AccessEvents = append(gs.AccessEvents, gs.AccessEvents[0]) },
		"event without grant":        func(gs *types.GenesisState) { gs.AccessEvents[0].ConsentId = 0 },
		"event with both grants":     func(gs *types.GenesisState) { gs.AccessEvents[1].ConsentId = 1 },
		"event unspecified purpose":  func(gs *types.GenesisState) { gs.AccessEvents[0].Purpose = consenttypes.PurposeUnspecified },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			gs := clone()
			edit(gs)
			require.Error(t, gs.Validate(f.ac))
			g := newFixture(t)
			require.Error(t, g.k.InitGenesis(g.ctx, gs), "InitGenesis validates too")
		})
	}
}
