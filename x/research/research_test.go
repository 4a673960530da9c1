package research_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	gogogateway "github.com/cosmos/gogogateway"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/research/keeper"
	"github.com/carechain/carechain/x/research/types"
)

const (
	hashV2  = "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"
	hashDS1 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	hashDS2 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
	hashOut = "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"
	study   = devnet.NorthwindStudyID
	sponsor = devnet.NorthwindAdmin // acts for northwind-research
	irb     = devnet.IRBAdmin       // acts for citizens-irb
)

// chain wraps the harness so that the research invariants (escrow equals
// the module account balance, counts, consent index) are checked after
// every block.
type chain struct {
	*apptest.Harness
	t *testing.T
}

func newChain(t *testing.T) *chain {
	c := &chain{Harness: apptest.New(t), t: t}
	c.check()
	return c
}

func (c *chain) check() {
	c.t.Helper()
	require.NoError(c.t, c.App.ResearchKeeper.CheckInvariants(c.Ctx()), "after block %d", c.Height())
}

func (c *chain) deliver(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.t.Helper()
	res := c.Deliver(signer, msgs...)
	c.check()
	return res
}

func (c *chain) mustDeliver(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.t.Helper()
	res := c.deliver(signer, msgs...)
	require.Zero(c.t, res.Code, "%s: %s", signer, res.Log)
	return res
}

func (c *chain) next(d time.Duration) {
	c.NextBlock(d)
	c.check()
}

func (c *chain) usd(name string) math.Int {
	return c.App.BankKeeper.GetBalance(c.Ctx(), c.AccAddr(name), app.SettlementDenom).Amount
}

func (c *chain) query() keeper.Querier { return keeper.NewQuerier(c.App.ResearchKeeper) }

func (c *chain) study(id uint64) types.Study {
	c.t.Helper()
	res, err := c.query().Study(c.Ctx(), &types.QueryStudyRequest{Id: id})
	require.NoError(c.t, err)
	return res.Study
}

func (c *chain) participation(id uint64, patient string) *types.QueryParticipationResponse {
	c.t.Helper()
	res, err := c.query().Participation(c.Ctx(), &types.QueryParticipationRequest{StudyId: id, Patient: c.Addr(patient)})
	require.NoError(c.t, err)
	return res
}

// checkAccess asks x/consent, as the chain's other modules and the vault
// do, whether a northwind member may READ a patient's data of a category
// for research (HRESCH).
func (c *chain) checkAccess(patient, category string) consenttypes.AccessDecision {
	c.t.Helper()
	d, err := c.App.ConsentKeeper.CheckAccess(c.Ctx(), consenttypes.AccessRequest{
		Accessor: c.AccAddr(sponsor), Patient: c.AccAddr(patient),
		Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeHresch, Category: category,
	})
	require.NoError(c.t, err)
	return d
}

func (c *chain) enroll(patient string, id uint64) *abci.ExecTxResult {
	return c.deliver(patient, &types.MsgEnroll{Patient: c.Addr(patient), StudyId: id})
}

func requireTxError(t *testing.T, res *abci.ExecTxResult, want *errorsmod.Error) {
	t.Helper()
	require.Equal(t, want.Codespace(), res.Codespace, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, res.Log)
}

func msgResponse[T any, P interface {
	*T
	Unmarshal([]byte) error
}](t *testing.T, res *abci.ExecTxResult) *T {
	t.Helper()
	var data sdk.TxMsgData
	require.NoError(t, data.Unmarshal(res.Data))
	out := P(new(T))
	require.NoError(t, out.Unmarshal(data.MsgResponses[0].Value))
	return (*T)(out)
}

// Must-show 1: alice enrolls in the localnet study; a northwind member may
// then read her requested categories for research; her balance rises by
// the incentive and the escrow falls by it.
func TestAliceEnrollsInTheLocalnetStudy(t *testing.T) {
	c := newChain(t)
	s := c.study(study)
	require.Equal(t, types.StudyStatusRecruiting, s.Status)
	require.Equal(t, devnet.OrgNorthwind, s.SponsorOrg)
	require.Equal(t, devnet.OrgIRB, s.IrbOrg)
	require.EqualValues(t, 1, s.ApprovedVersion)
	require.True(t, s.EndsAt.Equal(apptest.GenesisTime.AddDate(1, 0, 0)))
	require.Equal(t, consenttypes.DecisionDeny, c.checkAccess(devnet.Alice, "Observation").Decision)

	aliceBefore, escrowBefore := c.usd(devnet.Alice), s.Escrow.Amount
	res := c.enroll(devnet.Alice, study)
	require.Zero(t, res.Code, res.Log)
	consentID := msgResponse[types.MsgEnrollResponse](t, res).ConsentId

	d := c.checkAccess(devnet.Alice, "Observation")
	require.Equal(t, consenttypes.AccessDecision{Decision: consenttypes.DecisionPermit, ConsentID: consentID, Reason: consenttypes.ReasonConsent}, d)
	require.True(t, c.usd(devnet.Alice).Equal(aliceBefore.Add(devnet.NorthwindStudyIncentive.Amount)), "fees are ucare; uusd rises by the incentive exactly")
	require.True(t, c.study(study).Escrow.Amount.Equal(escrowBefore.Sub(devnet.NorthwindStudyIncentive.Amount)))
	require.EqualValues(t, 1, c.study(study).EnrollmentCount)
	require.Equal(t, types.ParticipationStatusEnrolled, c.participation(study, devnet.Alice).Status)

	// The research events do not name the patient (she signed the tx).
	for _, ev := range res.Events {
		if strings.HasPrefix(ev.Type, "carechain.research.") {
			for _, a := range ev.Attributes {
				require.NotContains(t, a.Value, c.Addr(devnet.Alice), "%s.%s", ev.Type, a.Key)
			}
		}
	}
	require.Contains(t, eventTypes(res), "carechain.research.v1.EventParticipantEnrolled")
	require.Contains(t, eventTypes(res), "carechain.consent.v1.EventConsentGranted")
}

// Patients never need tokens: carol (who holds none) enrolls with the
// consortium's fee allowance and receives the incentive.
func TestPatientWithoutTokensEnrollsWithFeeAllowance(t *testing.T) {
	c := newChain(t)
	res := c.DeliverWith(devnet.Carol, apptest.TxOptions{FeeGranter: c.Addr(devnet.Consortium)},
		&types.MsgEnroll{Patient: c.Addr(devnet.Carol), StudyId: study})
	require.Zero(t, res.Code, res.Log)
	c.check()
	require.True(t, c.usd(devnet.Carol).Equal(devnet.NorthwindStudyIncentive.Amount))
}

// Must-show 2: enrollment before IRB approval, after CLOSED or beyond
// target is refused; approval by an account outside the named IRB is
// refused.
func TestEnrollmentAndApprovalRefusals(t *testing.T) {
	c := newChain(t)
	res := c.mustDeliver(sponsor, &types.MsgRegisterStudy{
		Sponsor: c.Addr(sponsor), Title: "Small pilot (NW-900)", ProtocolHash: hashDS2, IrbOrg: devnet.OrgIRB,
		RequestedCategories: []string{"Observation"}, TargetEnrollment: 1, Incentive: sdk.NewInt64Coin(app.SettlementDenom, 5_000_000),
		EndsAt: c.Time().Add(30 * 24 * time.Hour),
	})
	pilot := msgResponse[types.MsgRegisterStudyResponse](t, res).StudyId

	requireTxError(t, c.enroll(devnet.Alice, pilot), types.ErrStudyNotApproved)
	approve := &types.MsgApproveStudy{StudyId: pilot, ProtocolVersion: 1, ProtocolHash: hashDS2}
	for _, outsider := range []string{sponsor, devnet.MercyAdmin, devnet.Alice} {
		approve.Reviewer = c.Addr(outsider)
		requireTxError(t, c.deliver(outsider, approve), types.ErrNotIRBMember)
	}
	approve.Reviewer = c.Addr(irb)
	c.mustDeliver(irb, approve)
	requireTxError(t, c.enroll(devnet.Alice, pilot), types.ErrStudyNotRecruiting)
	c.mustDeliver(sponsor, &types.MsgSetStudyStatus{Sponsor: c.Addr(sponsor), StudyId: pilot, Status: types.StudyStatusRecruiting})

	require.Zero(t, c.enroll(devnet.Bob, pilot).Code)
	requireTxError(t, c.enroll(devnet.Alice, pilot), types.ErrStudyFull)
	require.Equal(t, consenttypes.DecisionDeny, c.checkAccess(devnet.Alice, "Observation").Decision)

	c.mustDeliver(sponsor, &types.MsgSetStudyStatus{Sponsor: c.Addr(sponsor), StudyId: study, Status: types.StudyStatusClosed})
	requireTxError(t, c.enroll(devnet.Alice, study), types.ErrStudyNotRecruiting)
	require.Equal(t, consenttypes.DecisionDeny, c.checkAccess(devnet.Alice, "Observation").Decision)
}

// Must-show 3: once MsgWithdraw is in a block, the same check is DENY.
func TestWithdrawDeniesResearchAccess(t *testing.T) {
	c := newChain(t)
	require.Zero(t, c.enroll(devnet.Alice, study).Code)
	require.Equal(t, consenttypes.DecisionPermit, c.checkAccess(devnet.Alice, "Observation").Decision)

	res := c.mustDeliver(devnet.Alice, &types.MsgWithdraw{Patient: c.Addr(devnet.Alice), StudyId: study})
	require.Contains(t, eventTypes(res), "carechain.consent.v1.EventConsentRevoked")
	require.Equal(t, consenttypes.AccessDecision{Decision: consenttypes.DecisionDeny, Reason: consenttypes.ReasonNoConsent},
		c.checkAccess(devnet.Alice, "Observation"))
	require.Equal(t, types.ParticipationStatusWithdrawn, c.participation(study, devnet.Alice).Status)

	// The patient cannot revoke the research consent behind the module's
	// back (consent refuses it); MsgWithdraw is the way.
	require.Zero(t, c.enroll(devnet.Bob, study).Code)
	bobConsent := c.participation(study, devnet.Bob).Participation.ConsentId
	requireTxError(t, c.deliver(devnet.Bob, &consenttypes.MsgRevokeConsent{Signer: c.Addr(devnet.Bob), Patient: c.Addr(devnet.Bob), ConsentId: bobConsent}),
		consenttypes.ErrManagedConsent)
}

// Must-show 4: after an amendment every participant is RECONSENT_REQUIRED
// and research access is DENY until the IRB approves the new version and
// the participant re-consents.
func TestAmendmentSuspendsAccessUntilApprovalAndReconsent(t *testing.T) {
	c := newChain(t)
	for _, p := range []string{devnet.Alice, devnet.Bob} {
		require.Zero(t, c.enroll(p, study).Code)
		require.Equal(t, consenttypes.DecisionPermit, c.checkAccess(p, "Condition").Decision)
	}
	c.mustDeliver(sponsor, &types.MsgAmendProtocol{Sponsor: c.Addr(sponsor), StudyId: study, ProtocolHash: hashV2})
	for _, p := range []string{devnet.Alice, devnet.Bob} {
		require.Equal(t, types.ParticipationStatusReconsentRequired, c.participation(study, p).Status)
		d := c.checkAccess(p, "Condition")
		require.Equal(t, consenttypes.DecisionDeny, d.Decision)
		require.Equal(t, types.ReasonReconsentRequired, d.Reason)
	}
	requireTxError(t, c.deliver(devnet.Alice, &types.MsgReconsent{Patient: c.Addr(devnet.Alice), StudyId: study}), types.ErrStudyNotApproved)

	c.mustDeliver(irb, &types.MsgApproveStudy{Reviewer: c.Addr(irb), StudyId: study, ProtocolVersion: 2, ProtocolHash: hashV2})
	require.Equal(t, consenttypes.DecisionDeny, c.checkAccess(devnet.Alice, "Condition").Decision, "approval alone does not restore access")

	c.mustDeliver(devnet.Alice, &types.MsgReconsent{Patient: c.Addr(devnet.Alice), StudyId: study})
	require.Equal(t, consenttypes.DecisionPermit, c.checkAccess(devnet.Alice, "Condition").Decision)
	require.Equal(t, types.ParticipationStatusEnrolled, c.participation(study, devnet.Alice).Status)
	require.Equal(t, consenttypes.DecisionDeny, c.checkAccess(devnet.Bob, "Condition").Decision)
	require.Equal(t, types.ParticipationStatusReconsentRequired, c.participation(study, devnet.Bob).Status)
	require.EqualValues(t, 1, c.study(study).CurrentVersionConsents)
}

// Must-show 5: results are published once, anchored datasets are listed,
// and COMPLETED returns the unused escrow to the sponsor with the
// invariant holding after every block.
func TestDatasetsResultsAndEscrowReturn(t *testing.T) {
	c := newChain(t)
	require.Zero(t, c.enroll(devnet.Alice, study).Code)
	for i, h := range []string{hashDS1, hashDS2} {
		c.mustDeliver(sponsor, &types.MsgAnchorDataset{Sponsor: c.Addr(sponsor), StudyId: study, DatasetHash: h, RecordCount: uint64(100 * (i + 1))})
	}
	requireTxError(t, c.deliver(sponsor, &types.MsgAnchorDataset{Sponsor: c.Addr(sponsor), StudyId: study, DatasetHash: hashDS1, RecordCount: 1}),
		types.ErrDuplicateDataset)
	ds, err := c.query().StudyDatasets(c.Ctx(), &types.QueryStudyDatasetsRequest{StudyId: study})
	require.NoError(t, err)
	require.Len(t, ds.Datasets, 2)
	require.Equal(t, hashDS1, ds.Datasets[0].DatasetHash)
	require.EqualValues(t, 200, ds.Datasets[1].RecordCount)

	publish := &types.MsgPublishResults{Sponsor: c.Addr(sponsor), StudyId: study, ResultsHash: hashOut, ResultsUri: "https://northwind.example/results/nw-204"}
	requireTxError(t, c.deliver(sponsor, publish), types.ErrWrongStudyStatus)
	c.mustDeliver(sponsor, &types.MsgSetStudyStatus{Sponsor: c.Addr(sponsor), StudyId: study, Status: types.StudyStatusClosed})
	c.mustDeliver(sponsor, publish)
	publish.ResultsHash = hashV2
	requireTxError(t, c.deliver(sponsor, publish), types.ErrResultsAlreadyPublished)
	require.Equal(t, hashOut, c.study(study).ResultsHash)

	unused := c.study(study).Escrow.Amount
	require.True(t, unused.Equal(devnet.NorthwindStudyIncentive.Amount.MulRaw(devnet.NorthwindStudyTarget-1)))
	payoutBefore := c.usd(sponsor) // northwind's payout address is its admin
	c.mustDeliver(sponsor, &types.MsgSetStudyStatus{Sponsor: c.Addr(sponsor), StudyId: study, Status: types.StudyStatusCompleted})
	require.True(t, c.usd(sponsor).Equal(payoutBefore.Add(unused)))
	require.True(t, c.study(study).Escrow.IsZero())
	require.True(t, c.App.BankKeeper.GetBalance(c.Ctx(), c.App.ResearchKeeper.ModuleAddress(), app.SettlementDenom).IsZero())
	d := c.checkAccess(devnet.Alice, "Observation")
	require.Equal(t, consenttypes.DecisionDeny, d.Decision)
	require.Equal(t, types.ReasonStudyEnded, d.Reason)
	c.next(time.Hour)
}

// The research module account takes no plain bank sends: escrow enters only
// through MsgRegisterStudy, so the invariant cannot be broken from outside.
func TestEscrowAccountRefusesBankSends(t *testing.T) {
	c := newChain(t)
	res := c.deliver(devnet.Alice, &banktypes.MsgSend{FromAddress: c.Addr(devnet.Alice),
		ToAddress: c.App.ResearchKeeper.ModuleAddress().String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 1))})
	require.NotZero(t, res.Code)
}

// Must-show 6: genesis export then import reproduces studies and
// participation, and the imported chain's guard decides as before.
func TestExportImportReproducesStudiesAndParticipation(t *testing.T) {
	c := newChain(t)
	require.Zero(t, c.enroll(devnet.Alice, study).Code)
	require.Zero(t, c.enroll(devnet.Bob, study).Code)
	granted := apptest.TxOptions{FeeGranter: c.Addr(devnet.Consortium)} // carol holds no tokens
	for _, m := range []sdk.Msg{&types.MsgEnroll{Patient: c.Addr(devnet.Carol), StudyId: study}, &types.MsgWithdraw{Patient: c.Addr(devnet.Carol), StudyId: study}} {
		res := c.DeliverWith(devnet.Carol, granted, m)
		require.Zero(t, res.Code, res.Log)
		c.check()
	}
	c.mustDeliver(sponsor, &types.MsgAmendProtocol{Sponsor: c.Addr(sponsor), StudyId: study, ProtocolHash: hashV2})
	c.mustDeliver(irb, &types.MsgApproveStudy{Reviewer: c.Addr(irb), StudyId: study, ProtocolVersion: 2, ProtocolHash: hashV2})
	c.mustDeliver(devnet.Alice, &types.MsgReconsent{Patient: c.Addr(devnet.Alice), StudyId: study})
	c.mustDeliver(sponsor, &types.MsgAnchorDataset{Sponsor: c.Addr(sponsor), StudyId: study, DatasetHash: hashDS1, RecordCount: 12})
	c.next(time.Second)

	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	imported := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(apptest.ChainID))
	cp := cmttypes.DefaultConsensusParams().ToProto()
	_, err = imported.InitChain(&abci.RequestInitChain{ChainId: apptest.ChainID, InitialHeight: exported.Height,
		ConsensusParams: &cp, AppStateBytes: exported.AppState, Time: c.Time()})
	require.NoError(t, err)
	_, err = imported.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height, Time: c.Time()})
	require.NoError(t, err)
	_, err = imported.Commit()
	require.NoError(t, err)
	reexported, err := imported.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	var first, second map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &first))
	require.NoError(t, json.Unmarshal(reexported.AppState, &second))
	require.JSONEq(t, string(first[types.ModuleName]), string(second[types.ModuleName]))
	var gs types.GenesisState
	imported.AppCodec().MustUnmarshalJSON(second[types.ModuleName], &gs)
	require.Len(t, gs.Studies, 1)
	require.Len(t, gs.Participations, 3)
	require.Len(t, gs.ProtocolVersions, 2)
	require.Len(t, gs.Datasets, 1)

	ctx := imported.NewUncachedContext(false, cmtproto.Header{ChainID: apptest.ChainID, Height: exported.Height, Time: c.Time()})
	require.NoError(t, imported.ResearchKeeper.CheckInvariants(ctx))
	decide := func(patient string) consenttypes.AccessDecision {
		d, err := imported.ConsentKeeper.CheckAccess(ctx, consenttypes.AccessRequest{Accessor: c.AccAddr(sponsor), Patient: c.AccAddr(patient),
			Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeHresch, Category: "Observation"})
		require.NoError(t, err)
		return d
	}
	require.Equal(t, consenttypes.DecisionPermit, decide(devnet.Alice).Decision)
	require.Equal(t, types.ReasonReconsentRequired, decide(devnet.Bob).Reason, "the guard works on the imported chain")
	require.Equal(t, consenttypes.ReasonNoConsent, decide(devnet.Carol).Reason)
	q := keeper.NewQuerier(imported.ResearchKeeper)
	p, err := q.Participation(ctx, &types.QueryParticipationRequest{StudyId: study, Patient: c.Addr(devnet.Bob)})
	require.NoError(t, err)
	require.Equal(t, types.ParticipationStatusReconsentRequired, p.Status)
	list, err := q.Studies(ctx, &types.QueryStudiesRequest{Status: types.StudyStatusRecruiting, Sponsor: devnet.OrgNorthwind})
	require.NoError(t, err)
	require.Len(t, list.Studies, 1, "indexes are rebuilt on import")
}

// Ledger signs with amino-json: every research message, including an
// amendment that leaves its optional ends_at unset, must verify when
// signed that way.
func TestAminoJSONSignedMessages(t *testing.T) {
	c := newChain(t)
	res := c.deliverAmino(sponsor, &types.MsgAmendProtocol{Sponsor: c.Addr(sponsor), StudyId: study, ProtocolHash: hashV2})
	require.Zero(t, res.Code, res.Log)
	res = c.deliverAmino(irb, &types.MsgApproveStudy{Reviewer: c.Addr(irb), StudyId: study, ProtocolVersion: 2, ProtocolHash: hashV2})
	require.Zero(t, res.Code, res.Log)
	res = c.deliverAmino(sponsor, &types.MsgRegisterStudy{Sponsor: c.Addr(sponsor), Title: "Amino test", ProtocolHash: hashDS1,
		IrbOrg: devnet.OrgIRB, RequestedCategories: []string{"Observation"}, TargetEnrollment: 3,
		Incentive: sdk.NewInt64Coin(app.SettlementDenom, 0), EndsAt: c.Time().Add(time.Hour * 24 * 30)})
	require.Zero(t, res.Code, res.Log)
	res = c.deliverAmino(devnet.Alice, &types.MsgEnroll{Patient: c.Addr(devnet.Alice), StudyId: study})
	require.Zero(t, res.Code, res.Log)
}

// deliverAmino signs msgs with SIGN_MODE_LEGACY_AMINO_JSON and delivers them.
func (c *chain) deliverAmino(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.t.Helper()
	priv := devnet.DemoPrivKey(signer)
	txConfig := c.TxConfig()
	acc := c.App.AccountKeeper.GetAccount(c.Ctx(), c.AccAddr(signer))
	b := txConfig.NewTxBuilder()
	require.NoError(c.t, b.SetMsgs(msgs...))
	b.SetFeeAmount(apptest.DefaultFees)
	b.SetGasLimit(apptest.DefaultGas)
	mode := signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON
	sig := signing.SignatureV2{PubKey: priv.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: acc.GetSequence()}
	require.NoError(c.t, b.SetSignatures(sig))
	bz, err := authsigning.GetSignBytesAdapter(context.Background(), txConfig.SignModeHandler(), mode, authsigning.SignerData{
		Address: c.Addr(signer), ChainID: apptest.ChainID, AccountNumber: acc.GetAccountNumber(), Sequence: acc.GetSequence(), PubKey: priv.PubKey(),
	}, b.GetTx())
	require.NoError(c.t, err)
	signature, err := priv.Sign(bz)
	require.NoError(c.t, err)
	sig.Data = &signing.SingleSignatureData{SignMode: mode, Signature: signature}
	require.NoError(c.t, b.SetSignatures(sig))
	txBytes, err := txConfig.TxEncoder()(b.GetTx())
	require.NoError(c.t, err)
	res := c.DeliverBlock(time.Second, apptest.Tx{Bytes: txBytes})[0]
	c.check()
	return res
}

// REST takes STUDY_STATUS_RECRUITING or RECRUITING and serves the paths
// wallets use.
func TestStudiesOverREST(t *testing.T) {
	c := newChain(t)
	require.Zero(t, c.enroll(devnet.Alice, study).Code)
	c.mustDeliver(sponsor, &types.MsgAnchorDataset{Sponsor: c.Addr(sponsor), StudyId: study, DatasetHash: hashDS1, RecordCount: 12})
	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard,
		&gogogateway.JSONPb{EmitDefaults: true, OrigName: true, AnyResolver: c.App.InterfaceRegistry()}))
	require.NoError(t, types.RegisterQueryHandlerServer(context.Background(), mux, ctxQuerier{c.query(), c.Harness}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string, q url.Values) (int, map[string]any) {
		resp, err := http.Get(srv.URL + path + "?" + q.Encode())
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		var out map[string]any
		require.NoError(t, json.Unmarshal(body, &out), string(body))
		return resp.StatusCode, out
	}
	for _, st := range []string{"STUDY_STATUS_RECRUITING", "RECRUITING"} {
		code, body := get("/carechain/research/v1/studies", url.Values{"status": {st}, "sponsor": {devnet.OrgNorthwind}})
		require.Equal(t, http.StatusOK, code, body)
		require.Len(t, body["studies"], 1)
	}
	code, body := get("/carechain/research/v1/studies", url.Values{"status": {"COMPLETED"}})
	require.Equal(t, http.StatusOK, code, body)
	require.Empty(t, body["studies"])

	code, body = get(fmt.Sprintf("/carechain/research/v1/studies/%d", study), nil)
	require.Equal(t, http.StatusOK, code, body)
	s := body["study"].(map[string]any)
	require.Equal(t, "STUDY_STATUS_RECRUITING", s["status"])
	require.Equal(t, "1", fmt.Sprint(s["enrollment_count"]))
	require.Equal(t, "4950000000", s["escrow"].(map[string]any)["amount"])

	code, body = get(fmt.Sprintf("/carechain/research/v1/studies/%d/participants/%s", study, c.Addr(devnet.Alice)), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "PARTICIPATION_STATUS_ENROLLED", body["status"])
	code, _ = get(fmt.Sprintf("/carechain/research/v1/studies/%d/participants/%s", study, c.Addr(devnet.Bob)), nil)
	require.Equal(t, http.StatusNotFound, code)

	code, body = get(fmt.Sprintf("/carechain/research/v1/studies/%d/datasets", study), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["datasets"], 1)
}

// ctxQuerier serves gateway requests on the harness's committed state.
type ctxQuerier struct {
	keeper.Querier
	h *apptest.Harness
}

func (q ctxQuerier) Study(_ context.Context, req *types.QueryStudyRequest) (*types.QueryStudyResponse, error) {
	return q.Querier.Study(q.h.Ctx(), req)
}

func (q ctxQuerier) Studies(_ context.Context, req *types.QueryStudiesRequest) (*types.QueryStudiesResponse, error) {
	return q.Querier.Studies(q.h.Ctx(), req)
}

func (q ctxQuerier) Participation(_ context.Context, req *types.QueryParticipationRequest) (*types.QueryParticipationResponse, error) {
	return q.Querier.Participation(q.h.Ctx(), req)
}

func (q ctxQuerier) StudyDatasets(_ context.Context, req *types.QueryStudyDatasetsRequest) (*types.QueryStudyDatasetsResponse, error) {
	return q.Querier.StudyDatasets(q.h.Ctx(), req)
}

func eventTypes(res *abci.ExecTxResult) []string {
	out := make([]string, 0, len(res.Events))
	for _, ev := range res.Events {
		out = append(out, ev.Type)
	}
	return out
}
