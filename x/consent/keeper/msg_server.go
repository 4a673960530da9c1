package keeper

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the consent module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// GrantConsent records a consent provision signed by the patient or an
// active representative.
func (m msgServer) GrantConsent(ctx context.Context, msg *types.MsgGrantConsent) (*types.MsgGrantConsentResponse, error) {
	patient, err := m.authorizeForPatient(ctx, msg.Signer, msg.Patient)
	if err != nil {
		return nil, err
	}
	var validFrom time.Time // zero: from the block time
	if msg.ValidFrom != nil {
		validFrom = *msg.ValidFrom
	}
	id, err := m.grantConsent(ctx, types.Consent{
		Patient:            msg.Patient,
		Grantee:            msg.Grantee,
		GranteeOrg:         msg.GranteeOrg,
		Decision:           msg.Decision,
		Actions:            msg.Actions,
		Purposes:           msg.Purposes,
		Categories:         msg.Categories,
		RecordIds:          msg.RecordIds,
		ValidFrom:          validFrom,
		ExpiresAt:          msg.ExpiresAt,
		SourceDocumentHash: msg.SourceDocumentHash,
		GrantedBy:          msg.Signer,
	}, grantKnown{patient: patient})
	if err != nil {
		return nil, err
	}
	return &types.MsgGrantConsentResponse{ConsentId: id}, nil
}

// RevokeConsent ends a patient-granted consent at once.
func (m msgServer) RevokeConsent(ctx context.Context, msg *types.MsgRevokeConsent) (*types.MsgRevokeConsentResponse, error) {
	if _, err := m.authorizeForPatient(ctx, msg.Signer, msg.Patient); err != nil {
		return nil, err
	}
	c, err := m.GetConsent(ctx, msg.ConsentId)
	if err != nil {
		return nil, err
	}
	if c.Patient != msg.Patient {
		return nil, errorsmod.Wrapf(types.ErrConsentPatientMismatch, "consent %d is not %s's", c.Id, msg.Patient)
	}
	if c.IsManaged() {
		return nil, errorsmod.Wrapf(types.ErrManagedConsent, "consent %d is managed by %q", c.Id, c.ManagedBy)
	}
	if c.Status != types.ConsentStatusActive {
		return nil, errorsmod.Wrapf(types.ErrConsentNotActive, "consent %d is %s", c.Id, c.Status)
	}
	if err := m.revokeConsent(ctx, c, msg.Signer); err != nil {
		return nil, err
	}
	return &types.MsgRevokeConsentResponse{}, nil
}

// AppointRepresentative lets an account act for the signing patient until
// expires_at. Appointing an existing representative again replaces the
// expiry (to extend or shorten it).
func (m msgServer) AppointRepresentative(ctx context.Context, msg *types.MsgAppointRepresentative) (*types.MsgAppointRepresentativeResponse, error) {
	patient, err := m.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	rep, err := m.parseAddress("representative", msg.Representative)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(patient, rep) {
		return nil, errorsmod.Wrap(types.ErrInvalidRepresentative, "a patient cannot appoint themselves")
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if !now.Before(msg.ExpiresAt) {
		return nil, errorsmod.Wrapf(types.ErrInvalidRepresentative, "expires_at %s is not after the block time %s",
			msg.ExpiresAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.ExpiresAt.Sub(now) > params.MaxConsentDuration {
		return nil, errorsmod.Wrapf(types.ErrConsentTooLong, "an appointment may last at most %s", params.MaxConsentDuration)
	}
	r := types.Representative{Patient: msg.Patient, Representative: msg.Representative, AppointedAt: now, ExpiresAt: msg.ExpiresAt}
	if err := m.Representatives.Set(ctx, collections.Join(patient, rep), r); err != nil {
		return nil, err
	}
	if err := m.RepresentedPatients.Set(ctx, collections.Join(rep, patient)); err != nil {
		return nil, err
	}
	return &types.MsgAppointRepresentativeResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRepresentativeAppointed{
		Patient:        msg.Patient,
		Representative: msg.Representative,
		ExpiresAt:      msg.ExpiresAt,
	})
}

// RemoveRepresentative ends an appointment; only the patient may.
func (m msgServer) RemoveRepresentative(ctx context.Context, msg *types.MsgRemoveRepresentative) (*types.MsgRemoveRepresentativeResponse, error) {
	if err := m.removeRepresentative(ctx, msg.Patient, msg.Representative, msg.Patient); err != nil {
		return nil, err
	}
	return &types.MsgRemoveRepresentativeResponse{}, nil
}

// ResignRepresentative lets a representative end their own appointment.
func (m msgServer) ResignRepresentative(ctx context.Context, msg *types.MsgResignRepresentative) (*types.MsgResignRepresentativeResponse, error) {
	if err := m.removeRepresentative(ctx, msg.Patient, msg.Representative, msg.Representative); err != nil {
		return nil, err
	}
	return &types.MsgResignRepresentativeResponse{}, nil
}

func (k Keeper) removeRepresentative(ctx context.Context, patientStr, repStr, removedBy string) error {
	patient, err := k.parseAddress("patient", patientStr)
	if err != nil {
		return err
	}
	rep, err := k.parseAddress("representative", repStr)
	if err != nil {
		return err
	}
	key := collections.Join(patient, rep)
	has, err := k.Representatives.Has(ctx, key)
	if err != nil {
		return err
	}
	if !has {
		return errorsmod.Wrapf(types.ErrRepresentativeNotFound, "%s does not represent %s", repStr, patientStr)
	}
	if err := k.Representatives.Remove(ctx, key); err != nil {
		return err
	}
	if err := k.RepresentedPatients.Remove(ctx, collections.Join(rep, patient)); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRepresentativeRemoved{
		Patient:        patientStr,
		Representative: repStr,
		RemovedBy:      removedBy,
	})
}

// BreakGlass opens emergency access for a member of an ACTIVE PROVIDER
// organization.
func (m msgServer) BreakGlass(ctx context.Context, msg *types.MsgBreakGlass) (*types.MsgBreakGlassResponse, error) {
	accessor, err := m.parseAddress("accessor", msg.Accessor)
	if err != nil {
		return nil, err
	}
	patient, err := m.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	orgs, err := m.registry.ActiveOrganizationsWithRole(ctx, accessor, registrytypes.RoleProvider)
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, errorsmod.Wrapf(types.ErrNotProvider, "%s", msg.Accessor)
	}
	org := orgs[0]
	if msg.OrganizationId != "" {
		i := slices.IndexFunc(orgs, func(o registrytypes.Organization) bool { return o.Id == msg.OrganizationId })
		if i < 0 {
			return nil, errorsmod.Wrapf(types.ErrNotProvider, "%s does not act for an active PROVIDER organization %q", msg.Accessor, msg.OrganizationId)
		}
		org = orgs[i]
	}
	if bytes.Equal(accessor, patient) {
		return nil, errorsmod.Wrap(types.ErrInvalidBreakGlass, "a patient always has access to their own data")
	}
	if err := types.ValidateBreakGlassReason(msg.Reason); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidBreakGlass, err.Error())
	}
	if !types.IsSHA256Hex(msg.JustificationHash) {
		return nil, errorsmod.Wrap(types.ErrInvalidBreakGlass, "justification_hash must be a SHA-256 digest as 64 lowercase hex characters")
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := sdkCtx.BlockTime()
	open, err := m.openBreakGlass(ctx, patient, accessor, now)
	if err != nil {
		return nil, err
	}
	if open != 0 {
		return nil, errorsmod.Wrapf(types.ErrBreakGlassOpen, "break-glass %d", open)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	id, err := m.nextID(ctx, m.BreakGlassSeq)
	if err != nil {
		return nil, err
	}
	g := types.BreakGlassGrant{
		Id:                id,
		Accessor:          msg.Accessor,
		Patient:           msg.Patient,
		OrganizationId:    org.Id,
		Reason:            msg.Reason,
		JustificationHash: msg.JustificationHash,
		OpenedAt:          now,
		ExpiresAt:         now.Add(params.BreakGlassDuration),
		OpenedHeight:      sdkCtx.BlockHeight(),
	}
	if err := m.setBreakGlass(ctx, g, patient, accessor); err != nil {
		return nil, err
	}
	return &types.MsgBreakGlassResponse{BreakGlassId: id, ExpiresAt: g.ExpiresAt}, sdkCtx.EventManager().EmitTypedEvent(&types.EventBreakGlassOpened{
		BreakGlassId:      id,
		Patient:           g.Patient,
		Accessor:          g.Accessor,
		OrganizationId:    g.OrganizationId,
		Reason:            g.Reason,
		JustificationHash: g.JustificationHash,
		ExpiresAt:         g.ExpiresAt,
	})
}

// setBreakGlass stores a grant with its indexes; the latest-grant pointer
// only ever moves forward.
func (k Keeper) setBreakGlass(ctx context.Context, g types.BreakGlassGrant, patient, accessor sdk.AccAddress) error {
	if err := k.BreakGlassGrants.Set(ctx, g.Id, g); err != nil {
		return err
	}
	if err := k.BreakGlassByPatient.Set(ctx, collections.Join(patient, g.Id)); err != nil {
		return err
	}
	if err := k.BreakGlassByOrg.Set(ctx, collections.Join(g.OrganizationId, g.Id)); err != nil {
		return err
	}
	pair := collections.Join(patient, accessor)
	latest, err := k.LatestBreakGlass.Get(ctx, pair)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if g.Id > latest {
		return k.LatestBreakGlass.Set(ctx, pair, g.Id)
	}
	return nil
}

// ReviewBreakGlass records the one review of a break-glass access.
func (m msgServer) ReviewBreakGlass(ctx context.Context, msg *types.MsgReviewBreakGlass) (*types.MsgReviewBreakGlassResponse, error) {
	if _, err := m.parseAddress("reviewer", msg.Reviewer); err != nil {
		return nil, err
	}
	g, err := m.GetBreakGlass(ctx, msg.BreakGlassId)
	if err != nil {
		return nil, err
	}
	if g.Review != nil {
		return nil, errorsmod.Wrapf(types.ErrAlreadyReviewed, "break-glass %d was reviewed by %s", g.Id, g.Review.Reviewer)
	}
	if err := types.ValidateReviewOutcome(msg.Outcome); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidBreakGlass, err.Error())
	}
	if msg.NoteHash != "" && !types.IsSHA256Hex(msg.NoteHash) {
		return nil, errorsmod.Wrap(types.ErrInvalidBreakGlass, "note_hash must be a SHA-256 digest as 64 lowercase hex characters")
	}
	if err := m.checkReviewer(ctx, g, msg.Reviewer); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	g.Review = &types.BreakGlassReview{
		Reviewer:   msg.Reviewer,
		Outcome:    msg.Outcome,
		NoteHash:   msg.NoteHash,
		ReviewedAt: sdkCtx.BlockTime(),
	}
	if err := m.BreakGlassGrants.Set(ctx, g.Id, g); err != nil {
		return nil, err
	}
	return &types.MsgReviewBreakGlassResponse{}, sdkCtx.EventManager().EmitTypedEvent(&types.EventBreakGlassReviewed{
		BreakGlassId:   g.Id,
		Patient:        g.Patient,
		OrganizationId: g.OrganizationId,
		Reviewer:       msg.Reviewer,
		Outcome:        msg.Outcome,
	})
}

// checkReviewer admits the patient, an active representative of the
// patient, or the current admin of the organization the accessor acted
// for — never the accessor themselves.
func (k Keeper) checkReviewer(ctx context.Context, g types.BreakGlassGrant, reviewerStr string) error {
	if reviewerStr == g.Accessor {
		return errorsmod.Wrap(types.ErrNotReviewer, "the accessor cannot review their own break-glass access")
	}
	if reviewerStr == g.Patient {
		return nil
	}
	org, err := k.registry.GetOrganization(ctx, g.OrganizationId)
	if err != nil {
		return err
	}
	if reviewerStr == org.Admin {
		return nil
	}
	if _, err := k.authorizeForPatient(ctx, reviewerStr, g.Patient); err == nil {
		return nil
	} else if !errors.Is(err, types.ErrNotPatientOrRepresentative) && !errors.Is(err, types.ErrRepresentativeExpired) {
		return err
	}
	return errorsmod.Wrapf(types.ErrNotReviewer, "%s is not the patient, an active representative of the patient, or the admin of %q", reviewerStr, g.OrganizationId)
}

// UpdateParams replaces the parameters.
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
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventParamsUpdated{
		Params: &msg.Params,
	})
}
