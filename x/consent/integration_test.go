package consent_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
)

const (
	mercyMember = devnet.MercyAdmin // acts for mercy-general (PROVIDER)
	acmeMember  = devnet.AcmeAdmin  // acts for acme-health (PAYER)
	hash        = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

func querier(h *apptest.Harness) keeper.Querier { return keeper.NewQuerier(h.App.ConsentKeeper) }

func checkAccess(t *testing.T, h *apptest.Harness, accessor, patient string, action types.Action, purpose types.Purpose, category string) *types.QueryCheckAccessResponse {
	t.Helper()
	res, err := querier(h).CheckAccess(h.Ctx(), &types.QueryCheckAccessRequest{
		Accessor: h.Addr(accessor), Patient: h.Addr(patient), Action: action, Purpose: purpose, Category: category,
	})
	require.NoError(t, err)
	return res
}

func requireTxError(t *testing.T, res *abci.ExecTxResult, want *errorsmod.Error) {
	t.Helper()
	require.Equal(t, want.Codespace(), res.Codespace, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, res.Log)
}

// consentID reads the id from a grant's response.
func consentID(t *testing.T, h *apptest.Harness, res *abci.ExecTxResult) uint64 {
	t.Helper()
	var msgRes sdk.TxMsgData
	require.NoError(t, h.App.AppCodec().Unmarshal(res.Data, &msgRes))
	var grant types.MsgGrantConsentResponse
	require.NoError(t, h.App.AppCodec().Unmarshal(msgRes.MsgResponses[0].Value, &grant))
	return grant.ConsentId
}

func mercyGrant(h *apptest.Harness, signer, patient string, days int) *types.MsgGrantConsent {
	return &types.MsgGrantConsent{
		Signer: h.Addr(signer), Patient: h.Addr(patient), Decision: types.DecisionPermit, GranteeOrg: devnet.OrgMercy,
		Actions:   []types.Action{types.ActionRead, types.ActionWrite},
		Purposes:  []types.Purpose{types.PurposeTreat},
		ExpiresAt: h.Time().Add(time.Duration(days) * 24 * time.Hour),
	}
}

// Must-show 1: an org grant permits the org's members for its purpose only.
func TestOrgGrantPermitsMembersForItsPurpose(t *testing.T) {
	h := apptest.New(t)
	id := consentID(t, h, h.MustDeliver(devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))

	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionPermit, ConsentId: id, Reason: types.ReasonConsent},
		checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Observation"))
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionPermit, ConsentId: id, Reason: types.ReasonConsent},
		checkAccess(t, h, devnet.Validator, devnet.Alice, types.ActionWrite, types.PurposeTreat, "Observation"), "every mercy member")
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, Reason: types.ReasonNoConsent},
		checkAccess(t, h, acmeMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Observation"))
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, Reason: types.ReasonNoConsent},
		checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeHresch, "Observation"))
}

// Must-show 2: a DENY on one category overrides the PERMIT there only.
func TestDenyCategoryOverridesOrgPermit(t *testing.T) {
	h := apptest.New(t)
	permit := consentID(t, h, h.MustDeliver(devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))
	deny := mercyGrant(h, devnet.Alice, devnet.Alice, 30)
	deny.Decision, deny.Categories = types.DecisionDeny, []string{"mental-health"}
	denyID := consentID(t, h, h.MustDeliver(devnet.Alice, deny))

	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, ConsentId: denyID, Reason: types.ReasonDeniedByConsent},
		checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "mental-health"))
	for _, category := range []string{"Observation", "Condition", "11488-4"} {
		require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionPermit, ConsentId: permit, Reason: types.ReasonConsent},
			checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, category), category)
	}
}

// Must-show 3: once a revocation is in a block, the decision is DENY.
func TestRevocationDeniesFromTheNextQuery(t *testing.T) {
	h := apptest.New(t)
	id := consentID(t, h, h.MustDeliver(devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))
	require.Equal(t, types.DecisionPermit, checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Observation").Decision)

	res := h.MustDeliver(devnet.Alice, &types.MsgRevokeConsent{Signer: h.Addr(devnet.Alice), Patient: h.Addr(devnet.Alice), ConsentId: id})
	require.Contains(t, eventTypes(res), "carechain.consent.v1.EventConsentRevoked")
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, Reason: types.ReasonNoConsent},
		checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Observation"))
	c, err := querier(h).Consent(h.Ctx(), &types.QueryConsentRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, types.ConsentStatusRevoked, c.Consent.Status)
}

func eventTypes(res *abci.ExecTxResult) []string {
	var out []string
	for _, ev := range res.Events {
		out = append(out, ev.Type)
	}
	return out
}

// withConsentParams sets consent params in genesis.
func withConsentParams(edit func(p *types.Params)) apptest.Option {
	return func(cdc codec.JSONCodec, genesis map[string]json.RawMessage, _ map[string]devnet.Account) {
		var gs types.GenesisState
		cdc.MustUnmarshalJSON(genesis[types.ModuleName], &gs)
		edit(&gs.Params)
		genesis[types.ModuleName] = cdc.MustMarshalJSON(&gs)
	}
}

// Must-show 4: expiry is decided by block time; EndBlock only tidies up,
// never more than max_expirations_per_block consents per block.
func TestExpiryByBlockTimeAndBoundedEndBlock(t *testing.T) {
	h := apptest.New(t, withConsentParams(func(p *types.Params) { p.MaxExpirationsPerBlock = 2 }))
	expires := h.Time().Add(time.Hour)
	var ids []uint64
	for _, category := range []string{"Observation", "Condition", "AllergyIntolerance", "Immunization", "Procedure"} {
		msg := mercyGrant(h, devnet.Alice, devnet.Alice, 0)
		msg.Categories, msg.ExpiresAt = []string{category}, expires
		ids = append(ids, consentID(t, h, h.MustDeliver(devnet.Alice, msg)))
	}

	// Before any block reaches expires_at: permitted. At expires_at, in a
	// context whose block time is expires_at and in which no EndBlocker has
	// run, the decision is already DENY.
	require.Equal(t, types.DecisionPermit, checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Procedure").Decision)
	atExpiry := h.App.NewUncachedContext(false, cmtproto.Header{ChainID: apptest.ChainID, Height: h.Height(), Time: expires})
	res, err := querier(h).CheckAccess(atExpiry, &types.QueryCheckAccessRequest{
		Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Alice), Action: types.ActionRead, Purpose: types.PurposeTreat, Category: "Procedure",
	})
	require.NoError(t, err)
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, ConsentId: ids[4], Reason: types.ReasonConsentExpired}, res)

	// The block at expires_at: EndBlock expires only 2 of the 5; the other
	// 3 are still ACTIVE in state but DENY all the same.
	h.NextBlock(expires.Sub(h.Time()))
	require.Equal(t, []types.ConsentStatus{
		types.ConsentStatusExpired, types.ConsentStatusExpired,
		types.ConsentStatusActive, types.ConsentStatusActive, types.ConsentStatusActive,
	}, statuses(t, h, ids))
	for _, category := range []string{"Observation", "Procedure"} {
		require.Equal(t, types.DecisionDeny, checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, category).Decision, category)
	}
	h.NextBlock(time.Second)
	require.Equal(t, types.ConsentStatusExpired, statuses(t, h, ids)[3])
	require.Equal(t, types.ConsentStatusActive, statuses(t, h, ids)[4])
	h.NextBlock(time.Second)
	require.Equal(t, types.ConsentStatusExpired, statuses(t, h, ids)[4])
}

func statuses(t *testing.T, h *apptest.Harness, ids []uint64) []types.ConsentStatus {
	t.Helper()
	out := make([]types.ConsentStatus, len(ids))
	for i, id := range ids {
		c, err := h.App.ConsentKeeper.GetConsent(h.Ctx(), id)
		require.NoError(t, err)
		out[i] = c.Status
	}
	return out
}

// Must-show 5: a representative grants on the patient's behalf until the
// appointment expires or is removed.
func TestRepresentativeActsOnlyWhileAppointed(t *testing.T) {
	h := apptest.New(t)
	h.MustDeliver(devnet.Alice, &types.MsgAppointRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Bob), ExpiresAt: h.Time().Add(time.Hour)})

	id := consentID(t, h, h.MustDeliver(devnet.Bob, mercyGrant(h, devnet.Bob, devnet.Alice, 30)))
	c, err := h.App.ConsentKeeper.GetConsent(h.Ctx(), id)
	require.NoError(t, err)
	require.Equal(t, h.Addr(devnet.Alice), c.Patient)
	require.Equal(t, h.Addr(devnet.Bob), c.GrantedBy)
	require.Equal(t, types.DecisionPermit, checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Observation").Decision)

	h.NextBlock(time.Hour)
	requireTxError(t, h.Deliver(devnet.Bob, mercyGrant(h, devnet.Bob, devnet.Alice, 30)), types.ErrRepresentativeExpired)
	requireTxError(t, h.Deliver(devnet.Bob, &types.MsgRevokeConsent{Signer: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Alice), ConsentId: id}), types.ErrRepresentativeExpired)

	h.MustDeliver(devnet.Alice, &types.MsgAppointRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Bob), ExpiresAt: h.Time().Add(24 * time.Hour)})
	h.MustDeliver(devnet.Bob, mercyGrant(h, devnet.Bob, devnet.Alice, 30))
	h.MustDeliver(devnet.Alice, &types.MsgRemoveRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Bob)})
	requireTxError(t, h.Deliver(devnet.Bob, mercyGrant(h, devnet.Bob, devnet.Alice, 30)), types.ErrNotPatientOrRepresentative)
}

// Must-show 6: break-glass by a provider member permits ETREAT for
// break_glass_duration; non-providers cannot; the review is recorded and
// queryable per patient and per organization.
func TestBreakGlass(t *testing.T) {
	h := apptest.New(t)
	open := &types.MsgBreakGlass{Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Alice), Reason: types.BreakGlassReasonPatientUnresponsive, JustificationHash: hash}
	res := h.MustDeliver(mercyMember, open)
	require.Contains(t, eventTypes(res), "carechain.consent.v1.EventBreakGlassOpened")
	list, err := querier(h).PatientBreakGlass(h.Ctx(), &types.QueryPatientBreakGlassRequest{Patient: h.Addr(devnet.Alice)})
	require.NoError(t, err)
	require.Len(t, list.BreakGlass, 1)
	bg := list.BreakGlass[0]
	require.Equal(t, devnet.OrgMercy, bg.OrganizationId)
	require.Equal(t, h.Time().Add(types.DefaultBreakGlassDuration), bg.ExpiresAt)

	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionPermit, BreakGlassId: bg.Id, Reason: types.ReasonBreakGlass},
		checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeEtreat, "Observation"))
	require.Equal(t, types.DecisionDeny, checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "Observation").Decision,
		"break-glass is for emergency treatment only")

	for _, outsider := range []string{acmeMember, devnet.Bob} {
		requireTxError(t, h.Deliver(outsider, &types.MsgBreakGlass{Accessor: h.Addr(outsider), Patient: h.Addr(devnet.Alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: hash}), types.ErrNotProvider)
	}

	// mercy-admin is mercy's admin but opened this one: no self-review.
	requireTxError(t, h.Deliver(devnet.MercyAdmin, &types.MsgReviewBreakGlass{Reviewer: h.Addr(devnet.MercyAdmin), BreakGlassId: bg.Id, Outcome: types.ReviewOutcomeJustified}), types.ErrNotReviewer)
	requireTxError(t, h.Deliver(devnet.Bob, &types.MsgReviewBreakGlass{Reviewer: h.Addr(devnet.Bob), BreakGlassId: bg.Id, Outcome: types.ReviewOutcomeJustified}), types.ErrNotReviewer)
	h.MustDeliver(devnet.Alice, &types.MsgReviewBreakGlass{Reviewer: h.Addr(devnet.Alice), BreakGlassId: bg.Id, Outcome: types.ReviewOutcomeJustified, NoteHash: hash})
	requireTxError(t, h.Deliver(devnet.Alice, &types.MsgReviewBreakGlass{Reviewer: h.Addr(devnet.Alice), BreakGlassId: bg.Id, Outcome: types.ReviewOutcomeUnjustified}), types.ErrAlreadyReviewed)
	byOrg, err := querier(h).OrganizationBreakGlass(h.Ctx(), &types.QueryOrganizationBreakGlassRequest{OrgId: devnet.OrgMercy})
	require.NoError(t, err)
	require.Len(t, byOrg.BreakGlass, 1)
	require.NotNil(t, byOrg.BreakGlass[0].Review)
	require.Equal(t, h.Addr(devnet.Alice), byOrg.BreakGlass[0].Review.Reviewer)
	require.Equal(t, types.ReviewOutcomeJustified, byOrg.BreakGlass[0].Review.Outcome)

	h.NextBlock(bg.ExpiresAt.Sub(h.Time()) - time.Second)
	require.Equal(t, types.DecisionPermit, checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeEtreat, "Observation").Decision)
	h.NextBlock(time.Second)
	require.Equal(t, &types.QueryCheckAccessResponse{Decision: types.DecisionDeny, Reason: types.ReasonNoConsent},
		checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeEtreat, "Observation"))
}

// Must-show 7: nobody but the patient or an active representative grants
// or revokes the patient's consents.
func TestOnlyPatientOrRepresentativeControlsConsents(t *testing.T) {
	h := apptest.New(t)
	id := consentID(t, h, h.MustDeliver(devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))
	for _, intruder := range []string{devnet.Bob, devnet.MercyAdmin, devnet.Consortium} {
		requireTxError(t, h.Deliver(intruder, mercyGrant(h, intruder, devnet.Alice, 30)), types.ErrNotPatientOrRepresentative)
		requireTxError(t, h.Deliver(intruder, &types.MsgRevokeConsent{Signer: h.Addr(intruder), Patient: h.Addr(devnet.Alice), ConsentId: id}), types.ErrNotPatientOrRepresentative)
	}
	requireTxError(t, h.Deliver(devnet.Bob, &types.MsgRevokeConsent{Signer: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Bob), ConsentId: id}), types.ErrConsentPatientMismatch)
	// A transaction claiming alice as signer but signed by bob fails the
	// signature check before the message server runs.
	tx := h.Sign(devnet.Bob, apptest.TxOptions{}, 0, mercyGrant(h, devnet.Alice, devnet.Alice, 30))
	require.NotZero(t, h.DeliverBlock(time.Second, tx)[0].Code)

	active, err := querier(h).PatientConsents(h.Ctx(), &types.QueryPatientConsentsRequest{Patient: h.Addr(devnet.Alice), Status: types.ConsentStatusActive})
	require.NoError(t, err)
	require.Len(t, active.Consents, 1, "nothing changed")
}

// Must-show 9: genesis export then import reproduces consent state.
func TestGenesisExportImportReproducesConsentState(t *testing.T) {
	h := apptest.New(t)
	permit := consentID(t, h, h.MustDeliver(devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))
	deny := mercyGrant(h, devnet.Alice, devnet.Alice, 30)
	deny.Decision, deny.Categories = types.DecisionDeny, []string{"mental-health"}
	h.MustDeliver(devnet.Alice, deny)
	revoked := consentID(t, h, h.MustDeliver(devnet.Bob, mercyGrant(h, devnet.Bob, devnet.Bob, 30)))
	h.MustDeliver(devnet.Bob, &types.MsgRevokeConsent{Signer: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Bob), ConsentId: revoked})
	h.MustDeliver(devnet.Alice, &types.MsgAppointRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Bob), ExpiresAt: h.Time().Add(24 * time.Hour)})
	h.MustDeliver(mercyMember, &types.MsgBreakGlass{Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Carol), Reason: types.BreakGlassReasonOther, JustificationHash: hash})

	exported, err := h.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	imported := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(apptest.ChainID))
	cp := cmttypes.DefaultConsensusParams().ToProto()
	_, err = imported.InitChain(&abci.RequestInitChain{ChainId: apptest.ChainID, InitialHeight: exported.Height, ConsensusParams: &cp, AppStateBytes: exported.AppState, Time: h.Time()})
	require.NoError(t, err)
	_, err = imported.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height, Time: h.Time()})
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
	h.App.AppCodec().MustUnmarshalJSON(first[types.ModuleName], &gs)
	require.Len(t, gs.Consents, 3)
	require.Len(t, gs.Representatives, 1)
	require.Len(t, gs.BreakGlassGrants, 1)

	ctx := imported.NewUncachedContext(false, cmtproto.Header{ChainID: apptest.ChainID, Height: exported.Height, Time: h.Time()})
	d, err := imported.ConsentKeeper.CheckAccess(ctx, types.AccessRequest{Accessor: h.AccAddr(mercyMember), Patient: h.AccAddr(devnet.Alice), Action: types.ActionRead, Purpose: types.PurposeTreat, Category: "Observation"})
	require.NoError(t, err)
	require.Equal(t, types.AccessDecision{Decision: types.DecisionPermit, ConsentID: permit, Reason: types.ReasonConsent}, d)
	d, err = imported.ConsentKeeper.CheckAccess(ctx, types.AccessRequest{Accessor: h.AccAddr(mercyMember), Patient: h.AccAddr(devnet.Carol), Action: types.ActionRead, Purpose: types.PurposeEtreat})
	require.NoError(t, err)
	require.Equal(t, types.ReasonBreakGlass, d.Reason)
}

// REST takes enum names (ACTION_READ or READ) and returns them.
func TestCheckAccessOverREST(t *testing.T) {
	h := apptest.New(t)
	id := consentID(t, h, h.MustDeliver(devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))
	// The node's gateway marshals with gogogateway, as here.
	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard,
		&gogogateway.JSONPb{EmitDefaults: true, OrigName: true, AnyResolver: h.App.InterfaceRegistry()}))
	require.NoError(t, types.RegisterQueryHandlerServer(context.Background(), mux, ctxQuerier{querier(h), h}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string, q url.Values) (int, map[string]any) {
		resp, err := http.Get(srv.URL + path + "?" + q.Encode())
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(body, &out), string(body))
		return resp.StatusCode, out
	}
	for _, names := range [][2]string{{"ACTION_READ", "PURPOSE_TREAT"}, {"READ", "TREAT"}} {
		code, body := get("/carechain/consent/v1/check_access", url.Values{
			"accessor": {h.Addr(mercyMember)}, "patient": {h.Addr(devnet.Alice)},
			"action": {names[0]}, "purpose": {names[1]}, "category": {"Observation"},
		})
		require.Equal(t, http.StatusOK, code, body)
		require.Equal(t, "DECISION_PERMIT", body["decision"])
		require.Equal(t, "consent", body["reason"])
		require.Equal(t, fmt.Sprint(id), body["consent_id"])
	}
	code, body := get("/carechain/consent/v1/patients/"+h.Addr(devnet.Alice)+"/consents", url.Values{"status": {"ACTIVE"}})
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["consents"], 1)
	code, _ = get("/carechain/consent/v1/check_access", url.Values{"accessor": {h.Addr(mercyMember)}, "patient": {h.Addr(devnet.Alice)}, "action": {"ACTION_READ"}})
	require.Equal(t, http.StatusBadRequest, code, "a purpose is required")
}

// ctxQuerier serves gateway requests on the harness's committed state.
type ctxQuerier struct {
	keeper.Querier
	h *apptest.Harness
}

func (q ctxQuerier) CheckAccess(_ context.Context, req *types.QueryCheckAccessRequest) (*types.QueryCheckAccessResponse, error) {
	return q.Querier.CheckAccess(q.h.Ctx(), req)
}

func (q ctxQuerier) PatientConsents(_ context.Context, req *types.QueryPatientConsentsRequest) (*types.QueryPatientConsentsResponse, error) {
	return q.Querier.PatientConsents(q.h.Ctx(), req)
}
