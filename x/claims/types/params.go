package types

import "fmt"

// Default parameters. A CMS-1500 claim form has 6 service lines per page and
// 12 diagnosis pointers; electronic 837P claims allow 50 lines.
const (
	DefaultMaxRulesPerPlan             = 200
	DefaultMaxLinesPerClaim            = 50
	DefaultMaxDiagnosisCodesPerLine    = 12
	DefaultMaxUnitsPerLine             = 999
	DefaultMaxEvidenceRecordsPerClaim  = 20
	DefaultMaxClaimsReleasedPerFunding = 10
	paramsCeiling                      = 1000
	maxUnitsCeiling                    = 99_999
	maxClaimsReleasedPerFundingCeiling = 100
	maxRulesPerPlanCeiling             = 2000
)

// DefaultParams returns the default parameters.
func DefaultParams() Params {
	return Params{
		MaxRulesPerPlan:             DefaultMaxRulesPerPlan,
		MaxLinesPerClaim:            DefaultMaxLinesPerClaim,
		MaxDiagnosisCodesPerLine:    DefaultMaxDiagnosisCodesPerLine,
		MaxUnitsPerLine:             DefaultMaxUnitsPerLine,
		MaxEvidenceRecordsPerClaim:  DefaultMaxEvidenceRecordsPerClaim,
		MaxClaimsReleasedPerFunding: DefaultMaxClaimsReleasedPerFunding,
	}
}

// CeilingParams are the largest values Validate accepts. Plans and claims in
// state were checked against the params in force when they were written;
// governance may lower a limit later, so genesis validation checks stored
// objects against these ceilings rather than against today's params.
func CeilingParams() Params {
	return Params{
		MaxRulesPerPlan:             maxRulesPerPlanCeiling,
		MaxLinesPerClaim:            paramsCeiling,
		MaxDiagnosisCodesPerLine:    paramsCeiling,
		MaxUnitsPerLine:             maxUnitsCeiling,
		MaxEvidenceRecordsPerClaim:  paramsCeiling,
		MaxClaimsReleasedPerFunding: maxClaimsReleasedPerFundingCeiling,
	}
}

// Validate checks every parameter is positive and below a ceiling that keeps
// one message's work small.
func (p Params) Validate() error {
	checks := []struct {
		name    string
		v, ceil uint32
	}{
		{"max_rules_per_plan", p.MaxRulesPerPlan, maxRulesPerPlanCeiling},
		{"max_lines_per_claim", p.MaxLinesPerClaim, paramsCeiling},
		{"max_diagnosis_codes_per_line", p.MaxDiagnosisCodesPerLine, paramsCeiling},
		{"max_units_per_line", p.MaxUnitsPerLine, maxUnitsCeiling},
		{"max_evidence_records_per_claim", p.MaxEvidenceRecordsPerClaim, paramsCeiling},
		{"max_claims_released_per_funding", p.MaxClaimsReleasedPerFunding, maxClaimsReleasedPerFundingCeiling},
	}
	for _, c := range checks {
		if c.v == 0 || c.v > c.ceil {
			return fmt.Errorf("%s must be in [1, %d], got %d", c.name, c.ceil, c.v)
		}
	}
	return nil
}
