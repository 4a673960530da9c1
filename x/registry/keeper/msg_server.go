package keeper

import (
	"bytes"
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/registry/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the registry's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

func (k Keeper) checkAuthority(signer string) error {
	if signer != k.authority {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
}

func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	bz, err := k.addressCodec.StringToBytes(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q: %s", field, s, err)
	}
	return bz, nil
}

// RegisterOrganization admits a new organization as ACTIVE.
func (m msgServer) RegisterOrganization(ctx context.Context, msg *types.MsgRegisterOrganization) (*types.MsgRegisterOrganizationResponse, error) {
	if err := m.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	org, err := types.ValidateOrganization(msg.Organization, m.addressCodec)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidOrganization, err.Error())
	}
	if msg.Organization.Status != types.OrgStatusUnspecified && msg.Organization.Status != types.OrgStatusActive {
		return nil, errorsmod.Wrap(types.ErrInvalidOrganization, "a new organization starts ACTIVE; leave status unspecified")
	}
	org.Status = types.OrgStatusActive
	exists, err := m.Organizations.Has(ctx, org.Id)
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, errorsmod.Wrapf(types.ErrOrganizationExists, "%q", org.Id)
	}
	if err := m.setOrganization(ctx, org); err != nil {
		return nil, err
	}
	return &types.MsgRegisterOrganizationResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventOrganizationRegistered{
		OrganizationId: org.Id,
		Roles:          org.Roles,
		Admin:          org.Admin,
	})
}

// UpdateOrganization replaces an organization's mutable fields.
func (m msgServer) UpdateOrganization(ctx context.Context, msg *types.MsgUpdateOrganization) (*types.MsgUpdateOrganizationResponse, error) {
	if err := m.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	current, err := m.GetOrganization(ctx, msg.Organization.Id)
	if err != nil {
		return nil, err
	}
	org, err := types.ValidateOrganization(msg.Organization, m.addressCodec)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidOrganization, err.Error())
	}
	if org.Status != types.OrgStatusUnspecified && org.Status != current.Status {
		return nil, errorsmod.Wrap(types.ErrInvalidOrganization, "status cannot change here; use MsgSetOrganizationStatus")
	}
	org.Status = current.Status
	if err := m.setOrganization(ctx, org); err != nil {
		return nil, err
	}
	return &types.MsgUpdateOrganizationResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventOrganizationUpdated{
		OrganizationId: org.Id,
		Roles:          org.Roles,
		Admin:          org.Admin,
	})
}

// SetOrganizationStatus suspends or reactivates an organization.
func (m msgServer) SetOrganizationStatus(ctx context.Context, msg *types.MsgSetOrganizationStatus) (*types.MsgSetOrganizationStatusResponse, error) {
	if err := m.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := types.ValidateStatus(msg.Status); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidOrganization, err.Error())
	}
	org, err := m.GetOrganization(ctx, msg.OrganizationId)
	if err != nil {
		return nil, err
	}
	if org.Status == msg.Status {
		return nil, errorsmod.Wrapf(types.ErrInvalidOrganization, "%q is already %s", org.Id, org.Status)
	}
	org.Status = msg.Status
	if err := m.Organizations.Set(ctx, org.Id, org); err != nil {
		return nil, err
	}
	return &types.MsgSetOrganizationStatusResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventOrganizationStatusChanged{
		OrganizationId: org.Id,
		Status:         org.Status,
	})
}

// checkAdmin loads the organization and checks the signer is its admin.
// A suspended organization's admin may still manage members (for example to
// remove a compromised account before reactivation).
func (k Keeper) checkAdmin(ctx context.Context, orgID, admin string) (types.Organization, error) {
	if _, err := k.parseAddress("admin", admin); err != nil {
		return types.Organization{}, err
	}
	org, err := k.GetOrganization(ctx, orgID)
	if err != nil {
		return org, err
	}
	adminBz, _ := k.addressCodec.StringToBytes(admin)
	orgAdminBz, err := k.addressCodec.StringToBytes(org.Admin)
	if err != nil {
		return org, err
	}
	if !bytes.Equal(adminBz, orgAdminBz) {
		return org, errorsmod.Wrapf(types.ErrNotAdmin, "%s is not the admin of %q", admin, orgID)
	}
	return org, nil
}

// AddMember lets an account act for the organization.
func (m msgServer) AddMember(ctx context.Context, msg *types.MsgAddMember) (*types.MsgAddMemberResponse, error) {
	if _, err := m.checkAdmin(ctx, msg.OrganizationId, msg.Admin); err != nil {
		return nil, err
	}
	member, err := m.parseAddress("member", msg.Member)
	if err != nil {
		return nil, err
	}
	if err := m.addMember(ctx, msg.OrganizationId, member); err != nil {
		return nil, err
	}
	return &types.MsgAddMemberResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberAdded{
		OrganizationId: msg.OrganizationId,
		Member:         msg.Member,
	})
}

// RemoveMember stops an account acting for the organization.
func (m msgServer) RemoveMember(ctx context.Context, msg *types.MsgRemoveMember) (*types.MsgRemoveMemberResponse, error) {
	if _, err := m.checkAdmin(ctx, msg.OrganizationId, msg.Admin); err != nil {
		return nil, err
	}
	member, err := m.parseAddress("member", msg.Member)
	if err != nil {
		return nil, err
	}
	if err := m.removeMember(ctx, msg.OrganizationId, member); err != nil {
		return nil, err
	}
	return &types.MsgRemoveMemberResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberRemoved{
		OrganizationId: msg.OrganizationId,
		Member:         msg.Member,
	})
}

// SetEncryptionKey publishes (or replaces) the signer's X25519 public key.
func (m msgServer) SetEncryptionKey(ctx context.Context, msg *types.MsgSetEncryptionKey) (*types.MsgSetEncryptionKeyResponse, error) {
	owner, err := m.parseAddress("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateX25519Key(msg.X25519PublicKey); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidEncryptionKey, err.Error())
	}
	if err := m.EncryptionKeys.Set(ctx, owner, msg.X25519PublicKey); err != nil {
		return nil, err
	}
	return &types.MsgSetEncryptionKeyResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventEncryptionKeySet{
		Owner: msg.Owner,
	})
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
