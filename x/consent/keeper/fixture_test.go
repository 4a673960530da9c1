package keeper_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// fakeRegistry is an in-memory x/registry for keeper tests.
type fakeRegistry struct {
	orgs    map[string]registrytypes.Organization
	members map[string][]string // address bytes (as string) -> org ids, sorted
}

func newFakeRegistry() *fakeRegistry {
	return &fakeRegistry{orgs: map[string]registrytypes.Organization{}, members: map[string][]string{}}
}

func (r *fakeRegistry) addOrg(id, admin string, roles ...registrytypes.Role) {
	r.orgs[id] = registrytypes.Organization{Id: id, Name: id, Roles: roles, Admin: admin, Status: registrytypes.OrgStatusActive}
}

func (r *fakeRegistry) setStatus(id string, s registrytypes.OrgStatus) {
	o := r.orgs[id]
	o.Status = s
	r.orgs[id] = o
}

func (r *fakeRegistry) addMember(id string, addr sdk.AccAddress) {
	ids := append(r.members[string(addr)], id)
	slices.Sort(ids)
	r.members[string(addr)] = ids
}

func (r *fakeRegistry) removeMember(id string, addr sdk.AccAddress) {
	r.members[string(addr)] = slices.DeleteFunc(r.members[string(addr)], func(s string) bool { return s == id })
}

func (r *fakeRegistry) GetOrganization(_ context.Context, id string) (registrytypes.Organization, error) {
	o, ok := r.orgs[id]
	if !ok {
		return o, fmt.Errorf("%w: %q", registrytypes.ErrOrganizationNotFound, id)
	}
	return o, nil
}

func (r *fakeRegistry) MemberOrganizationIDs(_ context.Context, addr sdk.AccAddress) ([]string, error) {
	return slices.Clone(r.members[string(addr)]), nil
}

func (r *fakeRegistry) ActiveOrganizationsWithRole(ctx context.Context, addr sdk.AccAddress, role registrytypes.Role) ([]registrytypes.Organization, error) {
	var out []registrytypes.Organization
	for _, id := range r.members[string(addr)] {
		o := r.orgs[id]
		if o.IsActive() && o.HasRole(role) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (r *fakeRegistry) IsActiveMember(_ context.Context, orgID string, addr sdk.AccAddress) (bool, error) {
	if !slices.Contains(r.members[string(addr)], orgID) {
		return false, nil
	}
	return r.orgs[orgID].IsActive(), nil
}

// Test organizations and people.
const (
	mercy = "mercy-general"
	acme  = "acme-health"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type fixture struct {
	t         *testing.T
	ctx       sdk.Context
	k         keeper.Keeper
	msg       types.MsgServer
	q         keeper.Querier
	reg       *fakeRegistry
	ac        address.Codec
	authority string

	alice, bob, carol, doctor, clerk, admin, outsider sdk.AccAddress

	// singleEntryPoint makes check ask CheckAccess only, not also its
	// variants (for tests that count what the decision reads).
	singleEntryPoint bool
}

func addr(name string) sdk.AccAddress {
	b := make([]byte, 20)
	copy(b, name)
	return b
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tc := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	ac := addresscodec.NewBech32Codec("care")
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	reg := newFakeRegistry()
	authority := authtypes.NewModuleAddress(govtypes.ModuleName)
	authorityStr, err := ac.BytesToString(authority)
	require.NoError(t, err)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, authorityStr, reg)
	f := &fixture{
		t: t, ctx: tc.Ctx.WithBlockTime(t0).WithBlockHeight(10), k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQuerier(k),
		reg: reg, ac: ac, authority: authorityStr,
		alice: addr("alice"), bob: addr("bob"), carol: addr("carol"),
		doctor: addr("doctor"), clerk: addr("clerk"), admin: addr("mercy-admin"), outsider: addr("outsider"),
	}
	reg.addOrg(mercy, f.s(f.admin), registrytypes.RoleProvider)
	reg.addOrg(acme, f.s(addr("acme-admin")), registrytypes.RolePayer)
	reg.addMember(mercy, f.doctor)
	reg.addMember(mercy, f.admin)
	reg.addMember(acme, f.clerk)
	require.NoError(t, k.InitGenesis(f.ctx, types.DefaultGenesis()))
	return f
}

// s returns the bech32 form of an address.
func (f *fixture) s(a sdk.AccAddress) string {
	str, err := f.ac.BytesToString(a)
	require.NoError(f.t, err)
	return str
}

// at moves the fixture's block time.
func (f *fixture) at(t time.Time) { f.ctx = f.ctx.WithBlockTime(t) }

func (f *fixture) now() time.Time { return f.ctx.BlockTime() }

// orgGrant is alice's standard grant to mercy: READ and WRITE for TREAT,
// all categories, 30 days.
func (f *fixture) orgGrant(patient sdk.AccAddress) *types.MsgGrantConsent {
	return &types.MsgGrantConsent{
		Signer: f.s(patient), Patient: f.s(patient), Decision: types.DecisionPermit, GranteeOrg: mercy,
		Actions: []types.Action{types.ActionRead, types.ActionWrite}, Purposes: []types.Purpose{types.PurposeTreat},
		ExpiresAt: f.now().Add(30 * 24 * time.Hour),
	}
}

func (f *fixture) grant(msg *types.MsgGrantConsent) uint64 {
	f.t.Helper()
	res, err := f.msg.GrantConsent(f.ctx, msg)
	require.NoError(f.t, err)
	return res.ConsentId
}

func (f *fixture) check(accessor, patient sdk.AccAddress, action types.Action, purpose types.Purpose, category string, recordID uint64) types.AccessDecision {
	f.t.Helper()
	req := types.AccessRequest{Accessor: accessor, Patient: patient, Action: action, Purpose: purpose, Category: category, RecordID: recordID}
	d, err := f.k.CheckAccess(f.ctx, req)
	require.NoError(f.t, err)
	if !f.singleEntryPoint {
		f.sameDecisionFromEveryEntryPoint(req, d)
	}
	return d
}

// sameDecisionFromEveryEntryPoint checks that CheckAccessWithConsent and
// CheckAccessWithOrganizations (given the accessor's ACTIVE organizations)
// decide as CheckAccess did, and return the consent the decision names as
// it is stored.
func (f *fixture) sameDecisionFromEveryEntryPoint(req types.AccessRequest, want types.AccessDecision) {
	f.t.Helper()
	ids, err := f.reg.MemberOrganizationIDs(f.ctx, req.Accessor)
	require.NoError(f.t, err)
	var active []registrytypes.Organization
	for _, id := range ids {
		org, err := f.reg.GetOrganization(f.ctx, id)
		require.NoError(f.t, err)
		if org.IsActive() {
			active = append(active, org)
		}
	}
	var wantConsent types.Consent
	if want.ConsentID != 0 {
		wantConsent, err = f.k.GetConsent(f.ctx, want.ConsentID)
		require.NoError(f.t, err)
	}
	d, c, err := f.k.CheckAccessWithConsent(f.ctx, req)
	require.NoError(f.t, err)
	require.Equal(f.t, want, d)
	require.Equal(f.t, wantConsent, c)
	d, c, err = f.k.CheckAccessWithOrganizations(f.ctx, req, active)
	require.NoError(f.t, err)
	require.Equal(f.t, want, d)
	require.Equal(f.t, wantConsent, c)
}

func (f *fixture) read(accessor sdk.AccAddress, category string) types.AccessDecision {
	f.t.Helper()
	return f.check(accessor, f.alice, types.ActionRead, types.PurposeTreat, category, 0)
}

func requirePermit(t *testing.T, d types.AccessDecision, consentID uint64) {
	t.Helper()
	require.Equal(t, types.DecisionPermit, d.Decision, "decision %+v", d)
	require.Equal(t, consentID, d.ConsentID, "decision %+v", d)
	require.Equal(t, types.ReasonConsent, d.Reason)
}

func requireDeny(t *testing.T, d types.AccessDecision, reason string) {
	t.Helper()
	require.Equal(t, types.DecisionDeny, d.Decision, "decision %+v", d)
	require.Equal(t, reason, d.Reason, "decision %+v", d)
}

const justification = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func abciEvent(ev sdk.Event) abci.Event { return abci.Event(ev) }
