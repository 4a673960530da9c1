// Package keeper implements the registry: organizations admitted by
// governance, the accounts that act for them, and published encryption keys.
package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/registry/types"
)

// Keeper holds the registry state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority may register organizations and change parameters: the
	// governance module account.
	authority string

	Schema         collections.Schema
	Params         collections.Item[types.Params]
	Organizations  collections.Map[string, types.Organization]
	OrgsByRole     collections.KeySet[collections.Pair[int32, string]]
	Members        collections.KeySet[collections.Pair[string, sdk.AccAddress]]
	Memberships    collections.KeySet[collections.Pair[sdk.AccAddress, string]]
	MemberCounts   collections.Map[string, uint64]
	EncryptionKeys collections.Map[sdk.AccAddress, []byte]
}

// NewKeeper returns a registry keeper.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, addressCodec address.Codec, authority string) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid registry authority %q: %w", authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Organizations: collections.NewMap(sb, types.OrganizationsKey, "organizations",
			collections.StringKey, codec.CollValue[types.Organization](cdc)),
		OrgsByRole: collections.NewKeySet(sb, types.OrganizationsByRoleKey, "organizations_by_role",
			collections.PairKeyCodec(collections.Int32Key, collections.StringKey)),
		Members: collections.NewKeySet(sb, types.MembersKey, "members",
			collections.PairKeyCodec(collections.StringKey, sdk.AccAddressKey)),
		Memberships: collections.NewKeySet(sb, types.MembershipsKey, "memberships",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey)),
		MemberCounts: collections.NewMap(sb, types.MemberCountsKey, "member_counts",
			collections.StringKey, collections.Uint64Value),
		EncryptionKeys: collections.NewMap(sb, types.EncryptionKeysKey, "encryption_keys",
			sdk.AccAddressKey, collections.BytesValue),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority returns the governance authority address.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// GetOrganization returns the organization with id, or ErrOrganizationNotFound.
func (k Keeper) GetOrganization(ctx context.Context, id string) (types.Organization, error) {
	org, err := k.Organizations.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return org, errorsmod.Wrapf(types.ErrOrganizationNotFound, "%q", id)
	}
	return org, err
}

// IsMember reports whether addr acts for the organization, whatever its status.
func (k Keeper) IsMember(ctx context.Context, orgID string, addr sdk.AccAddress) (bool, error) {
	return k.Members.Has(ctx, collections.Join(orgID, addr))
}

// IsActiveMember reports whether addr acts for the organization and the
// organization is ACTIVE.
func (k Keeper) IsActiveMember(ctx context.Context, orgID string, addr sdk.AccAddress) (bool, error) {
	member, err := k.IsMember(ctx, orgID, addr)
	if err != nil || !member {
		return false, err
	}
	org, err := k.GetOrganization(ctx, orgID)
	if err != nil {
		return false, err
	}
	return org.IsActive(), nil
}

// MemberOrganizationIDs returns the ids of every organization addr acts for,
// in id order. The list is bounded by the max_memberships_per_account param.
func (k Keeper) MemberOrganizationIDs(ctx context.Context, addr sdk.AccAddress) ([]string, error) {
	var ids []string
	rng := collections.NewPrefixedPairRange[sdk.AccAddress, string](addr)
	err := k.Memberships.Walk(ctx, rng, func(key collections.Pair[sdk.AccAddress, string]) (bool, error) {
		ids = append(ids, key.K2())
		return false, nil
	})
	return ids, err
}

// ActiveOrganizationsWithRole returns, in id order, the ACTIVE organizations
// holding role that addr acts for. This is the question every other module
// asks: "may this account act as a provider (payer, sponsor, IRB), and for
// which organization?"
func (k Keeper) ActiveOrganizationsWithRole(ctx context.Context, addr sdk.AccAddress, role types.Role) ([]types.Organization, error) {
	orgs, err := k.ActiveOrganizations(ctx, addr)
	if err != nil {
		return nil, err
	}
	return types.WithRole(orgs, role), nil
}

// ActiveOrganizations returns, in id order, every ACTIVE organization addr
// acts for, whatever its roles. A handler that needs both the account's
// organizations of one role and x/consent's access decision reads them
// once with it (types.WithRole filters by role; x/consent's
// CheckAccessWithOrganizations takes the list).
func (k Keeper) ActiveOrganizations(ctx context.Context, addr sdk.AccAddress) ([]types.Organization, error) {
	ids, err := k.MemberOrganizationIDs(ctx, addr)
	if err != nil {
		return nil, err
	}
	var out []types.Organization
	for _, id := range ids {
		org, err := k.GetOrganization(ctx, id)
		if err != nil {
			return nil, err
		}
		if org.IsActive() {
			out = append(out, org)
		}
	}
	return out, nil
}

// ActiveOrganizationWithRole returns the first (by id) ACTIVE organization
// holding role that addr acts for, or ErrNoRole.
func (k Keeper) ActiveOrganizationWithRole(ctx context.Context, addr sdk.AccAddress, role types.Role) (types.Organization, error) {
	orgs, err := k.ActiveOrganizationsWithRole(ctx, addr, role)
	if err != nil {
		return types.Organization{}, err
	}
	if len(orgs) == 0 {
		return types.Organization{}, errorsmod.Wrapf(types.ErrNoRole, "%s has no active %s organization", addr, role)
	}
	return orgs[0], nil
}

// GetEncryptionKey returns the X25519 public key addr published, or
// ErrEncryptionKeyNotFound.
func (k Keeper) GetEncryptionKey(ctx context.Context, addr sdk.AccAddress) ([]byte, error) {
	key, err := k.EncryptionKeys.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrEncryptionKeyNotFound, "%s", addr)
	}
	return key, err
}

// setOrganization writes an organization and keeps the role index in step
// with it.
func (k Keeper) setOrganization(ctx context.Context, org types.Organization) error {
	old, err := k.Organizations.Get(ctx, org.Id)
	switch {
	case err == nil:
		for _, r := range old.Roles {
			if err := k.OrgsByRole.Remove(ctx, collections.Join(int32(r), org.Id)); err != nil {
				return err
			}
		}
	case !errors.Is(err, collections.ErrNotFound):
		return err
	}
	for _, r := range org.Roles {
		if err := k.OrgsByRole.Set(ctx, collections.Join(int32(r), org.Id)); err != nil {
			return err
		}
	}
	return k.Organizations.Set(ctx, org.Id, org)
}

// addMember records a membership in both directions and enforces the
// per-account limit.
func (k Keeper) addMember(ctx context.Context, orgID string, addr sdk.AccAddress) error {
	has, err := k.Members.Has(ctx, collections.Join(orgID, addr))
	if err != nil {
		return err
	}
	if has {
		return errorsmod.Wrapf(types.ErrAlreadyMember, "%s in %q", addr, orgID)
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	ids, err := k.MemberOrganizationIDs(ctx, addr)
	if err != nil {
		return err
	}
	if uint32(len(ids)) >= params.MaxMembershipsPerAccount {
		return errorsmod.Wrapf(types.ErrTooManyMemberships, "%s already acts for %d organizations", addr, len(ids))
	}
	if err := k.Members.Set(ctx, collections.Join(orgID, addr)); err != nil {
		return err
	}
	if err := k.Memberships.Set(ctx, collections.Join(addr, orgID)); err != nil {
		return err
	}
	n, err := k.memberCount(ctx, orgID)
	if err != nil {
		return err
	}
	return k.MemberCounts.Set(ctx, orgID, n+1)
}

func (k Keeper) removeMember(ctx context.Context, orgID string, addr sdk.AccAddress) error {
	has, err := k.Members.Has(ctx, collections.Join(orgID, addr))
	if err != nil {
		return err
	}
	if !has {
		return errorsmod.Wrapf(types.ErrNotMember, "%s in %q", addr, orgID)
	}
	if err := k.Members.Remove(ctx, collections.Join(orgID, addr)); err != nil {
		return err
	}
	if err := k.Memberships.Remove(ctx, collections.Join(addr, orgID)); err != nil {
		return err
	}
	n, err := k.memberCount(ctx, orgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return k.MemberCounts.Remove(ctx, orgID)
	}
	return k.MemberCounts.Set(ctx, orgID, n-1)
}

func (k Keeper) memberCount(ctx context.Context, orgID string) (uint64, error) {
	n, err := k.MemberCounts.Get(ctx, orgID)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return n, err
}
