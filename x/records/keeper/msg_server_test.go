package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

func TestPatientWritesOwnRecords(t *testing.T) {
	f := newFixture(t)
	msg := f.newRecord(f.alice, f.alice, "Observation")
	ctx := f.fresh()
	res, err := f.msg.CreateRecord(ctx, msg)
	require.NoError(t, err)
	require.EqualValues(t, 1, res.RecordId)

	r := f.record(res.RecordId)
	require.Equal(t, types.Record{
		Id: 1, Patient: f.s(f.alice), Author: f.s(f.alice), Category: "Observation",
		CiphertextHash: msg.CiphertextHash, ContentCommitment: msg.ContentCommitment, SizeBytes: 2048, Locator: msg.Locator,
		Status: types.RecordStatusCurrent, CreatedAt: t0, CreatedHeight: 10, FirstVersionId: 1, Version: 1,
	}, r, "a record the patient writes has no custodian organization")
	require.Equal(t, []string{"carechain.records.v1.EventRecordCreated"}, eventTypes(ctx.EventManager().Events()))
	require.EqualValues(t, 2, f.create(f.alice, f.alice, "Observation"), "ids follow each other")
}

// Must-show 1 (keeper level): a mercy member writes with alice's WRITE/TREAT
// consent to mercy-general; not without it, not after revocation.
func TestProviderWriteNeedsWriteTreatConsent(t *testing.T) {
	f := newFixture(t)
	_, err := f.createMsg(f.newRecord(f.doctor, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrWriteDenied)
	require.Contains(t, err.Error(), consenttypes.ReasonNoConsent)

	consentID := f.permitOrg(f.alice, mercy)
	ctx := f.fresh()
	res, err := f.msg.CreateRecord(ctx, f.newRecord(f.doctor, f.alice, "Observation"))
	require.NoError(t, err)
	r := f.record(res.RecordId)
	require.Equal(t, mercy, r.CustodianOrg, "the custodian is the author's organization")
	require.Equal(t, f.s(f.doctor), r.Author)
	created := ctx.EventManager().Events()[0]
	require.Equal(t, "carechain.records.v1.EventRecordCreated", created.Type)
	require.Contains(t, attr(created, "consent_id"), "1")
	require.EqualValues(t, 1, consentID)

	f.revoke(f.alice, consentID)
	_, err = f.createMsg(f.newRecord(f.doctor, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrWriteDenied, "revocation takes effect at once")
}

func TestWriteConsentMustCoverWriteTreatAndCategory(t *testing.T) {
	f := newFixture(t)
	// READ only, WRITE for payment only: neither permits a clinical write.
	f.grant(f.alice, consenttypes.DecisionPermit, mercy, nil, readOnly, treat)
	f.grant(f.alice, consenttypes.DecisionPermit, mercy, nil, readWrite, []consenttypes.Purpose{consenttypes.PurposeHpaymt})
	_, err := f.createMsg(f.newRecord(f.doctor, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrWriteDenied)

	// WRITE/TREAT on Observation only; and a DENY on mental-health.
	f.permitOrg(f.alice, mercy, "Observation", "mental-health")
	f.grant(f.alice, consenttypes.DecisionDeny, mercy, nil, readWrite, treat, "mental-health")
	f.create(f.doctor, f.alice, "Observation")
	_, err = f.createMsg(f.newRecord(f.doctor, f.alice, "Condition"))
	require.ErrorIs(t, err, types.ErrWriteDenied)
	_, err = f.createMsg(f.newRecord(f.doctor, f.alice, "mental-health"))
	require.ErrorIs(t, err, types.ErrWriteDenied)
	require.Contains(t, err.Error(), consenttypes.ReasonDeniedByConsent)

	// bob's consent does nothing for alice.
	f.permitOrg(f.bob, lakeside)
	_, err = f.createMsg(f.newRecord(f.nurse, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrWriteDenied)
	f.create(f.nurse, f.bob, "Observation")
}

// A member of a non-PROVIDER organization cannot author records, whatever
// the patient's consents say.
func TestNonProviderCannotAuthor(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, acme)
	f.grant(f.alice, consenttypes.DecisionPermit, "", f.clerk, readWrite, treat)
	_, err := f.createMsg(f.newRecord(f.clerk, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrNotProvider)

	// No organization at all, even with a personal consent.
	f.grant(f.alice, consenttypes.DecisionPermit, "", f.outsider, readWrite, treat)
	_, err = f.createMsg(f.newRecord(f.outsider, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrNotProvider)
}

// An author acting for a PAYER and a PROVIDER cannot write on the strength
// of a consent given to the PAYER: the custodian must be a PROVIDER that
// holds the consent.
func TestConsentToNonProviderOrgDoesNotLetItsMembersWrite(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, acme)
	_, err := f.createMsg(f.newRecord(f.dual, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrNotProvider)
	require.Contains(t, err.Error(), acme)

	// A consent naming the author personally: the custodian is the
	// author's (first) PROVIDER organization.
	f.grant(f.bob, consenttypes.DecisionPermit, "", f.dual, readWrite, treat)
	id := f.create(f.dual, f.bob, "Observation")
	require.Equal(t, mercy, f.record(id).CustodianOrg)
}

func TestSuspendedProviderCannotWrite(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	f.create(f.doctor, f.alice, "Observation")
	f.setOrgStatus(mercy, registrytypes.OrgStatusSuspended)
	_, err := f.createMsg(f.newRecord(f.doctor, f.alice, "Observation"))
	require.ErrorIs(t, err, types.ErrNotProvider)
}

func TestRecordFieldLimits(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		edit func(m *types.MsgCreateRecord)
		want error
	}{
		{"upper-case hash", func(m *types.MsgCreateRecord) { m.CiphertextHash = strings.ToUpper(m.CiphertextHash) }, types.ErrInvalidHash},
		{"short hash", func(m *types.MsgCreateRecord) { m.CiphertextHash = m.CiphertextHash[:63] }, types.ErrInvalidHash},
		{"non-hex hash", func(m *types.MsgCreateRecord) { m.CiphertextHash = "g" + m.CiphertextHash[1:] }, types.ErrInvalidHash},
		{"0x-prefixed hash", func(m *types.MsgCreateRecord) { m.CiphertextHash = "0x" + m.CiphertextHash[2:] }, types.ErrInvalidHash},
		{"missing commitment", func(m *types.MsgCreateRecord) { m.ContentCommitment = "" }, types.ErrInvalidHash},
		{"commitment = hash", func(m *types.MsgCreateRecord) { m.ContentCommitment = m.CiphertextHash }, types.ErrInvalidHash},
		{"long locator", func(m *types.MsgCreateRecord) {
			m.Locator = "https://vault.example/" + strings.Repeat("a", types.MaxLocatorLength-len("https://vault.example/")+1)
		}, types.ErrInvalidLocator},
		{"empty locator", func(m *types.MsgCreateRecord) { m.Locator = "" }, types.ErrInvalidLocator},
		{"http locator", func(m *types.MsgCreateRecord) { m.Locator = "http://vault.example/v1/blobs/x" }, types.ErrInvalidLocator},
		{"locator with space", func(m *types.MsgCreateRecord) { m.Locator = "https://vault.example/alice smith" }, types.ErrInvalidLocator},
		{"locator with query", func(m *types.MsgCreateRecord) { m.Locator = "https://vault.example/blob?name=alice" }, types.ErrInvalidLocator},
		{"locator with user info", func(m *types.MsgCreateRecord) { m.Locator = "https://alice@vault.example/blob" }, types.ErrInvalidLocator},
		{"locator with percent-encoding", func(m *types.MsgCreateRecord) { m.Locator = "https://vault.example/alice%20smith" }, types.ErrInvalidLocator},
		{"category with space", func(m *types.MsgCreateRecord) { m.Category = "blood pressure" }, types.ErrInvalidCategory},
		{"empty category", func(m *types.MsgCreateRecord) { m.Category = "" }, types.ErrInvalidCategory},
		{"long category", func(m *types.MsgCreateRecord) { m.Category = strings.Repeat("a", types.MaxCategoryLength+1) }, types.ErrInvalidCategory},
		{"zero size", func(m *types.MsgCreateRecord) { m.SizeBytes = 0 }, types.ErrInvalidSize},
		{"size above max", func(m *types.MsgCreateRecord) { m.SizeBytes = types.DefaultMaxSizeBytes + 1 }, types.ErrInvalidSize},
		{"upper-case address", func(m *types.MsgCreateRecord) { m.Patient = strings.ToUpper(m.Patient) }, types.ErrInvalidAddress},
		{"bad envelope scheme", func(m *types.MsgCreateRecord) {
			e := f.envelope(f.alice)
			e.Scheme = "rsa-oaep"
			m.KeyEnvelopes = []types.NewKeyEnvelope{e}
		}, types.ErrInvalidEnvelope},
		{"short ephemeral key", func(m *types.MsgCreateRecord) {
			e := f.envelope(f.alice)
			e.EphemeralPublicKey = e.EphemeralPublicKey[:31]
			m.KeyEnvelopes = []types.NewKeyEnvelope{e}
		}, types.ErrInvalidEnvelope},
		{"zero ephemeral key", func(m *types.MsgCreateRecord) {
			e := f.envelope(f.alice)
			e.EphemeralPublicKey = make([]byte, 32)
			m.KeyEnvelopes = []types.NewKeyEnvelope{e}
		}, types.ErrInvalidEnvelope},
		{"long wrapped key", func(m *types.MsgCreateRecord) {
			e := f.envelope(f.alice)
			e.WrappedKey = make([]byte, types.MaxWrappedKeyLength+1)
			m.KeyEnvelopes = []types.NewKeyEnvelope{e}
		}, types.ErrInvalidEnvelope},
		{"too many envelopes", func(m *types.MsgCreateRecord) {
			for range types.DefaultMaxInitialEnvelopes + 1 {
				m.KeyEnvelopes = append(m.KeyEnvelopes, f.envelope(f.alice))
			}
		}, types.ErrTooManyEnvelopes},
		{"same recipient twice", func(m *types.MsgCreateRecord) {
			m.KeyEnvelopes = []types.NewKeyEnvelope{f.envelope(f.alice), f.envelope(f.alice)}
		}, types.ErrInvalidEnvelope},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := f.newRecord(f.alice, f.alice, "Observation")
			tc.edit(msg)
			_, err := f.createMsg(msg)
			require.ErrorIs(t, err, tc.want)
		})
	}
	// Limits are inclusive: the longest locator, the largest size, a
	// category at the limit with the whole character set.
	msg := f.newRecord(f.alice, f.alice, "A1._:-"+strings.Repeat("z", types.MaxCategoryLength-6))
	msg.Locator = "https://vault.example:8443/" + strings.Repeat("a", types.MaxLocatorLength-len("https://vault.example:8443/"))
	msg.SizeBytes = types.DefaultMaxSizeBytes
	id, err := f.createMsg(msg)
	require.NoError(t, err)
	require.EqualValues(t, 1, id, "no refused message consumed an id or wrote a record")
	for _, loc := range []string{"vault://vault.mercy.example/v1/blobs/" + sha("x"), "https://s3.example.com/bucket/v1/a_b~c.bin"} {
		msg := f.newRecord(f.alice, f.alice, "11506-3")
		msg.Locator = loc
		_, err := f.createMsg(msg)
		require.NoError(t, err, loc)
	}
}

func TestDuplicateCiphertextRefused(t *testing.T) {
	f := newFixture(t)
	msg := f.newRecord(f.alice, f.alice, "Observation")
	_, err := f.createMsg(msg)
	require.NoError(t, err)
	again := *msg
	_, err = f.createMsg(&again)
	require.ErrorIs(t, err, types.ErrDuplicateCiphertext)
	// Also for another patient and another author.
	other := f.newRecord(f.bob, f.bob, "Condition")
	other.CiphertextHash = msg.CiphertextHash
	_, err = f.createMsg(other)
	require.ErrorIs(t, err, types.ErrDuplicateCiphertext)
}

// Must-show 2 (keeper level): versions, history, entered-in-error.
func TestSupersedeMakesOldVersionSuperseded(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	v1 := f.create(f.doctor, f.alice, "Observation")
	ctx := f.fresh()
	msg := f.newRecord(f.admin, f.alice, "Observation") // another mercy member
	msg.Supersedes = v1
	res, err := f.msg.CreateRecord(ctx, msg)
	require.NoError(t, err)
	v2 := res.RecordId
	require.Equal(t, []string{"carechain.records.v1.EventRecordCreated", "carechain.records.v1.EventRecordSuperseded"}, eventTypes(ctx.EventManager().Events()))

	old := f.record(v1)
	require.Equal(t, types.RecordStatusSuperseded, old.Status)
	require.Equal(t, v2, old.SupersededBy)
	r2 := f.record(v2)
	require.Equal(t, types.RecordStatusCurrent, r2.Status)
	require.Equal(t, v1, r2.Supersedes)
	require.Equal(t, v1, r2.FirstVersionId)
	require.EqualValues(t, 2, r2.Version)

	// The patient may supersede a mercy record too.
	v3, err := f.supersede(f.alice, v2)
	require.NoError(t, err)
	require.Equal(t, "", f.record(v3).CustodianOrg)
	require.EqualValues(t, 3, f.record(v3).Version)

	// Only a CURRENT record can be superseded: no branches.
	_, err = f.supersede(f.doctor, v1)
	require.ErrorIs(t, err, types.ErrRecordNotCurrent)
	missing := f.newRecord(f.alice, f.alice, "Observation")
	missing.Supersedes = 99
	_, err = f.createMsg(missing)
	require.ErrorIs(t, err, types.ErrRecordNotFound)
}

func TestOnlyPatientOrCustodianSupersedes(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	f.permitOrg(f.alice, lakeside)
	mercyRec := f.create(f.doctor, f.alice, "Observation")
	own := f.create(f.alice, f.alice, "Observation")

	// lakeside may write for alice, but it is not the custodian.
	_, err := f.supersede(f.nurse, mercyRec)
	require.ErrorIs(t, err, types.ErrNotCustodian)
	// mercy may not supersede what alice wrote herself.
	_, err = f.supersede(f.doctor, own)
	require.ErrorIs(t, err, types.ErrNotCustodian)
	// Strangers: bob, a payer member.
	for _, stranger := range []sdk.AccAddress{f.bob, f.clerk} {
		_, err = f.supersede(stranger, mercyRec)
		require.ErrorIs(t, err, types.ErrNotCustodian)
	}
	require.Equal(t, types.RecordStatusCurrent, f.record(mercyRec).Status)

	// The custodian still needs the patient's consent to write.
	f.revoke(f.alice, 1)
	_, err = f.supersede(f.doctor, mercyRec)
	require.ErrorIs(t, err, types.ErrWriteDenied)
}

func TestSupersedeKeepsPatientAndCategory(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	f.permitOrg(f.bob, mercy)
	v1 := f.create(f.doctor, f.alice, "Observation")

	other := f.newRecord(f.doctor, f.alice, "Condition")
	other.Supersedes = v1
	_, err := f.createMsg(other)
	require.ErrorIs(t, err, types.ErrSupersedeMismatch)

	bobs := f.newRecord(f.doctor, f.bob, "Observation")
	bobs.Supersedes = v1
	_, err = f.createMsg(bobs)
	require.ErrorIs(t, err, types.ErrSupersedeMismatch)
}

func TestEnteredInErrorIsFinal(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	rec := f.create(f.doctor, f.alice, "Observation")
	own := f.create(f.alice, f.alice, "Observation")

	for _, stranger := range []sdk.AccAddress{f.bob, f.clerk, f.nurse, f.outsider} {
		_, err := f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(stranger), RecordId: rec})
		require.ErrorIs(t, err, types.ErrNotCustodian)
	}
	_, err := f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(f.doctor), RecordId: own})
	require.ErrorIs(t, err, types.ErrNotCustodian, "mercy is not the custodian of what alice wrote")

	ctx := f.fresh()
	_, err = f.msg.MarkEnteredInError(ctx, &types.MsgMarkEnteredInError{Signer: f.s(f.admin), RecordId: rec})
	require.NoError(t, err, "any member of the custodian organization")
	require.Equal(t, []string{"carechain.records.v1.EventRecordEnteredInError"}, eventTypes(ctx.EventManager().Events()))
	r := f.record(rec)
	require.Equal(t, types.RecordStatusEnteredInError, r.Status)
	require.Equal(t, f.s(f.admin), r.EnteredInErrorBy)
	require.Equal(t, t0, *r.EnteredInErrorAt)

	// Final: not twice, not by the patient, not superseded back to life.
	for _, signer := range []sdk.AccAddress{f.admin, f.alice} {
		_, err = f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(signer), RecordId: rec})
		require.ErrorIs(t, err, types.ErrAlreadyEnteredInError)
	}
	_, err = f.supersede(f.doctor, rec)
	require.ErrorIs(t, err, types.ErrRecordNotCurrent)
	require.Equal(t, types.RecordStatusEnteredInError, f.record(rec).Status)

	// The patient marks her own record; a SUPERSEDED version can be marked.
	v2, err := f.supersede(f.alice, own)
	require.NoError(t, err)
	_, err = f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(f.alice), RecordId: own})
	require.NoError(t, err)
	require.Equal(t, types.RecordStatusEnteredInError, f.record(own).Status)
	require.Equal(t, v2, f.record(own).SupersededBy)
	require.Equal(t, types.RecordStatusCurrent, f.record(v2).Status)

	_, err = f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(f.alice), RecordId: 99})
	require.ErrorIs(t, err, types.ErrRecordNotFound)
}

func TestCustodianMembershipEndsWithSuspension(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	rec := f.create(f.doctor, f.alice, "Observation")
	f.setOrgStatus(mercy, registrytypes.OrgStatusSuspended)
	_, err := f.msg.MarkEnteredInError(f.fresh(), &types.MsgMarkEnteredInError{Signer: f.s(f.doctor), RecordId: rec})
	require.ErrorIs(t, err, types.ErrNotCustodian)
}

// Must-show 4 (keeper level): an envelope only for a recipient who may read.
func TestKeyEnvelopeNeedsReadAccess(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")

	err := f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeTreat)
	require.ErrorIs(t, err, types.ErrRecipientNotPermitted)
	require.Contains(t, err.Error(), consenttypes.ReasonNoConsent)
	_, err = f.q.KeyEnvelope(f.ctx, &types.QueryKeyEnvelopeRequest{RecordId: rec, Recipient: f.s(f.doctor)})
	require.Error(t, err, "nothing stored")

	consentID := f.grant(f.alice, consenttypes.DecisionPermit, mercy, nil, readOnly, treat)
	require.ErrorIs(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeHresch), types.ErrRecipientNotPermitted, "READ for TREAT only")
	require.ErrorIs(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeUnspecified), types.ErrInvalidPurpose)
	require.NoError(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeTreat))
	env, err := f.q.KeyEnvelope(f.ctx, &types.QueryKeyEnvelopeRequest{RecordId: rec, Recipient: f.s(f.doctor)})
	require.NoError(t, err)
	require.Equal(t, consentID, env.Envelope.ConsentId)
	require.Equal(t, f.s(f.alice), env.Envelope.AddedBy)
	require.Equal(t, types.SchemeHPKEX25519V1, env.Envelope.Scheme)

	require.ErrorIs(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeTreat), types.ErrEnvelopeExists, "envelopes are never replaced")
	f.revoke(f.alice, consentID)
	require.ErrorIs(t, f.addEnvelope(f.alice, rec, f.admin, consenttypes.PurposeTreat), types.ErrRecipientNotPermitted, "revocation blocks new envelopes")
}

func TestKeyEnvelopeSignersAndRecipients(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	rec := f.create(f.doctor, f.alice, "Observation")

	// The patient and the author need no consent as recipients.
	require.NoError(t, f.addEnvelope(f.doctor, rec, f.doctor, consenttypes.PurposeUnspecified))
	require.NoError(t, f.addEnvelope(f.doctor, rec, f.alice, consenttypes.PurposeUnspecified))
	// A custodian member adds one for a colleague who holds READ.
	require.NoError(t, f.addEnvelope(f.admin, rec, f.dual, consenttypes.PurposeTreat))
	// Strangers may not add envelopes, not even for the patient.
	for _, stranger := range []sdk.AccAddress{f.bob, f.nurse, f.clerk} {
		require.ErrorIs(t, f.addEnvelope(stranger, rec, f.bob, consenttypes.PurposeTreat), types.ErrNotEnvelopeSigner)
	}
	// A bad recipient address.
	e := f.envelope(f.nurse)
	_, err := f.msg.AddKeyEnvelope(f.fresh(), &types.MsgAddKeyEnvelope{Signer: f.s(f.alice), RecordId: rec, Recipient: "care1nope",
		Purpose: consenttypes.PurposeTreat, Scheme: e.Scheme, EphemeralPublicKey: e.EphemeralPublicKey, WrappedKey: e.WrappedKey})
	require.ErrorIs(t, err, types.ErrInvalidAddress)
	require.ErrorIs(t, f.addEnvelope(f.alice, 99, f.alice, consenttypes.PurposeTreat), types.ErrRecordNotFound)

	list, err := f.q.RecordEnvelopes(f.ctx, &types.QueryRecordEnvelopesRequest{RecordId: rec})
	require.NoError(t, err)
	require.Len(t, list.Envelopes, 3)
}

func TestKeyEnvelopeUnderBreakGlass(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")
	bg := f.breakGlass(f.doctor, f.alice)
	require.ErrorIs(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeTreat), types.ErrRecipientNotPermitted)
	require.NoError(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeEtreat))
	env, err := f.k.GetKeyEnvelope(f.ctx, rec, f.doctor)
	require.NoError(t, err)
	require.Equal(t, bg, env.BreakGlassId)
	require.Zero(t, env.ConsentId)
}

func TestKeyEnvelopeCap(t *testing.T) {
	f := newFixture(t)
	_, err := f.msg.UpdateParams(f.fresh(), &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{
		MaxSizeBytes: types.DefaultMaxSizeBytes, MaxInitialEnvelopes: 1, MaxEnvelopesPerRecord: 2,
	}})
	require.NoError(t, err)
	f.grant(f.alice, consenttypes.DecisionPermit, mercy, nil, readOnly, treat)
	msg := f.newRecord(f.alice, f.alice, "Observation")
	msg.KeyEnvelopes = []types.NewKeyEnvelope{f.envelope(f.alice)}
	rec, err := f.createMsg(msg)
	require.NoError(t, err)
	require.NoError(t, f.addEnvelope(f.alice, rec, f.doctor, consenttypes.PurposeTreat))
	require.ErrorIs(t, f.addEnvelope(f.alice, rec, f.admin, consenttypes.PurposeTreat), types.ErrTooManyEnvelopes)
}

func TestInitialEnvelopes(t *testing.T) {
	f := newFixture(t)
	f.permitOrg(f.alice, mercy)
	msg := f.newRecord(f.doctor, f.alice, "Observation")
	msg.KeyEnvelopes = []types.NewKeyEnvelope{f.envelope(f.alice), f.envelope(f.doctor), f.envelope(f.admin)}
	ctx := f.fresh()
	res, err := f.msg.CreateRecord(ctx, msg)
	require.NoError(t, err)
	require.Equal(t, []string{
		"carechain.records.v1.EventRecordCreated",
		"carechain.records.v1.EventKeyEnvelopeAdded", "carechain.records.v1.EventKeyEnvelopeAdded", "carechain.records.v1.EventKeyEnvelopeAdded",
	}, eventTypes(ctx.EventManager().Events()))
	env, err := f.k.GetKeyEnvelope(f.ctx, res.RecordId, f.admin)
	require.NoError(t, err)
	require.EqualValues(t, 1, env.ConsentId, "admin reads through mercy's consent")

	// One recipient without READ refuses the whole record, before anything
	// is written.
	msg = f.newRecord(f.doctor, f.alice, "Observation")
	msg.KeyEnvelopes = []types.NewKeyEnvelope{f.envelope(f.alice), f.envelope(f.nurse)}
	_, err = f.createMsg(msg)
	require.ErrorIs(t, err, types.ErrRecipientNotPermitted)
	_, err = f.k.RecordByCiphertextHash(f.ctx, msg.CiphertextHash)
	require.ErrorIs(t, err, types.ErrRecordNotFound)
	require.EqualValues(t, 2, f.create(f.alice, f.alice, "Observation"), "the refused record took no id")
}

// Must-show 5 (keeper level): a permitted read is logged naming its
// consent; a refused one fails and logs nothing.
func TestRecordAccessLogsPermittedReadsOnly(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")

	_, _, err := f.access(f.doctor, rec, consenttypes.PurposeTreat)
	require.ErrorIs(t, err, types.ErrAccessDenied)
	require.Empty(t, f.accessLog(f.alice))

	consentID := f.grant(f.alice, consenttypes.DecisionPermit, mercy, nil, readOnly, treat)
	f.advance(time.Minute)
	id, evs, err := f.access(f.doctor, rec, consenttypes.PurposeTreat)
	require.NoError(t, err)
	require.Equal(t, []string{"carechain.records.v1.EventRecordAccessed"}, eventTypes(evs))
	want := types.AccessEvent{
		Id: id, Accessor: f.s(f.doctor), AccessorOrg: mercy, Patient: f.s(f.alice), RecordId: rec,
		Purpose: consenttypes.PurposeTreat, ConsentId: consentID, Time: t0.Add(time.Minute), Height: 11,
	}
	require.Equal(t, []types.AccessEvent{want}, f.accessLog(f.alice))
	got, err := f.k.GetAccessEvent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Another purpose, another patient's reader, after revocation: refused,
	// nothing logged.
	_, _, err = f.access(f.doctor, rec, consenttypes.PurposeHresch)
	require.ErrorIs(t, err, types.ErrAccessDenied)
	_, _, err = f.access(f.nurse, rec, consenttypes.PurposeTreat)
	require.ErrorIs(t, err, types.ErrAccessDenied)
	f.revoke(f.alice, consentID)
	_, _, err = f.access(f.doctor, rec, consenttypes.PurposeTreat)
	require.ErrorIs(t, err, types.ErrAccessDenied)
	require.Len(t, f.accessLog(f.alice), 1)
	_, err = f.k.GetAccessEvent(f.ctx, id+1)
	require.ErrorIs(t, err, types.ErrAccessEventNotFound, "a refusal takes no event id")

	_, _, err = f.access(f.doctor, 99, consenttypes.PurposeTreat)
	require.ErrorIs(t, err, types.ErrRecordNotFound)
	_, _, err = f.access(f.alice, rec, consenttypes.PurposeUnspecified)
	require.ErrorIs(t, err, types.ErrInvalidPurpose)
}

func TestRecordAccessUnderBreakGlassIsLoud(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")
	bg := f.breakGlass(f.doctor, f.alice)
	id, evs, err := f.access(f.doctor, rec, consenttypes.PurposeEtreat)
	require.NoError(t, err)
	require.Equal(t, []string{"carechain.records.v1.EventRecordAccessed", "carechain.records.v1.EventBreakGlassRecordAccessed"}, eventTypes(evs))
	ev, err := f.k.GetAccessEvent(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, bg, ev.BreakGlassId)
	require.Zero(t, ev.ConsentId)
	require.Equal(t, mercy, ev.AccessorOrg, "the organization the break-glass was opened under")
}

func TestPatientOwnReadsAndPersonalConsentsAreLogged(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.alice, f.alice, "Observation")
	_, evs, err := f.access(f.alice, rec, consenttypes.PurposeTreat)
	require.NoError(t, err)
	require.Equal(t, []string{"carechain.records.v1.EventRecordAccessed"}, eventTypes(evs))
	consentID := f.grant(f.alice, consenttypes.DecisionPermit, "", f.bob, readOnly, treat)
	_, _, err = f.access(f.bob, rec, consenttypes.PurposeTreat)
	require.NoError(t, err)
	log := f.accessLog(f.alice)
	require.Len(t, log, 2)
	require.Equal(t, f.s(f.alice), log[0].Accessor)
	require.Zero(t, log[0].ConsentId+log[0].BreakGlassId, "the patient's own read names no grant")
	require.Equal(t, consentID, log[1].ConsentId)
	require.Empty(t, log[1].AccessorOrg, "a consent to bob personally")
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.Params{MaxSizeBytes: 1000, MaxInitialEnvelopes: 2, MaxEnvelopesPerRecord: 4}
	_, err := f.msg.UpdateParams(f.fresh(), &types.MsgUpdateParams{Authority: f.s(f.alice), Params: p})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	bad := p
	bad.MaxInitialEnvelopes = 5
	_, err = f.msg.UpdateParams(f.fresh(), &types.MsgUpdateParams{Authority: f.authority, Params: bad})
	require.ErrorIs(t, err, types.ErrInvalidParams)
	ctx := f.fresh()
	_, err = f.msg.UpdateParams(ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.NoError(t, err)
	require.Equal(t, []string{"carechain.records.v1.EventParamsUpdated"}, eventTypes(ctx.EventManager().Events()))
	msg := f.newRecord(f.alice, f.alice, "Observation")
	msg.SizeBytes = 1001
	_, err = f.createMsg(msg)
	require.ErrorIs(t, err, types.ErrInvalidSize)
}

// RecordPatient is what x/claims asks about evidence.
func TestRecordPatient(t *testing.T) {
	f := newFixture(t)
	rec := f.create(f.bob, f.bob, "Claim")
	p, err := f.k.RecordPatient(f.ctx, rec)
	require.NoError(t, err)
	require.Equal(t, f.bob, p)
	_, err = f.k.RecordPatient(f.ctx, rec+1)
	require.ErrorIs(t, err, types.ErrRecordNotFound)
}

func attr(ev sdk.Event, key string) string {
	for _, a := range ev.Attributes {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}
