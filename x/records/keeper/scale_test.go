package keeper_test

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
)

// aliceRecords is how many records alice holds in every scale store.
const aliceRecords = 30

// scaleStore is a committed IAVL store holding alice's records (three
// categories, some superseded) plus `others` records of other patients in
// the same categories, a quarter of those patients also consenting to
// mercy-general, so that any lookup that is not keyed by alice, or any
// scan, would grow with them.
type scaleStore struct {
	*fixture
	aliceRecord uint64
}

func newScaleStore(tb testing.TB, others int) *scaleStore {
	tb.Helper()
	f := newFixture(tb)
	f.permitOrg(f.alice, mercy)
	categories := []string{"Observation", "Condition", "11506-3"}
	var aliceRecord uint64
	for i := range aliceRecords {
		aliceRecord = f.create(f.doctor, f.alice, categories[i%3])
		if i%5 == 4 {
			_, err := f.supersede(f.doctor, aliceRecord)
			require.NoError(tb, err)
		}
	}
	for i := range others {
		patient := make(sdk.AccAddress, 20)
		binary.BigEndian.PutUint64(patient[4:], uint64(i)+1)
		if i%4 == 0 {
			f.permitOrg(patient, mercy)
		}
		f.create(patient, patient, categories[i%3])
		if i%100 == 99 {
			// IAVL iterates unsaved writes slowly: commit as a chain would.
			f.cms.Commit()
		}
	}
	f.cms.Commit()
	return &scaleStore{fixture: f, aliceRecord: aliceRecord}
}

// readCtx is a fresh read context on the committed state, as a query or a
// transaction would have.
func (s *scaleStore) readCtx() sdk.Context {
	return sdk.NewContext(s.cms.CacheMultiStore(), cmtproto.Header{Time: t0.Add(time.Hour)}, false, log.NewNopLogger())
}

func (s *scaleStore) listAlice(tb testing.TB, ctx sdk.Context, category string, st types.RecordStatus) int {
	res, err := s.q.PatientRecords(ctx, &types.QueryPatientRecordsRequest{
		Patient: s.s(s.alice), Category: category, Status: st, Pagination: &query.PageRequest{Limit: 50},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return len(res.Records)
}

func (s *scaleStore) checkAccess(tb testing.TB, ctx sdk.Context) {
	d, err := s.k.CheckRecordAccess(ctx, s.doctor, s.aliceRecord, consenttypes.ActionRead, consenttypes.PurposeTreat)
	if err != nil {
		tb.Fatal(err)
	}
	if !d.Permitted() {
		tb.Fatalf("unexpected decision %+v", d)
	}
}

// TestListingAndAccessCostIgnoreOtherPatients is the deterministic form of
// the benchmark below: the gas that listing alice's records (unfiltered and
// filtered) and checking access to one of them consume — every store read
// and byte — is identical whether 10 or 2,000 other records exist.
func TestListingAndAccessCostIgnoreOtherPatients(t *testing.T) {
	type cost struct{ list, filtered, access storetypes.Gas }
	measure := func(others int) cost {
		s := newScaleStore(t, others)
		var c cost
		ctx := s.readCtx().WithGasMeter(storetypes.NewInfiniteGasMeter())
		require.Equal(t, aliceRecords+aliceRecords/5, s.listAlice(t, ctx, "", types.RecordStatusUnspecified))
		c.list = ctx.GasMeter().GasConsumed()
		ctx = s.readCtx().WithGasMeter(storetypes.NewInfiniteGasMeter())
		require.Equal(t, aliceRecords/3, s.listAlice(t, ctx, "Observation", types.RecordStatusCurrent))
		c.filtered = ctx.GasMeter().GasConsumed()
		ctx = s.readCtx().WithGasMeter(storetypes.NewInfiniteGasMeter())
		s.checkAccess(t, ctx)
		c.access = ctx.GasMeter().GasConsumed()
		return c
	}
	small, large := measure(10), measure(2_000)
	require.NotZero(t, small.list)
	require.Equal(t, small, large, "listing and access checks must read only this patient's entries")
}

// BenchmarkPatientRecordsAndAccess measures listing alice's records (one
// page, unfiltered and filtered by category and status) and checking access
// to one of them, with 1,000 and 100,000 other records in the store. Both
// stores are built first and each operation runs on both back to back, so
// that load from other processes hits both alike; gas/op is reported too
// (it is the same for both, see the test above). Run:
//
//	go test ./x/records/keeper -run '^$' -bench BenchmarkPatientRecordsAndAccess -benchtime 5000x -count 5 -cpu 1
func BenchmarkPatientRecordsAndAccess(b *testing.B) {
	sizes := []int{1_000, 100_000}
	stores := make([]*scaleStore, len(sizes))
	for i, others := range sizes {
		stores[i] = newScaleStore(b, others)
	}
	ops := []struct {
		name string
		run  func(s *scaleStore, ctx sdk.Context)
	}{
		{"list", func(s *scaleStore, ctx sdk.Context) { s.listAlice(b, ctx, "", types.RecordStatusUnspecified) }},
		{"list_filtered", func(s *scaleStore, ctx sdk.Context) { s.listAlice(b, ctx, "Observation", types.RecordStatusCurrent) }},
		{"check_access", func(s *scaleStore, ctx sdk.Context) { s.checkAccess(b, ctx) }},
	}
	for _, op := range ops {
		for i, s := range stores {
			b.Run(fmt.Sprintf("%s/others=%d", op.name, sizes[i]), func(b *testing.B) {
				b.ReportAllocs()
				var gas storetypes.Gas
				for b.Loop() {
					ctx := s.readCtx().WithGasMeter(storetypes.NewInfiniteGasMeter())
					op.run(s, ctx)
					gas = ctx.GasMeter().GasConsumed()
				}
				b.ReportMetric(float64(gas), "gas/op")
			})
		}
	}
}
