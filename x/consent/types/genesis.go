package types

import (
	"fmt"
	"slices"

	"cosmossdk.io/core/address"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// DefaultGenesis returns the default genesis: no consents.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextConsentId: 1, NextBreakGlassId: 1}
}

// Validate checks the genesis state, including everything InitGenesis
// relies on to rebuild its indexes: unique ids below the next ids, valid
// addresses, canonical terms, and the per-grantee cap on ACTIVE consents.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if gs.NextConsentId == 0 || gs.NextBreakGlassId == 0 {
		return fmt.Errorf("next_consent_id and next_break_glass_id must be at least 1")
	}
	ids := make(map[uint64]bool, len(gs.Consents))
	active := make(map[string]uint32)
	for _, c := range gs.Consents {
		if err := ValidateStoredConsent(c, ac); err != nil {
			return fmt.Errorf("consent %d: %w", c.Id, err)
		}
		if c.Id >= gs.NextConsentId {
			return fmt.Errorf("consent %d is not below next_consent_id %d", c.Id, gs.NextConsentId)
		}
		if ids[c.Id] {
			return fmt.Errorf("consent %d is listed twice", c.Id)
		}
		ids[c.Id] = true
		if c.Status == ConsentStatusActive {
			key := c.Patient + "/" + c.Grantee + "/" + c.GranteeOrg
			active[key]++
			if active[key] > maxActiveConsentsPerCeiling {
				return fmt.Errorf("patient %s holds more than %d active consents for one grantee", c.Patient, maxActiveConsentsPerCeiling)
			}
		}
	}
	reps := make(map[string]bool, len(gs.Representatives))
	for _, r := range gs.Representatives {
		if err := validateRepresentative(r, ac); err != nil {
			return fmt.Errorf("representative %s of %s: %w", r.Representative, r.Patient, err)
		}
		key := r.Patient + "/" + r.Representative
		if reps[key] {
			return fmt.Errorf("representative %s of %s is listed twice", r.Representative, r.Patient)
		}
		reps[key] = true
	}
	bg := make(map[uint64]bool, len(gs.BreakGlassGrants))
	for _, g := range gs.BreakGlassGrants {
		if err := validateBreakGlass(g, ac); err != nil {
			return fmt.Errorf("break-glass %d: %w", g.Id, err)
		}
		if g.Id >= gs.NextBreakGlassId {
			return fmt.Errorf("break-glass %d is not below next_break_glass_id %d", g.Id, gs.NextBreakGlassId)
		}
		if bg[g.Id] {
			return fmt.Errorf("break-glass %d is listed twice", g.Id)
		}
		bg[g.Id] = true
	}
	return nil
}

// ValidateStoredConsent checks a consent as it is kept in state.
func ValidateStoredConsent(c Consent, ac address.Codec) error {
	if c.Id == 0 {
		return fmt.Errorf("id must be at least 1")
	}
	if _, err := ac.StringToBytes(c.Patient); err != nil {
		return fmt.Errorf("patient %q: %w", c.Patient, err)
	}
	if err := validateGrantee(c.Grantee, c.GranteeOrg, ac); err != nil {
		return err
	}
	if c.Grantee == c.Patient {
		return fmt.Errorf("a patient cannot be their own grantee")
	}
	normalized, err := NormalizeTerms(c)
	if err != nil {
		return err
	}
	if !slices.Equal(normalized.Categories, c.Categories) || !slices.Equal(normalized.RecordIds, c.RecordIds) ||
		!slices.Equal(normalized.Actions, c.Actions) || !slices.Equal(normalized.Purposes, c.Purposes) {
		return fmt.Errorf("lists must be sorted")
	}
	if err := ValidateTimes(c.ValidFrom, c.ExpiresAt); err != nil {
		return err
	}
	switch c.Status {
	case ConsentStatusActive, ConsentStatusExpired:
	case ConsentStatusRevoked:
		if c.RevokedAt == nil {
			return fmt.Errorf("a revoked consent needs revoked_at")
		}
	default:
		return fmt.Errorf("status %s is not a stored status", c.Status)
	}
	if _, err := ac.StringToBytes(c.GrantedBy); err != nil {
		return fmt.Errorf("granted_by %q: %w", c.GrantedBy, err)
	}
	return nil
}

func validateGrantee(grantee, granteeOrg string, ac address.Codec) error {
	switch {
	case grantee != "" && granteeOrg != "":
		return fmt.Errorf("set either grantee or grantee_org, not both")
	case grantee != "":
		if _, err := ac.StringToBytes(grantee); err != nil {
			return fmt.Errorf("grantee %q: %w", grantee, err)
		}
	case granteeOrg != "":
		if err := registrytypes.ValidateOrganizationID(granteeOrg); err != nil {
			return err
		}
	default:
		return fmt.Errorf("a grantee (account) or grantee_org (organization id) is required")
	}
	return nil
}

func validateRepresentative(r Representative, ac address.Codec) error {
	if _, err := ac.StringToBytes(r.Patient); err != nil {
		return fmt.Errorf("patient %q: %w", r.Patient, err)
	}
	if _, err := ac.StringToBytes(r.Representative); err != nil {
		return fmt.Errorf("representative %q: %w", r.Representative, err)
	}
	if r.Patient == r.Representative {
		return fmt.Errorf("a patient cannot represent themselves")
	}
	if !r.AppointedAt.Before(r.ExpiresAt) {
		return fmt.Errorf("appointed_at must be before expires_at")
	}
	return nil
}

func validateBreakGlass(g BreakGlassGrant, ac address.Codec) error {
	if g.Id == 0 {
		return fmt.Errorf("id must be at least 1")
	}
	if _, err := ac.StringToBytes(g.Accessor); err != nil {
		return fmt.Errorf("accessor %q: %w", g.Accessor, err)
	}
	if _, err := ac.StringToBytes(g.Patient); err != nil {
		return fmt.Errorf("patient %q: %w", g.Patient, err)
	}
	if err := registrytypes.ValidateOrganizationID(g.OrganizationId); err != nil {
		return err
	}
	if err := ValidateBreakGlassReason(g.Reason); err != nil {
		return err
	}
	if !IsSHA256Hex(g.JustificationHash) {
		return fmt.Errorf("justification_hash must be a SHA-256 digest as 64 lowercase hex characters")
	}
	if !g.OpenedAt.Before(g.ExpiresAt) {
		return fmt.Errorf("opened_at must be before expires_at")
	}
	if g.Review != nil {
		if _, err := ac.StringToBytes(g.Review.Reviewer); err != nil {
			return fmt.Errorf("reviewer %q: %w", g.Review.Reviewer, err)
		}
		if err := ValidateReviewOutcome(g.Review.Outcome); err != nil {
			return err
		}
		if g.Review.NoteHash != "" && !IsSHA256Hex(g.Review.NoteHash) {
			return fmt.Errorf("note_hash must be a SHA-256 digest as 64 lowercase hex characters")
		}
	}
	return nil
}

// ValidateBreakGlassReason checks a reason code is a known, specified one.
func ValidateBreakGlassReason(r BreakGlassReason) error {
	if _, ok := BreakGlassReason_name[int32(r)]; !ok || r == BreakGlassReasonUnspecified {
		return fmt.Errorf("reason %d is not a known break-glass reason", r)
	}
	return nil
}

// ValidateReviewOutcome checks an outcome is JUSTIFIED or UNJUSTIFIED.
func ValidateReviewOutcome(o ReviewOutcome) error {
	if o != ReviewOutcomeJustified && o != ReviewOutcomeUnjustified {
		return fmt.Errorf("outcome must be REVIEW_OUTCOME_JUSTIFIED or REVIEW_OUTCOME_UNJUSTIFIED")
	}
	return nil
}
