package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/typedevent"
	"github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the records module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// emit emits a typed event exactly as EmitTypedEvent does (through the
// event's own ToEvent when it has one: typedevent.Fast).
func emit(ctx context.Context, ev proto.Message) error {
	return typedevent.Emit(ctx, ev)
}

// CreateRecord anchors a record written by the patient, or by a member of
// an ACTIVE PROVIDER organization that the patient's consent permits to
// WRITE for TREAT in the record's category. A record that supersedes
// another turns it SUPERSEDED.
func (m msgServer) CreateRecord(ctx context.Context, msg *types.MsgCreateRecord) (*types.MsgCreateRecordResponse, error) {
	author, err := m.parseAddress("author", msg.Author)
	if err != nil {
		return nil, err
	}
	patient, err := m.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := validateNewRecord(msg, params); err != nil {
		return nil, err
	}

	var prev types.Record
	if msg.Supersedes != 0 {
		if prev, err = m.checkSupersede(ctx, msg, author); err != nil {
			return nil, err
		}
	}
	custodian, consentID, err := m.authorizeWrite(ctx, msg.Author, author, patient, msg.Category, msg.Supersedes)
	if err != nil {
		return nil, err
	}

	hash, err := types.HashBytes(msg.CiphertextHash)
	if err != nil {
		return nil, err
	}
	if existing, err := m.RecordsByHash.Get(ctx, hash); err == nil {
		return nil, errorsmod.Wrapf(types.ErrDuplicateCiphertext, "record %d anchors %s", existing, msg.CiphertextHash)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}

	id, err := peekID(ctx, m.RecordSeq)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	r := types.Record{
		Id:                id,
		Patient:           msg.Patient,
		CustodianOrg:      custodian,
		Author:            msg.Author,
		Category:          msg.Category,
		CiphertextHash:    msg.CiphertextHash,
		ContentCommitment: msg.ContentCommitment,
		SizeBytes:         msg.SizeBytes,
		Locator:           msg.Locator,
		Supersedes:        msg.Supersedes,
		Status:            types.RecordStatusCurrent,
		CreatedAt:         sdkCtx.BlockTime(),
		CreatedHeight:     sdkCtx.BlockHeight(),
		FirstVersionId:    id,
		Version:           1,
	}
	if msg.Supersedes != 0 {
		r.FirstVersionId, r.Version = prev.FirstVersionId, prev.Version+1
	}

	// Check every initial envelope before anything is written.
	envelopes := make([]types.KeyEnvelope, 0, len(msg.KeyEnvelopes))
	recipients := make([]sdk.AccAddress, 0, len(msg.KeyEnvelopes))
	for i, in := range msg.KeyEnvelopes {
		recipient, err := m.parseAddress("key_envelopes.recipient", in.Recipient)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(recipients, func(a sdk.AccAddress) bool { return a.Equals(recipient) }) {
			return nil, errorsmod.Wrapf(types.ErrInvalidEnvelope, "key_envelopes[%d]: recipient %s is listed twice", i, in.Recipient)
		}
		env, err := m.newEnvelope(ctx, r, author, recipient, consenttypes.PurposeTreat, in.Scheme, in.EphemeralPublicKey, in.WrappedKey)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "key_envelopes[%d]", i)
		}
		recipients = append(recipients, recipient)
		envelopes = append(envelopes, env)
	}

	if err := takeID(ctx, m.RecordSeq, id); err != nil {
		return nil, err
	}
	if err := m.setNewRecord(ctx, r); err != nil {
		return nil, err
	}
	if msg.Supersedes != 0 {
		prev.SupersededBy = id
		prev.Status = types.RecordStatusSuperseded
		if err := m.setStatus(ctx, prev, types.RecordStatusCurrent); err != nil {
			return nil, err
		}
	}
	if err := emit(ctx, &types.EventRecordCreated{
		RecordId: id, Patient: r.Patient, Author: r.Author, CustodianOrg: r.CustodianOrg, Category: r.Category,
		CiphertextHash: r.CiphertextHash, Supersedes: r.Supersedes, Version: r.Version, ConsentId: consentID,
	}); err != nil {
		return nil, err
	}
	if msg.Supersedes != 0 {
		if err := emit(ctx, &types.EventRecordSuperseded{RecordId: prev.Id, SupersededBy: id, Patient: prev.Patient}); err != nil {
			return nil, err
		}
	}
	if err := m.storeInitialEnvelopes(ctx, r, recipients, envelopes, params); err != nil {
		return nil, err
	}
	return &types.MsgCreateRecordResponse{RecordId: id}, nil
}

// storeInitialEnvelopes stores the checked envelopes of a record created
// in this transaction and emits their events, like storeEnvelope for each
// in turn. The record is new, so it has no envelope and no count yet, and
// its recipients are distinct (checked): nothing needs to be read.
func (m msgServer) storeInitialEnvelopes(ctx context.Context, r types.Record, recipients []sdk.AccAddress, envelopes []types.KeyEnvelope, params types.Params) error {
	for i, env := range envelopes {
		if n := uint32(i); n >= params.MaxEnvelopesPerRecord {
			return errorsmod.Wrapf(types.ErrTooManyEnvelopes, "record %d has %d envelopes, max_envelopes_per_record is %d", r.Id, n, params.MaxEnvelopesPerRecord)
		}
		if err := m.Envelopes.Set(ctx, collections.Join(r.Id, recipients[i]), env); err != nil {
			return err
		}
		if err := emit(ctx, &types.EventKeyEnvelopeAdded{
			RecordId: r.Id, Patient: r.Patient, Recipient: env.Recipient, AddedBy: env.AddedBy,
			ConsentId: env.ConsentId, BreakGlassId: env.BreakGlassId,
		}); err != nil {
			return err
		}
	}
	if len(envelopes) == 0 {
		return nil
	}
	return m.EnvelopeCounts.Set(ctx, r.Id, uint32(len(envelopes)))
}

// validateNewRecord checks the fields of a new record against the field
// limits and the parameters.
func validateNewRecord(msg *types.MsgCreateRecord, params types.Params) error {
	if err := types.ValidateCategory(msg.Category); err != nil {
		return err
	}
	if err := types.ValidateSHA256Hex("ciphertext_hash", msg.CiphertextHash); err != nil {
		return err
	}
	if err := types.ValidateSHA256Hex("content_commitment", msg.ContentCommitment); err != nil {
		return err
	}
	if msg.ContentCommitment == msg.CiphertextHash {
		return errorsmod.Wrap(types.ErrInvalidHash, "content_commitment equals ciphertext_hash: the commitment is SHA-256(salt || plaintext), the hash is SHA-256 of the encrypted blob")
	}
	if msg.SizeBytes == 0 || msg.SizeBytes > params.MaxSizeBytes {
		return errorsmod.Wrapf(types.ErrInvalidSize, "size_bytes must be in [1, %d], got %d", params.MaxSizeBytes, msg.SizeBytes)
	}
	if err := types.ValidateLocator(msg.Locator); err != nil {
		return err
	}
	if uint32(len(msg.KeyEnvelopes)) > params.MaxInitialEnvelopes {
		return errorsmod.Wrapf(types.ErrTooManyEnvelopes, "%d key envelopes, max_initial_envelopes is %d", len(msg.KeyEnvelopes), params.MaxInitialEnvelopes)
	}
	return nil
}

// checkSupersede checks that the record msg supersedes exists, is CURRENT,
// has the same patient and category, and that the author is its patient or
// a member of its custodian organization. It returns that record.
func (m msgServer) checkSupersede(ctx context.Context, msg *types.MsgCreateRecord, author sdk.AccAddress) (types.Record, error) {
	prev, err := m.GetRecord(ctx, msg.Supersedes)
	if err != nil {
		return prev, err
	}
	if msg.Author != prev.Patient {
		custodian, err := m.isCustodian(ctx, prev, author)
		if err != nil {
			return prev, err
		}
		if !custodian {
			return prev, errorsmod.Wrapf(types.ErrNotCustodian, "%s may not supersede record %d (custodian %q)", msg.Author, prev.Id, prev.CustodianOrg)
		}
	}
	if prev.Patient != msg.Patient || prev.Category != msg.Category {
		return prev, errorsmod.Wrapf(types.ErrSupersedeMismatch, "record %d is %s's %s", prev.Id, prev.Patient, prev.Category)
	}
	if prev.Status != types.RecordStatusCurrent {
		return prev, errorsmod.Wrapf(types.ErrRecordNotCurrent, "record %d is %s", prev.Id, prev.Status)
	}
	return prev, nil
}

// authorizeWrite applies the write rule. The patient writes their own
// records (no custodian organization). Anyone else must act for an ACTIVE
// PROVIDER organization and hold, through x/consent, WRITE for TREAT on the
// category (and the superseded record, if any). The custodian is the
// organization the permitting consent names, which must be one of the
// author's ACTIVE PROVIDER organizations; a consent naming the author
// personally makes the first (by id) of those the custodian. It returns
// the custodian and the permitting consent.
func (m msgServer) authorizeWrite(ctx context.Context, authorStr string, author, patient sdk.AccAddress, category string, supersedes uint64) (string, uint64, error) {
	if bytes.Equal(author, patient) {
		return "", 0, nil
	}
	// The author's organizations are read once: their PROVIDER ones here,
	// all of them for the consent decision.
	orgs, err := m.registry.ActiveOrganizations(ctx, author)
	if err != nil {
		return "", 0, err
	}
	providers := registrytypes.WithRole(orgs, registrytypes.RoleProvider)
	if len(providers) == 0 {
		return "", 0, errorsmod.Wrapf(types.ErrNotProvider, "%s acts for no active PROVIDER organization", authorStr)
	}
	d, c, err := m.consent.CheckAccessWithOrganizations(ctx, consenttypes.AccessRequest{
		Accessor: author, Patient: patient, Action: consenttypes.ActionWrite, Purpose: consenttypes.PurposeTreat,
		Category: category, RecordID: supersedes,
	}, orgs)
	if err != nil {
		return "", 0, err
	}
	if !d.Permitted() || d.ConsentID == 0 {
		return "", 0, errorsmod.Wrapf(types.ErrWriteDenied, "WRITE for TREAT on %s: %s (consent %d)", category, d.Reason, d.ConsentID)
	}
	if c.GranteeOrg == "" {
		return providers[0].Id, c.Id, nil
	}
	for _, org := range providers {
		if org.Id == c.GranteeOrg {
			return org.Id, c.Id, nil
		}
	}
	return "", 0, errorsmod.Wrapf(types.ErrNotProvider, "the consent permitting the write (%d) names %q, which is not an active PROVIDER organization", c.Id, c.GranteeOrg)
}

// newEnvelope checks an envelope for recipient and returns it, not yet
// stored: valid key material, no envelope for the recipient yet, room
// under max_envelopes_per_record, and a recipient who is the patient, the
// author, or holds READ for purpose now.
func (m msgServer) newEnvelope(ctx context.Context, r types.Record, signer, recipient sdk.AccAddress, purpose consenttypes.Purpose,
	scheme string, ephemeralPublicKey, wrappedKey []byte,
) (types.KeyEnvelope, error) {
	if err := types.ValidateEnvelopeKeys(scheme, ephemeralPublicKey, wrappedKey); err != nil {
		return types.KeyEnvelope{}, err
	}
	env := types.KeyEnvelope{
		RecordId:           r.Id,
		Scheme:             scheme,
		EphemeralPublicKey: ephemeralPublicKey,
		WrappedKey:         wrappedKey,
		AddedAt:            sdk.UnwrapSDKContext(ctx).BlockTime(),
	}
	var err error
	if env.Recipient, err = m.addressCodec.BytesToString(recipient); err != nil {
		return env, err
	}
	if env.AddedBy, err = m.addressCodec.BytesToString(signer); err != nil {
		return env, err
	}
	if env.Recipient != r.Patient && env.Recipient != r.Author {
		if err := consenttypes.ValidatePurpose(purpose); err != nil {
			return env, errorsmod.Wrapf(types.ErrInvalidPurpose, "an envelope for %s needs the purpose they read for: %s", env.Recipient, err)
		}
		d, err := m.checkAccess(ctx, r, recipient, consenttypes.ActionRead, purpose)
		if err != nil {
			return env, err
		}
		if !d.Permitted() {
			return env, errorsmod.Wrapf(types.ErrRecipientNotPermitted, "%s may not READ record %d for %s: %s", env.Recipient, r.Id, purpose, d.Reason)
		}
		env.ConsentId, env.BreakGlassId = d.ConsentID, d.BreakGlassID
	}
	return env, nil
}

// storeEnvelope stores a checked envelope and emits its event.
func (m msgServer) storeEnvelope(ctx context.Context, r types.Record, recipient sdk.AccAddress, env types.KeyEnvelope) error {
	exists, err := m.Envelopes.Has(ctx, collections.Join(r.Id, recipient))
	if err != nil {
		return err
	}
	if exists {
		return errorsmod.Wrapf(types.ErrEnvelopeExists, "record %d, recipient %s", r.Id, env.Recipient)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return err
	}
	n, err := m.envelopeCount(ctx, r.Id)
	if err != nil {
		return err
	}
	if n >= params.MaxEnvelopesPerRecord {
		return errorsmod.Wrapf(types.ErrTooManyEnvelopes, "record %d has %d envelopes, max_envelopes_per_record is %d", r.Id, n, params.MaxEnvelopesPerRecord)
	}
	if err := m.setEnvelope(ctx, recipient, env); err != nil {
		return err
	}
	return emit(ctx, &types.EventKeyEnvelopeAdded{
		RecordId: r.Id, Patient: r.Patient, Recipient: env.Recipient, AddedBy: env.AddedBy,
		ConsentId: env.ConsentId, BreakGlassId: env.BreakGlassId,
	})
}

// MarkEnteredInError marks a record as a mistake. Only the patient or a
// member of the custodian organization may; the status is final.
func (m msgServer) MarkEnteredInError(ctx context.Context, msg *types.MsgMarkEnteredInError) (*types.MsgMarkEnteredInErrorResponse, error) {
	signer, err := m.parseAddress("signer", msg.Signer)
	if err != nil {
		return nil, err
	}
	r, err := m.GetRecord(ctx, msg.RecordId)
	if err != nil {
		return nil, err
	}
	if msg.Signer != r.Patient {
		custodian, err := m.isCustodian(ctx, r, signer)
		if err != nil {
			return nil, err
		}
		if !custodian {
			return nil, errorsmod.Wrapf(types.ErrNotCustodian, "%s may not mark record %d (custodian %q)", msg.Signer, r.Id, r.CustodianOrg)
		}
	}
	if r.Status == types.RecordStatusEnteredInError {
		return nil, errorsmod.Wrapf(types.ErrAlreadyEnteredInError, "record %d", r.Id)
	}
	old := r.Status
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	r.Status, r.EnteredInErrorBy, r.EnteredInErrorAt = types.RecordStatusEnteredInError, msg.Signer, &now
	if err := m.setStatus(ctx, r, old); err != nil {
		return nil, err
	}
	if err := emit(ctx, &types.EventRecordEnteredInError{RecordId: r.Id, Patient: r.Patient, Signer: msg.Signer, PreviousStatus: old}); err != nil {
		return nil, err
	}
	return &types.MsgMarkEnteredInErrorResponse{}, nil
}

// AddKeyEnvelope wraps a record's data key to one more recipient. The
// signer is the patient, the author or a member of the custodian
// organization; the recipient is the patient, the author, or an account
// that x/consent permits to READ the record for msg.Purpose now.
func (m msgServer) AddKeyEnvelope(ctx context.Context, msg *types.MsgAddKeyEnvelope) (*types.MsgAddKeyEnvelopeResponse, error) {
	signer, err := m.parseAddress("signer", msg.Signer)
	if err != nil {
		return nil, err
	}
	r, err := m.GetRecord(ctx, msg.RecordId)
	if err != nil {
		return nil, err
	}
	if msg.Signer != r.Patient && msg.Signer != r.Author {
		custodian, err := m.isCustodian(ctx, r, signer)
		if err != nil {
			return nil, err
		}
		if !custodian {
			return nil, errorsmod.Wrapf(types.ErrNotEnvelopeSigner, "%s may not add envelopes to record %d", msg.Signer, r.Id)
		}
	}
	recipient, err := m.parseAddress("recipient", msg.Recipient)
	if err != nil {
		return nil, err
	}
	env, err := m.newEnvelope(ctx, r, signer, recipient, msg.Purpose, msg.Scheme, msg.EphemeralPublicKey, msg.WrappedKey)
	if err != nil {
		return nil, err
	}
	if err := m.storeEnvelope(ctx, r, recipient, env); err != nil {
		return nil, err
	}
	return &types.MsgAddKeyEnvelopeResponse{}, nil
}

// RecordAccess logs a read in the patient's accounting of disclosures. It
// asks x/consent (READ, msg.Purpose, the record's category and id) and logs
// only a PERMIT, naming the consent or break-glass grant that permitted it;
// a refusal fails and logs nothing. The patient's own reads are logged too
// (consent_id and break_glass_id 0), so that the off-chain store treats
// every download alike.
func (m msgServer) RecordAccess(ctx context.Context, msg *types.MsgRecordAccess) (*types.MsgRecordAccessResponse, error) {
	accessor, err := m.parseAddress("accessor", msg.Accessor)
	if err != nil {
		return nil, err
	}
	if err := consenttypes.ValidatePurpose(msg.Purpose); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidPurpose, err.Error())
	}
	r, err := m.GetRecord(ctx, msg.RecordId)
	if err != nil {
		return nil, err
	}
	d, c, err := m.checkAccessWithConsent(ctx, r, accessor, consenttypes.ActionRead, msg.Purpose)
	if err != nil {
		return nil, err
	}
	if !d.Permitted() {
		return nil, errorsmod.Wrapf(types.ErrAccessDenied, "%s may not READ record %d for %s: %s (consent %d)", msg.Accessor, r.Id, msg.Purpose, d.Reason, d.ConsentID)
	}
	org, err := m.accessorOrg(ctx, d, c)
	if err != nil {
		return nil, err
	}
	id, err := peekID(ctx, m.AccessEventSeq)
	if err != nil {
		return nil, err
	}
	if err := takeID(ctx, m.AccessEventSeq, id); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ev := types.AccessEvent{
		Id:           id,
		Accessor:     msg.Accessor,
		AccessorOrg:  org,
		Patient:      r.Patient,
		RecordId:     r.Id,
		Purpose:      msg.Purpose,
		ConsentId:    d.ConsentID,
		BreakGlassId: d.BreakGlassID,
		Time:         sdkCtx.BlockTime(),
		Height:       sdkCtx.BlockHeight(),
	}
	if err := m.setAccessEvent(ctx, ev); err != nil {
		return nil, err
	}
	if err := emit(ctx, &types.EventRecordAccessed{
		AccessEventId: id, RecordId: r.Id, Patient: r.Patient, Accessor: ev.Accessor, AccessorOrg: org,
		Purpose: ev.Purpose, ConsentId: ev.ConsentId, BreakGlassId: ev.BreakGlassId,
	}); err != nil {
		return nil, err
	}
	if d.BreakGlassID != 0 {
		if err := emit(ctx, &types.EventBreakGlassRecordAccessed{
			AccessEventId: id, RecordId: r.Id, Patient: r.Patient, Accessor: ev.Accessor, AccessorOrg: org, BreakGlassId: d.BreakGlassID,
		}); err != nil {
			return nil, err
		}
	}
	return &types.MsgRecordAccessResponse{AccessEventId: id}, nil
}

// accessorOrg is the organization a PERMIT was given to: the one the
// consent names, or the one the break-glass grant was opened under; empty
// for a consent naming the accessor personally and for the patient. c is
// the consent the decision names, as CheckAccessWithConsent returned it.
func (m msgServer) accessorOrg(ctx context.Context, d consenttypes.AccessDecision, c consenttypes.Consent) (string, error) {
	switch {
	case d.BreakGlassID != 0:
		g, err := m.consent.GetBreakGlass(ctx, d.BreakGlassID)
		if err != nil {
			return "", err
		}
		return g.OrganizationId, nil
	case d.ConsentID != 0:
		if c.Id != d.ConsentID {
			return "", fmt.Errorf("consent %d decided, but consent %d was returned", d.ConsentID, c.Id)
		}
		return c.GranteeOrg, nil
	default:
		return "", nil
	}
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
	if err := emit(ctx, &types.EventParamsUpdated{Params: &msg.Params}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
