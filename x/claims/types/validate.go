package types

import (
	"fmt"
	"regexp"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Field limits.
const (
	MaxPlanNameLength = 128
)

// MaxAmount bounds every amount (charges, rule maxima, limits, funding) so
// that products and sums stay far inside math.Int's 256 bits.
var MaxAmount = math.NewIntWithDecimal(1, 36)

var (
	// CPT and HCPCS Level II codes: five characters of 0-9 and A-Z
	// (99213, 0001U, J3490).
	procedureCodeRe = regexp.MustCompile(`^[0-9A-Z]{5}$`)
	// ICD-10 codes: a letter, a digit, a digit or letter (C4A, M1A), then
	// optionally a dot and up to four digits or letters (J06.9, S52.521A).
	diagnosisCodeRe = regexp.MustCompile(`^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$`)
)

// ValidateProcedureCode checks the form of a CPT/HCPCS code.
func ValidateProcedureCode(code string) error {
	if !procedureCodeRe.MatchString(code) {
		return fmt.Errorf("procedure_code %q must be 5 characters of 0-9 and A-Z (CPT/HCPCS)", code)
	}
	return nil
}

// ValidateDiagnosisCode checks the form of an ICD-10 code.
func ValidateDiagnosisCode(code string) error {
	if !diagnosisCodeRe.MatchString(code) {
		return fmt.Errorf("diagnosis code %q is not an ICD-10 code (letter, digit, digit or letter, optional '.' and up to 4 more, upper case)", code)
	}
	return nil
}

// ValidateAmount checks an amount is set, not negative and at most
// MaxAmount; positive additionally refuses zero.
func ValidateAmount(field string, a math.Int, positive bool) error {
	switch {
	case a.IsNil():
		return fmt.Errorf("%s is required", field)
	case a.IsNegative():
		return fmt.Errorf("%s must not be negative, got %s", field, a)
	case positive && a.IsZero():
		return fmt.Errorf("%s must be positive", field)
	case a.GT(MaxAmount):
		return fmt.Errorf("%s must be at most %s, got %s", field, MaxAmount, a)
	}
	return nil
}

// ValidatePlanName checks a plan's public name: 1-128 printable characters,
// no leading or trailing space.
func ValidatePlanName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > MaxPlanNameLength {
		return fmt.Errorf("name must be 1-%d characters", MaxPlanNameLength)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("name must be valid UTF-8")
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("name must contain only printable characters")
		}
	}
	if unicode.IsSpace(rune(name[0])) || unicode.IsSpace(rune(name[len(name)-1])) {
		return fmt.Errorf("name must not start or end with a space")
	}
	return nil
}

// NormalizeRules validates rules and returns them sorted by procedure code.
func NormalizeRules(rules []CoverageRule, maxRules uint32) ([]CoverageRule, error) {
	if len(rules) == 0 {
		return nil, fmt.Errorf("a plan needs at least one rule")
	}
	if uint32(len(rules)) > maxRules {
		return nil, fmt.Errorf("a plan has at most %d rules, got %d", maxRules, len(rules))
	}
	out := slices.Clone(rules)
	slices.SortFunc(out, func(a, b CoverageRule) int {
		switch {
		case a.ProcedureCode < b.ProcedureCode:
			return -1
		case a.ProcedureCode > b.ProcedureCode:
			return 1
		}
		return 0
	})
	for i, r := range out {
		if err := ValidateProcedureCode(r.ProcedureCode); err != nil {
			return nil, err
		}
		if i > 0 && out[i-1].ProcedureCode == r.ProcedureCode {
			return nil, fmt.Errorf("procedure_code %s has two rules", r.ProcedureCode)
		}
		if err := ValidateAmount("max_allowed_per_unit of "+r.ProcedureCode, r.MaxAllowedPerUnit, true); err != nil {
			return nil, err
		}
		if r.CoinsuranceBps > BasisPoints {
			return nil, fmt.Errorf("coinsurance_bps of %s must be at most %d, got %d", r.ProcedureCode, BasisPoints, r.CoinsuranceBps)
		}
	}
	return out, nil
}

// ValidatePlanTerms checks the fields a payer chooses when creating a plan
// and returns the rules sorted.
func ValidatePlanTerms(name, denom string, rules []CoverageRule, annualLimit math.Int, maxRules uint32) ([]CoverageRule, error) {
	if err := ValidatePlanName(name); err != nil {
		return nil, err
	}
	if err := sdk.ValidateDenom(denom); err != nil {
		return nil, fmt.Errorf("denom: %w", err)
	}
	if err := ValidateAmount("annual_limit_per_member", annualLimit, false); err != nil {
		return nil, err
	}
	return NormalizeRules(rules, maxRules)
}

// RuleFor returns the plan's rule for a procedure code (rules are sorted).
func (p Plan) RuleFor(code string) (CoverageRule, bool) {
	i, found := slices.BinarySearchFunc(p.Rules, code, func(r CoverageRule, c string) int {
		switch {
		case r.ProcedureCode < c:
			return -1
		case r.ProcedureCode > c:
			return 1
		}
		return 0
	})
	if !found {
		return CoverageRule{}, false
	}
	return p.Rules[i], true
}

// Available is the escrow not reserved for claims under review.
func (p Plan) Available() math.Int { return p.Escrow.Sub(p.Reserved) }

// IsActive reports whether the plan accepts enrollments and claims.
func (p Plan) IsActive() bool { return p.Status == PlanStatusActive }

// ValidateCoveragePeriod checks start < end.
func ValidateCoveragePeriod(start, end time.Time) error {
	if start.IsZero() || end.IsZero() {
		return fmt.Errorf("coverage_start and coverage_end are required")
	}
	if !start.Before(end) {
		return fmt.Errorf("coverage_end (%s) must be after coverage_start (%s)", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	return nil
}

// Covers reports whether t falls in [coverage_start, coverage_end).
func (e Enrollment) Covers(t time.Time) bool {
	return !t.Before(e.CoverageStart) && t.Before(e.CoverageEnd)
}

// IsServiceDate reports whether t is a calendar date: midnight UTC.
func IsServiceDate(t time.Time) bool {
	u := t.UTC()
	return u.Equal(time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC))
}

// BenefitYear is the calendar year (UTC) a service date counts against for
// the annual limit.
func BenefitYear(serviceDate time.Time) int32 { return int32(serviceDate.UTC().Year()) }

// ValidateLines checks the form of a claim's lines against the parameters.
// When notAfter is non-zero, service dates must not be after it.
func ValidateLines(lines []ClaimLine, p Params, notAfter time.Time) error {
	if len(lines) == 0 {
		return fmt.Errorf("a claim needs at least one line")
	}
	if uint32(len(lines)) > p.MaxLinesPerClaim {
		return fmt.Errorf("a claim has at most %d lines, got %d", p.MaxLinesPerClaim, len(lines))
	}
	seen := make(map[string]bool, len(lines))
	for i, l := range lines {
		if err := ValidateProcedureCode(l.ProcedureCode); err != nil {
			return fmt.Errorf("line %d: %w", i, err)
		}
		if len(l.DiagnosisCodes) == 0 {
			return fmt.Errorf("line %d: at least one diagnosis code is required", i)
		}
		if uint32(len(l.DiagnosisCodes)) > p.MaxDiagnosisCodesPerLine {
			return fmt.Errorf("line %d: at most %d diagnosis codes, got %d", i, p.MaxDiagnosisCodesPerLine, len(l.DiagnosisCodes))
		}
		for j, d := range l.DiagnosisCodes {
			if err := ValidateDiagnosisCode(d); err != nil {
				return fmt.Errorf("line %d: %w", i, err)
			}
			if slices.Contains(l.DiagnosisCodes[:j], d) {
				return fmt.Errorf("line %d: diagnosis code %s is listed twice", i, d)
			}
		}
		if l.Units == 0 || l.Units > p.MaxUnitsPerLine {
			return fmt.Errorf("line %d: units must be in [1, %d], got %d", i, p.MaxUnitsPerLine, l.Units)
		}
		if err := ValidateAmount(fmt.Sprintf("line %d: charge", i), l.Charge, true); err != nil {
			return err
		}
		if l.ServiceDate.IsZero() || !IsServiceDate(l.ServiceDate) {
			return fmt.Errorf("line %d: service_date must be a calendar date at 00:00:00 UTC, got %s", i, l.ServiceDate.UTC().Format(time.RFC3339Nano))
		}
		if !notAfter.IsZero() && l.ServiceDate.After(notAfter) {
			return fmt.Errorf("line %d: service_date %s is in the future", i, l.ServiceDate.UTC().Format(ServiceDateLayout))
		}
		key := l.ServiceDate.UTC().Format(ServiceDateLayout) + " " + l.ProcedureCode
		if seen[key] {
			return fmt.Errorf("line %d: %s is billed twice on %s; bill it once with units", i, l.ProcedureCode, l.ServiceDate.UTC().Format(ServiceDateLayout))
		}
		seen[key] = true
	}
	return nil
}

// ValidateEvidenceIDs checks evidence record ids: none zero, none repeated,
// at most max in total.
func ValidateEvidenceIDs(ids []uint64, max uint32) error {
	if uint32(len(ids)) > max {
		return fmt.Errorf("at most %d evidence records, got %d", max, len(ids))
	}
	for i, id := range ids {
		if id == 0 {
			return fmt.Errorf("evidence record id 0 is not a record")
		}
		if slices.Contains(ids[:i], id) {
			return fmt.Errorf("evidence record %d is listed twice", id)
		}
	}
	return nil
}

// PayerTotal is the sum of payer_paid over the lines not denied: what the
// claim was paid, or has reserved, or awaits.
func (c Claim) PayerTotal() math.Int {
	total := math.ZeroInt()
	for _, a := range c.Adjudication {
		if a.Status != LineStatusDenied {
			total = total.Add(a.PayerPaid)
		}
	}
	return total
}

// HasPendingLines reports whether any line awaits review.
func (c Claim) HasPendingLines() bool {
	for _, a := range c.Adjudication {
		if a.Status == LineStatusPendingReview {
			return true
		}
	}
	return false
}

// HoldsReservation reports whether the claim's payer total is reserved in
// its plan's escrow.
func (c Claim) HoldsReservation() bool {
	return c.Status == ClaimStatusPendingReview || c.Status == ClaimStatusAppealed
}

// CommitsBenefits reports whether the claim's line amounts count against the
// member's annual limit (paid, reserved or awaited).
func (c Claim) CommitsBenefits() bool { return c.Status != ClaimStatusWithdrawn }

// Appealable reports whether the claim may be appealed now: it is DENIED,
// has not been appealed, and at least one line was denied on review (lines
// denied NOT_COVERED have no rule a reviewer could apply).
func (c Claim) Appealable() bool {
	if c.Status != ClaimStatusDenied || c.Appealed {
		return false
	}
	for _, a := range c.Adjudication {
		if a.ReasonCode != ReasonNotCovered {
			return true
		}
	}
	return false
}

// HoldsFingerprint reports whether the claim blocks another claim with the
// same fingerprint: every claim but a withdrawn one and a final denial (one
// denied again after its appeal, or one whose every line the plan does not
// cover). A denial that can still be appealed holds it: it is contested by
// appeal, not by billing the services again.
func (c Claim) HoldsFingerprint() bool {
	switch c.Status {
	case ClaimStatusWithdrawn:
		return false
	case ClaimStatusDenied:
		return c.Appealable()
	}
	return true
}

// IsFinal reports whether no amount of the claim can change any more.
func (c Claim) IsFinal() bool {
	switch c.Status {
	case ClaimStatusPaid, ClaimStatusApproved, ClaimStatusPartiallyApproved, ClaimStatusWithdrawn:
		return true
	case ClaimStatusDenied:
		return !c.Appealable()
	}
	return false
}
