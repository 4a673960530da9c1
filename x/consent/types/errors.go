package types

import errorsmod "cosmossdk.io/errors"

// Consent errors. Codes are part of the API: never renumber.
var (
	ErrInvalidAuthority           = errorsmod.Register(ModuleName, 2, "signer is not the governance authority")
	ErrInvalidAddress             = errorsmod.Register(ModuleName, 3, "invalid address")
	ErrInvalidConsent             = errorsmod.Register(ModuleName, 4, "invalid consent")
	ErrConsentNotFound            = errorsmod.Register(ModuleName, 5, "consent not found")
	ErrNotPatientOrRepresentative = errorsmod.Register(ModuleName, 6, "signer is neither the patient nor a representative of the patient")
	ErrRepresentativeExpired      = errorsmod.Register(ModuleName, 7, "representative appointment has expired")
	ErrConsentNotActive           = errorsmod.Register(ModuleName, 8, "consent is not active")
	ErrConsentPatientMismatch     = errorsmod.Register(ModuleName, 9, "consent belongs to another patient")
	ErrManagedConsent             = errorsmod.Register(ModuleName, 10, "consent is managed by a module; withdraw through that module")
	ErrTooManyConsents            = errorsmod.Register(ModuleName, 11, "patient holds the maximum number of active consents for this grantee")
	ErrConsentTooLong             = errorsmod.Register(ModuleName, 12, "expires_at is further ahead than max_consent_duration")
	ErrInvalidRepresentative      = errorsmod.Register(ModuleName, 13, "invalid representative appointment")
	ErrRepresentativeNotFound     = errorsmod.Register(ModuleName, 14, "representative appointment not found")
	ErrNotProvider                = errorsmod.Register(ModuleName, 15, "accessor acts for no active PROVIDER organization")
	ErrBreakGlassOpen             = errorsmod.Register(ModuleName, 16, "a break-glass access by this accessor for this patient is still open")
	ErrInvalidBreakGlass          = errorsmod.Register(ModuleName, 17, "invalid break-glass request")
	ErrBreakGlassNotFound         = errorsmod.Register(ModuleName, 18, "break-glass grant not found")
	ErrNotReviewer                = errorsmod.Register(ModuleName, 19, "signer may not review this break-glass access")
	ErrAlreadyReviewed            = errorsmod.Register(ModuleName, 20, "break-glass access has already been reviewed")
	ErrInvalidParams              = errorsmod.Register(ModuleName, 21, "invalid parameters")
	ErrInvalidAccessRequest       = errorsmod.Register(ModuleName, 22, "invalid access request")
	ErrNotManager                 = errorsmod.Register(ModuleName, 23, "consent is not managed by this module")
	ErrUnknownOrganization        = errorsmod.Register(ModuleName, 24, "grantee organization not found")
)
