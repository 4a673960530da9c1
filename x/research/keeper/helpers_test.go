package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/app/keepers"
	"github.com/carechain/carechain/testutil/apptest"
	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/keeper"
	"github.com/carechain/carechain/x/research/types"
)

// fixture runs the research keeper of the real application (bank,
// registry, consent with the research guard wired, the devnet demo
// organizations and the NW-204 study) in a cache context that is thrown
// away.
type fixture struct {
	t   *testing.T
	h   *apptest.Harness
	ctx sdk.Context
	k   keeper.Keeper
	msg types.MsgServer
	q   keeper.Querier
}

// Hashes used as protocol, dataset and results digests.
const (
	hashV1  = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
	hashV2  = "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"
	hashV3  = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	hashOut = "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"
)

const demoStudy = devnet.NorthwindStudyID

func newFixture(t *testing.T) *fixture {
	t.Helper()
	h := apptest.New(t)
	ctx, _ := h.Ctx().CacheContext()
	k := h.App.ResearchKeeper
	f := &fixture{t: t, h: h, ctx: ctx, k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQuerier(k)}
	f.requireInvariants()
	return f
}

func (f *fixture) addr(name string) string            { return f.h.Addr(name) }
func (f *fixture) accAddr(name string) sdk.AccAddress { return f.h.AccAddr(name) }
func (f *fixture) now() time.Time                     { return f.ctx.BlockTime() }

// after moves the block time forward.
func (f *fixture) after(d time.Duration) { f.ctx = f.ctx.WithBlockTime(f.now().Add(d)) }

func (f *fixture) usd(name string) math.Int {
	return f.h.App.BankKeeper.GetBalance(f.ctx, f.accAddr(name), app.SettlementDenom).Amount
}

func (f *fixture) moduleUSD() math.Int {
	return f.h.App.BankKeeper.GetBalance(f.ctx, f.k.ModuleAddress(), app.SettlementDenom).Amount
}

func (f *fixture) requireInvariants() {
	f.t.Helper()
	require.NoError(f.t, f.k.CheckInvariants(f.ctx))
}

func (f *fixture) study(id uint64) types.Study {
	f.t.Helper()
	s, err := f.k.GetStudy(f.ctx, id)
	require.NoError(f.t, err)
	return s
}

func (f *fixture) status(id uint64, patient sdk.AccAddress) (types.ParticipationStatus, string) {
	f.t.Helper()
	st, reason, err := f.k.ParticipationStatus(f.ctx, id, patient)
	require.NoError(f.t, err)
	return st, reason
}

func usd(n int64) math.Int     { return math.NewInt(n * 1_000_000) }
func usdCoin(n int64) sdk.Coin { return sdk.NewCoin(app.SettlementDenom, usd(n)) }
func eqInt(t *testing.T, want, got math.Int, msgAndArgs ...any) {
	t.Helper()
	if !want.Equal(got) {
		require.Failf(t, "amounts differ", "want %s, got %s %v", want, got, msgAndArgs)
	}
}

func requireErr(t *testing.T, err error, want *errorsmod.Error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.True(t, want.Is(err), "want %s, got %v %v", want.Error(), err, msgAndArgs)
}

// registerMsg is a valid registration by northwind-admin: 10 participants
// at $20, requested categories Observation and Condition, ending in 180 days.
func (f *fixture) registerMsg() *types.MsgRegisterStudy {
	return &types.MsgRegisterStudy{
		Sponsor: f.addr(devnet.NorthwindAdmin), Title: "Sleep and blood pressure (NW-301)", ProtocolHash: hashV1,
		ProtocolUri: "https://northwind.example/nw-301.pdf", IrbOrg: devnet.OrgIRB,
		RequestedCategories: []string{"Observation", "Condition"}, TargetEnrollment: 10, Incentive: usdCoin(20),
		EndsAt: f.now().Add(180 * 24 * time.Hour),
	}
}

func (f *fixture) register(msg *types.MsgRegisterStudy) uint64 {
	f.t.Helper()
	res, err := f.msg.RegisterStudy(f.ctx, msg)
	require.NoError(f.t, err)
	f.requireInvariants()
	return res.StudyId
}

func (f *fixture) approve(id uint64) {
	f.t.Helper()
	s := f.study(id)
	_, err := f.msg.ApproveStudy(f.ctx, &types.MsgApproveStudy{Reviewer: f.addr(devnet.IRBAdmin), StudyId: id,
		ProtocolVersion: s.ProtocolVersion, ProtocolHash: s.ProtocolHash})
	require.NoError(f.t, err)
}

func (f *fixture) setStatus(id uint64, st types.StudyStatus) (*types.MsgSetStudyStatusResponse, error) {
	res, err := f.msg.SetStudyStatus(f.ctx, &types.MsgSetStudyStatus{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: id, Status: st})
	if err == nil {
		f.requireInvariants()
	}
	return res, err
}

// recruiting registers, approves and opens a study.
func (f *fixture) recruiting(msg *types.MsgRegisterStudy) uint64 {
	f.t.Helper()
	id := f.register(msg)
	f.approve(id)
	_, err := f.setStatus(id, types.StudyStatusRecruiting)
	require.NoError(f.t, err)
	return id
}

func (f *fixture) enroll(id uint64, patient string) (*types.MsgEnrollResponse, error) {
	res, err := f.msg.Enroll(f.ctx, &types.MsgEnroll{Patient: patient, StudyId: id})
	if err == nil {
		f.requireInvariants()
	}
	return res, err
}

func (f *fixture) mustEnroll(id uint64, patient string) uint64 {
	f.t.Helper()
	res, err := f.enroll(id, patient)
	require.NoError(f.t, err)
	return res.ConsentId
}

func (f *fixture) withdraw(id uint64, patient string) error {
	_, err := f.msg.Withdraw(f.ctx, &types.MsgWithdraw{Patient: patient, StudyId: id})
	if err == nil {
		f.requireInvariants()
	}
	return err
}

func (f *fixture) reconsent(id uint64, patient string) (*types.MsgReconsentResponse, error) {
	res, err := f.msg.Reconsent(f.ctx, &types.MsgReconsent{Patient: patient, StudyId: id})
	if err == nil {
		f.requireInvariants()
	}
	return res, err
}

func (f *fixture) amend(id uint64, hash string) (*types.MsgAmendProtocolResponse, error) {
	res, err := f.msg.AmendProtocol(f.ctx, &types.MsgAmendProtocol{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: id, ProtocolHash: hash})
	if err == nil {
		f.requireInvariants()
	}
	return res, err
}

// research asks x/consent whether a northwind member may READ a patient's
// data of a category for research.
func (f *fixture) research(patient sdk.AccAddress, category string) consenttypes.AccessDecision {
	f.t.Helper()
	d, err := f.h.App.ConsentKeeper.CheckAccess(f.ctx, consenttypes.AccessRequest{
		Accessor: f.accAddr(devnet.NorthwindAdmin), Patient: patient,
		Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeHresch, Category: category,
	})
	require.NoError(f.t, err)
	return d
}

func requirePermit(t *testing.T, d consenttypes.AccessDecision, consentID uint64) {
	t.Helper()
	require.Equal(t, consenttypes.DecisionPermit, d.Decision, "%+v", d)
	require.Equal(t, consentID, d.ConsentID, "%+v", d)
}

func requireDeny(t *testing.T, d consenttypes.AccessDecision, reason string) {
	t.Helper()
	require.Equal(t, consenttypes.DecisionDeny, d.Decision, "%+v", d)
	require.Equal(t, reason, d.Reason, "%+v", d)
}

func (f *fixture) consent(id uint64) consenttypes.Consent {
	f.t.Helper()
	c, err := f.h.App.ConsentKeeper.GetConsent(f.ctx, id)
	require.NoError(f.t, err)
	return c
}

// patient returns a fresh patient address (no account needed: the incentive
// payment creates it).
func patient(i int) sdk.AccAddress {
	b := make([]byte, 20)
	copy(b, "patient")
	b[18], b[19] = byte(i>>8), byte(i)
	return b
}

func (f *fixture) s(a sdk.AccAddress) string {
	str, err := f.k.AddressCodec().BytesToString(a)
	require.NoError(f.t, err)
	return str
}

// Registry and consent changes made by governance or org admins.
func (f *fixture) registry() registrytypes.MsgServer {
	return registrykeeper.NewMsgServerImpl(f.h.App.RegistryKeeper)
}

func (f *fixture) addMember(org string, admin, member sdk.AccAddress) {
	f.t.Helper()
	_, err := f.registry().AddMember(f.ctx, &registrytypes.MsgAddMember{Admin: f.s(admin), OrganizationId: org, Member: f.s(member)})
	require.NoError(f.t, err)
}

func (f *fixture) addOrg(id string, admin sdk.AccAddress, roles ...registrytypes.Role) {
	f.t.Helper()
	_, err := f.registry().RegisterOrganization(f.ctx, &registrytypes.MsgRegisterOrganization{Authority: keepers.Authority(),
		Organization: registrytypes.Organization{Id: id, Name: id, Roles: roles, Admin: f.s(admin)}})
	require.NoError(f.t, err)
}

func (f *fixture) setOrgStatus(id string, st registrytypes.OrgStatus) {
	f.t.Helper()
	_, err := f.registry().SetOrganizationStatus(f.ctx, &registrytypes.MsgSetOrganizationStatus{Authority: keepers.Authority(), OrganizationId: id, Status: st})
	require.NoError(f.t, err)
}

func (f *fixture) setMaxConsentDuration(d time.Duration) {
	f.t.Helper()
	p := consenttypes.DefaultParams()
	p.MaxConsentDuration = d
	_, err := consentkeeper.NewMsgServerImpl(f.h.App.ConsentKeeper).UpdateParams(f.ctx, &consenttypes.MsgUpdateParams{Authority: keepers.Authority(), Params: p})
	require.NoError(f.t, err)
}

func consentMsg(f *fixture) consenttypes.MsgServer {
	return consentkeeper.NewMsgServerImpl(f.h.App.ConsentKeeper)
}

func storeGasMeter() storetypes.GasMeter { return storetypes.NewInfiniteGasMeter() }

func sdkCoins(c ...sdk.Coin) sdk.Coins { return sdk.NewCoins(c...) }

//nolint:staticcheck // the SDK invariant form is still offered
func keeperEscrowInvariant(f *fixture) sdk.Invariant { return keeper.EscrowInvariant(f.k) }
