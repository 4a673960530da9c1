package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/claims/types"
)

func TestCodeForms(t *testing.T) {
	for _, ok := range []string{"99213", "80053", "0001U", "J3490", "G0438"} {
		require.NoError(t, types.ValidateProcedureCode(ok), ok)
	}
	for _, bad := range []string{"", "9921", "992134", "9921a", "99-13", " 9921"} {
		require.Error(t, types.ValidateProcedureCode(bad), bad)
	}
	for _, ok := range []string{"J06.9", "J069", "E11.65", "S52.521A", "C4A.0", "Z00.00", "M1A"} {
		require.NoError(t, types.ValidateDiagnosisCode(ok), ok)
	}
	for _, bad := range []string{"", "j06.9", "06.9", "J0", "J06.", "J06.12345", "J06..9", "flu", "J06 9"} {
		require.Error(t, types.ValidateDiagnosisCode(bad), bad)
	}
}

func TestPlanName(t *testing.T) {
	require.NoError(t, types.ValidatePlanName("Acme Gold"))
	for _, bad := range []string{"", " Gold", "Gold ", "a\nb", string(make([]byte, 129))} {
		require.Error(t, types.ValidatePlanName(bad), "%q", bad)
	}
}

func TestServiceDateAndCoverage(t *testing.T) {
	d := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	require.True(t, types.IsServiceDate(d))
	require.True(t, types.IsServiceDate(d.In(time.FixedZone("EST", -5*3600))), "the instant matters, not the zone it is written in")
	require.False(t, types.IsServiceDate(d.Add(time.Second)))
	e := types.Enrollment{CoverageStart: d, CoverageEnd: d.AddDate(0, 1, 0)}
	require.True(t, e.Covers(d))
	require.False(t, e.Covers(d.Add(-time.Nanosecond)))
	require.False(t, e.Covers(d.AddDate(0, 1, 0)), "coverage_end is exclusive")
	require.EqualValues(t, 2026, types.BenefitYear(d))
}

func TestClaimStatusHelpers(t *testing.T) {
	c := types.Claim{Status: types.ClaimStatusDenied, Adjudication: []types.LineAdjudication{
		{Status: types.LineStatusDenied, ReasonCode: types.ReasonNotCovered},
		{Status: types.LineStatusDenied, ReasonCode: types.ReasonInsufficientDocumentation},
	}}
	require.True(t, c.HoldsFingerprint(), "a denial not yet appealed is still live")
	require.False(t, c.IsFinal())
	uncovered := types.Claim{Status: types.ClaimStatusDenied, Adjudication: c.Adjudication[:1]}
	require.False(t, uncovered.Appealable())
	require.False(t, uncovered.HoldsFingerprint(), "nothing to appeal: the denial is final")
	require.True(t, uncovered.IsFinal())
	c.Appealed = true
	require.False(t, c.HoldsFingerprint(), "denied after appeal")
	require.True(t, c.IsFinal())
	c.Status = types.ClaimStatusWithdrawn
	require.False(t, c.HoldsFingerprint())
	require.False(t, c.CommitsBenefits())
	for _, st := range []types.ClaimStatus{types.ClaimStatusPendingReview, types.ClaimStatusAppealed} {
		require.True(t, types.Claim{Status: st}.HoldsReservation())
	}
	require.False(t, types.Claim{Status: types.ClaimStatusAwaitingFunds}.HoldsReservation(), "awaiting funds reserves nothing")
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	p := types.DefaultParams()
	p.MaxClaimsReleasedPerFunding = 0
	require.Error(t, p.Validate())
	p = types.DefaultParams()
	p.MaxClaimsReleasedPerFunding = 101
	require.Error(t, p.Validate(), "release work per message stays bounded")
}
