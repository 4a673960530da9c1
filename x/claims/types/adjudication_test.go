package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"cosmossdk.io/math"

	"github.com/carechain/carechain/x/claims/types"
)

func i(n int64) math.Int { return math.NewInt(n) }

// The worked examples of README.md.
func TestAdjudicationArithmeticExamples(t *testing.T) {
	rule := types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: i(130_000_000), CoinsuranceBps: 2000}
	cases := []struct {
		name                           string
		charge                         int64
		units                          uint32
		limit, used                    int64
		allowed, share, payer, patient int64
	}{
		{"charge above the maximum", 180_000_000, 1, 0, 0, 130_000_000, 104_000_000, 104_000_000, 26_000_000},
		{"charge below the maximum", 100_000_000, 1, 0, 0, 100_000_000, 80_000_000, 80_000_000, 20_000_000},
		{"two units", 300_000_000, 2, 0, 0, 260_000_000, 208_000_000, 208_000_000, 52_000_000},
		{"truncation", 99_999_999, 1, 0, 0, 99_999_999, 79_999_999, 79_999_999, 20_000_000},
		{"limit partly used", 100_000_000, 1, 150_000_000, 80_000_000, 100_000_000, 80_000_000, 70_000_000, 30_000_000},
		{"limit used up", 100_000_000, 1, 150_000_000, 150_000_000, 100_000_000, 80_000_000, 0, 100_000_000},
		{"limit overdrawn", 100_000_000, 1, 150_000_000, 160_000_000, 100_000_000, 80_000_000, 0, 100_000_000},
	}
	for _, c := range cases {
		line := types.ClaimLine{ProcedureCode: "99213", Units: c.units, Charge: i(c.charge)}
		got := types.ComputeLineTerms(rule, line, i(c.limit), i(c.used))
		require.True(t, got.Allowed.Equal(i(c.allowed)), "%s: allowed %s", c.name, got.Allowed)
		require.True(t, got.Share.Equal(i(c.share)), "%s: share %s", c.name, got.Share)
		require.True(t, got.Payer.Equal(i(c.payer)), "%s: payer %s", c.name, got.Payer)
		require.True(t, got.Patient.Equal(i(c.patient)), "%s: patient %s", c.name, got.Patient)
	}
	full := types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: i(10), CoinsuranceBps: 10000}
	require.True(t, types.ComputeLineTerms(full, types.ClaimLine{Units: 1, Charge: i(10)}, i(0), i(0)).Payer.IsZero(), "100% coinsurance")
	none := types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: i(10), CoinsuranceBps: 0}
	require.True(t, types.ComputeLineTerms(none, types.ClaimLine{Units: 1, Charge: i(7)}, i(0), i(0)).Payer.Equal(i(7)), "0% coinsurance")
}

// Property: for any rule, line and limit usage the amounts are ordered,
// add up, round toward the payer by less than one base unit, and never pay
// past the limit.
func TestPropertyLineTerms(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		maxPerUnit := i(rapid.Int64Range(1, 1<<50).Draw(rt, "max"))
		bps := uint32(rapid.IntRange(0, types.BasisPoints).Draw(rt, "bps"))
		units := uint32(rapid.IntRange(1, 99_999).Draw(rt, "units"))
		charge := i(rapid.Int64Range(1, 1<<60).Draw(rt, "charge"))
		limit := i(rapid.Int64Range(0, 1<<55).Draw(rt, "limit"))
		used := i(rapid.Int64Range(0, 1<<55).Draw(rt, "used"))
		rule := types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: maxPerUnit, CoinsuranceBps: bps}
		tm := types.ComputeLineTerms(rule, types.ClaimLine{Units: units, Charge: charge}, limit, used)

		if !tm.Allowed.Equal(math.MinInt(charge, maxPerUnit.MulRaw(int64(units)))) {
			rt.Fatalf("allowed %s", tm.Allowed)
		}
		if tm.Payer.IsNegative() || tm.Payer.GT(tm.Share) || tm.Share.GT(tm.Allowed) {
			rt.Fatalf("0 ≤ payer %s ≤ share %s ≤ allowed %s violated", tm.Payer, tm.Share, tm.Allowed)
		}
		if !tm.Payer.Add(tm.Patient).Equal(tm.Allowed) {
			rt.Fatalf("payer + patient != allowed")
		}
		// share = floor(allowed × (10000 − bps) / 10000).
		exact := tm.Allowed.MulRaw(int64(types.BasisPoints - bps))
		if tm.Share.MulRaw(types.BasisPoints).GT(exact) || tm.Share.AddRaw(1).MulRaw(types.BasisPoints).LTE(exact) {
			rt.Fatalf("share %s is not the truncated quotient", tm.Share)
		}
		if limit.IsPositive() && used.Add(tm.Payer).GT(math.MaxInt(limit, used)) {
			rt.Fatalf("paid past the limit: used %s + payer %s > limit %s", used, tm.Payer, limit)
		}
		if limit.IsZero() && !tm.Payer.Equal(tm.Share) {
			rt.Fatalf("no limit, yet payer %s != share %s", tm.Payer, tm.Share)
		}
	})
}

func TestDenialReasons(t *testing.T) {
	for r := range types.AdjudicationReason_name {
		reason := types.AdjudicationReason(r)
		want := reason > types.ReasonNotCovered
		require.Equal(t, want, types.IsReviewDenialReason(reason), reason.String())
	}
}
