package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// AccessRequest is the question every other module (and the off-chain
// store) asks: may Accessor perform Action on Patient's data of Category
// (and record RecordID) for Purpose, at the current block time?
type AccessRequest struct {
	Accessor sdk.AccAddress
	Patient  sdk.AccAddress
	Action   Action
	Purpose  Purpose
	// Category is the FHIR resource type or LOINC code of the data; "" when
	// the request is not category-specific.
	Category string
	// RecordID is the record asked about; 0 when the request is not about
	// one record.
	RecordID uint64
}

// AccessDecision is the answer to an AccessRequest.
type AccessDecision struct {
	// Decision is DecisionPermit or DecisionDeny.
	Decision Decision
	// ConsentID is the consent that decided, 0 if none.
	ConsentID uint64
	// BreakGlassID is the break-glass grant that permitted, 0 if none.
	BreakGlassID uint64
	// Reason is a short machine-readable reason (the Reason* constants, or
	// a managing module's suspension reason).
	Reason string
}

// Permitted reports whether the decision is PERMIT.
func (d AccessDecision) Permitted() bool { return d.Decision == DecisionPermit }

// Reasons an AccessDecision gives.
const (
	// ReasonPatient: the accessor is the patient.
	ReasonPatient = "patient"
	// ReasonConsent: a PERMIT consent covers the request and no DENY does.
	ReasonConsent = "consent"
	// ReasonBreakGlass: an open break-glass grant permits the request.
	ReasonBreakGlass = "break_glass"
	// ReasonDeniedByConsent: a DENY consent covers the request.
	ReasonDeniedByConsent = "denied_by_consent"
	// ReasonNoConsent: no consent covers the request.
	ReasonNoConsent = "no_consent"
	// ReasonConsentExpired: a PERMIT would cover the request but its
	// expires_at has passed.
	ReasonConsentExpired = "consent_expired"
	// ReasonConsentNotYetValid: a PERMIT would cover the request but its
	// valid_from is still ahead.
	ReasonConsentNotYetValid = "consent_not_yet_valid"
	// ReasonConsentSuspended: a PERMIT would cover the request but the
	// module that manages it suspends it (its guard may give a more
	// specific reason, which is then used instead).
	ReasonConsentSuspended = "consent_suspended"
)

// ConsentGuard lets the module that manages a consent suspend it (x/research
// suspends research consents while a participant must re-consent).
type ConsentGuard interface {
	ConsentSuspended(ctx context.Context, c Consent) (suspended bool, reason string, err error)
}
