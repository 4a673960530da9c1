package keeper_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/core/address"
	"cosmossdk.io/log"
	"cosmossdk.io/store"
	"cosmossdk.io/store/metrics"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/keeper"
	"github.com/carechain/carechain/x/records/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Test organizations.
const (
	mercy    = "mercy-general"   // PROVIDER
	acme     = "acme-health"     // PAYER
	lakeside = "lakeside-clinic" // PROVIDER
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// fixture runs the records keeper on a real store with the real registry
// and consent keepers, so that every decision is x/consent's own.
type fixture struct {
	t         testing.TB
	cms       storetypes.CommitMultiStore
	ctx       sdk.Context
	k         keeper.Keeper
	msg       types.MsgServer
	q         keeper.Querier
	consent   consentkeeper.Keeper
	consentTx consenttypes.MsgServer
	registry  registrykeeper.Keeper
	ac        address.Codec
	authority string
	n         int // blobs made so far

	// alice and bob are patients; doctor and admin act for mercy-general,
	// clerk for acme-health, nurse for lakeside-clinic, dual for both
	// acme-health and mercy-general; outsider for nobody.
	alice, bob, doctor, admin, clerk, nurse, dual, outsider sdk.AccAddress
}

func addr(name string) sdk.AccAddress {
	b := make([]byte, 20)
	copy(b, name)
	return b
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	keys := storetypes.NewKVStoreKeys(types.StoreKey, consenttypes.StoreKey, registrytypes.StoreKey)
	db := dbm.NewMemDB()
	cms := store.NewCommitMultiStore(db, log.NewNopLogger(), metrics.NewNoOpMetrics())
	for _, key := range keys {
		cms.MountStoreWithDB(key, storetypes.StoreTypeIAVL, nil)
	}
	require.NoError(tb, cms.LoadLatestVersion())

	ac := addresscodec.NewBech32Codec("care")
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	require.NoError(tb, err)
	reg := registrykeeper.NewKeeper(cdc, runtime.NewKVStoreService(keys[registrytypes.StoreKey]), ac, authority)
	con := consentkeeper.NewKeeper(cdc, runtime.NewKVStoreService(keys[consenttypes.StoreKey]), ac, authority, reg)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(keys[types.StoreKey]), ac, authority, reg, con)

	f := &fixture{
		t: tb, cms: cms, k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQuerier(k),
		consent: con, consentTx: consentkeeper.NewMsgServerImpl(con), registry: reg, ac: ac, authority: authority,
		alice: addr("alice"), bob: addr("bob"), doctor: addr("doctor"), admin: addr("mercy-admin"),
		clerk: addr("clerk"), nurse: addr("nurse"), dual: addr("dual"), outsider: addr("outsider"),
	}
	f.ctx = sdk.NewContext(cms, cmtproto.Header{Time: t0, Height: 10}, false, log.NewNopLogger())

	regGen := registrytypes.DefaultGenesis()
	org := func(id string, admin sdk.AccAddress, role registrytypes.Role) registrytypes.Organization {
		return registrytypes.Organization{Id: id, Name: id, Roles: []registrytypes.Role{role}, Admin: f.s(admin), Status: registrytypes.OrgStatusActive}
	}
	regGen.Organizations = []registrytypes.Organization{
		org(mercy, f.admin, registrytypes.RoleProvider),
		org(acme, f.clerk, registrytypes.RolePayer),
		org(lakeside, f.nurse, registrytypes.RoleProvider),
	}
	member := func(id string, a sdk.AccAddress) registrytypes.Membership {
		return registrytypes.Membership{OrganizationId: id, Address: f.s(a)}
	}
	regGen.Memberships = []registrytypes.Membership{
		member(mercy, f.doctor), member(mercy, f.admin), member(acme, f.clerk), member(lakeside, f.nurse),
		member(acme, f.dual), member(mercy, f.dual),
	}
	require.NoError(tb, reg.InitGenesis(f.ctx, regGen))
	require.NoError(tb, con.InitGenesis(f.ctx, consenttypes.DefaultGenesis()))
	require.NoError(tb, k.InitGenesis(f.ctx, types.DefaultGenesis()))
	return f
}

// s returns the bech32 form of an address.
func (f *fixture) s(a sdk.AccAddress) string {
	str, err := f.ac.BytesToString(a)
	require.NoError(f.t, err)
	return str
}

func (f *fixture) now() time.Time { return f.ctx.BlockTime() }

// advance moves the block time (and height) on.
func (f *fixture) advance(d time.Duration) {
	f.ctx = f.ctx.WithBlockTime(f.now().Add(d)).WithBlockHeight(f.ctx.BlockHeight() + 1)
}

// fresh returns a context with an empty event manager.
func (f *fixture) fresh() sdk.Context { return f.ctx.WithEventManager(sdk.NewEventManager()) }

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newRecord is a valid MsgCreateRecord with a fresh blob.
func (f *fixture) newRecord(author, patient sdk.AccAddress, category string) *types.MsgCreateRecord {
	f.n++
	h := sha(fmt.Sprintf("blob %d", f.n))
	return &types.MsgCreateRecord{
		Author: f.s(author), Patient: f.s(patient), Category: category,
		CiphertextHash: h, ContentCommitment: sha(fmt.Sprintf("salt and plaintext %d", f.n)),
		SizeBytes: 2048, Locator: "vault://vault.mercy.example/v1/blobs/" + h,
	}
}

func (f *fixture) createMsg(msg *types.MsgCreateRecord) (uint64, error) {
	res, err := f.msg.CreateRecord(f.fresh(), msg)
	if err != nil {
		return 0, err
	}
	return res.RecordId, nil
}

func (f *fixture) create(author, patient sdk.AccAddress, category string) uint64 {
	f.t.Helper()
	id, err := f.createMsg(f.newRecord(author, patient, category))
	require.NoError(f.t, err)
	return id
}

func (f *fixture) supersede(author sdk.AccAddress, prev uint64) (uint64, error) {
	r := f.record(prev)
	patient, err := f.ac.StringToBytes(r.Patient)
	require.NoError(f.t, err)
	msg := f.newRecord(author, patient, r.Category)
	msg.Supersedes = prev
	return f.createMsg(msg)
}

func (f *fixture) record(id uint64) types.Record {
	f.t.Helper()
	r, err := f.k.GetRecord(f.ctx, id)
	require.NoError(f.t, err)
	return r
}

// grant records a PERMIT (or DENY) of the patient to an organization (org
// non-empty) or an account.
func (f *fixture) grant(patient sdk.AccAddress, decision consenttypes.Decision, org string, grantee sdk.AccAddress,
	actions []consenttypes.Action, purposes []consenttypes.Purpose, categories ...string,
) uint64 {
	f.t.Helper()
	msg := &consenttypes.MsgGrantConsent{
		Signer: f.s(patient), Patient: f.s(patient), Decision: decision, GranteeOrg: org,
		Actions: actions, Purposes: purposes, Categories: categories, ExpiresAt: f.now().Add(30 * 24 * time.Hour),
	}
	if grantee != nil {
		msg.Grantee = f.s(grantee)
	}
	res, err := f.consentTx.GrantConsent(f.fresh(), msg)
	require.NoError(f.t, err)
	return res.ConsentId
}

var (
	readWrite = []consenttypes.Action{consenttypes.ActionRead, consenttypes.ActionWrite}
	readOnly  = []consenttypes.Action{consenttypes.ActionRead}
	treat     = []consenttypes.Purpose{consenttypes.PurposeTreat}
)

// permitOrg is the standard consent: READ and WRITE for TREAT, to an
// organization, optionally limited to categories.
func (f *fixture) permitOrg(patient sdk.AccAddress, org string, categories ...string) uint64 {
	return f.grant(patient, consenttypes.DecisionPermit, org, nil, readWrite, treat, categories...)
}

func (f *fixture) revoke(patient sdk.AccAddress, id uint64) {
	f.t.Helper()
	_, err := f.consentTx.RevokeConsent(f.fresh(), &consenttypes.MsgRevokeConsent{Signer: f.s(patient), Patient: f.s(patient), ConsentId: id})
	require.NoError(f.t, err)
}

func (f *fixture) breakGlass(accessor, patient sdk.AccAddress) uint64 {
	f.t.Helper()
	res, err := f.consentTx.BreakGlass(f.fresh(), &consenttypes.MsgBreakGlass{
		Accessor: f.s(accessor), Patient: f.s(patient), Reason: consenttypes.BreakGlassReasonPatientUnresponsive, JustificationHash: sha("why"),
	})
	require.NoError(f.t, err)
	return res.BreakGlassId
}

func (f *fixture) setOrgStatus(org string, st registrytypes.OrgStatus) {
	f.t.Helper()
	_, err := registrykeeper.NewMsgServerImpl(f.registry).SetOrganizationStatus(f.fresh(), &registrytypes.MsgSetOrganizationStatus{
		Authority: f.authority, OrganizationId: org, Status: st,
	})
	require.NoError(f.t, err)
}

// envelope returns valid envelope key material, distinct per call.
func (f *fixture) envelope(recipient sdk.AccAddress) types.NewKeyEnvelope {
	f.n++
	epk := sha256.Sum256(fmt.Appendf(nil, "ephemeral %d", f.n))
	return types.NewKeyEnvelope{
		Recipient: f.s(recipient), Scheme: types.SchemeHPKEX25519V1,
		EphemeralPublicKey: epk[:], WrappedKey: make48(byte(f.n)),
	}
}

func make48(b byte) []byte {
	out := make([]byte, 48)
	for i := range out {
		out[i] = b + byte(i)
	}
	return out
}

func (f *fixture) addEnvelope(signer sdk.AccAddress, recordID uint64, recipient sdk.AccAddress, purpose consenttypes.Purpose) error {
	e := f.envelope(recipient)
	_, err := f.msg.AddKeyEnvelope(f.fresh(), &types.MsgAddKeyEnvelope{
		Signer: f.s(signer), RecordId: recordID, Recipient: e.Recipient, Purpose: purpose,
		Scheme: e.Scheme, EphemeralPublicKey: e.EphemeralPublicKey, WrappedKey: e.WrappedKey,
	})
	return err
}

func (f *fixture) access(accessor sdk.AccAddress, recordID uint64, purpose consenttypes.Purpose) (uint64, sdk.Events, error) {
	ctx := f.fresh()
	res, err := f.msg.RecordAccess(ctx, &types.MsgRecordAccess{Accessor: f.s(accessor), RecordId: recordID, Purpose: purpose})
	if err != nil {
		return 0, nil, err
	}
	return res.AccessEventId, ctx.EventManager().Events(), nil
}

// accessLog returns every logged access of a patient.
func (f *fixture) accessLog(patient sdk.AccAddress) []types.AccessEvent {
	f.t.Helper()
	res, err := f.q.AccessLog(f.ctx, &types.QueryAccessLogRequest{Patient: f.s(patient)})
	require.NoError(f.t, err)
	return res.Events
}

func eventTypes(evs sdk.Events) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}
