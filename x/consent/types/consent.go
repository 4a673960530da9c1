package types

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Limits of a consent's terms. They keep one consent small and one access
// decision cheap.
const (
	MaxCategories     = 32
	MaxCategoryLength = 64
	MaxRecordIDs      = 64
)

// categoryRe admits FHIR resource types ("Observation"), LOINC codes
// ("11488-4") and sensitivity labels ("mental-health"): a letter or digit
// followed by letters, digits, '.', '_', ':' or '-'. No spaces, so no free
// text.
var categoryRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)

// maxKeyTime is the latest time the expiry queue can key (Unix nanoseconds
// in an int64).
var maxKeyTime = time.Unix(0, math.MaxInt64).UTC()

// ValidateCategory checks one category string.
func ValidateCategory(s string) error {
	if len(s) == 0 || len(s) > MaxCategoryLength || !categoryRe.MatchString(s) {
		return fmt.Errorf("category %q must be 1-%d characters of letters, digits, '.', '_', ':' and '-', starting with a letter or digit", s, MaxCategoryLength)
	}
	return nil
}

// IsSHA256Hex reports whether s is a SHA-256 digest in 64 lowercase hex
// characters.
func IsSHA256Hex(s string) bool { return registrytypes.IsSHA256Hex(s) }

// ValidateAction checks an action is a known, specified one.
func ValidateAction(a Action) error {
	if _, ok := Action_name[int32(a)]; !ok || a == ActionUnspecified {
		return fmt.Errorf("action %d is not ACTION_READ or ACTION_WRITE", a)
	}
	return nil
}

// ValidatePurpose checks a purpose is a known, specified one.
func ValidatePurpose(p Purpose) error {
	if _, ok := Purpose_name[int32(p)]; !ok || p == PurposeUnspecified {
		return fmt.Errorf("purpose %d is not a known purpose of use", p)
	}
	return nil
}

// NormalizeTerms checks the decision, actions, purposes, categories, record
// ids and source document hash of a consent and returns it with every list
// sorted. Addresses, times and status are checked elsewhere.
func NormalizeTerms(c Consent) (Consent, error) {
	if c.Decision != DecisionPermit && c.Decision != DecisionDeny {
		return c, fmt.Errorf("decision must be DECISION_PERMIT or DECISION_DENY")
	}
	if len(c.Actions) == 0 {
		return c, fmt.Errorf("at least one action is required")
	}
	c.Actions = slices.Clone(c.Actions)
	slices.Sort(c.Actions)
	for i, a := range c.Actions {
		if err := ValidateAction(a); err != nil {
			return c, err
		}
		if i > 0 && c.Actions[i-1] == a {
			return c, fmt.Errorf("action %s is listed twice", a)
		}
	}
	if len(c.Purposes) == 0 {
		return c, fmt.Errorf("at least one purpose is required")
	}
	c.Purposes = slices.Clone(c.Purposes)
	slices.Sort(c.Purposes)
	for i, p := range c.Purposes {
		if err := ValidatePurpose(p); err != nil {
			return c, err
		}
		if i > 0 && c.Purposes[i-1] == p {
			return c, fmt.Errorf("purpose %s is listed twice", p)
		}
	}
	if len(c.Categories) > MaxCategories {
		return c, fmt.Errorf("%d categories, the limit is %d", len(c.Categories), MaxCategories)
	}
	if len(c.Categories) > 0 {
		c.Categories = slices.Clone(c.Categories)
		slices.Sort(c.Categories)
	}
	for i, cat := range c.Categories {
		if err := ValidateCategory(cat); err != nil {
			return c, err
		}
		if i > 0 && c.Categories[i-1] == cat {
			return c, fmt.Errorf("category %q is listed twice", cat)
		}
	}
	if len(c.RecordIds) > MaxRecordIDs {
		return c, fmt.Errorf("%d record ids, the limit is %d", len(c.RecordIds), MaxRecordIDs)
	}
	if len(c.RecordIds) > 0 {
		c.RecordIds = slices.Clone(c.RecordIds)
		slices.Sort(c.RecordIds)
	}
	for i, id := range c.RecordIds {
		if id == 0 {
			return c, fmt.Errorf("record id 0 is not a record")
		}
		if i > 0 && c.RecordIds[i-1] == id {
			return c, fmt.Errorf("record id %d is listed twice", id)
		}
	}
	if c.SourceDocumentHash != "" && !IsSHA256Hex(c.SourceDocumentHash) {
		return c, fmt.Errorf("source_document_hash must be a SHA-256 digest as 64 lowercase hex characters")
	}
	return c, nil
}

// ValidateTimes checks valid_from < expires_at and that both fit the expiry
// queue's key range.
func ValidateTimes(validFrom, expiresAt time.Time) error {
	if expiresAt.IsZero() || expiresAt.Unix() <= 0 {
		return fmt.Errorf("expires_at is required")
	}
	if expiresAt.After(maxKeyTime) {
		return fmt.Errorf("expires_at %s is too far ahead", expiresAt.Format(time.RFC3339))
	}
	if !validFrom.Before(expiresAt) {
		return fmt.Errorf("valid_from %s must be before expires_at %s", validFrom.Format(time.RFC3339), expiresAt.Format(time.RFC3339))
	}
	return nil
}

// Covers reports whether the consent's terms include the request: the
// action and the purpose are listed, the category is listed (or the consent
// lists none, meaning every category) and the record is listed (or the
// consent lists none). A consent restricted to some categories or records
// does not cover a request that names none: a narrowing never widens.
func (c Consent) Covers(action Action, purpose Purpose, category string, recordID uint64) bool {
	if !slices.Contains(c.Actions, action) || !slices.Contains(c.Purposes, purpose) {
		return false
	}
	if len(c.Categories) > 0 && (category == "" || !slices.Contains(c.Categories, category)) {
		return false
	}
	if len(c.RecordIds) > 0 && (recordID == 0 || !slices.Contains(c.RecordIds, recordID)) {
		return false
	}
	return true
}

// InEffectAt reports whether the consent counts at time t: ACTIVE and
// valid_from <= t < expires_at. Block time decides, never an EndBlocker.
func (c Consent) InEffectAt(t time.Time) bool {
	return c.Status == ConsentStatusActive && !t.Before(c.ValidFrom) && t.Before(c.ExpiresAt)
}

// IsManaged reports whether a module manages the consent.
func (c Consent) IsManaged() bool { return c.ManagedBy != "" }

// OpenAt reports whether the break-glass grant permits at time t: before
// expires_at and not reviewed as unjustified.
func (g BreakGlassGrant) OpenAt(t time.Time) bool {
	if g.Review != nil && g.Review.Outcome == ReviewOutcomeUnjustified {
		return false
	}
	return t.Before(g.ExpiresAt)
}

// ActiveAt reports whether the appointment is in force at time t.
func (r Representative) ActiveAt(t time.Time) bool { return t.Before(r.ExpiresAt) }
