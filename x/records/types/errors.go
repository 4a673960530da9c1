package types

import errorsmod "cosmossdk.io/errors"

// Records errors. Codes are part of the API: never renumber.
var (
	ErrInvalidAuthority      = errorsmod.Register(ModuleName, 2, "signer is not the governance authority")
	ErrInvalidAddress        = errorsmod.Register(ModuleName, 3, "invalid address")
	ErrInvalidCategory       = errorsmod.Register(ModuleName, 4, "invalid category")
	ErrInvalidHash           = errorsmod.Register(ModuleName, 5, "invalid hash: expected SHA-256 as 64 lowercase hex characters")
	ErrInvalidLocator        = errorsmod.Register(ModuleName, 6, "invalid locator")
	ErrInvalidSize           = errorsmod.Register(ModuleName, 7, "invalid size_bytes")
	ErrDuplicateCiphertext   = errorsmod.Register(ModuleName, 8, "a record with this ciphertext_hash already exists")
	ErrRecordNotFound        = errorsmod.Register(ModuleName, 9, "record not found")
	ErrNotProvider           = errorsmod.Register(ModuleName, 10, "author does not act for an active PROVIDER organization permitted to write")
	ErrWriteDenied           = errorsmod.Register(ModuleName, 11, "the patient's consent does not permit this write")
	ErrNotCustodian          = errorsmod.Register(ModuleName, 12, "signer is neither the patient nor a member of the record's custodian organization")
	ErrRecordNotCurrent      = errorsmod.Register(ModuleName, 13, "only a CURRENT record can be superseded")
	ErrAlreadyEnteredInError = errorsmod.Register(ModuleName, 14, "record is already entered in error")
	ErrSupersedeMismatch     = errorsmod.Register(ModuleName, 15, "a new version must keep the patient and category of the record it supersedes")
	ErrInvalidEnvelope       = errorsmod.Register(ModuleName, 16, "invalid key envelope")
	ErrEnvelopeExists        = errorsmod.Register(ModuleName, 17, "the record already has a key envelope for this recipient")
	ErrRecipientNotPermitted = errorsmod.Register(ModuleName, 18, "recipient is not the patient or the author and holds no READ access to the record")
	ErrNotEnvelopeSigner     = errorsmod.Register(ModuleName, 19, "signer is not the patient, the author or a member of the record's custodian organization")
	ErrAccessDenied          = errorsmod.Register(ModuleName, 20, "x/consent does not permit this access")
	ErrInvalidParams         = errorsmod.Register(ModuleName, 21, "invalid parameters")
	ErrAccessEventNotFound   = errorsmod.Register(ModuleName, 22, "access event not found")
	ErrTooManyEnvelopes      = errorsmod.Register(ModuleName, 23, "too many key envelopes")
	ErrInvalidPurpose        = errorsmod.Register(ModuleName, 24, "invalid purpose")
)
