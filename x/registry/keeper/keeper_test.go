package keeper_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/carechain/carechain/x/registry"
	"github.com/carechain/carechain/x/registry/keeper"
	"github.com/carechain/carechain/x/registry/types"
)

type fixture struct {
	ctx       sdk.Context
	k         keeper.Keeper
	msg       types.MsgServer
	q         keeper.Querier
	authority string
	addrs     []sdk.AccAddress
	bech      []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	enc := moduletestutil.MakeTestEncodingConfig(registry.AppModule{})
	ac := address.NewBech32Codec("care")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	require.NoError(t, err)
	k := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(key), ac, authority)
	require.NoError(t, k.InitGenesis(tctx.Ctx, types.DefaultGenesis()))
	f := &fixture{ctx: tctx.Ctx, k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQuerier(k), authority: authority}
	for i := 0; i < 6; i++ {
		a := sdk.AccAddress([]byte{byte(i + 1), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
		s, err := ac.BytesToString(a)
		require.NoError(t, err)
		f.addrs = append(f.addrs, a)
		f.bech = append(f.bech, s)
	}
	return f
}

func (f *fixture) org(id string, admin int, roles ...types.Role) types.Organization {
	return types.Organization{Id: id, Name: "Org " + id, Roles: roles, Admin: f.bech[admin]}
}

func (f *fixture) register(t *testing.T, o types.Organization) {
	t.Helper()
	_, err := f.msg.RegisterOrganization(f.ctx, &types.MsgRegisterOrganization{Authority: f.authority, Organization: o})
	require.NoError(t, err)
}

func TestRegisterOrganizationRequiresGovernance(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.RegisterOrganization(f.ctx, &types.MsgRegisterOrganization{Authority: f.bech[0], Organization: f.org("mercy-general", 0, types.RoleProvider)})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	_, err = f.k.GetOrganization(f.ctx, "mercy-general")
	require.ErrorIs(t, err, types.ErrOrganizationNotFound)

	f.register(t, f.org("mercy-general", 0, types.RoleValidator, types.RoleProvider))
	org, err := f.k.GetOrganization(f.ctx, "mercy-general")
	require.NoError(t, err)
	require.Equal(t, types.OrgStatusActive, org.Status)
	require.Equal(t, []types.Role{types.RoleProvider, types.RoleValidator}, org.Roles, "roles are stored sorted")
	require.Equal(t, org.Admin, org.PayoutAddress, "payout defaults to the admin")

	_, err = f.msg.RegisterOrganization(f.ctx, &types.MsgRegisterOrganization{Authority: f.authority, Organization: f.org("mercy-general", 1, types.RolePayer)})
	require.ErrorIs(t, err, types.ErrOrganizationExists)
}

func TestRegisterOrganizationValidatesFields(t *testing.T) {
	f := newFixture(t)
	long := make([]byte, types.MaxNameLength+1)
	for i := range long {
		long[i] = 'a'
	}
	cases := map[string]func(o *types.Organization){
		"uppercase id":         func(o *types.Organization) { o.Id = "Mercy" },
		"short id":             func(o *types.Organization) { o.Id = "ab" },
		"id ends with dash":    func(o *types.Organization) { o.Id = "mercy-" },
		"no roles":             func(o *types.Organization) { o.Roles = nil },
		"unspecified role":     func(o *types.Organization) { o.Roles = []types.Role{types.RoleUnspecified} },
		"unknown role":         func(o *types.Organization) { o.Roles = []types.Role{types.Role(99)} },
		"duplicate role":       func(o *types.Organization) { o.Roles = []types.Role{types.RolePayer, types.RolePayer} },
		"bad admin":            func(o *types.Organization) { o.Admin = "cosmos1xyz" },
		"bad payout":           func(o *types.Organization) { o.PayoutAddress = "care1nope" },
		"empty name":           func(o *types.Organization) { o.Name = "" },
		"long name":            func(o *types.Organization) { o.Name = string(long) },
		"control char in name": func(o *types.Organization) { o.Name = "Mercy\nGeneral" },
		"bad metadata hash":    func(o *types.Organization) { o.MetadataUri = "https://x"; o.MetadataHash = "ABCDEF" },
		"hash without uri":     func(o *types.Organization) { o.MetadataHash = strings.Repeat("ab", 32) },
		"uri with space":       func(o *types.Organization) { o.MetadataUri = "https://x y" },
		"suspended at birth":   func(o *types.Organization) { o.Status = types.OrgStatusSuspended },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := f.org("mercy-general", 0, types.RoleProvider)
			mutate(&o)
			_, err := f.msg.RegisterOrganization(f.ctx, &types.MsgRegisterOrganization{Authority: f.authority, Organization: o})
			require.ErrorIs(t, err, types.ErrInvalidOrganization)
		})
	}
}

func TestUpdateOrganizationKeepsRoleIndexInStep(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.org("acme-health", 0, types.RolePayer))

	updated := f.org("acme-health", 1, types.RoleProvider)
	_, err := f.msg.UpdateOrganization(f.ctx, &types.MsgUpdateOrganization{Authority: f.bech[0], Organization: updated})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)

	updated.Status = types.OrgStatusSuspended
	_, err = f.msg.UpdateOrganization(f.ctx, &types.MsgUpdateOrganization{Authority: f.authority, Organization: updated})
	require.ErrorIs(t, err, types.ErrInvalidOrganization, "status changes go through MsgSetOrganizationStatus")

	updated.Status = types.OrgStatusUnspecified
	_, err = f.msg.UpdateOrganization(f.ctx, &types.MsgUpdateOrganization{Authority: f.authority, Organization: updated})
	require.NoError(t, err)

	payers, err := f.q.Organizations(f.ctx, &types.QueryOrganizationsRequest{Role: types.RolePayer})
	require.NoError(t, err)
	require.Empty(t, payers.Organizations, "the old role no longer lists the organization")
	providers, err := f.q.Organizations(f.ctx, &types.QueryOrganizationsRequest{Role: types.RoleProvider})
	require.NoError(t, err)
	require.Len(t, providers.Organizations, 1)
	require.Equal(t, f.bech[1], providers.Organizations[0].Admin)
	require.Equal(t, types.OrgStatusActive, providers.Organizations[0].Status)

	_, err = f.msg.UpdateOrganization(f.ctx, &types.MsgUpdateOrganization{Authority: f.authority, Organization: f.org("nobody-here", 0, types.RolePayer)})
	require.ErrorIs(t, err, types.ErrOrganizationNotFound)
}

func TestSuspensionRemovesActingRights(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.org("mercy-general", 0, types.RoleProvider))
	_, err := f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: f.bech[2]})
	require.NoError(t, err)

	org, err := f.k.ActiveOrganizationWithRole(f.ctx, f.addrs[2], types.RoleProvider)
	require.NoError(t, err)
	require.Equal(t, "mercy-general", org.Id)
	_, err = f.k.ActiveOrganizationWithRole(f.ctx, f.addrs[2], types.RolePayer)
	require.ErrorIs(t, err, types.ErrNoRole, "membership grants only the organization's roles")

	_, err = f.msg.SetOrganizationStatus(f.ctx, &types.MsgSetOrganizationStatus{Authority: f.bech[0], OrganizationId: "mercy-general", Status: types.OrgStatusSuspended})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	_, err = f.msg.SetOrganizationStatus(f.ctx, &types.MsgSetOrganizationStatus{Authority: f.authority, OrganizationId: "mercy-general", Status: types.OrgStatusUnspecified})
	require.ErrorIs(t, err, types.ErrInvalidOrganization)
	_, err = f.msg.SetOrganizationStatus(f.ctx, &types.MsgSetOrganizationStatus{Authority: f.authority, OrganizationId: "mercy-general", Status: types.OrgStatusSuspended})
	require.NoError(t, err)

	_, err = f.k.ActiveOrganizationWithRole(f.ctx, f.addrs[2], types.RoleProvider)
	require.ErrorIs(t, err, types.ErrNoRole)
	active, err := f.k.IsActiveMember(f.ctx, "mercy-general", f.addrs[2])
	require.NoError(t, err)
	require.False(t, active)
	member, err := f.k.IsMember(f.ctx, "mercy-general", f.addrs[2])
	require.NoError(t, err)
	require.True(t, member, "suspension keeps the membership for reactivation")

	_, err = f.msg.SetOrganizationStatus(f.ctx, &types.MsgSetOrganizationStatus{Authority: f.authority, OrganizationId: "mercy-general", Status: types.OrgStatusActive})
	require.NoError(t, err)
	_, err = f.k.ActiveOrganizationWithRole(f.ctx, f.addrs[2], types.RoleProvider)
	require.NoError(t, err)
}

func TestOnlyTheAdminManagesMembers(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.org("mercy-general", 0, types.RoleProvider))

	_, err := f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[1], OrganizationId: "mercy-general", Member: f.bech[2]})
	require.ErrorIs(t, err, types.ErrNotAdmin)
	_, err = f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "nobody-here", Member: f.bech[2]})
	require.ErrorIs(t, err, types.ErrOrganizationNotFound)
	_, err = f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: "care1bad"})
	require.ErrorIs(t, err, types.ErrInvalidAddress)

	_, err = f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: f.bech[2]})
	require.NoError(t, err)
	_, err = f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: f.bech[2]})
	require.ErrorIs(t, err, types.ErrAlreadyMember)

	res, err := f.q.MemberOrganizations(f.ctx, &types.QueryMemberOrganizationsRequest{Address: f.bech[2]})
	require.NoError(t, err)
	require.Len(t, res.Organizations, 1)
	require.Equal(t, "mercy-general", res.Organizations[0].OrganizationId)
	require.Equal(t, []types.Role{types.RoleProvider}, res.Organizations[0].Roles)
	require.False(t, res.Organizations[0].IsAdmin)
	org, err := f.q.Organization(f.ctx, &types.QueryOrganizationRequest{Id: "mercy-general"})
	require.NoError(t, err)
	require.EqualValues(t, 1, org.MemberCount)

	_, err = f.msg.RemoveMember(f.ctx, &types.MsgRemoveMember{Admin: f.bech[2], OrganizationId: "mercy-general", Member: f.bech[2]})
	require.ErrorIs(t, err, types.ErrNotAdmin, "a member cannot remove anyone, itself included")
	_, err = f.msg.RemoveMember(f.ctx, &types.MsgRemoveMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: f.bech[3]})
	require.ErrorIs(t, err, types.ErrNotMember)
	_, err = f.msg.RemoveMember(f.ctx, &types.MsgRemoveMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: f.bech[2]})
	require.NoError(t, err)

	res, err = f.q.MemberOrganizations(f.ctx, &types.QueryMemberOrganizationsRequest{Address: f.bech[2]})
	require.NoError(t, err)
	require.Empty(t, res.Organizations)
	org, err = f.q.Organization(f.ctx, &types.QueryOrganizationRequest{Id: "mercy-general"})
	require.NoError(t, err)
	require.Zero(t, org.MemberCount)
}

func TestMembershipLimitPerAccount(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{MaxMembershipsPerAccount: 2}})
	require.NoError(t, err)
	for _, id := range []string{"org-one", "org-two", "org-three"} {
		f.register(t, f.org(id, 0, types.RoleProvider))
	}
	for _, id := range []string{"org-one", "org-two"} {
		_, err := f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: id, Member: f.bech[4]})
		require.NoError(t, err)
	}
	_, err = f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "org-three", Member: f.bech[4]})
	require.ErrorIs(t, err, types.ErrTooManyMemberships)
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.bech[0], Params: types.DefaultParams()})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{}})
	require.ErrorIs(t, err, types.ErrInvalidParams)
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{MaxMembershipsPerAccount: 3}})
	require.NoError(t, err)
	p, err := f.q.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.EqualValues(t, 3, p.Params.MaxMembershipsPerAccount)
}

func TestEncryptionKeyMustBe32Bytes(t *testing.T) {
	f := newFixture(t)
	for _, n := range []int{0, 1, 31, 33, 64} {
		_, err := f.msg.SetEncryptionKey(f.ctx, &types.MsgSetEncryptionKey{Owner: f.bech[1], X25519PublicKey: make([]byte, n)})
		require.ErrorIs(t, err, types.ErrInvalidEncryptionKey, "length %d", n)
	}
	_, err := f.msg.SetEncryptionKey(f.ctx, &types.MsgSetEncryptionKey{Owner: f.bech[1], X25519PublicKey: make([]byte, 32)})
	require.ErrorIs(t, err, types.ErrInvalidEncryptionKey, "the all-zero point is refused")

	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i + 1)
	}
	_, err = f.msg.SetEncryptionKey(f.ctx, &types.MsgSetEncryptionKey{Owner: f.bech[1], X25519PublicKey: key})
	require.NoError(t, err)
	res, err := f.q.EncryptionKey(f.ctx, &types.QueryEncryptionKeyRequest{Address: f.bech[1]})
	require.NoError(t, err)
	require.Equal(t, key, res.EncryptionKey.X25519PublicKey)

	_, err = f.q.EncryptionKey(f.ctx, &types.QueryEncryptionKeyRequest{Address: f.bech[2]})
	require.Error(t, err)
	require.Contains(t, err.Error(), "NotFound")
}

func TestQueriesValidateInput(t *testing.T) {
	f := newFixture(t)
	_, err := f.q.Organization(f.ctx, &types.QueryOrganizationRequest{Id: "Bad Id"})
	require.ErrorContains(t, err, "InvalidArgument")
	_, err = f.q.Organization(f.ctx, &types.QueryOrganizationRequest{Id: "not-there"})
	require.ErrorContains(t, err, "NotFound")
	_, err = f.q.MemberOrganizations(f.ctx, &types.QueryMemberOrganizationsRequest{Address: "cosmos1abc"})
	require.ErrorContains(t, err, "InvalidArgument")
	_, err = f.q.Organizations(f.ctx, &types.QueryOrganizationsRequest{Role: types.Role(42)})
	require.ErrorContains(t, err, "InvalidArgument")
	_, err = f.q.OrganizationMembers(f.ctx, &types.QueryOrganizationMembersRequest{Id: "not-there"})
	require.ErrorContains(t, err, "NotFound")
}

func TestOrganizationsByRoleIsPaginated(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"clinic-a", "clinic-b", "clinic-c", "payer-a"} {
		role := types.RoleProvider
		if id == "payer-a" {
			role = types.RolePayer
		}
		f.register(t, f.org(id, 0, role))
	}
	var seen []string
	var next []byte
	for {
		res, err := f.q.Organizations(f.ctx, &types.QueryOrganizationsRequest{Role: types.RoleProvider, Pagination: pageReq(next, 2)})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Organizations), 2)
		for _, o := range res.Organizations {
			seen = append(seen, o.Id)
		}
		next = res.Pagination.NextKey
		if next == nil {
			break
		}
	}
	require.Equal(t, []string{"clinic-a", "clinic-b", "clinic-c"}, seen)
}
