package types

import errorsmod "cosmossdk.io/errors"

// Claims errors. Codes are part of the API: never renumber.
var (
	ErrInvalidAuthority        = errorsmod.Register(ModuleName, 2, "signer is not the governance authority")
	ErrInvalidAddress          = errorsmod.Register(ModuleName, 3, "invalid address")
	ErrInvalidParams           = errorsmod.Register(ModuleName, 4, "invalid parameters")
	ErrInvalidPlan             = errorsmod.Register(ModuleName, 5, "invalid plan")
	ErrPlanNotFound            = errorsmod.Register(ModuleName, 6, "plan not found")
	ErrPlanClosed              = errorsmod.Register(ModuleName, 7, "plan is closed")
	ErrNotPayerMember          = errorsmod.Register(ModuleName, 8, "signer does not act for the plan's active PAYER organization")
	ErrNotProviderMember       = errorsmod.Register(ModuleName, 9, "signer does not act for an active PROVIDER organization")
	ErrInvalidAmount           = errorsmod.Register(ModuleName, 10, "invalid amount")
	ErrInsufficientAvailable   = errorsmod.Register(ModuleName, 11, "amount exceeds the plan's unreserved escrow")
	ErrInvalidEnrollment       = errorsmod.Register(ModuleName, 12, "invalid enrollment")
	ErrNotEnrolled             = errorsmod.Register(ModuleName, 13, "patient is not enrolled in the plan")
	ErrServiceDateNotCovered   = errorsmod.Register(ModuleName, 14, "service date is outside the patient's coverage period")
	ErrInvalidClaim            = errorsmod.Register(ModuleName, 15, "invalid claim")
	ErrDuplicateClaim          = errorsmod.Register(ModuleName, 16, "a live claim with the same fingerprint exists")
	ErrClaimNotFound           = errorsmod.Register(ModuleName, 17, "claim not found")
	ErrEvidenceNotFound        = errorsmod.Register(ModuleName, 18, "evidence record not found")
	ErrEvidencePatientMismatch = errorsmod.Register(ModuleName, 19, "evidence record belongs to another patient")
	ErrInvalidClaimStatus      = errorsmod.Register(ModuleName, 20, "claim is not in a status that allows this")
	ErrAlreadyAppealed         = errorsmod.Register(ModuleName, 21, "claim has already been appealed once")
	ErrInvalidDecision         = errorsmod.Register(ModuleName, 22, "invalid adjudication decision")
	ErrPayerInactive           = errorsmod.Register(ModuleName, 23, "plan's payer organization is not active")
	ErrNotAppealable           = errorsmod.Register(ModuleName, 24, "no denied line of the claim is covered by the plan")
)
