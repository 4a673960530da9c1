package types

import errorsmod "cosmossdk.io/errors"

// Registry errors. Codes are part of the API: never renumber.
var (
	ErrInvalidAuthority      = errorsmod.Register(ModuleName, 2, "signer is not the governance authority")
	ErrOrganizationExists    = errorsmod.Register(ModuleName, 3, "organization already exists")
	ErrOrganizationNotFound  = errorsmod.Register(ModuleName, 4, "organization not found")
	ErrInvalidOrganization   = errorsmod.Register(ModuleName, 5, "invalid organization")
	ErrNotAdmin              = errorsmod.Register(ModuleName, 6, "signer is not the organization's admin")
	ErrAlreadyMember         = errorsmod.Register(ModuleName, 7, "account is already a member of the organization")
	ErrNotMember             = errorsmod.Register(ModuleName, 8, "account is not a member of the organization")
	ErrInvalidEncryptionKey  = errorsmod.Register(ModuleName, 9, "invalid encryption key")
	ErrTooManyMemberships    = errorsmod.Register(ModuleName, 10, "account belongs to the maximum number of organizations")
	ErrValidatorNotAdmitted  = errorsmod.Register(ModuleName, 11, "validator operator is not a member of an active VALIDATOR organization")
	ErrOrganizationSuspended = errorsmod.Register(ModuleName, 12, "organization is not active")
	ErrInvalidAddress        = errorsmod.Register(ModuleName, 13, "invalid address")
	ErrInvalidParams         = errorsmod.Register(ModuleName, 14, "invalid parameters")
	ErrNoRole                = errorsmod.Register(ModuleName, 15, "account acts for no active organization with the required role")
	ErrEncryptionKeyNotFound = errorsmod.Register(ModuleName, 16, "encryption key not found")
)
