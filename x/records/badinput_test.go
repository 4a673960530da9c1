package records_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/testutil/catalog"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
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

// TestBadInputCatalog delivers malformed and unauthorized records
// transactions; each must fail with its specific registered error and
// change nothing but the signer's fee and sequence: no record, envelope or
// access event appears, no status changes.
func TestBadInputCatalog(t *testing.T) {
	c := newChain(t)
	h := c.Harness
	// Alice lets mercy-general read and write her records for TREAT;
	// mercy writes record mercyRec (custodian mercy-general, envelope for
	// alice), alice writes aliceRec herself, bob writes bobRec himself.
	c.grant(devnet.Alice, consenttypes.DecisionPermit, devnet.OrgMercy, consenttypes.ActionRead, consenttypes.ActionWrite)
	first := c.newRecord(mercyMember, devnet.Alice, "Observation")
	first.KeyEnvelopes = []types.NewKeyEnvelope{envelope(h.Addr(devnet.Alice))}
	mercyRec := c.create(first)
	mercyHash := first.CiphertextHash
	aliceRec := c.create(c.newRecord(devnet.Alice, devnet.Alice, "Condition"))
	bobRec := c.create(c.newRecord(devnet.Bob, devnet.Bob, "Observation"))
	var supersededRec uint64

	create := func(author, patient string, change func(h *apptest.Harness, m *types.MsgCreateRecord)) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			m := c.newRecord(author, patient, "Observation")
			if change != nil {
				change(h, m)
			}
			return []sdk.Msg{m}
		}
	}
	mercyCreate := func(change func(h *apptest.Harness, m *types.MsgCreateRecord)) func(*apptest.Harness) []sdk.Msg {
		return create(mercyMember, devnet.Alice, change)
	}
	addEnvelope := func(signer string, record uint64, recipient string, change func(m *types.MsgAddKeyEnvelope)) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			e := envelope(h.Addr(recipient))
			m := &types.MsgAddKeyEnvelope{Signer: h.Addr(signer), RecordId: record, Recipient: e.Recipient, Purpose: consenttypes.PurposeTreat,
				Scheme: e.Scheme, EphemeralPublicKey: e.EphemeralPublicKey, WrappedKey: e.WrappedKey}
			if change != nil {
				change(m)
			}
			return []sdk.Msg{m}
		}
	}
	access := func(accessor string, record uint64, purpose consenttypes.Purpose) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgRecordAccess{Accessor: h.Addr(accessor), RecordId: record, Purpose: purpose}}
		}
	}
	mark := func(signer string, record uint64) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgMarkEnteredInError{Signer: h.Addr(signer), RecordId: record}}
		}
	}

	cases := []catalog.Case{
		// MsgCreateRecord: the write rule.
		{Name: "write a patient's record as an account that acts for no provider", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: create(devnet.Bob, devnet.Alice, nil), Want: types.ErrNotProvider},
		{Name: "write a patient's record as a payer", Kind: catalog.Unauthorized, Signer: acmeMember,
			Msgs: create(acmeMember, devnet.Alice, nil), Want: types.ErrNotProvider},
		{Name: "write without the patient's WRITE consent", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: create(mercyMember, devnet.Bob, nil), Want: types.ErrWriteDenied},
		{Name: "write signed with another key", Kind: catalog.WrongSigner, Signer: devnet.Bob, Msgs: mercyCreate(nil), Want: sdkerrors.ErrInvalidPubKey},
		// Fields.
		{Name: "write with an empty category", Kind: catalog.Empty, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Category = "" }), Want: types.ErrInvalidCategory},
		{Name: "write with a 65-character category", Kind: catalog.Oversized, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Category = strings.Repeat("c", 65) }), Want: types.ErrInvalidCategory},
		{Name: "write with a free-text category", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Category = "HIV test of Alice" }), Want: types.ErrInvalidCategory},
		{Name: "write with an empty ciphertext hash", Kind: catalog.Empty, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.CiphertextHash = "" }), Want: types.ErrInvalidHash},
		{Name: "write with an upper-case ciphertext hash", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) {
				m.CiphertextHash = strings.ToUpper(m.CiphertextHash)
			}),
			Want: types.ErrInvalidHash},
		{Name: "write with a 65-character content commitment", Kind: catalog.Oversized, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.ContentCommitment += "0" }), Want: types.ErrInvalidHash},
		{Name: "write with the ciphertext hash as the content commitment", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.ContentCommitment = m.CiphertextHash }),
			Want: types.ErrInvalidHash},
		{Name: "write a zero-byte record", Kind: catalog.BadAmount, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.SizeBytes = 0 }), Want: types.ErrInvalidSize},
		{Name: "write a record above max_size_bytes", Kind: catalog.BadAmount, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.SizeBytes = types.DefaultMaxSizeBytes + 1 }),
			Want: types.ErrInvalidSize},
		{Name: "write a record of 2^64-1 bytes", Kind: catalog.BadAmount, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.SizeBytes = ^uint64(0) }), Want: types.ErrInvalidSize},
		{Name: "write with an empty locator", Kind: catalog.Empty, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Locator = "" }), Want: types.ErrInvalidLocator},
		{Name: "write with a 257-character locator", Kind: catalog.Oversized, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) {
				m.Locator = "vault://vault.mercy.example/" + strings.Repeat("a", 257-len("vault://vault.mercy.example/"))
			}), Want: types.ErrInvalidLocator},
		{Name: "write with a locator carrying a query string", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Locator += "?patient=alice" }), Want: types.ErrInvalidLocator},
		{Name: "write for a malformed patient address", Kind: catalog.BadAddress, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Patient = "care1alice" }), Want: types.ErrInvalidAddress},
		{Name: "write for an upper-case patient address", Kind: catalog.BadAddress, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Patient = strings.ToUpper(m.Patient) }),
			Want: types.ErrInvalidAddress},
		{Name: "anchor a ciphertext hash twice", Kind: catalog.Duplicate, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.CiphertextHash = mercyHash }), Want: types.ErrDuplicateCiphertext},
		// Initial key envelopes.
		{Name: "write with 17 initial envelopes", Kind: catalog.Oversized, Signer: mercyMember,
			Msgs: mercyCreate(func(h *apptest.Harness, m *types.MsgCreateRecord) {
				for range types.DefaultMaxInitialEnvelopes + 1 {
					m.KeyEnvelopes = append(m.KeyEnvelopes, envelope(h.Addr(devnet.Alice)))
				}
			}), Want: types.ErrTooManyEnvelopes},
		{Name: "write with an envelope for a recipient without READ access", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: mercyCreate(func(h *apptest.Harness, m *types.MsgCreateRecord) {
				m.KeyEnvelopes = []types.NewKeyEnvelope{envelope(h.Addr(devnet.Bob))}
			}), Want: types.ErrRecipientNotPermitted},
		{Name: "write with two envelopes for one recipient", Kind: catalog.Duplicate, Signer: mercyMember,
			Msgs: mercyCreate(func(h *apptest.Harness, m *types.MsgCreateRecord) {
				m.KeyEnvelopes = []types.NewKeyEnvelope{envelope(h.Addr(devnet.Alice)), envelope(h.Addr(devnet.Alice))}
			}), Want: types.ErrInvalidEnvelope},
		{Name: "write with an envelope of an unknown scheme", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(h *apptest.Harness, m *types.MsgCreateRecord) {
				e := envelope(h.Addr(devnet.Alice))
				e.Scheme = "rsa-oaep"
				m.KeyEnvelopes = []types.NewKeyEnvelope{e}
			}), Want: types.ErrInvalidEnvelope},
		{Name: "write with an all-zero ephemeral key", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(h *apptest.Harness, m *types.MsgCreateRecord) {
				e := envelope(h.Addr(devnet.Alice))
				e.EphemeralPublicKey = make([]byte, types.X25519KeyLength)
				m.KeyEnvelopes = []types.NewKeyEnvelope{e}
			}), Want: types.ErrInvalidEnvelope},
		// Supersede chains.
		{Name: "supersede a record that does not exist", Kind: catalog.NotFound, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Supersedes = 9_999 }), Want: types.ErrRecordNotFound},
		{Name: "supersede with another category", Kind: catalog.Malformed, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Supersedes, m.Category = mercyRec, "Condition" }),
			Want: types.ErrSupersedeMismatch},
		{Name: "supersede another patient's record", Kind: catalog.Malformed, Signer: devnet.Bob,
			Msgs: create(devnet.Bob, devnet.Bob, func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Supersedes = aliceRec; m.Category = "Condition" }),
			Want: types.ErrNotCustodian},
		{Name: "supersede a record the author is not custodian of", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Supersedes, m.Category = aliceRec, "Condition" }),
			Want: types.ErrNotCustodian},
		{Name: "supersede a superseded record", Kind: catalog.BadState, Signer: mercyMember,
			Setup: func(t *testing.T, h *apptest.Harness) {
				v1 := c.create(c.newRecord(mercyMember, devnet.Alice, "Observation"))
				v2 := c.newRecord(mercyMember, devnet.Alice, "Observation")
				v2.Supersedes = v1
				c.create(v2)
				supersededRec = v1
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return mercyCreate(func(_ *apptest.Harness, m *types.MsgCreateRecord) { m.Supersedes = supersededRec })(h)
			}, Want: types.ErrRecordNotCurrent},
		// MsgMarkEnteredInError.
		{Name: "mark a record as a stranger", Kind: catalog.Unauthorized, Signer: devnet.Bob, Msgs: mark(devnet.Bob, mercyRec), Want: types.ErrNotCustodian},
		{Name: "mark a record as another provider", Kind: catalog.Unauthorized, Signer: mercyMember, Msgs: mark(mercyMember, bobRec), Want: types.ErrNotCustodian},
		{Name: "mark a record that does not exist", Kind: catalog.NotFound, Signer: devnet.Alice, Msgs: mark(devnet.Alice, 9_999), Want: types.ErrRecordNotFound},
		{Name: "mark a record entered in error twice", Kind: catalog.BadState, Signer: devnet.Alice,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, devnet.Alice, mark(devnet.Alice, aliceRec)(h)...)
			},
			Msgs: mark(devnet.Alice, aliceRec), Want: types.ErrAlreadyEnteredInError},
		{Name: "mark with the signer's address in upper case", Kind: catalog.BadAddress, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgMarkEnteredInError{Signer: strings.ToUpper(h.Addr(devnet.Alice)), RecordId: mercyRec}}
			}, Want: types.ErrInvalidAddress},
		// MsgAddKeyEnvelope.
		{Name: "add an envelope as a stranger", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: addEnvelope(devnet.Bob, mercyRec, devnet.Bob, nil), Want: types.ErrNotEnvelopeSigner},
		{Name: "add an envelope for a recipient without READ access", Kind: catalog.Unauthorized, Signer: devnet.Alice,
			Msgs: addEnvelope(devnet.Alice, mercyRec, devnet.Bob, nil), Want: types.ErrRecipientNotPermitted},
		{Name: "add an envelope for a recipient who has one", Kind: catalog.Duplicate, Signer: mercyMember,
			Msgs: addEnvelope(mercyMember, mercyRec, devnet.Alice, nil), Want: types.ErrEnvelopeExists},
		{Name: "add an envelope for a third party without a purpose", Kind: catalog.Empty, Signer: devnet.Alice,
			Msgs: addEnvelope(devnet.Alice, mercyRec, devnet.Validator, func(m *types.MsgAddKeyEnvelope) { m.Purpose = consenttypes.PurposeUnspecified }),
			Want: types.ErrInvalidPurpose},
		{Name: "add an envelope with a 129-byte wrapped key", Kind: catalog.Oversized, Signer: devnet.Alice,
			Msgs: addEnvelope(devnet.Alice, mercyRec, devnet.Validator, func(m *types.MsgAddKeyEnvelope) { m.WrappedKey = bytes.Repeat([]byte{1}, 129) }),
			Want: types.ErrInvalidEnvelope},
		{Name: "add an envelope to a record that does not exist", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: addEnvelope(devnet.Alice, 9_999, devnet.Alice, nil), Want: types.ErrRecordNotFound},
		{Name: "add an envelope for a malformed recipient", Kind: catalog.BadAddress, Signer: devnet.Alice,
			Msgs: addEnvelope(devnet.Alice, mercyRec, devnet.Alice, func(m *types.MsgAddKeyEnvelope) { m.Recipient = "care1bob" }),
			Want: types.ErrInvalidAddress},
		// MsgRecordAccess: reads x/consent does not permit are refused and
		// not logged.
		{Name: "log a read the patient never permitted", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: access(devnet.Bob, mercyRec, consenttypes.PurposeTreat), Want: types.ErrAccessDenied},
		{Name: "log a provider's read for a purpose the consent does not cover", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: access(mercyMember, mercyRec, consenttypes.PurposeHresch), Want: types.ErrAccessDenied},
		{Name: "log a payer's read without consent", Kind: catalog.Unauthorized, Signer: acmeMember,
			Msgs: access(acmeMember, mercyRec, consenttypes.PurposeHpaymt), Want: types.ErrAccessDenied},
		{Name: "log a read without a purpose", Kind: catalog.Empty, Signer: devnet.Alice,
			Msgs: access(devnet.Alice, mercyRec, consenttypes.PurposeUnspecified), Want: types.ErrInvalidPurpose},
		{Name: "log a read of a record that does not exist", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: access(devnet.Alice, 9_999, consenttypes.PurposeTreat), Want: types.ErrRecordNotFound},
		// MsgUpdateParams.
		{Name: "change parameters without governance", Kind: catalog.Unauthorized, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgUpdateParams{Authority: h.Addr(mercyMember), Params: types.DefaultParams()}}
			}, Want: types.ErrInvalidAuthority},
		// authz standing in for the patient. A grant FROM the patient is the
		// patient's act (x/authz runs the inner message as signed by the
		// patient); what must fail is a grant from someone else, or the
		// patient's grant stretched to another patient or another message.
		{Name: "provider writes as the patient through authz with no grant", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, create(devnet.Bob, devnet.Bob, nil)(h)...)
			}, Want: authz.ErrNoAuthorizationFound},
		{Name: "authz grant from another account used to write as the patient", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Setup: func(t *testing.T, h *apptest.Harness) {
				grantAuthz(t, h, devnet.Alice, mercyMember, &types.MsgCreateRecord{})
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, create(devnet.Bob, devnet.Bob, nil)(h)...)
			}, Want: authz.ErrNoAuthorizationFound},
		{Name: "patient's authz grant used to write another patient's record", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, create(devnet.Alice, devnet.Bob, nil)(h)...)
			}, Want: types.ErrNotProvider},
		{Name: "patient's authz grant for writing used to share a key", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, addEnvelope(devnet.Alice, mercyRec, devnet.Validator, nil)(h)...)
			}, Want: authz.ErrNoAuthorizationFound},
		{Name: "patient's authz grant for reads used to read another patient's record", Kind: catalog.AuthzConsent, Signer: mercyMember,
			Setup: func(t *testing.T, h *apptest.Harness) {
				grantAuthz(t, h, devnet.Alice, mercyMember, &types.MsgRecordAccess{})
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return exec(h, mercyMember, access(devnet.Alice, bobRec, consenttypes.PurposeTreat)(h)...)
			}, Want: types.ErrAccessDenied},
		{Name: "record access nested 200 MsgExec deep", Kind: catalog.NestedAny, Signer: devnet.Alice,
			Tx: func(t *testing.T, h *apptest.Harness) []byte {
				inner, err := codectypes.NewAnyWithValue(access(devnet.Alice, mercyRec, consenttypes.PurposeTreat)(h)[0])
				require.NoError(t, err)
				return catalog.SignRaw(t, h, devnet.Alice, catalog.NestedExec(h.Addr(devnet.Alice), inner, 200))
			}, Want: sdkerrors.ErrTxDecode},
		catalog.ReplayCase("replayed read log", devnet.Alice, access(devnet.Alice, mercyRec, consenttypes.PurposeTreat)),
		catalog.ReplayCase("replayed record write", mercyMember, mercyCreate(nil)),
	}
	catalog.RequireKinds(t, cases, catalog.Empty, catalog.Oversized, catalog.BadAddress, catalog.WrongSigner,
		catalog.Unauthorized, catalog.Duplicate, catalog.BadAmount, catalog.AuthzConsent, catalog.NestedAny, catalog.Replayed)
	requireEveryMsg(t, cases, h, "/carechain.records.v1.")
	catalog.Run(t, h, cases)
	t.Logf("%d records bad-input cases", len(cases))
}

// envelope is a well-formed initial key envelope for recipient.
func envelope(recipient string) types.NewKeyEnvelope {
	return types.NewKeyEnvelope{Recipient: recipient, Scheme: types.SchemeHPKEX25519V1,
		EphemeralPublicKey: bytes.Repeat([]byte{9}, types.X25519KeyLength), WrappedKey: bytes.Repeat([]byte{7}, 48)}
}

// requireEveryMsg fails unless the cases send every message of the module
// (by type URL prefix), directly or inside an authz MsgExec.
func requireEveryMsg(t *testing.T, cases []catalog.Case, h *apptest.Harness, prefix string) {
	t.Helper()
	sent := map[string]bool{}
	var visit func(m sdk.Msg)
	visit = func(m sdk.Msg) {
		sent[sdk.MsgTypeURL(m)] = true
		if e, ok := m.(*authz.MsgExec); ok {
			inner, err := e.GetMessages()
			require.NoError(t, err)
			for _, im := range inner {
				visit(im)
			}
		}
	}
	for _, c := range cases {
		if c.Msgs != nil {
			for _, m := range c.Msgs(h) {
				visit(m)
			}
		}
	}
	for _, url := range h.App.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		if strings.HasPrefix(url, prefix) {
			require.True(t, sent[url], "no bad-input case sends %s", url)
		}
	}
}
