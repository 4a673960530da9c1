package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/x/registry/types"
)

func pageReq(key []byte, limit uint64) *query.PageRequest {
	return &query.PageRequest{Key: key, Limit: limit}
}

func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.org("mercy-general", 0, types.RoleProvider, types.RoleValidator))
	f.register(t, f.org("acme-health", 1, types.RolePayer))
	_, err := f.msg.SetOrganizationStatus(f.ctx, &types.MsgSetOrganizationStatus{Authority: f.authority, OrganizationId: "acme-health", Status: types.OrgStatusSuspended})
	require.NoError(t, err)
	for _, m := range []int{2, 3} {
		_, err := f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[0], OrganizationId: "mercy-general", Member: f.bech[m]})
		require.NoError(t, err)
	}
	_, err = f.msg.AddMember(f.ctx, &types.MsgAddMember{Admin: f.bech[1], OrganizationId: "acme-health", Member: f.bech[2]})
	require.NoError(t, err)
	key := make([]byte, 32)
	key[0] = 9
	_, err = f.msg.SetEncryptionKey(f.ctx, &types.MsgSetEncryptionKey{Owner: f.bech[4], X25519PublicKey: key})
	require.NoError(t, err)

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate(address.NewBech32Codec("care")))

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, exported))
	reexported, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, reexported)

	// Derived state (role index, reverse membership index, counts) is rebuilt.
	org, err := g.q.Organization(g.ctx, &types.QueryOrganizationRequest{Id: "mercy-general"})
	require.NoError(t, err)
	require.EqualValues(t, 2, org.MemberCount)
	ids, err := g.k.MemberOrganizationIDs(g.ctx, g.addrs[2])
	require.NoError(t, err)
	require.Equal(t, []string{"acme-health", "mercy-general"}, ids)
	validators, err := g.q.Organizations(g.ctx, &types.QueryOrganizationsRequest{Role: types.RoleValidator})
	require.NoError(t, err)
	require.Len(t, validators.Organizations, 1)
}

func TestGenesisValidation(t *testing.T) {
	f := newFixture(t)
	ac := address.NewBech32Codec("care")
	good := func() types.GenesisState {
		return types.GenesisState{
			Params:        types.DefaultParams(),
			Organizations: []types.Organization{{Id: "mercy-general", Name: "Mercy", Roles: []types.Role{types.RoleProvider}, Admin: f.bech[0], Status: types.OrgStatusActive}},
			Memberships:   []types.Membership{{OrganizationId: "mercy-general", Address: f.bech[1]}},
		}
	}
	g := good()
	require.NoError(t, g.Validate(ac))

	cases := map[string]func(*types.GenesisState){
		"duplicate org":         func(g *types.GenesisState) { g.Organizations = append(g.Organizations, g.Organizations[0]) },
		"unset status":          func(g *types.GenesisState) { g.Organizations[0].Status = types.OrgStatusUnspecified },
		"membership of unknown": func(g *types.GenesisState) { g.Memberships[0].OrganizationId = "other-org" },
		"duplicate membership":  func(g *types.GenesisState) { g.Memberships = append(g.Memberships, g.Memberships[0]) },
		"bad member address":    func(g *types.GenesisState) { g.Memberships[0].Address = "care1x" },
		"short encryption key": func(g *types.GenesisState) {
			g.EncryptionKeys = []types.EncryptionKey{{Owner: f.bech[1], X25519PublicKey: []byte{1}}}
		},
		"zero params":             func(g *types.GenesisState) { g.Params = types.Params{} },
		"too many memberships":    func(g *types.GenesisState) { g.Params.MaxMembershipsPerAccount = 0 },
		"invalid organization id": func(g *types.GenesisState) { g.Organizations[0].Id = "X" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			g := good()
			mutate(&g)
			require.Error(t, g.Validate(ac))
		})
	}
}
