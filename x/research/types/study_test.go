package types_test

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/research/types"
)

func TestValidateTitle(t *testing.T) {
	for _, ok := range []string{
		"NW-204 Hypertension outcomes registry",
		"Phase 2 trial of drug X in adults (NW-301): sleep, BP & HR",
		"A", strings.Repeat("a", types.MaxTitleLength),
	} {
		require.NoError(t, types.ValidateTitle(ok), ok)
	}
	for _, bad := range []string{
		"", " leading space", "trailing space ", "double  space", "e-mail jane@example.org",
		"line\nbreak", "tab\there", "<b>bold</b>", "quote \"x\"", "percent 100%", "hash #1", "naïve",
		strings.Repeat("a", types.MaxTitleLength+1),
	} {
		require.Error(t, types.ValidateTitle(bad), bad)
	}
}

func TestValidateURI(t *testing.T) {
	require.NoError(t, types.ValidateURI("u", "", false))
	require.Error(t, types.ValidateURI("u", "", true))
	for _, ok := range []string{"https://northwind.example/p.pdf", "ipfs://bafy/x", "urn:nct:NCT01234567"} {
		require.NoError(t, types.ValidateURI("u", ok, true), ok)
	}
	for _, bad := range []string{"no-scheme", "https://a b", "https://é.example", ":x", "https://" + strings.Repeat("a", types.MaxURILength)} {
		require.Error(t, types.ValidateURI("u", bad, true), bad)
	}
}

func TestNormalizeCategories(t *testing.T) {
	got, err := types.NormalizeCategories([]string{"Observation", "11488-4", "Condition"})
	require.NoError(t, err)
	require.Equal(t, []string{"11488-4", "Condition", "Observation"}, got)
	for name, cats := range map[string][]string{
		"empty":    nil,
		"repeated": {"Condition", "Condition"},
		"space":    {"blood pressure"},
		"too many": make([]string, types.MaxRequestedCategories+1),
	} {
		_, err := types.NormalizeCategories(cats)
		require.Error(t, err, name)
	}
}

func TestEscrowFor(t *testing.T) {
	c, err := types.EscrowFor(sdk.NewInt64Coin("uusd", 50_000_000), 100)
	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin("uusd", 5_000_000_000), c)
	huge := sdk.NewCoin("uusd", math.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 255)))
	_, err = types.EscrowFor(huge, 2)
	require.Error(t, err, "overflow is an error, not a panic")
}

func TestTransitionAllowed(t *testing.T) {
	all := []types.StudyStatus{types.StudyStatusUnspecified, types.StudyStatusDraft, types.StudyStatusApproved, types.StudyStatusRecruiting,
		types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated}
	allowed := map[[2]types.StudyStatus]bool{
		{types.StudyStatusApproved, types.StudyStatusRecruiting}:   true,
		{types.StudyStatusClosed, types.StudyStatusRecruiting}:     true,
		{types.StudyStatusRecruiting, types.StudyStatusClosed}:     true,
		{types.StudyStatusRecruiting, types.StudyStatusCompleted}:  true,
		{types.StudyStatusClosed, types.StudyStatusCompleted}:      true,
		{types.StudyStatusDraft, types.StudyStatusTerminated}:      true,
		{types.StudyStatusApproved, types.StudyStatusTerminated}:   true,
		{types.StudyStatusRecruiting, types.StudyStatusTerminated}: true,
		{types.StudyStatusClosed, types.StudyStatusTerminated}:     true,
	}
	for _, from := range all {
		for _, to := range all {
			require.Equal(t, allowed[[2]types.StudyStatus{from, to}], types.TransitionAllowed(from, to), "%s → %s", from, to)
		}
	}
}

func TestParticipationStatusAt(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	study := func(status types.StudyStatus, version, approved uint32) types.Study {
		return types.Study{Status: status, ProtocolVersion: version, ApprovedVersion: approved, EndsAt: now.Add(time.Hour)}
	}
	part := func(consented uint32) types.Participation { return types.Participation{ConsentedVersion: consented} }
	withdrawn := part(1)
	withdrawn.WithdrawnAt = &now
	ended := study(types.StudyStatusRecruiting, 1, 1)
	ended.EndsAt = now

	cases := []struct {
		name   string
		s      types.Study
		p      types.Participation
		want   types.ParticipationStatus
		reason string
	}{
		{"consented to the approved current version", study(types.StudyStatusRecruiting, 1, 1), part(1), types.ParticipationStatusEnrolled, ""},
		{"recruitment closed: still enrolled", study(types.StudyStatusClosed, 3, 3), part(3), types.ParticipationStatusEnrolled, ""},
		{"amended, not yet approved", study(types.StudyStatusRecruiting, 2, 1), part(1), types.ParticipationStatusReconsentRequired, types.ReasonReconsentRequired},
		{"approved, not yet re-consented", study(types.StudyStatusRecruiting, 2, 2), part(1), types.ParticipationStatusReconsentRequired, types.ReasonReconsentRequired},
		{"current version not approved, whatever was consented", study(types.StudyStatusRecruiting, 2, 1), part(2), types.ParticipationStatusReconsentRequired, types.ReasonReconsentRequired},
		{"withdrawn", study(types.StudyStatusRecruiting, 1, 1), withdrawn, types.ParticipationStatusWithdrawn, types.ReasonWithdrawn},
		{"completed", study(types.StudyStatusCompleted, 1, 1), part(1), types.ParticipationStatusStudyEnded, types.ReasonStudyEnded},
		{"terminated", study(types.StudyStatusTerminated, 2, 1), part(1), types.ParticipationStatusStudyEnded, types.ReasonStudyEnded},
		{"past ends_at", ended, part(1), types.ParticipationStatusStudyEnded, types.ReasonStudyEnded},
	}
	for _, tc := range cases {
		got, reason := types.ParticipationStatusAt(tc.s, tc.p, now)
		require.Equal(t, tc.want, got, tc.name)
		require.Equal(t, tc.reason, reason, tc.name)
	}
}

func TestExpectedEscrow(t *testing.T) {
	s := types.Study{Incentive: sdk.NewInt64Coin("uusd", 10), TargetEnrollment: 5, EnrollmentCount: 2, Status: types.StudyStatusRecruiting}
	e, err := s.ExpectedEscrow()
	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin("uusd", 30), e)
	s.Status = types.StudyStatusCompleted
	e, err = s.ExpectedEscrow()
	require.NoError(t, err)
	require.True(t, e.IsZero())
	s.Status, s.EnrollmentCount = types.StudyStatusRecruiting, 6
	_, err = s.ExpectedEscrow()
	require.Error(t, err)
}
