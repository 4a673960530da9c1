package vault_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"google.golang.org/grpc"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vaultauth"
	"github.com/carechain/carechain/testutil/apptest"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// appChain is the real application (apptest) served over a real gRPC
// listener the way a node serves it (BaseApp.RegisterGRPCServer: queries
// run on the latest committed state), with helpers for the messages the
// vault's flow depends on.
type appChain struct {
	*apptest.Harness
	t    *testing.T
	addr string
	srv  *grpc.Server
}

func newAppChain(t *testing.T) *appChain {
	h := apptest.New(t)
	srv := grpc.NewServer(grpc.ForceServerCodec(codec.NewProtoCodec(h.App.InterfaceRegistry()).GRPCCodec()))
	h.App.RegisterGRPCServer(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	return &appChain{Harness: h, t: t, addr: ln.Addr().String(), srv: srv}
}

func (c *appChain) dial() *vault.GRPCChain {
	c.t.Helper()
	g, err := vault.DialGRPCChain(context.Background(), vault.GRPCChainConfig{GRPCAddress: c.addr, Insecure: true, Timeout: 5 * time.Second})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { g.Close() })
	return g
}

func (c *appChain) ok(res *abci.ExecTxResult) *abci.ExecTxResult {
	c.t.Helper()
	if res.Code != 0 {
		c.t.Fatalf("tx failed: %s", res.Log)
	}
	return res
}

func (c *appChain) firstResponse(res *abci.ExecTxResult, out interface{ Unmarshal([]byte) error }) {
	c.t.Helper()
	var data sdk.TxMsgData
	if err := c.App.AppCodec().Unmarshal(c.ok(res).Data, &data); err != nil {
		c.t.Fatal(err)
	}
	if err := out.Unmarshal(data.MsgResponses[0].Value); err != nil {
		c.t.Fatal(err)
	}
}

func (c *appChain) setKey(name string) {
	c.t.Helper()
	c.ok(c.Deliver(name, &registrytypes.MsgSetEncryptionKey{Owner: c.Addr(name), X25519PublicKey: encryptionKey(c.t, name).PublicKey().Bytes()}))
}

func (c *appChain) grantMercy(patient string) uint64 {
	c.t.Helper()
	var out consenttypes.MsgGrantConsentResponse
	c.firstResponse(c.Deliver(patient, &consenttypes.MsgGrantConsent{
		Signer: c.Addr(patient), Patient: c.Addr(patient), Decision: consenttypes.DecisionPermit, GranteeOrg: devnet.OrgMercy,
		Actions: []consenttypes.Action{consenttypes.ActionRead, consenttypes.ActionWrite}, Purposes: []consenttypes.Purpose{consenttypes.PurposeTreat},
		ExpiresAt: c.Time().Add(30 * 24 * time.Hour),
	}), &out)
	return out.ConsentId
}

func (c *appChain) revoke(patient string, id uint64) {
	c.t.Helper()
	c.ok(c.Deliver(patient, &consenttypes.MsgRevokeConsent{Signer: c.Addr(patient), Patient: c.Addr(patient), ConsentId: id}))
}

// anchor has author anchor a sealed document for patient, with its
// envelopes.
func (c *appChain) anchor(author, patient string, s *carecrypto.Sealed, size int64) uint64 {
	c.t.Helper()
	msg := &recordstypes.MsgCreateRecord{
		Author: c.Addr(author), Patient: c.Addr(patient), Category: "Observation",
		CiphertextHash: s.CiphertextHash, ContentCommitment: s.ContentCommitment, SizeBytes: uint64(size),
		Locator: "vault://127.0.0.1/v1/blobs/" + s.CiphertextHash,
	}
	for _, e := range s.Envelopes {
		msg.KeyEnvelopes = append(msg.KeyEnvelopes, recordstypes.NewKeyEnvelope{Recipient: e.Recipient, Scheme: e.Scheme, EphemeralPublicKey: e.EphemeralPublicKey, WrappedKey: e.WrappedKey})
	}
	var out recordstypes.MsgCreateRecordResponse
	c.firstResponse(c.Deliver(author, msg), &out)
	return out.RecordId
}

// access commits MsgRecordAccess and returns the event id, or the failed
// result's log.
func (c *appChain) access(accessor string, recordID uint64) (uint64, string) {
	c.t.Helper()
	res := c.Deliver(accessor, &recordstypes.MsgRecordAccess{Accessor: c.Addr(accessor), RecordId: recordID, Purpose: consenttypes.PurposeTreat})
	if res.Code != 0 {
		return 0, res.Log
	}
	var out recordstypes.MsgRecordAccessResponse
	c.firstResponse(res, &out)
	return out.AccessEventId, ""
}

// seal encrypts doc for patient and author with their derived keys.
func sealFor(t *testing.T, c *appChain, doc []byte, names ...string) ([]byte, *carecrypto.Sealed) {
	var rs []carecrypto.Recipient
	for _, n := range names {
		rs = append(rs, carecrypto.Recipient{Address: c.Addr(n), X25519PublicKey: encryptionKey(t, n).PublicKey().Bytes()})
	}
	var blob bytes.Buffer
	s, err := carecrypto.SealDocument(&blob, bytes.NewReader(doc), rs)
	if err != nil {
		t.Fatal(err)
	}
	return blob.Bytes(), s
}

// TestGRPCChainAnswersFromTheApp checks every Chain method against the real
// modules: uploads by provider members and key holders, records by hash,
// READ decisions that follow consents and their revocation, and committed
// disclosure events filtered to the requester and the record.
func TestGRPCChainAnswersFromTheApp(t *testing.T) {
	c := newAppChain(t)
	g := c.dial()
	ctx := context.Background()
	const treat = "PURPOSE_TREAT"

	// MayUpload: a provider member yes; a payer member or a patient
	// without a published key no; a patient with a key yes.
	for name, want := range map[string]bool{devnet.MercyAdmin: true, devnet.Validator: true, devnet.AcmeAdmin: false, devnet.Alice: false} {
		d, err := g.MayUpload(ctx, c.Addr(name))
		if err != nil || d.Permitted != want {
			t.Fatalf("MayUpload(%s) = %+v, %v; want %v", name, d, err, want)
		}
	}
	if d, err := g.MayUpload(ctx, "care1notanaddress"); err != nil || d.Permitted {
		t.Fatalf("MayUpload(bad address) = %+v, %v", d, err)
	}
	c.setKey(devnet.Alice)
	c.setKey(devnet.MercyAdmin)
	if d, err := g.MayUpload(ctx, c.Addr(devnet.Alice)); err != nil || !d.Permitted {
		t.Fatalf("alice with a key: %+v %v", d, err)
	}

	// RecordByHash.
	blob, s := sealFor(t, c, []byte("glucose 95 mg/dL"), devnet.Alice, devnet.MercyAdmin)
	if _, found, err := g.RecordByHash(ctx, s.CiphertextHash); err != nil || found {
		t.Fatalf("unanchored hash: found %v, %v", found, err)
	}
	consentID := c.grantMercy(devnet.Alice)
	recID := c.anchor(devnet.MercyAdmin, devnet.Alice, s, int64(len(blob)))
	rec, found, err := g.RecordByHash(ctx, s.CiphertextHash)
	if err != nil || !found || rec != (vault.Record{ID: recID, Patient: c.Addr(devnet.Alice), CiphertextHash: s.CiphertextHash, SizeBytes: uint64(len(blob))}) {
		t.Fatalf("RecordByHash = %+v %v %v", rec, found, err)
	}

	// CheckRead follows x/consent.
	check := func(name, purpose string, want bool) {
		t.Helper()
		d, err := g.CheckRead(ctx, c.Addr(name), rec, purpose)
		if err != nil || d.Permitted != want {
			t.Fatalf("CheckRead(%s, %s) = %+v, %v; want %v", name, purpose, d, err, want)
		}
	}
	check(devnet.Alice, treat, true)
	check(devnet.MercyAdmin, treat, true)
	check(devnet.AcmeAdmin, treat, false)
	check(devnet.MercyAdmin, "PURPOSE_HPAYMT", false)
	check(devnet.MercyAdmin, "PURPOSE_NOSUCH", false)

	// AccessEvents: only committed events of this accessor on this record.
	since := c.Time().Add(-time.Minute)
	if evs, err := g.AccessEvents(ctx, c.Addr(devnet.Alice), rec, since, 100); err != nil || len(evs) != 0 {
		t.Fatalf("events before any access: %+v %v", evs, err)
	}
	if id, log := c.access(devnet.AcmeAdmin, recID); id != 0 {
		t.Fatalf("acme's access was logged: %d %s", id, log)
	}
	e1, _ := c.access(devnet.Alice, recID)
	e2, _ := c.access(devnet.MercyAdmin, recID)
	e3, _ := c.access(devnet.Alice, recID)
	evs, err := g.AccessEvents(ctx, c.Addr(devnet.Alice), rec, since, 100)
	if err != nil || len(evs) != 2 || evs[0].ID != e3 || evs[1].ID != e1 {
		t.Fatalf("alice's events = %+v %v; want %d then %d", evs, err, e3, e1)
	}
	if ev := evs[0]; ev.Accessor != c.Addr(devnet.Alice) || ev.RecordID != recID || ev.Purpose != treat || !ev.Time.Equal(c.Time()) || ev.Height != c.Height() {
		t.Fatalf("event fields %+v (block %d at %s)", ev, c.Height(), c.Time())
	}
	if evs, _ := g.AccessEvents(ctx, c.Addr(devnet.Alice), rec, since, 1); len(evs) != 1 || evs[0].ID != e3 {
		t.Fatalf("limit 1: %+v", evs)
	}
	if evs, _ := g.AccessEvents(ctx, c.Addr(devnet.MercyAdmin), rec, since, 100); len(evs) != 1 || evs[0].ID != e2 {
		t.Fatalf("mercy's events: %+v", evs)
	}
	if evs, _ := g.AccessEvents(ctx, c.Addr(devnet.Alice), rec, c.Time().Add(time.Second), 100); len(evs) != 0 {
		t.Fatalf("events after since: %+v", evs)
	}
	other := rec
	other.ID = recID + 1
	if evs, _ := g.AccessEvents(ctx, c.Addr(devnet.Alice), other, since, 100); len(evs) != 0 {
		t.Fatalf("events of another record: %+v", evs)
	}

	// Revocation takes effect from the next block.
	c.revoke(devnet.Alice, consentID)
	check(devnet.MercyAdmin, treat, false)
	check(devnet.Alice, treat, true)
}

// TestGRPCChainOutageIsNeverAPermit: a vault whose node is gone answers
// every question with an error (the server turns it into 503), and a vault
// cannot start against an address that is not a node.
func TestGRPCChainOutageIsNeverAPermit(t *testing.T) {
	c := newAppChain(t)
	g := c.dial()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.srv.Stop()
	rec := vault.Record{ID: 1, Patient: c.Addr(devnet.Alice), CiphertextHash: sha256Hex([]byte("x"))}
	if _, found, err := g.RecordByHash(ctx, rec.CiphertextHash); err == nil || found {
		t.Fatalf("RecordByHash during an outage: found %v, err %v", found, err)
	}
	if d, err := g.CheckRead(ctx, c.Addr(devnet.Alice), rec, "PURPOSE_TREAT"); err == nil || d.Permitted {
		t.Fatalf("CheckRead during an outage: %+v %v", d, err)
	}
	if evs, err := g.AccessEvents(ctx, c.Addr(devnet.Alice), rec, time.Time{}, 10); err == nil || len(evs) != 0 {
		t.Fatalf("AccessEvents during an outage: %+v %v", evs, err)
	}
	if d, err := g.MayUpload(ctx, c.Addr(devnet.MercyAdmin)); err == nil || d.Permitted {
		t.Fatalf("MayUpload during an outage: %+v %v", d, err)
	}

	if _, err := vault.NewGRPCChain(ctx, vault.GRPCChainConfig{GRPCAddress: c.addr, Insecure: true, Timeout: 2 * time.Second}); err == nil {
		t.Fatal("NewGRPCChain succeeded without a node")
	}
	// An HTTP server is not a node either.
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	if _, err := vault.NewGRPCChain(ctx, vault.GRPCChainConfig{GRPCAddress: ts.Listener.Addr().String(), Insecure: true, Timeout: 2 * time.Second}); err == nil {
		t.Fatal("NewGRPCChain accepted an HTTP server")
	}
}

// TestVaultOnTheRealChain runs the vault's HTTP service over GRPCChain and
// the real modules: log-before-read, refusals without consent and after
// revocation, one download per committed access.
func TestVaultOnTheRealChain(t *testing.T) {
	c := newAppChain(t)
	g := c.dial()
	now := func() time.Time { return c.Time() } // the vault's clock follows block time
	store, err := vault.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	auth := vaultauth.NewVerifier(vaultauth.VerifierConfig{Prefix: "care", Window: time.Minute, Now: now})
	srv := vault.NewServer(store, g, auth, vault.Config{Now: now, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client := func(name string) *vault.Client {
		s, err := vaultauth.NewPrivKeySigner("care", devnet.DemoPrivKey(name))
		if err != nil {
			t.Fatal(err)
		}
		return &vault.Client{BaseURL: ts.URL, Signer: s, Now: now}
	}
	ctx := context.Background()
	get := func(name, hash string) ([]byte, error) {
		d, err := client(name).Download(ctx, hash, "PURPOSE_TREAT")
		if err != nil {
			return nil, err
		}
		defer d.Body.Close()
		return io.ReadAll(d.Body)
	}
	wantStatus := func(err error, status int, code string) {
		t.Helper()
		var ae *vault.APIError
		if !errors.As(err, &ae) || ae.Status != status || ae.Code != code {
			t.Fatalf("got %v, want %d %s", err, status, code)
		}
	}

	c.setKey(devnet.Alice)
	c.setKey(devnet.MercyAdmin)
	consentID := c.grantMercy(devnet.Alice)
	blob, s := sealFor(t, c, []byte("hemoglobin A1c 5.4 %"), devnet.Alice, devnet.MercyAdmin)

	wantStatus(client(devnet.AcmeAdmin).Upload(ctx, s.CiphertextHash, bytes.NewReader(blob), int64(len(blob))), http.StatusForbidden, vault.CodeUploadNotPermitted)
	if err := client(devnet.MercyAdmin).Upload(ctx, s.CiphertextHash, bytes.NewReader(blob), int64(len(blob))); err != nil {
		t.Fatal(err)
	}
	_, err = get(devnet.Alice, s.CiphertextHash)
	wantStatus(err, http.StatusNotFound, vault.CodeRecordNotFound)
	recID := c.anchor(devnet.MercyAdmin, devnet.Alice, s, int64(len(blob)))

	// Permitted but not logged: refused. Logged: served once.
	_, err = get(devnet.MercyAdmin, s.CiphertextHash)
	wantStatus(err, http.StatusForbidden, vault.CodeAccessNotLogged)
	if id, log := c.access(devnet.MercyAdmin, recID); id == 0 {
		t.Fatal(log)
	}
	got, err := get(devnet.MercyAdmin, s.CiphertextHash)
	if err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("mercy's download: %v", err)
	}
	_, err = get(devnet.MercyAdmin, s.CiphertextHash)
	wantStatus(err, http.StatusConflict, vault.CodeAccessEventUsed)
	// The patient reads her own record; an event she logged is spent by
	// naming it.
	if got, err := get(devnet.Alice, s.CiphertextHash); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("alice's download: %v", err)
	}
	evID, log := c.access(devnet.Alice, recID)
	if evID == 0 {
		t.Fatal(log)
	}
	d, err := client(devnet.Alice).DownloadRecord(ctx, recID, "", evID)
	if err != nil || d.AccessEventID != evID {
		t.Fatalf("alice's download by record id: %v", err)
	}
	d.Body.Close()
	_, err = client(devnet.Alice).DownloadRecord(ctx, recID, "", evID)
	wantStatus(err, http.StatusConflict, vault.CodeAccessEventUsed)

	// acme: no consent, so no event can be written and nothing is served.
	if id, _ := c.access(devnet.AcmeAdmin, recID); id != 0 {
		t.Fatal("acme's access was logged")
	}
	_, err = get(devnet.AcmeAdmin, s.CiphertextHash)
	wantStatus(err, http.StatusForbidden, vault.CodeAccessDenied)

	// mercy: logged, then alice revokes before mercy downloads.
	if id, log := c.access(devnet.MercyAdmin, recID); id == 0 {
		t.Fatal(log)
	}
	c.revoke(devnet.Alice, consentID)
	_, err = get(devnet.MercyAdmin, s.CiphertextHash)
	wantStatus(err, http.StatusForbidden, vault.CodeAccessDenied)
}
