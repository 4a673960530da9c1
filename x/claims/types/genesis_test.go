package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/carechain/carechain/x/claims/types"
)

var ac = address.NewBech32Codec("care")

func addr(t *testing.T, b byte) (string, []byte) {
	bz := make([]byte, 20)
	bz[0] = b
	s, err := ac.BytesToString(bz)
	require.NoError(t, err)
	return s, bz
}

// validGenesis has one plan and one claim under review.
func validGenesis(t *testing.T) types.GenesisState {
	patient, patientBz := addr(t, 1)
	submitter, _ := addr(t, 2)
	d := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	lines := []types.ClaimLine{{ProcedureCode: "80053", DiagnosisCodes: []string{"E11.9"}, Units: 1, Charge: i(50), ServiceDate: d}}
	return types.GenesisState{
		Params: types.DefaultParams(),
		Plans: []types.Plan{{
			Id: 1, PayerOrg: "acme-health", Name: "Gold", Denom: "uusd",
			Rules:                []types.CoverageRule{{ProcedureCode: "80053", MaxAllowedPerUnit: i(40), CoinsuranceBps: 2000, RequiresReview: true}},
			AnnualLimitPerMember: math.ZeroInt(), Status: types.PlanStatusActive, Escrow: i(100), Reserved: i(32),
		}},
		Enrollments: []types.Enrollment{{PlanId: 1, Patient: patient, CoverageStart: d.AddDate(0, 0, -1), CoverageEnd: d.AddDate(1, 0, 0)}},
		Claims: []types.Claim{{
			Id: 1, PlanId: 1, ProviderOrg: "mercy-general", Submitter: submitter, Patient: patient, Lines: lines,
			Fingerprint: types.Fingerprint("mercy-general", patientBz, lines), Status: types.ClaimStatusPendingReview,
			Adjudication: []types.LineAdjudication{{Status: types.LineStatusPendingReview, Allowed: i(40), PayerPaid: i(32),
				PatientResponsibility: i(8), ReasonCode: types.ReasonReviewRequired}},
			SubmittedAt: d.Add(time.Hour),
		}},
		NextPlanId:  2,
		NextClaimId: 2,
	}
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesis().Validate(ac))
	require.NoError(t, validGenesis(t).Validate(ac))

	breakers := map[string]func(*types.GenesisState){
		"reserved does not match claims under review": func(g *types.GenesisState) { g.Plans[0].Reserved = i(31) },
		"reserved above escrow":                       func(g *types.GenesisState) { g.Plans[0].Escrow = i(10) },
		"plan id not below next_plan_id":              func(g *types.GenesisState) { g.NextPlanId = 1 },
		"claim id not below next_claim_id":            func(g *types.GenesisState) { g.NextClaimId = 1 },
		"unsorted rules": func(g *types.GenesisState) {
			g.Plans[0].Rules = append(g.Plans[0].Rules, types.CoverageRule{ProcedureCode: "00100", MaxAllowedPerUnit: i(1)})
		},
		"enrollment in unknown plan": func(g *types.GenesisState) { g.Enrollments[0].PlanId = 9 },
		"empty coverage":             func(g *types.GenesisState) { g.Enrollments[0].CoverageEnd = g.Enrollments[0].CoverageStart },
		"claim of unknown plan":      func(g *types.GenesisState) { g.Claims[0].PlanId = 9 },
		"wrong fingerprint":          func(g *types.GenesisState) { g.Claims[0].Fingerprint = "00" },
		"status needs pending lines": func(g *types.GenesisState) { g.Claims[0].Adjudication[0].Status = types.LineStatusApproved },
		"SUBMITTED is never stored":  func(g *types.GenesisState) { g.Claims[0].Status = types.ClaimStatusSubmitted },
		"adjudication per line":      func(g *types.GenesisState) { g.Claims[0].Adjudication = nil },
		"two live claims with one fingerprint": func(g *types.GenesisState) {
			c := g.Claims[0]
			c.Id, c.Status = 2, types.ClaimStatusAwaitingFunds
			g.Claims = append(g.Claims, c)
			g.NextClaimId = 3
		},
		"PAID without payment": func(g *types.GenesisState) {
			g.Claims[0].Status = types.ClaimStatusPaid
			g.Claims[0].Adjudication[0].Status = types.LineStatusApproved
			g.Plans[0].Reserved = math.ZeroInt()
		},
	}
	for name, br := range breakers {
		g := validGenesis(t)
		br(&g)
		require.Error(t, g.Validate(ac), name)
	}

	// A withdrawn claim frees its fingerprint.
	g := validGenesis(t)
	c := g.Claims[0]
	c.Id, c.Status = 2, types.ClaimStatusWithdrawn
	g.Claims = append(g.Claims, c)
	g.NextClaimId = 3
	require.NoError(t, g.Validate(ac))
}

// Governance may lower a limit after claims and plans were written under the
// old one: the exported state must still import.
func TestGenesisValidateAfterLimitsLowered(t *testing.T) {
	g := validGenesis(t)
	_, patientBz := addr(t, 1)
	g.Claims[0].Lines[0].DiagnosisCodes = []string{"E11.9", "I10"}
	g.Claims[0].Fingerprint = types.Fingerprint("mercy-general", patientBz, g.Claims[0].Lines)
	g.Plans[0].Rules = append(g.Plans[0].Rules, types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: i(10)})
	require.NoError(t, g.Validate(ac))

	g.Params.MaxDiagnosisCodesPerLine = 1
	g.Params.MaxRulesPerPlan = 1
	require.NoError(t, g.Validate(ac), "limits lowered by governance must not invalidate stored claims and plans")

	// Beyond the ceiling that any params could allow, stored objects are refused.
	g.Claims[0].Lines[0].DiagnosisCodes = make([]string, 0, types.CeilingParams().MaxDiagnosisCodesPerLine+1)
	for n := 0; n <= int(types.CeilingParams().MaxDiagnosisCodesPerLine); n++ {
		g.Claims[0].Lines[0].DiagnosisCodes = append(g.Claims[0].Lines[0].DiagnosisCodes, "Z"+string(rune('0'+n/100))+string(rune('0'+n/10%10))+"."+string(rune('0'+n%10)))
	}
	g.Claims[0].Fingerprint = types.Fingerprint("mercy-general", patientBz, g.Claims[0].Lines)
	require.ErrorContains(t, g.Validate(ac), "diagnosis codes")
}
