package consent_test

import (
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/testutil/catalog"
	"github.com/carechain/carechain/x/consent/types"
)

// grantAuthz has granter authorize grantee to send msgType on its behalf.
func grantAuthz(t *testing.T, h *apptest.Harness, granter, grantee string, msgType sdk.Msg) {
	t.Helper()
	exp := h.Time().Add(24 * time.Hour)
	g, err := authz.NewMsgGrant(h.AccAddr(granter), h.AccAddr(grantee), authz.NewGenericAuthorization(sdk.MsgTypeURL(msgType)), &exp)
	require.NoError(t, err)
	catalog.MustDeliver(t, h, granter, g)
}

func exec(h *apptest.Harness, grantee string, msgs ...sdk.Msg) []sdk.Msg {
	m := authz.NewMsgExec(h.AccAddr(grantee), msgs)
	return []sdk.Msg{&m}
}

// TestBadInputCatalog delivers malformed and unauthorized consent
// transactions; each must fail with its specific registered error and
// change nothing but the signer's fee and sequence.
func TestBadInputCatalog(t *testing.T) {
	h := apptest.New(t)
	// grant returns alice's grant to mercy-general with change applied.
	grant := func(change func(h *apptest.Harness, m *types.MsgGrantConsent)) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			m := mercyGrant(h, devnet.Alice, devnet.Alice, 30)
			if change != nil {
				change(h, m)
			}
			return []sdk.Msg{m}
		}
	}
	var aliceConsent, revokedConsent, bgID uint64
	grantedID := func(t *testing.T, res *abci.ExecTxResult) uint64 { return consentID(t, h, res) }

	cases := []catalog.Case{
		{Name: "grant signed by someone who does not represent the patient", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg { return []sdk.Msg{mercyGrant(h, devnet.Bob, devnet.Alice, 30)} },
			Want: types.ErrNotPatientOrRepresentative},
		{Name: "grant signed by a provider for the patient", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg { return []sdk.Msg{mercyGrant(h, mercyMember, devnet.Alice, 30)} },
			Want: types.ErrNotPatientOrRepresentative},
		{Name: "grant for the patient signed with another key", Kind: catalog.WrongSigner, Signer: devnet.Bob,
			Msgs: grant(nil), Want: sdkerrors.ErrInvalidPubKey},
		{Name: "grant with a malformed patient address", Kind: catalog.BadAddress, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.Patient = "care1xyz" }), Want: types.ErrInvalidAddress},
		{Name: "grant with an upper-case patient address", Kind: catalog.BadAddress, Signer: devnet.Alice,
			Msgs: grant(func(h *apptest.Harness, m *types.MsgGrantConsent) { m.Patient = strings.ToUpper(h.Addr(devnet.Alice)) }),
			Want: types.ErrInvalidAddress},
		{Name: "grant to a malformed grantee address", Kind: catalog.BadAddress, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.GranteeOrg, m.Grantee = "", "care1grantee" }),
			Want: types.ErrInvalidAddress},
		{Name: "grant with no grantee", Kind: catalog.Empty, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.GranteeOrg = "" }), Want: types.ErrInvalidConsent},
		{Name: "grant to both an account and an organization", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(h *apptest.Harness, m *types.MsgGrantConsent) { m.Grantee = h.Addr(devnet.Bob) }), Want: types.ErrInvalidConsent},
		{Name: "grant to the patient themselves", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(h *apptest.Harness, m *types.MsgGrantConsent) { m.GranteeOrg, m.Grantee = "", h.Addr(devnet.Alice) }),
			Want: types.ErrInvalidConsent},
		{Name: "grant to an unknown organization", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.GranteeOrg = "no-such-org" }), Want: types.ErrUnknownOrganization},
		{Name: "grant with an unspecified decision", Kind: catalog.Empty, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.Decision = types.DecisionUnspecified }), Want: types.ErrInvalidConsent},
		{Name: "grant with no actions", Kind: catalog.Empty, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.Actions = nil }), Want: types.ErrInvalidConsent},
		{Name: "grant listing a purpose twice", Kind: catalog.Duplicate, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) {
				m.Purposes = []types.Purpose{types.PurposeTreat, types.PurposeTreat}
			}), Want: types.ErrInvalidConsent},
		{Name: "grant with an unknown purpose value", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.Purposes = []types.Purpose{99} }), Want: types.ErrInvalidConsent},
		{Name: "grant with 33 categories", Kind: catalog.Oversized, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) {
				for i := range 33 {
					m.Categories = append(m.Categories, "cat-"+strings.Repeat("x", i+1))
				}
			}), Want: types.ErrInvalidConsent},
		{Name: "grant with a free-text category", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.Categories = []string{"HIV test results"} }), Want: types.ErrInvalidConsent},
		{Name: "grant with a 10 kB category", Kind: catalog.Oversized, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) {
				m.Categories = []string{strings.Repeat("a", 10_000)}
			}),
			Want: types.ErrInvalidConsent},
		{Name: "grant naming record 0", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.RecordIds = []uint64{0} }), Want: types.ErrInvalidConsent},
		{Name: "grant naming a record twice", Kind: catalog.Duplicate, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.RecordIds = []uint64{7, 7} }), Want: types.ErrInvalidConsent},
		{Name: "grant that expired yesterday", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(h *apptest.Harness, m *types.MsgGrantConsent) { m.ExpiresAt = h.Time().Add(-24 * time.Hour) }), Want: types.ErrInvalidConsent},
		{Name: "grant for longer than max_consent_duration", Kind: catalog.Oversized, Signer: devnet.Alice,
			Msgs: grant(func(h *apptest.Harness, m *types.MsgGrantConsent) { m.ExpiresAt = h.Time().AddDate(6, 0, 0) }), Want: types.ErrConsentTooLong},
		{Name: "grant with an upper-case source document hash", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: grant(func(_ *apptest.Harness, m *types.MsgGrantConsent) { m.SourceDocumentHash = strings.ToUpper(hash) }),
			Want: types.ErrInvalidConsent},
		{Name: "revoke a consent that does not exist", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRevokeConsent{Signer: h.Addr(devnet.Alice), Patient: h.Addr(devnet.Alice), ConsentId: 999_999}}
			}, Want: types.ErrConsentNotFound},
		{Name: "revoke another patient's consent as one's own", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Setup: func(t *testing.T, h *apptest.Harness) {
				aliceConsent = grantedID(t, catalog.MustDeliver(t, h, devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 30)))
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRevokeConsent{Signer: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Bob), ConsentId: aliceConsent}}
			}, Want: types.ErrConsentPatientMismatch},
		{Name: "revoke another patient's consent naming that patient", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRevokeConsent{Signer: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Alice), ConsentId: aliceConsent}}
			}, Want: types.ErrNotPatientOrRepresentative},
		{Name: "revoke a consent twice", Kind: catalog.Duplicate, Signer: devnet.Alice,
			Setup: func(t *testing.T, h *apptest.Harness) {
				revokedConsent = grantedID(t, catalog.MustDeliver(t, h, devnet.Alice, mercyGrant(h, devnet.Alice, devnet.Alice, 10)))
				catalog.MustDeliver(t, h, devnet.Alice, &types.MsgRevokeConsent{Signer: h.Addr(devnet.Alice), Patient: h.Addr(devnet.Alice), ConsentId: revokedConsent})
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRevokeConsent{Signer: h.Addr(devnet.Alice), Patient: h.Addr(devnet.Alice), ConsentId: revokedConsent}}
			}, Want: types.ErrConsentNotActive},
		{Name: "appoint oneself as representative", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAppointRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Alice), ExpiresAt: h.Time().Add(time.Hour)}}
			}, Want: types.ErrInvalidRepresentative},
		{Name: "appoint a representative whose term has already ended", Kind: catalog.Malformed, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAppointRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Bob), ExpiresAt: h.Time().Add(-time.Hour)}}
			}, Want: types.ErrInvalidRepresentative},
		{Name: "appoint a representative with an empty address", Kind: catalog.Empty, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAppointRepresentative{Patient: h.Addr(devnet.Alice), Representative: "", ExpiresAt: h.Time().Add(time.Hour)}}
			}, Want: types.ErrInvalidAddress},
		{Name: "remove a representative that was never appointed", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRemoveRepresentative{Patient: h.Addr(devnet.Alice), Representative: h.Addr(devnet.Carol)}}
			}, Want: types.ErrRepresentativeNotFound},
		{Name: "resign from an appointment one never held", Kind: catalog.NotFound, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgResignRepresentative{Representative: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Alice)}}
			}, Want: types.ErrRepresentativeNotFound},
		{Name: "break glass by an account that is no provider", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgBreakGlass{Accessor: h.Addr(devnet.Bob), Patient: h.Addr(devnet.Alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: hash}}
			}, Want: types.ErrNotProvider},
		{Name: "break glass by a payer", Kind: catalog.Unauthorized, Signer: acmeMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgBreakGlass{Accessor: h.Addr(acmeMember), Patient: h.Addr(devnet.Alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: hash}}
			}, Want: types.ErrNotProvider},
		{Name: "break glass with a free-text justification", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgBreakGlass{Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Alice), Reason: types.BreakGlassReasonLifeThreatening, JustificationHash: "unconscious in ER"}}
			}, Want: types.ErrInvalidBreakGlass},
		{Name: "break glass with no reason", Kind: catalog.Empty, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgBreakGlass{Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Alice), JustificationHash: hash}}
			}, Want: types.ErrInvalidBreakGlass},
		{Name: "break glass again while the first is open", Kind: catalog.Duplicate, Signer: mercyMember,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, mercyMember, &types.MsgBreakGlass{Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Bob), Reason: types.BreakGlassReasonPatientUnresponsive, JustificationHash: hash})
				bgID = 1
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgBreakGlass{Accessor: h.Addr(mercyMember), Patient: h.Addr(devnet.Bob), Reason: types.BreakGlassReasonPatientUnresponsive, JustificationHash: hash}}
			}, Want: types.ErrBreakGlassOpen},
		{Name: "review one's own break-glass access", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgReviewBreakGlass{Reviewer: h.Addr(mercyMember), BreakGlassId: bgID, Outcome: types.ReviewOutcomeJustified}}
			}, Want: types.ErrNotReviewer},
		{Name: "review another patient's break-glass access", Kind: catalog.Unauthorized, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgReviewBreakGlass{Reviewer: h.Addr(devnet.Alice), BreakGlassId: bgID, Outcome: types.ReviewOutcomeUnjustified}}
			}, Want: types.ErrNotReviewer},
		{Name: "review a break-glass grant that does not exist", Kind: catalog.NotFound, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgReviewBreakGlass{Reviewer: h.Addr(devnet.Bob), BreakGlassId: 4242, Outcome: types.ReviewOutcomeJustified}}
			}, Want: types.ErrBreakGlassNotFound},
		{Name: "change parameters without governance", Kind: catalog.Unauthorized, Signer: devnet.Consortium,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgUpdateParams{Authority: h.Addr(devnet.Consortium), Params: types.DefaultParams()}}
			}, Want: types.ErrInvalidAuthority},
		// authz and consent. An authz grant FROM THE PATIENT is the
		// patient's own act (they signed the grant; x/authz then executes
		// the inner message as signed by the patient), so consent through
		// it is legitimate: TestConsentThroughPatientsAuthzGrant. What
		// must fail is an authz grant standing in for a patient who never
		// gave it: from someone else, or used for another patient, or used
		// with the grantee itself as the consent's signer.
		{Name: "authz grant from the provider used to sign the patient's consent", Kind: catalog.AuthzConsent, Signer: devnet.Bob,
			Setup: func(t *testing.T, h *apptest.Harness) {
				grantAuthz(t, h, devnet.MercyAdmin, devnet.Bob, &types.MsgGrantConsent{})
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, devnet.Bob, mercyGrant(h, devnet.Alice, devnet.Alice, 30))
			}, Want: authz.ErrNoAuthorizationFound},
		{Name: "provider executes the patient's consent through authz with no grant", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, mercyGrant(h, devnet.Alice, devnet.Alice, 30))
			}, Want: authz.ErrNoAuthorizationFound},
		{Name: "patient's authz grant used for a different patient", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Setup: func(t *testing.T, h *apptest.Harness) {
				grantAuthz(t, h, devnet.Alice, mercyMember, &types.MsgGrantConsent{})
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, mercyGrant(h, devnet.Alice, devnet.Bob, 30))
			}, Want: types.ErrNotPatientOrRepresentative},
		{Name: "patient's authz grant with the grantee as the consent's signer", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, mercyGrant(h, mercyMember, devnet.Alice, 30))
			}, Want: types.ErrNotPatientOrRepresentative},
		{Name: "patient's authz grant for a different message used to revoke", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, &types.MsgRevokeConsent{Signer: h.Addr(devnet.Alice), Patient: h.Addr(devnet.Alice), ConsentId: aliceConsent})
			}, Want: authz.ErrNoAuthorizationFound},
		catalog.ReplayCase("replayed grant transaction", devnet.Alice, grant(nil)),
	}
	catalog.RequireKinds(t, cases, catalog.Empty, catalog.Oversized, catalog.BadAddress, catalog.WrongSigner,
		catalog.Unauthorized, catalog.Duplicate, catalog.AuthzConsent, catalog.Replayed)
	catalog.Run(t, h, cases)
	t.Logf("%d consent bad-input cases", len(cases))
}

// TestConsentThroughPatientsAuthzGrant: the legitimate form of consent by
// authz. Alice authorizes her wallet service (bob) to send MsgGrantConsent
// for her; bob's MsgExec of a grant signed as alice, for alice, records a
// consent granted by alice.
func TestConsentThroughPatientsAuthzGrant(t *testing.T) {
	h := apptest.New(t)
	grantAuthz(t, h, devnet.Alice, devnet.Bob, &types.MsgGrantConsent{})
	res := catalog.MustDeliver(t, h, devnet.Bob, exec(h, devnet.Bob, mercyGrant(h, devnet.Alice, devnet.Alice, 30))...)
	require.Zero(t, res.Code)
	got := checkAccess(t, h, mercyMember, devnet.Alice, types.ActionRead, types.PurposeTreat, "")
	require.Equal(t, types.DecisionPermit, got.Decision)
	c, err := h.App.ConsentKeeper.GetConsent(h.Ctx(), got.ConsentId)
	require.NoError(t, err)
	require.Equal(t, h.Addr(devnet.Alice), c.GrantedBy, "the consent is alice's act")
}
