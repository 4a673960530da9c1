package types

import (
	"fmt"
	"time"
)

// Default parameters.
const (
	// DefaultMaxStudyDuration is five years of 365 days, the same as
	// x/consent's default max_consent_duration, so that by default a
	// research consent lasts until its study's ends_at.
	DefaultMaxStudyDuration = 5 * 365 * 24 * time.Hour
	// DefaultMaxTargetEnrollment bounds one study's escrow multiplier.
	DefaultMaxTargetEnrollment = 100_000
)

const (
	minStudyDuration           = 24 * time.Hour
	maxStudyDurationCeiling    = 100 * 365 * 24 * time.Hour
	maxTargetEnrollmentCeiling = 10_000_000
)

// DefaultParams returns the default parameters.
func DefaultParams() Params {
	return Params{
		MaxStudyDuration:    DefaultMaxStudyDuration,
		MaxTargetEnrollment: DefaultMaxTargetEnrollment,
	}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.MaxStudyDuration < minStudyDuration || p.MaxStudyDuration > maxStudyDurationCeiling {
		return fmt.Errorf("max_study_duration must be in [%s, %s], got %s", minStudyDuration, maxStudyDurationCeiling, p.MaxStudyDuration)
	}
	if p.MaxTargetEnrollment == 0 || p.MaxTargetEnrollment > maxTargetEnrollmentCeiling {
		return fmt.Errorf("max_target_enrollment must be in [1, %d], got %d", maxTargetEnrollmentCeiling, p.MaxTargetEnrollment)
	}
	return nil
}
