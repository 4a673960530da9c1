package types

import errorsmod "cosmossdk.io/errors"

// Research errors. Codes are part of the API: never renumber.
var (
	ErrInvalidAuthority        = errorsmod.Register(ModuleName, 2, "signer is not the governance authority")
	ErrInvalidAddress          = errorsmod.Register(ModuleName, 3, "invalid address")
	ErrInvalidParams           = errorsmod.Register(ModuleName, 4, "invalid parameters")
	ErrInvalidStudy            = errorsmod.Register(ModuleName, 5, "invalid study terms")
	ErrStudyNotFound           = errorsmod.Register(ModuleName, 6, "study not found")
	ErrNotSponsorMember        = errorsmod.Register(ModuleName, 7, "signer does not act for the study's active RESEARCH_SPONSOR organization")
	ErrNotIRBMember            = errorsmod.Register(ModuleName, 8, "signer does not act for the study's active IRB organization")
	ErrInvalidIRB              = errorsmod.Register(ModuleName, 9, "irb_org is not an active IRB organization independent of the sponsor")
	ErrConflictOfInterest      = errorsmod.Register(ModuleName, 10, "reviewer acts for the study's sponsor organization")
	ErrVersionMismatch         = errorsmod.Register(ModuleName, 11, "protocol version or hash is not the study's current one")
	ErrAlreadyApproved         = errorsmod.Register(ModuleName, 12, "the current protocol version is already approved")
	ErrInvalidStatusTransition = errorsmod.Register(ModuleName, 13, "study status cannot change that way")
	ErrWrongStudyStatus        = errorsmod.Register(ModuleName, 14, "study is not in a status that allows this")
	ErrStudyNotRecruiting      = errorsmod.Register(ModuleName, 15, "study is not recruiting")
	ErrStudyNotApproved        = errorsmod.Register(ModuleName, 16, "the IRB has not approved the study's current protocol version")
	ErrStudyFull               = errorsmod.Register(ModuleName, 17, "study has reached its target enrollment")
	ErrStudyEnded              = errorsmod.Register(ModuleName, 18, "study has ended")
	ErrAlreadyEnrolled         = errorsmod.Register(ModuleName, 19, "patient has already enrolled in the study")
	ErrParticipationNotFound   = errorsmod.Register(ModuleName, 20, "patient is not a participant of the study")
	ErrAlreadyWithdrawn        = errorsmod.Register(ModuleName, 21, "participant has already withdrawn")
	ErrResultsAlreadyPublished = errorsmod.Register(ModuleName, 22, "study results have already been published")
	ErrInvalidDataset          = errorsmod.Register(ModuleName, 23, "invalid dataset")
	ErrDuplicateDataset        = errorsmod.Register(ModuleName, 24, "dataset already anchored for the study")
	ErrInsufficientEscrow      = errorsmod.Register(ModuleName, 25, "study escrow cannot pay the incentive")
	ErrInvalidResults          = errorsmod.Register(ModuleName, 26, "invalid results")
)
