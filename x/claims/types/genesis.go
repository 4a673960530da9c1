package types

import (
	"fmt"

	"cosmossdk.io/core/address"
	"cosmossdk.io/math"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// DefaultGenesis returns the default genesis: no plans, ids from 1.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextPlanId: 1, NextClaimId: 1}
}

// Validate checks the genesis state: every field InitGenesis relies on, that
// each plan's reserved amount equals the payer totals of its claims under
// review, and that no two live claims share a fingerprint. That the module
// account holds the escrows is checked against x/bank by InitGenesis.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if gs.NextPlanId == 0 || gs.NextClaimId == 0 {
		return fmt.Errorf("next_plan_id and next_claim_id start at 1")
	}
	plans := make(map[uint64]Plan, len(gs.Plans))
	reserved := make(map[uint64]math.Int, len(gs.Plans))
	for _, p := range gs.Plans {
		if p.Id == 0 || p.Id >= gs.NextPlanId {
			return fmt.Errorf("plan id %d must be in [1, next_plan_id=%d)", p.Id, gs.NextPlanId)
		}
		if _, dup := plans[p.Id]; dup {
			return fmt.Errorf("plan %d is listed twice", p.Id)
		}
		if err := registrytypes.ValidateOrganizationID(p.PayerOrg); err != nil {
			return fmt.Errorf("plan %d: %w", p.Id, err)
		}
		rules, err := ValidatePlanTerms(p.Name, p.Denom, p.Rules, p.AnnualLimitPerMember, gs.Params.MaxRulesPerPlan)
		if err != nil {
			return fmt.Errorf("plan %d: %w", p.Id, err)
		}
		for i := range rules {
			if rules[i].ProcedureCode != p.Rules[i].ProcedureCode {
				return fmt.Errorf("plan %d: rules must be sorted by procedure code", p.Id)
			}
		}
		if p.Status != PlanStatusActive && p.Status != PlanStatusClosed {
			return fmt.Errorf("plan %d: status must be ACTIVE or CLOSED", p.Id)
		}
		if err := ValidateAmount("escrow", p.Escrow, false); err != nil {
			return fmt.Errorf("plan %d: %w", p.Id, err)
		}
		if err := ValidateAmount("reserved", p.Reserved, false); err != nil {
			return fmt.Errorf("plan %d: %w", p.Id, err)
		}
		if p.Reserved.GT(p.Escrow) {
			return fmt.Errorf("plan %d: reserved %s exceeds escrow %s", p.Id, p.Reserved, p.Escrow)
		}
		plans[p.Id] = p
		reserved[p.Id] = math.ZeroInt()
	}

	enrolled := make(map[string]bool, len(gs.Enrollments))
	for _, e := range gs.Enrollments {
		if _, ok := plans[e.PlanId]; !ok {
			return fmt.Errorf("enrollment of %s names unknown plan %d", e.Patient, e.PlanId)
		}
		if _, err := ac.StringToBytes(e.Patient); err != nil {
			return fmt.Errorf("enrollment patient %q: %w", e.Patient, err)
		}
		if err := ValidateCoveragePeriod(e.CoverageStart, e.CoverageEnd); err != nil {
			return fmt.Errorf("enrollment of %s in plan %d: %w", e.Patient, e.PlanId, err)
		}
		key := fmt.Sprintf("%d/%s", e.PlanId, e.Patient)
		if enrolled[key] {
			return fmt.Errorf("enrollment of %s in plan %d is listed twice", e.Patient, e.PlanId)
		}
		enrolled[key] = true
	}

	claims := make(map[uint64]bool, len(gs.Claims))
	fingerprints := make(map[string]uint64)
	for _, c := range gs.Claims {
		if err := c.validateGenesis(ac, gs.Params, gs.NextClaimId); err != nil {
			return fmt.Errorf("claim %d: %w", c.Id, err)
		}
		if claims[c.Id] {
			return fmt.Errorf("claim %d is listed twice", c.Id)
		}
		claims[c.Id] = true
		if _, ok := plans[c.PlanId]; !ok {
			return fmt.Errorf("claim %d names unknown plan %d", c.Id, c.PlanId)
		}
		if c.HoldsFingerprint() {
			if other, dup := fingerprints[c.Fingerprint]; dup {
				return fmt.Errorf("claims %d and %d are both live with fingerprint %s", other, c.Id, c.Fingerprint)
			}
			fingerprints[c.Fingerprint] = c.Id
		}
		if c.HoldsReservation() {
			reserved[c.PlanId] = reserved[c.PlanId].Add(c.PayerTotal())
		}
	}
	// In genesis order, so that every node reports the same plan.
	for _, p := range gs.Plans {
		if !p.Reserved.Equal(reserved[p.Id]) {
			return fmt.Errorf("plan %d: reserved is %s but its claims under review hold %s", p.Id, p.Reserved, reserved[p.Id])
		}
	}
	return nil
}

func (c Claim) validateGenesis(ac address.Codec, p Params, nextID uint64) error {
	if c.Id == 0 || c.Id >= nextID {
		return fmt.Errorf("id must be in [1, next_claim_id=%d)", nextID)
	}
	if err := registrytypes.ValidateOrganizationID(c.ProviderOrg); err != nil {
		return err
	}
	patient, err := ac.StringToBytes(c.Patient)
	if err != nil {
		return fmt.Errorf("patient %q: %w", c.Patient, err)
	}
	if _, err := ac.StringToBytes(c.Submitter); err != nil {
		return fmt.Errorf("submitter %q: %w", c.Submitter, err)
	}
	for _, f := range [][2]string{{"paid_to", c.PaidTo}, {"reviewer", c.Reviewer}} {
		if f[1] == "" {
			continue
		}
		if _, err := ac.StringToBytes(f[1]); err != nil {
			return fmt.Errorf("%s %q: %w", f[0], f[1], err)
		}
	}
	if err := ValidateLines(c.Lines, p, c.SubmittedAt); err != nil {
		return err
	}
	if err := ValidateEvidenceIDs(c.EvidenceRecordIds, p.MaxEvidenceRecordsPerClaim); err != nil {
		return err
	}
	if want := Fingerprint(c.ProviderOrg, patient, c.Lines); c.Fingerprint != want {
		return fmt.Errorf("fingerprint %q does not match its lines (want %s)", c.Fingerprint, want)
	}
	if len(c.Adjudication) != len(c.Lines) {
		return fmt.Errorf("%d adjudications for %d lines", len(c.Adjudication), len(c.Lines))
	}
	for i, a := range c.Adjudication {
		if _, ok := LineStatus_name[int32(a.Status)]; !ok || a.Status == LineStatusUnspecified {
			return fmt.Errorf("line %d: invalid status %d", i, a.Status)
		}
		for _, amt := range []struct {
			name string
			v    math.Int
		}{{"allowed", a.Allowed}, {"payer_paid", a.PayerPaid}, {"patient_responsibility", a.PatientResponsibility}} {
			if err := ValidateAmount(fmt.Sprintf("line %d: %s", i, amt.name), amt.v, false); err != nil {
				return err
			}
		}
		if a.PayerPaid.GT(a.Allowed) && a.Status != LineStatusDenied {
			return fmt.Errorf("line %d: payer_paid exceeds allowed", i)
		}
	}
	switch c.Status {
	case ClaimStatusPendingReview, ClaimStatusAppealed:
		if !c.HasPendingLines() {
			return fmt.Errorf("status %s needs a line awaiting review", c.Status)
		}
	case ClaimStatusAwaitingFunds, ClaimStatusWithdrawn:
	case ClaimStatusApproved, ClaimStatusPartiallyApproved, ClaimStatusDenied, ClaimStatusPaid:
		if c.HasPendingLines() {
			return fmt.Errorf("status %s cannot have lines awaiting review", c.Status)
		}
	default:
		return fmt.Errorf("status %s cannot be stored", c.Status)
	}
	if c.Status == ClaimStatusPaid && (c.PaidAt == nil || c.PaidTo == "") {
		return fmt.Errorf("a PAID claim needs paid_at and paid_to")
	}
	return nil
}
