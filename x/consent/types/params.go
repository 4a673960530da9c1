package types

import (
	"fmt"
	"time"
)

// Default parameters.
const (
	// DefaultMaxConsentDuration is five years of 365 days: the longest a
	// single authorization (or a representative appointment) runs before
	// the patient must renew it.
	DefaultMaxConsentDuration = 5 * 365 * 24 * time.Hour
	// DefaultBreakGlassDuration is how long emergency access lasts.
	DefaultBreakGlassDuration = 24 * time.Hour
	// DefaultMaxExpirationsPerBlock bounds EndBlock's work.
	DefaultMaxExpirationsPerBlock = 500
	// DefaultMaxActiveConsentsPerGrantee bounds the consents one decision
	// reads per grantee.
	DefaultMaxActiveConsentsPerGrantee = 32
)

// Ceilings that keep governance from making the bounded work unbounded in
// practice (and keep expiry times inside the expiry queue's key range).
const (
	minConsentDuration          = time.Hour
	maxConsentDurationCeiling   = 100 * 365 * 24 * time.Hour
	minBreakGlassDuration       = time.Minute
	maxBreakGlassDuration       = 7 * 24 * time.Hour
	maxExpirationsCeiling       = 10_000
	maxActiveConsentsPerCeiling = 256
)

// DefaultParams returns the default parameters.
func DefaultParams() Params {
	return Params{
		MaxConsentDuration:          DefaultMaxConsentDuration,
		BreakGlassDuration:          DefaultBreakGlassDuration,
		MaxExpirationsPerBlock:      DefaultMaxExpirationsPerBlock,
		MaxActiveConsentsPerGrantee: DefaultMaxActiveConsentsPerGrantee,
	}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.MaxConsentDuration < minConsentDuration || p.MaxConsentDuration > maxConsentDurationCeiling {
		return fmt.Errorf("max_consent_duration must be in [%s, %s], got %s", minConsentDuration, maxConsentDurationCeiling, p.MaxConsentDuration)
	}
	if p.BreakGlassDuration < minBreakGlassDuration || p.BreakGlassDuration > maxBreakGlassDuration {
		return fmt.Errorf("break_glass_duration must be in [%s, %s], got %s", minBreakGlassDuration, maxBreakGlassDuration, p.BreakGlassDuration)
	}
	if p.MaxExpirationsPerBlock == 0 || p.MaxExpirationsPerBlock > maxExpirationsCeiling {
		return fmt.Errorf("max_expirations_per_block must be in [1, %d], got %d", maxExpirationsCeiling, p.MaxExpirationsPerBlock)
	}
	if p.MaxActiveConsentsPerGrantee == 0 || p.MaxActiveConsentsPerGrantee > maxActiveConsentsPerCeiling {
		return fmt.Errorf("max_active_consents_per_grantee must be in [1, %d], got %d", maxActiveConsentsPerCeiling, p.MaxActiveConsentsPerGrantee)
	}
	return nil
}
