package keeper

import (
	"context"
	"math"
	"time"

	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/internal/typedevent"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the research module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// emit emits a typed event exactly as EmitTypedEvent does (through the
// event's own ToEvent when it has one: typedevent.Fast).
func emit(ctx context.Context, ev proto.Message) error {
	return typedevent.Emit(ctx, ev)
}

func blockTime(ctx context.Context) time.Time { return sdk.UnwrapSDKContext(ctx).BlockTime() }

func (k Keeper) checkAuthority(signer string) error {
	if signer != k.authority {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
}

// parseAddress decodes an address and insists on its canonical form, so
// that addresses stored and compared as strings are unique.
func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	bz, err := k.addressCodec.StringToBytes(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q: %s", field, s, err)
	}
	if canonical, err := k.addressCodec.BytesToString(bz); err != nil || canonical != s {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q is not in canonical (lower-case) form", field, s)
	}
	return bz, nil
}

// sponsorOrg returns the ACTIVE RESEARCH_SPONSOR organization signer acts
// for: orgID when it is set, else the first such organization by id.
func (k Keeper) sponsorOrg(ctx context.Context, signer sdk.AccAddress, orgID string) (registrytypes.Organization, error) {
	orgs, err := k.registry.ActiveOrganizationsWithRole(ctx, signer, registrytypes.RoleResearchSponsor)
	if err != nil {
		return registrytypes.Organization{}, err
	}
	for _, o := range orgs {
		if orgID == "" || o.Id == orgID {
			return o, nil
		}
	}
	if orgID == "" {
		return registrytypes.Organization{}, errorsmod.Wrapf(types.ErrNotSponsorMember, "%s acts for no active RESEARCH_SPONSOR organization", signer)
	}
	return registrytypes.Organization{}, errorsmod.Wrapf(types.ErrNotSponsorMember, "%s does not act for %q as an active RESEARCH_SPONSOR organization", signer, orgID)
}

// studyForSponsor loads a study and checks that the signer acts for its
// sponsor organization, which must be ACTIVE with role RESEARCH_SPONSOR.
func (k Keeper) studyForSponsor(ctx context.Context, sponsor string, studyID uint64) (types.Study, registrytypes.Organization, error) {
	signer, err := k.parseAddress("sponsor", sponsor)
	if err != nil {
		return types.Study{}, registrytypes.Organization{}, err
	}
	s, err := k.GetStudy(ctx, studyID)
	if err != nil {
		return s, registrytypes.Organization{}, err
	}
	org, err := k.sponsorOrg(ctx, signer, s.SponsorOrg)
	return s, org, err
}

// participationOf loads the study and the signing patient's participation.
func (k Keeper) participationOf(ctx context.Context, patient string, studyID uint64) (types.Study, types.Participation, sdk.AccAddress, error) {
	addr, err := k.parseAddress("patient", patient)
	if err != nil {
		return types.Study{}, types.Participation{}, nil, err
	}
	s, err := k.GetStudy(ctx, studyID)
	if err != nil {
		return s, types.Participation{}, nil, err
	}
	p, err := k.GetParticipation(ctx, studyID, addr)
	return s, p, addr, err
}

// checkEndsAt checks a study's ends_at: after the block time, at most
// max_study_duration ahead.
func (k Keeper) checkEndsAt(ctx context.Context, endsAt time.Time) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	now := blockTime(ctx)
	if !endsAt.After(now) {
		return errorsmod.Wrapf(types.ErrInvalidStudy, "ends_at %s must be after the block time %s", endsAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if endsAt.Sub(now) > params.MaxStudyDuration {
		return errorsmod.Wrapf(types.ErrInvalidStudy, "ends_at %s is more than max_study_duration (%s) ahead", endsAt.UTC().Format(time.RFC3339), params.MaxStudyDuration)
	}
	return nil
}

// RegisterStudy registers a DRAFT study and escrows its incentives.
func (m msgServer) RegisterStudy(ctx context.Context, msg *types.MsgRegisterStudy) (*types.MsgRegisterStudyResponse, error) {
	signer, err := m.parseAddress("sponsor", msg.Sponsor)
	if err != nil {
		return nil, err
	}
	org, err := m.sponsorOrg(ctx, signer, msg.SponsorOrg)
	if err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateTitle(msg.Title); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	if err := types.ValidateHash("protocol_hash", msg.ProtocolHash); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	if err := types.ValidateURI("protocol_uri", msg.ProtocolUri, false); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	cats, err := types.NormalizeCategories(msg.RequestedCategories)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	if msg.TargetEnrollment == 0 || msg.TargetEnrollment > params.MaxTargetEnrollment {
		return nil, errorsmod.Wrapf(types.ErrInvalidStudy, "target_enrollment must be in [1, %d], got %d", params.MaxTargetEnrollment, msg.TargetEnrollment)
	}
	if err := types.ValidateIncentive(msg.Incentive); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	if err := m.checkEndsAt(ctx, msg.EndsAt); err != nil {
		return nil, err
	}
	if err := m.checkIRB(ctx, msg.IrbOrg, org.Id); err != nil {
		return nil, err
	}
	escrow, err := types.EscrowFor(msg.Incentive, msg.TargetEnrollment)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	if escrow.IsPositive() {
		if err := m.bank.SendCoinsFromAccountToModule(ctx, signer, types.ModuleName, sdk.NewCoins(escrow)); err != nil {
			return nil, err
		}
	}
	id, err := m.StudySeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	now := blockTime(ctx)
	s := types.Study{
		Id:                  id,
		SponsorOrg:          org.Id,
		Title:               msg.Title,
		ProtocolHash:        msg.ProtocolHash,
		ProtocolVersion:     1,
		ProtocolUri:         msg.ProtocolUri,
		IrbOrg:              msg.IrbOrg,
		RequestedCategories: cats,
		TargetEnrollment:    msg.TargetEnrollment,
		Incentive:           msg.Incentive,
		Status:              types.StudyStatusDraft,
		EndsAt:              msg.EndsAt,
		Escrow:              escrow,
		RegisteredBy:        msg.Sponsor,
		RegisteredAt:        now,
	}
	if err := m.insertStudy(ctx, s); err != nil {
		return nil, err
	}
	if err := m.ProtocolVersions.Set(ctx, collections.Join(id, uint32(1)), types.ProtocolVersion{
		StudyId: id, Version: 1, ProtocolHash: s.ProtocolHash, ProtocolUri: s.ProtocolUri,
		RequestedCategories: cats, EndsAt: s.EndsAt, SubmittedBy: msg.Sponsor, SubmittedAt: now,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRegisterStudyResponse{StudyId: id, Escrow: escrow}, emit(ctx, &types.EventStudyRegistered{
		StudyId: id, SponsorOrg: org.Id, IrbOrg: s.IrbOrg, ProtocolHash: s.ProtocolHash,
		TargetEnrollment: s.TargetEnrollment, Escrow: escrow, EndsAt: s.EndsAt, RegisteredBy: msg.Sponsor,
	})
}

// checkIRB checks that irbOrg is an ACTIVE organization with role IRB,
// other than the sponsor.
func (k Keeper) checkIRB(ctx context.Context, irbOrg, sponsorOrg string) error {
	if irbOrg == sponsorOrg {
		return errorsmod.Wrapf(types.ErrInvalidIRB, "%q cannot review its own study", irbOrg)
	}
	org, err := k.registry.GetOrganization(ctx, irbOrg)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidIRB, "%q: %s", irbOrg, err)
	}
	if !org.IsActive() || !org.HasRole(registrytypes.RoleIRB) {
		return errorsmod.Wrapf(types.ErrInvalidIRB, "%q is not an active IRB organization", irbOrg)
	}
	return nil
}

// ApproveStudy records the IRB's approval of the current protocol version.
func (m msgServer) ApproveStudy(ctx context.Context, msg *types.MsgApproveStudy) (*types.MsgApproveStudyResponse, error) {
	reviewer, err := m.parseAddress("reviewer", msg.Reviewer)
	if err != nil {
		return nil, err
	}
	s, err := m.GetStudy(ctx, msg.StudyId)
	if err != nil {
		return nil, err
	}
	member, err := m.registry.IsActiveMember(ctx, s.IrbOrg, reviewer)
	if err != nil {
		return nil, err
	}
	if !member {
		return nil, errorsmod.Wrapf(types.ErrNotIRBMember, "%s does not act for %q, the IRB of study %d, or it is not active", msg.Reviewer, s.IrbOrg, s.Id)
	}
	irb, err := m.registry.GetOrganization(ctx, s.IrbOrg)
	if err != nil {
		return nil, err
	}
	if !irb.HasRole(registrytypes.RoleIRB) {
		return nil, errorsmod.Wrapf(types.ErrNotIRBMember, "%q no longer holds the IRB role", s.IrbOrg)
	}
	conflicted, err := m.registry.IsMember(ctx, s.SponsorOrg, reviewer)
	if err != nil {
		return nil, err
	}
	if conflicted {
		return nil, errorsmod.Wrapf(types.ErrConflictOfInterest, "%s also acts for the sponsor %q", msg.Reviewer, s.SponsorOrg)
	}
	if s.IsFinal() {
		return nil, errorsmod.Wrapf(types.ErrWrongStudyStatus, "study %d is %s", s.Id, s.Status)
	}
	if msg.ProtocolVersion != s.ProtocolVersion || msg.ProtocolHash != s.ProtocolHash {
		return nil, errorsmod.Wrapf(types.ErrVersionMismatch, "study %d is at version %d with hash %s; the approval names version %d with hash %s",
			s.Id, s.ProtocolVersion, s.ProtocolHash, msg.ProtocolVersion, msg.ProtocolHash)
	}
	if s.CurrentVersionApproved() {
		return nil, errorsmod.Wrapf(types.ErrAlreadyApproved, "study %d version %d", s.Id, s.ProtocolVersion)
	}
	key := collections.Join(s.Id, s.ProtocolVersion)
	pv, err := m.ProtocolVersions.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	now := blockTime(ctx)
	pv.ApprovedBy, pv.ApprovedAt = msg.Reviewer, &now
	if err := m.ProtocolVersions.Set(ctx, key, pv); err != nil {
		return nil, err
	}
	old := s.Status
	s.ApprovedVersion = s.ProtocolVersion
	if s.Status == types.StudyStatusDraft {
		s.Status = types.StudyStatusApproved
	}
	if err := m.updateStudy(ctx, old, s); err != nil {
		return nil, err
	}
	return &types.MsgApproveStudyResponse{}, emit(ctx, &types.EventStudyApproved{
		StudyId: s.Id, IrbOrg: s.IrbOrg, ProtocolVersion: s.ProtocolVersion, ProtocolHash: s.ProtocolHash,
		Reviewer: msg.Reviewer, Status: s.Status,
	})
}

// AmendProtocol submits a new protocol version. No participation is
// touched: each remembers the version it consented to, and the consent
// guard suspends research access until the IRB approves the new version
// and the participant re-consents.
func (m msgServer) AmendProtocol(ctx context.Context, msg *types.MsgAmendProtocol) (*types.MsgAmendProtocolResponse, error) {
	s, _, err := m.studyForSponsor(ctx, msg.Sponsor, msg.StudyId)
	if err != nil {
		return nil, err
	}
	if s.IsFinal() {
		return nil, errorsmod.Wrapf(types.ErrWrongStudyStatus, "study %d is %s", s.Id, s.Status)
	}
	if err := types.ValidateHash("protocol_hash", msg.ProtocolHash); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
	}
	if msg.ProtocolHash == s.ProtocolHash {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, "an amendment needs a new protocol_hash")
	}
	if msg.ProtocolUri != "" {
		if err := types.ValidateURI("protocol_uri", msg.ProtocolUri, false); err != nil {
			return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
		}
		s.ProtocolUri = msg.ProtocolUri
	}
	if len(msg.RequestedCategories) > 0 {
		cats, err := types.NormalizeCategories(msg.RequestedCategories)
		if err != nil {
			return nil, errorsmod.Wrap(types.ErrInvalidStudy, err.Error())
		}
		s.RequestedCategories = cats
	}
	if msg.EndsAt != nil {
		if err := m.checkEndsAt(ctx, *msg.EndsAt); err != nil {
			return nil, err
		}
		s.EndsAt = *msg.EndsAt
	}
	if s.ProtocolVersion == math.MaxUint32 {
		return nil, errorsmod.Wrap(types.ErrInvalidStudy, "no more protocol versions")
	}
	old := s.Status
	s.ProtocolVersion++
	s.ProtocolHash = msg.ProtocolHash
	s.CurrentVersionConsents = 0
	if s.Status == types.StudyStatusApproved {
		s.Status = types.StudyStatusDraft // approved, never recruited: back to awaiting approval
	}
	if err := m.ProtocolVersions.Set(ctx, collections.Join(s.Id, s.ProtocolVersion), types.ProtocolVersion{
		StudyId: s.Id, Version: s.ProtocolVersion, ProtocolHash: s.ProtocolHash, ProtocolUri: s.ProtocolUri,
		RequestedCategories: s.RequestedCategories, EndsAt: s.EndsAt, SubmittedBy: msg.Sponsor, SubmittedAt: blockTime(ctx),
	}); err != nil {
		return nil, err
	}
	if err := m.updateStudy(ctx, old, s); err != nil {
		return nil, err
	}
	return &types.MsgAmendProtocolResponse{ProtocolVersion: s.ProtocolVersion}, emit(ctx, &types.EventProtocolAmended{
		StudyId: s.Id, ProtocolVersion: s.ProtocolVersion, ProtocolHash: s.ProtocolHash, AmendedBy: msg.Sponsor, Status: s.Status,
	})
}

// SetStudyStatus moves a study along its life; COMPLETED and TERMINATED
// return the unused escrow to the sponsor organization's payout address.
func (m msgServer) SetStudyStatus(ctx context.Context, msg *types.MsgSetStudyStatus) (*types.MsgSetStudyStatusResponse, error) {
	s, org, err := m.studyForSponsor(ctx, msg.Sponsor, msg.StudyId)
	if err != nil {
		return nil, err
	}
	if !types.TransitionAllowed(s.Status, msg.Status) {
		return nil, errorsmod.Wrapf(types.ErrInvalidStatusTransition, "study %d: %s to %s", s.Id, s.Status, msg.Status)
	}
	if msg.Status == types.StudyStatusRecruiting {
		if !s.CurrentVersionApproved() {
			return nil, errorsmod.Wrapf(types.ErrStudyNotApproved, "study %d version %d", s.Id, s.ProtocolVersion)
		}
		if !blockTime(ctx).Before(s.EndsAt) {
			return nil, errorsmod.Wrapf(types.ErrStudyEnded, "study %d ended at %s", s.Id, s.EndsAt.UTC().Format(time.RFC3339))
		}
	}
	old := s.Status
	s.Status = msg.Status
	returned := sdk.NewCoin(s.Incentive.Denom, sdkmath.ZeroInt())
	recipient := ""
	if s.IsFinal() {
		returned = s.Escrow
		recipient = org.PayoutAddress
		if returned.IsPositive() {
			to, err := m.parseAddress("payout_address", org.PayoutAddress)
			if err != nil {
				return nil, err
			}
			if err := m.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, to, sdk.NewCoins(returned)); err != nil {
				return nil, err
			}
		}
		s.Escrow = s.Escrow.Sub(returned)
	}
	if err := m.updateStudy(ctx, old, s); err != nil {
		return nil, err
	}
	return &types.MsgSetStudyStatusResponse{EscrowReturned: returned}, emit(ctx, &types.EventStudyStatusChanged{
		StudyId: s.Id, From: old, To: s.Status, ChangedBy: msg.Sponsor, EscrowReturned: returned, Recipient: recipient,
	})
}

// Enroll enrolls the signing patient, creates their research consent in
// x/consent and pays the incentive from escrow.
func (m msgServer) Enroll(ctx context.Context, msg *types.MsgEnroll) (*types.MsgEnrollResponse, error) {
	patient, err := m.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	s, err := m.GetStudy(ctx, msg.StudyId)
	if err != nil {
		return nil, err
	}
	now := blockTime(ctx)
	switch {
	case !s.CurrentVersionApproved():
		return nil, errorsmod.Wrapf(types.ErrStudyNotApproved, "study %d version %d awaits the IRB", s.Id, s.ProtocolVersion)
	case s.Status != types.StudyStatusRecruiting:
		return nil, errorsmod.Wrapf(types.ErrStudyNotRecruiting, "study %d is %s", s.Id, s.Status)
	case !now.Before(s.EndsAt):
		return nil, errorsmod.Wrapf(types.ErrStudyEnded, "study %d ended at %s", s.Id, s.EndsAt.UTC().Format(time.RFC3339))
	case s.EnrollmentCount >= s.TargetEnrollment:
		return nil, errorsmod.Wrapf(types.ErrStudyFull, "study %d enrolled %d of %d", s.Id, s.EnrollmentCount, s.TargetEnrollment)
	}
	key := collections.Join(s.Id, patient)
	if has, err := m.Participations.Has(ctx, key); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrAlreadyEnrolled, "study %d (a patient who withdrew cannot enroll again)", s.Id)
	}
	sponsor, err := m.registry.GetOrganization(ctx, s.SponsorOrg)
	if err != nil {
		return nil, err
	}
	if !sponsor.IsActive() {
		return nil, errorsmod.Wrapf(types.ErrStudyNotRecruiting, "study %d: the sponsor %q is not active", s.Id, s.SponsorOrg)
	}
	if s.Escrow.IsLT(s.Incentive) {
		return nil, errorsmod.Wrapf(types.ErrInsufficientEscrow, "study %d holds %s, the incentive is %s", s.Id, s.Escrow, s.Incentive)
	}
	consentID, err := m.createResearchConsent(ctx, s, msg.Patient, &sponsor)
	if err != nil {
		return nil, err
	}
	if s.Incentive.IsPositive() {
		if err := m.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, patient, sdk.NewCoins(s.Incentive)); err != nil {
			return nil, err
		}
		s.Escrow = s.Escrow.Sub(s.Incentive)
	}
	if err := m.Participations.Set(ctx, key, types.Participation{
		StudyId: s.Id, Patient: msg.Patient, ConsentId: consentID, ConsentedVersion: s.ProtocolVersion,
		EnrolledAt: now, IncentivePaid: s.Incentive,
	}); err != nil {
		return nil, err
	}
	if err := m.ParticipationByConsent.Set(ctx, consentID, key); err != nil {
		return nil, err
	}
	s.EnrollmentCount++
	s.CurrentVersionConsents++
	if err := m.Studies.Set(ctx, s.Id, s); err != nil {
		return nil, err
	}
	return &types.MsgEnrollResponse{ConsentId: consentID, IncentivePaid: s.Incentive}, emit(ctx, &types.EventParticipantEnrolled{
		StudyId: s.Id, ProtocolVersion: s.ProtocolVersion, EnrollmentCount: s.EnrollmentCount, IncentivePaid: s.Incentive,
	})
}

// Reconsent records the participant's consent to the current, approved
// protocol version: the previous research consent is revoked and a new one
// with the current terms (categories, ends_at) created.
func (m msgServer) Reconsent(ctx context.Context, msg *types.MsgReconsent) (*types.MsgReconsentResponse, error) {
	s, p, patient, err := m.participationOf(ctx, msg.Patient, msg.StudyId)
	if err != nil {
		return nil, err
	}
	switch {
	case p.IsWithdrawn():
		return nil, errorsmod.Wrapf(types.ErrAlreadyWithdrawn, "study %d", s.Id)
	case s.EndedAt(blockTime(ctx)):
		return nil, errorsmod.Wrapf(types.ErrStudyEnded, "study %d is %s, ends_at %s", s.Id, s.Status, s.EndsAt.UTC().Format(time.RFC3339))
	case !s.CurrentVersionApproved():
		return nil, errorsmod.Wrapf(types.ErrStudyNotApproved, "study %d version %d awaits the IRB; re-consent after its approval", s.Id, s.ProtocolVersion)
	}
	if err := m.revokeResearchConsent(ctx, p.ConsentId); err != nil {
		return nil, err
	}
	if err := m.ParticipationByConsent.Remove(ctx, p.ConsentId); err != nil {
		return nil, err
	}
	consentID, err := m.createResearchConsent(ctx, s, msg.Patient, nil)
	if err != nil {
		return nil, err
	}
	key := collections.Join(s.Id, patient)
	if err := m.ParticipationByConsent.Set(ctx, consentID, key); err != nil {
		return nil, err
	}
	if p.ConsentedVersion != s.ProtocolVersion {
		s.CurrentVersionConsents++
		if err := m.Studies.Set(ctx, s.Id, s); err != nil {
			return nil, err
		}
	}
	now := blockTime(ctx)
	p.ConsentId, p.ConsentedVersion, p.ReconsentedAt = consentID, s.ProtocolVersion, &now
	if err := m.Participations.Set(ctx, key, p); err != nil {
		return nil, err
	}
	return &types.MsgReconsentResponse{ConsentId: consentID, ProtocolVersion: s.ProtocolVersion}, emit(ctx, &types.EventParticipantReconsented{
		StudyId: s.Id, ProtocolVersion: s.ProtocolVersion, CurrentVersionConsents: s.CurrentVersionConsents,
	})
}

// Withdraw ends the patient's participation and revokes their research
// consent at once. It is allowed at any time, also after the study ended.
// The incentive already paid is the patient's.
func (m msgServer) Withdraw(ctx context.Context, msg *types.MsgWithdraw) (*types.MsgWithdrawResponse, error) {
	s, p, patient, err := m.participationOf(ctx, msg.Patient, msg.StudyId)
	if err != nil {
		return nil, err
	}
	if p.IsWithdrawn() {
		return nil, errorsmod.Wrapf(types.ErrAlreadyWithdrawn, "study %d", s.Id)
	}
	if err := m.revokeResearchConsent(ctx, p.ConsentId); err != nil {
		return nil, err
	}
	if err := m.ParticipationByConsent.Remove(ctx, p.ConsentId); err != nil {
		return nil, err
	}
	now := blockTime(ctx)
	if p.ConsentedVersion == s.ProtocolVersion {
		s.CurrentVersionConsents--
	}
	s.WithdrawalCount++
	if err := m.Studies.Set(ctx, s.Id, s); err != nil {
		return nil, err
	}
	p.WithdrawnAt = &now
	if err := m.Participations.Set(ctx, collections.Join(s.Id, patient), p); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawResponse{}, emit(ctx, &types.EventParticipantWithdrew{StudyId: s.Id, WithdrawalCount: s.WithdrawalCount})
}

// AnchorDataset records a de-identified dataset's hash and record count.
func (m msgServer) AnchorDataset(ctx context.Context, msg *types.MsgAnchorDataset) (*types.MsgAnchorDatasetResponse, error) {
	s, _, err := m.studyForSponsor(ctx, msg.Sponsor, msg.StudyId)
	if err != nil {
		return nil, err
	}
	switch s.Status {
	case types.StudyStatusRecruiting, types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated:
	default:
		return nil, errorsmod.Wrapf(types.ErrWrongStudyStatus, "study %d is %s: datasets are anchored once it has recruited", s.Id, s.Status)
	}
	if err := types.ValidateHash("dataset_hash", msg.DatasetHash); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDataset, err.Error())
	}
	if msg.RecordCount == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidDataset, "record_count must be at least 1")
	}
	if s.DatasetCount == math.MaxUint32 {
		return nil, errorsmod.Wrap(types.ErrInvalidDataset, "no more datasets")
	}
	hashKey := collections.Join(s.Id, msg.DatasetHash)
	if dup, err := m.DatasetHashes.Has(ctx, hashKey); err != nil {
		return nil, err
	} else if dup {
		return nil, errorsmod.Wrapf(types.ErrDuplicateDataset, "study %d, hash %s", s.Id, msg.DatasetHash)
	}
	s.DatasetCount++
	d := types.Dataset{
		StudyId: s.Id, Index: s.DatasetCount, DatasetHash: msg.DatasetHash, RecordCount: msg.RecordCount,
		ProtocolVersion: s.ProtocolVersion, AnchoredBy: msg.Sponsor, AnchoredAt: blockTime(ctx),
	}
	if err := m.Datasets.Set(ctx, collections.Join(s.Id, d.Index), d); err != nil {
		return nil, err
	}
	if err := m.DatasetHashes.Set(ctx, hashKey); err != nil {
		return nil, err
	}
	if err := m.Studies.Set(ctx, s.Id, s); err != nil {
		return nil, err
	}
	return &types.MsgAnchorDatasetResponse{Index: d.Index}, emit(ctx, &types.EventDatasetAnchored{
		StudyId: s.Id, Index: d.Index, DatasetHash: d.DatasetHash, RecordCount: d.RecordCount, AnchoredBy: msg.Sponsor,
	})
}

// PublishResults records the results, once, after recruitment has ended.
func (m msgServer) PublishResults(ctx context.Context, msg *types.MsgPublishResults) (*types.MsgPublishResultsResponse, error) {
	s, _, err := m.studyForSponsor(ctx, msg.Sponsor, msg.StudyId)
	if err != nil {
		return nil, err
	}
	if s.ResultsHash != "" {
		return nil, errorsmod.Wrapf(types.ErrResultsAlreadyPublished, "study %d published %s", s.Id, s.ResultsHash)
	}
	switch s.Status {
	case types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated:
	default:
		return nil, errorsmod.Wrapf(types.ErrWrongStudyStatus, "study %d is %s: results are published once recruitment has ended (CLOSED, COMPLETED or TERMINATED)", s.Id, s.Status)
	}
	if err := types.ValidateHash("results_hash", msg.ResultsHash); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidResults, err.Error())
	}
	if err := types.ValidateURI("results_uri", msg.ResultsUri, true); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidResults, err.Error())
	}
	now := blockTime(ctx)
	s.ResultsHash, s.ResultsUri, s.ResultsPublishedAt = msg.ResultsHash, msg.ResultsUri, &now
	if err := m.Studies.Set(ctx, s.Id, s); err != nil {
		return nil, err
	}
	return &types.MsgPublishResultsResponse{}, emit(ctx, &types.EventResultsPublished{
		StudyId: s.Id, ResultsHash: s.ResultsHash, ResultsUri: s.ResultsUri, PublishedBy: msg.Sponsor,
	})
}

// UpdateParams replaces the parameters (governance only).
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, err.Error())
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, emit(ctx, &types.EventParamsUpdated{Params: &msg.Params})
}
