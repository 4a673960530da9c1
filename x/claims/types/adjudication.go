package types

import (
	"cosmossdk.io/math"
)

// BasisPoints is the denominator of coinsurance_bps: 10000 bps = 100%.
const BasisPoints = 10_000

// Allowed is the amount the plan recognises for a line:
// min(charge, max_allowed_per_unit × units).
func Allowed(charge, maxAllowedPerUnit math.Int, units uint32) math.Int {
	return math.MinInt(charge, maxAllowedPerUnit.MulRaw(int64(units)))
}

// PayerShare is the plan's share of an allowed amount before the annual
// limit: allowed × (10000 − coinsurance_bps) / 10000, truncated (rounded
// toward zero). The remainder of the division is part of the patient's
// coinsurance, so the payer never pays a fraction of a base unit it does
// not owe.
func PayerShare(allowed math.Int, coinsuranceBps uint32) math.Int {
	return allowed.MulRaw(int64(BasisPoints - coinsuranceBps)).QuoRaw(BasisPoints)
}

// CapToLimit caps a payer share by what remains of the member's annual
// limit: min(share, max(limit − used, 0)). A zero limit means no limit.
func CapToLimit(share, limit, used math.Int) math.Int {
	if limit.IsZero() {
		return share
	}
	remaining := limit.Sub(used)
	if !remaining.IsPositive() {
		return math.ZeroInt()
	}
	return math.MinInt(share, remaining)
}

// LineTerms are the amounts of one covered line.
type LineTerms struct {
	// Allowed = min(charge, max_allowed_per_unit × units).
	Allowed math.Int
	// Share is the payer share before the annual limit.
	Share math.Int
	// Payer is the share after the annual limit.
	Payer math.Int
	// Patient = Allowed − Payer: coinsurance plus what the limit moved to
	// the patient.
	Patient math.Int
}

// Capped reports whether the annual limit reduced the payer's share.
func (t LineTerms) Capped() bool { return t.Payer.LT(t.Share) }

// ComputeLineTerms applies a rule to a line given the member's usage of the
// annual limit so far in the line's benefit year.
func ComputeLineTerms(rule CoverageRule, line ClaimLine, limit, used math.Int) LineTerms {
	allowed := Allowed(line.Charge, rule.MaxAllowedPerUnit, line.Units)
	share := PayerShare(allowed, rule.CoinsuranceBps)
	payer := CapToLimit(share, limit, used)
	return LineTerms{Allowed: allowed, Share: share, Payer: payer, Patient: allowed.Sub(payer)}
}

// DeniedLine is the adjudication of a denied line: the plan pays nothing and
// the whole charge is the patient's responsibility.
func DeniedLine(line ClaimLine, reason AdjudicationReason) LineAdjudication {
	return LineAdjudication{
		Status:                LineStatusDenied,
		Allowed:               math.ZeroInt(),
		PayerPaid:             math.ZeroInt(),
		PatientResponsibility: line.Charge,
		ReasonCode:            reason,
	}
}

// IsReviewDenialReason reports whether a payer member may deny a line for
// reason on review. NOT_COVERED is not one: it means the plan has no rule
// for the code, which only auto-adjudication decides.
func IsReviewDenialReason(r AdjudicationReason) bool {
	switch r {
	case ReasonNotMedicallyNecessary, ReasonInsufficientDocumentation,
		ReasonDuplicateService, ReasonDiagnosisMismatch:
		return true
	}
	return false
}
