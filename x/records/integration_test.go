package records_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	claimstypes "github.com/carechain/carechain/x/claims/types"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/keeper"
	"github.com/carechain/carechain/x/records/types"
)

const (
	mercyMember = devnet.MercyAdmin // acts for mercy-general (PROVIDER)
	acmeMember  = devnet.AcmeAdmin  // acts for acme-health (PAYER)
)

// chain is the harness with helpers for this module's messages.
type chain struct {
	*apptest.Harness
	t *testing.T
	n int
}

func newChain(t *testing.T) *chain { return &chain{Harness: apptest.New(t), t: t} }

func (c *chain) q() keeper.Querier { return keeper.NewQuerier(c.App.RecordsKeeper) }

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newRecord is a valid MsgCreateRecord for a fresh blob.
func (c *chain) newRecord(author, patient, category string) *types.MsgCreateRecord {
	c.n++
	h := sha(fmt.Sprintf("blob %d", c.n))
	return &types.MsgCreateRecord{
		Author: c.Addr(author), Patient: c.Addr(patient), Category: category,
		CiphertextHash: h, ContentCommitment: sha(fmt.Sprintf("salt+plaintext %d", c.n)),
		SizeBytes: 4096, Locator: "vault://vault.mercy.example/v1/blobs/" + h,
	}
}

// response decodes the first message response of a successful result.
func response(t *testing.T, c *chain, res *abci.ExecTxResult, out interface{ Unmarshal([]byte) error }) {
	t.Helper()
	require.Zero(t, res.Code, res.Log)
	var data sdk.TxMsgData
	require.NoError(t, c.App.AppCodec().Unmarshal(res.Data, &data))
	require.NoError(t, out.Unmarshal(data.MsgResponses[0].Value))
}

func (c *chain) create(msg *types.MsgCreateRecord) uint64 {
	c.t.Helper()
	signer := c.name(msg.Author)
	var out types.MsgCreateRecordResponse
	response(c.t, c, c.Deliver(signer, msg), &out)
	return out.RecordId
}

// name finds the demo account of an address.
func (c *chain) name(address string) string {
	for n, a := range c.Accounts {
		if a.Address == address {
			return n
		}
	}
	c.t.Fatalf("no account %s", address)
	return ""
}

func (c *chain) grant(patient string, decision consenttypes.Decision, org string, actions ...consenttypes.Action) uint64 {
	c.t.Helper()
	var out consenttypes.MsgGrantConsentResponse
	response(c.t, c, c.Deliver(patient, &consenttypes.MsgGrantConsent{
		Signer: c.Addr(patient), Patient: c.Addr(patient), Decision: decision, GranteeOrg: org,
		Actions: actions, Purposes: []consenttypes.Purpose{consenttypes.PurposeTreat},
		ExpiresAt: c.Time().Add(30 * 24 * time.Hour),
	}), &out)
	return out.ConsentId
}

func (c *chain) record(id uint64) types.Record {
	c.t.Helper()
	res, err := c.q().Record(c.Ctx(), &types.QueryRecordRequest{Id: id})
	require.NoError(c.t, err)
	return res.Record
}

func requireTxError(t *testing.T, res *abci.ExecTxResult, want *errorsmod.Error) {
	t.Helper()
	require.Equal(t, want.Codespace(), res.Codespace, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, res.Log)
}

func eventTypes(res *abci.ExecTxResult) []string {
	var out []string
	for _, ev := range res.Events {
		out = append(out, ev.Type)
	}
	return out
}

func envelopeMsg(c *chain, signer string, recordID uint64, recipient string, purpose consenttypes.Purpose) *types.MsgAddKeyEnvelope {
	c.n++
	epk := sha256.Sum256(fmt.Appendf(nil, "epk %d", c.n))
	return &types.MsgAddKeyEnvelope{
		Signer: c.Addr(signer), RecordId: recordID, Recipient: c.Addr(recipient), Purpose: purpose,
		Scheme: types.SchemeHPKEX25519V1, EphemeralPublicKey: epk[:], WrappedKey: make([]byte, 48),
	}
}

// Must-show 1: alice's WRITE/TREAT consent lets a mercy member write for
// her; without it, or after revocation, the same message fails with a
// consent error; alice writes her own records; a non-PROVIDER member cannot
// write for her whatever her consents say.
func TestWriteNeedsConsentAndAProvider(t *testing.T) {
	c := newChain(t)
	msg := c.newRecord(mercyMember, devnet.Alice, "Observation")
	requireTxError(t, c.Deliver(mercyMember, msg), types.ErrWriteDenied)

	consentID := c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead, consenttypes.ActionWrite)
	res := c.Deliver(mercyMember, msg)
	require.Zero(t, res.Code, res.Log)
	require.Contains(t, eventTypes(res), "carechain.records.v1.EventRecordCreated")
	var out types.MsgCreateRecordResponse
	response(t, c, res, &out)
	r := c.record(out.RecordId)
	require.Equal(t, devnet.OrgMercy, r.CustodianOrg)
	require.Equal(t, c.Addr(mercyMember), r.Author)
	require.Equal(t, types.RecordStatusCurrent, r.Status)
	require.Equal(t, c.Time(), r.CreatedAt)
	require.Equal(t, c.Height(), r.CreatedHeight)

	// Every member of mercy: the validator operator too.
	c.create(c.newRecord(devnet.Validator, devnet.Alice, "Condition"))

	require.Zero(t, c.Deliver(devnet.Alice, &consenttypes.MsgRevokeConsent{Signer: c.Addr(devnet.Alice), Patient: c.Addr(devnet.Alice), ConsentId: consentID}).Code)
	requireTxError(t, c.Deliver(mercyMember, c.newRecord(mercyMember, devnet.Alice, "Observation")), types.ErrWriteDenied)

	own := c.create(c.newRecord(devnet.Alice, devnet.Alice, "Observation"))
	require.Equal(t, "", c.record(own).CustodianOrg)

	c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgAcme, consenttypes.ActionRead, consenttypes.ActionWrite)
	requireTxError(t, c.Deliver(acmeMember, c.newRecord(acmeMember, devnet.Alice, "Observation")), types.ErrNotProvider)
	// Nor a patient without any organization, for another patient.
	requireTxError(t, c.Deliver(devnet.Bob, c.newRecord(devnet.Bob, devnet.Alice, "Observation")), types.ErrNotProvider)
}

// Must-show 2: versions, history, entered-in-error once and for good; not
// by strangers.
func TestVersionsAndEnteredInError(t *testing.T) {
	c := newChain(t)
	c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead, consenttypes.ActionWrite)
	v1 := c.create(c.newRecord(mercyMember, devnet.Alice, "Observation"))

	for _, stranger := range []string{devnet.Bob, acmeMember} {
		m := c.newRecord(stranger, devnet.Alice, "Observation")
		m.Supersedes = v1
		res := c.Deliver(stranger, m)
		requireTxError(t, res, types.ErrNotCustodian)
		requireTxError(t, c.Deliver(stranger, &types.MsgMarkEnteredInError{Signer: c.Addr(stranger), RecordId: v1}), types.ErrNotCustodian)
	}

	m := c.newRecord(mercyMember, devnet.Alice, "Observation")
	m.Supersedes = v1
	res := c.Deliver(mercyMember, m)
	require.Zero(t, res.Code, res.Log)
	require.Contains(t, eventTypes(res), "carechain.records.v1.EventRecordSuperseded")
	var out types.MsgCreateRecordResponse
	response(t, c, res, &out)
	v2 := out.RecordId
	require.Equal(t, types.RecordStatusSuperseded, c.record(v1).Status)

	m = c.newRecord(devnet.Alice, devnet.Alice, "Observation")
	m.Supersedes = v2
	v3 := c.create(m)

	hist, err := c.q().RecordHistory(c.Ctx(), &types.QueryRecordHistoryRequest{Id: v1})
	require.NoError(t, err)
	require.Len(t, hist.Records, 3)
	for i, want := range []uint64{v1, v2, v3} {
		require.Equal(t, want, hist.Records[i].Id)
		require.EqualValues(t, i+1, hist.Records[i].Version)
	}

	res = c.Deliver(mercyMember, &types.MsgMarkEnteredInError{Signer: c.Addr(mercyMember), RecordId: v2})
	require.Zero(t, res.Code, res.Log)
	require.Contains(t, eventTypes(res), "carechain.records.v1.EventRecordEnteredInError")
	requireTxError(t, c.Deliver(mercyMember, &types.MsgMarkEnteredInError{Signer: c.Addr(mercyMember), RecordId: v2}), types.ErrAlreadyEnteredInError)
	requireTxError(t, c.Deliver(devnet.Alice, &types.MsgMarkEnteredInError{Signer: c.Addr(devnet.Alice), RecordId: v2}), types.ErrAlreadyEnteredInError)
	require.Equal(t, types.RecordStatusEnteredInError, c.record(v2).Status)
	require.Zero(t, c.Deliver(devnet.Alice, &types.MsgMarkEnteredInError{Signer: c.Addr(devnet.Alice), RecordId: v3}).Code)
	m = c.newRecord(devnet.Alice, devnet.Alice, "Observation")
	m.Supersedes = v3
	requireTxError(t, c.Deliver(devnet.Alice, m), types.ErrRecordNotCurrent)
}

// Must-show 3: one record per ciphertext; malformed hashes and long
// locators refused with specific errors; by_hash finds a record.
func TestHashesAndLocators(t *testing.T) {
	c := newChain(t)
	msg := c.newRecord(devnet.Alice, devnet.Alice, "Observation")
	id := c.create(msg)
	dup := c.newRecord(devnet.Bob, devnet.Bob, "Condition")
	dup.CiphertextHash = msg.CiphertextHash
	requireTxError(t, c.Deliver(devnet.Bob, dup), types.ErrDuplicateCiphertext)

	bad := c.newRecord(devnet.Alice, devnet.Alice, "Observation")
	bad.CiphertextHash = strings.ToUpper(bad.CiphertextHash)
	requireTxError(t, c.Deliver(devnet.Alice, bad), types.ErrInvalidHash)
	bad = c.newRecord(devnet.Alice, devnet.Alice, "Observation")
	bad.ContentCommitment = bad.ContentCommitment[:40]
	requireTxError(t, c.Deliver(devnet.Alice, bad), types.ErrInvalidHash)
	long := c.newRecord(devnet.Alice, devnet.Alice, "Observation")
	long.Locator = "https://vault.example/" + strings.Repeat("x", types.MaxLocatorLength)
	requireTxError(t, c.Deliver(devnet.Alice, long), types.ErrInvalidLocator)

	found, err := c.q().RecordByHash(c.Ctx(), &types.QueryRecordByHashRequest{CiphertextHash: msg.CiphertextHash})
	require.NoError(t, err)
	require.Equal(t, id, found.Record.Id)
	require.Equal(t, msg.ContentCommitment, found.Record.ContentCommitment)
}

// Must-show 4: an envelope for a recipient without READ access is refused,
// and accepted once a consent grants it.
func TestEnvelopeNeedsRead(t *testing.T) {
	c := newChain(t)
	id := c.create(c.newRecord(devnet.Alice, devnet.Alice, "Observation"))
	requireTxError(t, c.Deliver(devnet.Alice, envelopeMsg(c, devnet.Alice, id, mercyMember, consenttypes.PurposeTreat)), types.ErrRecipientNotPermitted)
	consentID := c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead)
	res := c.Deliver(devnet.Alice, envelopeMsg(c, devnet.Alice, id, mercyMember, consenttypes.PurposeTreat))
	require.Zero(t, res.Code, res.Log)
	require.Contains(t, eventTypes(res), "carechain.records.v1.EventKeyEnvelopeAdded")
	env, err := c.q().KeyEnvelope(c.Ctx(), &types.QueryKeyEnvelopeRequest{RecordId: id, Recipient: c.Addr(mercyMember)})
	require.NoError(t, err)
	require.Equal(t, consentID, env.Envelope.ConsentId)
	// READ does not reach acme.
	requireTxError(t, c.Deliver(devnet.Alice, envelopeMsg(c, devnet.Alice, id, acmeMember, consenttypes.PurposeTreat)), types.ErrRecipientNotPermitted)
}

// Must-show 5: a permitted read is logged in alice's access_log naming the
// consent (or the break-glass grant); a refused one fails and logs nothing.
func TestRecordAccessDisclosureLog(t *testing.T) {
	c := newChain(t)
	id := c.create(c.newRecord(devnet.Alice, devnet.Alice, "Observation"))
	accessMsg := func(accessor string, purpose consenttypes.Purpose) *types.MsgRecordAccess {
		return &types.MsgRecordAccess{Accessor: c.Addr(accessor), RecordId: id, Purpose: purpose}
	}
	log := func() []types.AccessEvent {
		res, err := c.q().AccessLog(c.Ctx(), &types.QueryAccessLogRequest{Patient: c.Addr(devnet.Alice)})
		require.NoError(t, err)
		return res.Events
	}

	requireTxError(t, c.Deliver(mercyMember, accessMsg(mercyMember, consenttypes.PurposeTreat)), types.ErrAccessDenied)
	require.Empty(t, log())

	consentID := c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead)
	res := c.Deliver(mercyMember, accessMsg(mercyMember, consenttypes.PurposeTreat))
	var out types.MsgRecordAccessResponse
	response(t, c, res, &out)
	require.Contains(t, eventTypes(res), "carechain.records.v1.EventRecordAccessed")
	events := log()
	require.Equal(t, []types.AccessEvent{{
		Id: out.AccessEventId, Accessor: c.Addr(mercyMember), AccessorOrg: devnet.OrgMercy, Patient: c.Addr(devnet.Alice),
		RecordId: id, Purpose: consenttypes.PurposeTreat, ConsentId: consentID, Time: c.Time(), Height: c.Height(),
	}}, events)
	// The vault's log-before-read check: the event by id.
	ev, err := c.q().AccessEvent(c.Ctx(), &types.QueryAccessEventRequest{Id: out.AccessEventId})
	require.NoError(t, err)
	require.Equal(t, events[0], ev.Event)

	// acme has no consent: refused, nothing logged.
	requireTxError(t, c.Deliver(acmeMember, accessMsg(acmeMember, consenttypes.PurposeTreat)), types.ErrAccessDenied)
	require.Len(t, log(), 1)

	// Break-glass (the validator is a mercy member without an open grant
	// until now): logged with the break-glass id, loudly.
	var bg consenttypes.MsgBreakGlassResponse
	response(t, c, c.Deliver(devnet.Validator, &consenttypes.MsgBreakGlass{
		Accessor: c.Addr(devnet.Validator), Patient: c.Addr(devnet.Alice), Reason: consenttypes.BreakGlassReasonLifeThreatening, JustificationHash: sha("why"),
	}), &bg)
	res = c.Deliver(devnet.Validator, accessMsg(devnet.Validator, consenttypes.PurposeEtreat))
	require.Zero(t, res.Code, res.Log)
	require.Contains(t, eventTypes(res), "carechain.records.v1.EventBreakGlassRecordAccessed")
	events = log()
	require.Len(t, events, 2)
	require.Equal(t, bg.BreakGlassId, events[1].BreakGlassId)
	require.Zero(t, events[1].ConsentId)
}

// Must-show 7: genesis export then import reproduces records, envelopes and
// the access log.
func TestGenesisExportImport(t *testing.T) {
	c := newChain(t)
	c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead, consenttypes.ActionWrite)
	msg := c.newRecord(mercyMember, devnet.Alice, "Observation")
	epk := sha256.Sum256([]byte("epk"))
	msg.KeyEnvelopes = []types.NewKeyEnvelope{{Recipient: c.Addr(devnet.Alice), Scheme: types.SchemeHPKEX25519V1, EphemeralPublicKey: epk[:], WrappedKey: make([]byte, 48)}}
	v1 := c.create(msg)
	m := c.newRecord(mercyMember, devnet.Alice, "Observation")
	m.Supersedes = v1
	v2 := c.create(m)
	require.Zero(t, c.Deliver(devnet.Alice, envelopeMsg(c, devnet.Alice, v2, mercyMember, consenttypes.PurposeTreat)).Code)
	require.Zero(t, c.Deliver(mercyMember, &types.MsgRecordAccess{Accessor: c.Addr(mercyMember), RecordId: v2, Purpose: consenttypes.PurposeTreat}).Code)
	bobs := c.create(c.newRecord(devnet.Bob, devnet.Bob, "Condition"))
	require.Zero(t, c.Deliver(devnet.Bob, &types.MsgMarkEnteredInError{Signer: c.Addr(devnet.Bob), RecordId: bobs}).Code)
	require.Zero(t, c.Deliver(devnet.Bob, &types.MsgRecordAccess{Accessor: c.Addr(devnet.Bob), RecordId: bobs, Purpose: consenttypes.PurposeTreat}).Code)

	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	imported := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(apptest.ChainID))
	cp := cmttypes.DefaultConsensusParams().ToProto()
	_, err = imported.InitChain(&abci.RequestInitChain{ChainId: apptest.ChainID, InitialHeight: exported.Height, ConsensusParams: &cp, AppStateBytes: exported.AppState, Time: c.Time()})
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
	c.App.AppCodec().MustUnmarshalJSON(first[types.ModuleName], &gs)
	require.Len(t, gs.Records, 3)
	require.Len(t, gs.Envelopes, 2)
	require.Len(t, gs.AccessEvents, 2)

	ctx := imported.NewUncachedContext(false, cmtproto.Header{ChainID: apptest.ChainID, Height: exported.Height, Time: c.Time()})
	q := keeper.NewQuerier(imported.RecordsKeeper)
	hist, err := q.RecordHistory(ctx, &types.QueryRecordHistoryRequest{Id: v2})
	require.NoError(t, err)
	require.Len(t, hist.Records, 2)
	found, err := imported.RecordsKeeper.RecordByCiphertextHash(ctx, m.CiphertextHash)
	require.NoError(t, err)
	require.Equal(t, v2, found.Id)
	logRes, err := q.AccessLog(ctx, &types.QueryAccessLogRequest{Patient: c.Addr(devnet.Alice)})
	require.NoError(t, err)
	require.Len(t, logRes.Events, 1)
	require.Equal(t, devnet.OrgMercy, logRes.Events[0].AccessorOrg)
	d, err := imported.RecordsKeeper.CheckRecordAccess(ctx, c.AccAddr(mercyMember), v2, consenttypes.ActionRead, consenttypes.PurposeTreat)
	require.NoError(t, err)
	require.True(t, d.Permitted())
}

// x/claims now checks evidence against real records.
func TestClaimEvidenceIsCheckedAgainstRecords(t *testing.T) {
	c := newChain(t)
	c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead, consenttypes.ActionWrite)
	alices := c.create(c.newRecord(mercyMember, devnet.Alice, "Claim"))
	bobs := c.create(c.newRecord(devnet.Bob, devnet.Bob, "Claim"))
	line := claimstypes.ClaimLine{ProcedureCode: "99213", DiagnosisCodes: []string{"J06.9"}, Units: 1,
		Charge: math.NewInt(180_000_000), ServiceDate: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	submit := func(ids ...uint64) *abci.ExecTxResult {
		return c.Deliver(mercyMember, &claimstypes.MsgSubmitClaim{Submitter: c.Addr(mercyMember), PlanId: devnet.AcmeGoldPlanID,
			Patient: c.Addr(devnet.Alice), Lines: []claimstypes.ClaimLine{line}, EvidenceRecordIds: ids})
	}
	requireTxError(t, submit(bobs), claimstypes.ErrEvidencePatientMismatch)
	requireTxError(t, submit(99), claimstypes.ErrEvidenceNotFound)
	res := submit(alices)
	require.Zero(t, res.Code, res.Log)
}

// Every REST path answers with enum names, over the node's gateway
// marshaler.
func TestRESTPaths(t *testing.T) {
	c := newChain(t)
	consentID := c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead, consenttypes.ActionWrite)
	msg := c.newRecord(mercyMember, devnet.Alice, "Observation")
	v1 := c.create(msg)
	m := c.newRecord(mercyMember, devnet.Alice, "Observation")
	m.Supersedes = v1
	v2 := c.create(m)
	c.create(c.newRecord(devnet.Alice, devnet.Alice, "Condition"))
	require.Zero(t, c.Deliver(devnet.Alice, envelopeMsg(c, devnet.Alice, v2, mercyMember, consenttypes.PurposeTreat)).Code)
	before := c.Time()
	var acc types.MsgRecordAccessResponse
	response(t, c, c.Deliver(mercyMember, &types.MsgRecordAccess{Accessor: c.Addr(mercyMember), RecordId: v2, Purpose: consenttypes.PurposeTreat}), &acc)

	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard,
		&gogogateway.JSONPb{EmitDefaults: true, OrigName: true, AnyResolver: c.App.InterfaceRegistry()}))
	require.NoError(t, types.RegisterQueryHandlerServer(context.Background(), mux, ctxQuerier{c.q(), c.Harness}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string, q url.Values) (int, map[string]any) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/carechain/records/v1" + path + "?" + q.Encode())
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(body, &out), string(body))
		return resp.StatusCode, out
	}
	alice := c.Addr(devnet.Alice)

	code, body := get(fmt.Sprintf("/records/%d", v1), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "RECORD_STATUS_SUPERSEDED", body["record"].(map[string]any)["status"])

	for _, st := range []string{"RECORD_STATUS_CURRENT", "CURRENT"} {
		code, body = get("/patients/"+alice+"/records", url.Values{"category": {"Observation"}, "status": {st}})
		require.Equal(t, http.StatusOK, code, body)
		require.Len(t, body["records"], 1)
		require.Equal(t, fmt.Sprint(v2), body["records"].([]any)[0].(map[string]any)["id"])
	}
	code, body = get("/patients/"+alice+"/records", url.Values{"pagination.limit": {"2"}, "pagination.count_total": {"true"}})
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["records"], 2)
	require.Equal(t, "3", body["pagination"].(map[string]any)["total"])

	code, body = get(fmt.Sprintf("/records/%d/history", v2), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["records"], 2)

	code, body = get("/by_hash/"+msg.CiphertextHash, nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, fmt.Sprint(v1), body["record"].(map[string]any)["id"])
	code, _ = get("/by_hash/"+strings.ToUpper(msg.CiphertextHash), nil)
	require.Equal(t, http.StatusBadRequest, code)
	code, _ = get("/by_hash/"+sha("nothing"), nil)
	require.Equal(t, http.StatusNotFound, code)

	code, body = get(fmt.Sprintf("/records/%d/envelopes/%s", v2, c.Addr(mercyMember)), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, types.SchemeHPKEX25519V1, body["envelope"].(map[string]any)["scheme"])

	for _, names := range [][2]string{{"ACTION_READ", "PURPOSE_TREAT"}, {"READ", "TREAT"}} {
		code, body = get("/check_access", url.Values{"accessor": {c.Addr(mercyMember)}, "record_id": {fmt.Sprint(v2)}, "action": {names[0]}, "purpose": {names[1]}})
		require.Equal(t, http.StatusOK, code, body)
		require.Equal(t, "DECISION_PERMIT", body["decision"])
		require.Equal(t, fmt.Sprint(consentID), body["consent_id"])
	}
	code, body = get("/check_access", url.Values{"accessor": {c.Addr(acmeMember)}, "record_id": {fmt.Sprint(v2)}, "action": {"READ"}, "purpose": {"TREAT"}})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "DECISION_DENY", body["decision"])

	code, body = get("/patients/"+alice+"/access_log", url.Values{"from": {before.Format(time.RFC3339)}, "to": {c.Time().Add(time.Second).Format(time.RFC3339)}})
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["events"], 1)
	require.Equal(t, "PURPOSE_TREAT", body["events"].([]any)[0].(map[string]any)["purpose"])
	code, body = get("/patients/"+alice+"/access_log", url.Values{"to": {before.Format(time.RFC3339)}})
	require.Equal(t, http.StatusOK, code, body)
	require.Empty(t, body["events"])

	code, body = get(fmt.Sprintf("/access_events/%d", acc.AccessEventId), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, devnet.OrgMercy, body["event"].(map[string]any)["accessor_org"])

	code, _ = get("/params", nil)
	require.Equal(t, http.StatusOK, code)
}

// ctxQuerier serves gateway requests on the harness's committed state.
type ctxQuerier struct {
	keeper.Querier
	h *apptest.Harness
}

func (q ctxQuerier) Record(_ context.Context, req *types.QueryRecordRequest) (*types.QueryRecordResponse, error) {
	return q.Querier.Record(q.h.Ctx(), req)
}

func (q ctxQuerier) PatientRecords(_ context.Context, req *types.QueryPatientRecordsRequest) (*types.QueryPatientRecordsResponse, error) {
	return q.Querier.PatientRecords(q.h.Ctx(), req)
}

func (q ctxQuerier) RecordHistory(_ context.Context, req *types.QueryRecordHistoryRequest) (*types.QueryRecordHistoryResponse, error) {
	return q.Querier.RecordHistory(q.h.Ctx(), req)
}

func (q ctxQuerier) RecordByHash(_ context.Context, req *types.QueryRecordByHashRequest) (*types.QueryRecordByHashResponse, error) {
	return q.Querier.RecordByHash(q.h.Ctx(), req)
}

func (q ctxQuerier) KeyEnvelope(_ context.Context, req *types.QueryKeyEnvelopeRequest) (*types.QueryKeyEnvelopeResponse, error) {
	return q.Querier.KeyEnvelope(q.h.Ctx(), req)
}

func (q ctxQuerier) CheckRecordAccess(_ context.Context, req *types.QueryCheckRecordAccessRequest) (*types.QueryCheckRecordAccessResponse, error) {
	return q.Querier.CheckRecordAccess(q.h.Ctx(), req)
}

func (q ctxQuerier) AccessLog(_ context.Context, req *types.QueryAccessLogRequest) (*types.QueryAccessLogResponse, error) {
	return q.Querier.AccessLog(q.h.Ctx(), req)
}

func (q ctxQuerier) AccessEvent(_ context.Context, req *types.QueryAccessEventRequest) (*types.QueryAccessEventResponse, error) {
	return q.Querier.AccessEvent(q.h.Ctx(), req)
}

func (q ctxQuerier) Params(_ context.Context, req *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	return q.Querier.Params(q.h.Ctx(), req)
}
