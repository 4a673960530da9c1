package vault_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vault/vaulttest"
	"github.com/carechain/carechain/pkg/vaultauth"
)

const treat = "PURPOSE_TREAT"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

type env struct {
	t     *testing.T
	dir   string
	clock *clock
	chain *vaulttest.Chain
	logs  *syncBuffer
	cfg   vault.Config
	srv   *vault.Server
	ts    *httptest.Server
}

func newEnv(t *testing.T, cfg vault.Config) *env {
	e := &env{t: t, dir: t.TempDir(), clock: &clock{t: time.Now()}, logs: &syncBuffer{}, cfg: cfg}
	e.chain = vaulttest.NewChain(e.clock.Now)
	e.start()
	return e
}

// start (re)starts the vault process over the same directory.
func (e *env) start() {
	if e.ts != nil {
		e.ts.Close()
	}
	store, err := vault.OpenStore(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	cfg := e.cfg
	cfg.Now = e.clock.Now
	cfg.Logger = slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	auth := vaultauth.NewVerifier(vaultauth.VerifierConfig{Prefix: "care", Window: time.Minute, Now: e.clock.Now})
	e.srv = vault.NewServer(store, e.chain, auth, cfg)
	e.ts = httptest.NewServer(e.srv.Handler())
	e.t.Cleanup(e.ts.Close)
}

func (e *env) signer(name string) vaultauth.Signer {
	s, err := vaultauth.NewPrivKeySigner("care", devnet.DemoPrivKey(name))
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) client(name string) *vault.Client {
	return &vault.Client{BaseURL: e.ts.URL, Signer: e.signer(name), Now: e.clock.Now}
}

func (e *env) addr(name string) string { return e.signer(name).Address() }

func encryptionKey(t *testing.T, name string) *ecdh.PrivateKey {
	t.Helper()
	priv := devnet.DemoPrivKey(name)
	s, _ := vaultauth.NewPrivKeySigner("care", priv)
	k, err := carecrypto.DeriveEncryptionKeyWith(s.Address(), priv.PubKey().Bytes(), priv.Sign)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type sealedDoc struct {
	plain []byte
	blob  []byte
	s     *carecrypto.Sealed
}

// seal encrypts doc for alice (patient) and mercy-admin (author).
func (e *env) seal(doc []byte) sealedDoc {
	var blob bytes.Buffer
	s, err := carecrypto.SealDocument(&blob, bytes.NewReader(doc), []carecrypto.Recipient{
		{Address: e.addr("alice"), X25519PublicKey: encryptionKey(e.t, "alice").PublicKey().Bytes()},
		{Address: e.addr("mercy-admin"), X25519PublicKey: encryptionKey(e.t, "mercy-admin").PublicKey().Bytes()},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return sealedDoc{plain: doc, blob: blob.Bytes(), s: s}
}

func (e *env) upload(name string, d sealedDoc) error {
	return e.client(name).Upload(context.Background(), d.s.CiphertextHash, bytes.NewReader(d.blob), int64(len(d.blob)))
}

func (e *env) download(name, hash, purpose string) ([]byte, error) {
	d, err := e.client(name).Download(context.Background(), hash, purpose)
	if err != nil {
		return nil, err
	}
	defer d.Body.Close()
	return io.ReadAll(d.Body)
}

func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var ae *vault.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want HTTP %d %s", err, status, code)
	}
	if ae.Status != status || ae.Code != code {
		t.Fatalf("got HTTP %d %s (%s), want %d %s", ae.Status, ae.Code, ae.Message, status, code)
	}
}

// TestUploadAnchorLogRead is the happy path: mercy uploads, the record is
// anchored (patient bob), alice, whom bob permitted, logs her access on
// chain and gets the blob, which she decrypts to the original.
func TestUploadAnchorLogRead(t *testing.T) {
	e := newEnv(t, vault.Config{})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	d := e.seal([]byte("synthetic discharge summary, no real patient"))

	if err := e.upload("mercy-admin", d); err != nil {
		t.Fatal(err)
	}
	// Idempotent: the same blob again succeeds.
	if err := e.upload("mercy-admin", d); err != nil {
		t.Fatal(err)
	}
	rec := e.chain.Anchor(e.addr("bob"), d.s.CiphertextHash, uint64(len(d.blob)))
	e.chain.Permit(e.addr("alice"), rec.ID, treat, true)

	// Permitted but not yet logged: refused, and nothing is disclosed.
	_, err := e.download("alice", d.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessNotLogged)

	ev, err := e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	if err != nil {
		t.Fatal(err)
	}
	dl, err := e.client("alice").Download(context.Background(), d.s.CiphertextHash, "TREAT")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if !bytes.Equal(got, d.blob) {
		t.Fatal("served blob differs from the uploaded one")
	}
	if dl.RecordID != rec.ID || dl.AccessEventID != ev.ID || dl.Size != int64(len(d.blob)) {
		t.Fatalf("download info %+v", dl)
	}
	key, err := carecrypto.OpenEnvelope(encryptionKey(t, "alice"), d.s.CiphertextHash, d.s.Envelopes[0].Envelope)
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if _, err := carecrypto.OpenDocument(&plain, bytes.NewReader(got), key, d.s.CiphertextHash, d.s.ContentCommitment); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Bytes(), d.plain) {
		t.Fatal("decrypted document differs")
	}

	// One committed disclosure releases one download, by either path.
	_, err = e.download("alice", d.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusConflict, vault.CodeAccessEventUsed)
	_, err = e.client("alice").DownloadRecord(context.Background(), rec.ID, "", ev.ID)
	wantAPIError(t, err, http.StatusConflict, vault.CodeAccessEventUsed)
	ev2, err := e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	if err != nil {
		t.Fatal(err)
	}
	dl, err = e.client("alice").DownloadRecord(context.Background(), rec.ID, "", ev2.ID)
	if err != nil {
		t.Fatalf("second logged read: %v", err)
	}
	got, _ = io.ReadAll(dl.Body)
	dl.Body.Close()
	if !bytes.Equal(got, d.blob) || dl.AccessEventID != ev2.ID {
		t.Fatal("second read: wrong blob or event")
	}

	// The patient reads her own record without an access event.
	for range 2 {
		dl, err = e.client("bob").DownloadRecord(context.Background(), rec.ID, "", 0)
		if err != nil {
			t.Fatalf("patient's read: %v", err)
		}
		got, _ = io.ReadAll(dl.Body)
		dl.Body.Close()
		if !bytes.Equal(got, d.blob) || dl.AccessEventID != 0 {
			t.Fatal("patient's read: wrong blob or an event spent")
		}
	}
	// Someone else's event is not yours; an unknown record is 404.
	ev3, _ := e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	_, err = e.client("mercy-admin").DownloadRecord(context.Background(), rec.ID, "", ev3.ID)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessNotLogged)
	e.chain.Permit(e.addr("mercy-admin"), rec.ID, treat, true)
	_, err = e.client("mercy-admin").DownloadRecord(context.Background(), rec.ID, "", ev3.ID)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessNotLogged)
	_, err = e.client("alice").DownloadRecord(context.Background(), 999, "", 0)
	wantAPIError(t, err, http.StatusNotFound, vault.CodeRecordNotFound)
}

// TestSpentEventsSurviveRestart: an access event that released a download
// does not release another after the vault restarts (the memory of spent
// events is on disk), and an expired event is refused.
func TestSpentEventsSurviveRestart(t *testing.T) {
	e := newEnv(t, vault.Config{AccessMaxAge: 5 * time.Minute})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	d := e.seal([]byte("doc"))
	if err := e.upload("mercy-admin", d); err != nil {
		t.Fatal(err)
	}
	rec := e.chain.Anchor(e.addr("bob"), d.s.CiphertextHash, uint64(len(d.blob)))
	e.chain.Permit(e.addr("alice"), rec.ID, treat, true)
	ev, _ := e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	stale, _ := e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	if _, err := e.client("alice").DownloadRecord(context.Background(), rec.ID, "", ev.ID); err != nil {
		t.Fatal(err)
	}
	e.start()
	_, err := e.client("alice").DownloadRecord(context.Background(), rec.ID, "", ev.ID)
	wantAPIError(t, err, http.StatusConflict, vault.CodeAccessEventUsed)

	e.clock.Advance(6 * time.Minute)
	_, err = e.client("alice").DownloadRecord(context.Background(), rec.ID, "", stale.ID)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessNotLogged)
	// Compaction (on the next spend) raises the floor; a restart with a
	// longer window still refuses the spent event.
	fresh, _ := e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	if _, err := e.client("alice").DownloadRecord(context.Background(), rec.ID, "", fresh.ID); err != nil {
		t.Fatal(err)
	}
	e.cfg.AccessMaxAge = time.Hour
	e.start()
	_, err = e.client("alice").DownloadRecord(context.Background(), rec.ID, "", ev.ID)
	wantAPIError(t, err, http.StatusConflict, vault.CodeAccessEventUsed)
	_, err = e.client("alice").DownloadRecord(context.Background(), rec.ID, "", fresh.ID)
	wantAPIError(t, err, http.StatusConflict, vault.CodeAccessEventUsed)
}

// TestReadRefusals covers the access decisions (Must-show 2): no consent,
// revoked consent, a disclosure for another purpose or too old.
func TestReadRefusals(t *testing.T) {
	e := newEnv(t, vault.Config{AccessMaxAge: 5 * time.Minute})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	d := e.seal([]byte("doc"))
	if err := e.upload("mercy-admin", d); err != nil {
		t.Fatal(err)
	}
	rec := e.chain.Anchor(e.addr("alice"), d.s.CiphertextHash, uint64(len(d.blob)))

	// acme has no consent: the chain refuses to log its access, and the
	// vault refuses to serve it; no access event exists.
	if _, err := e.chain.LogAccess(e.addr("acme-admin"), rec.ID, treat); !errors.Is(err, vaulttest.ErrNotPermitted) {
		t.Fatalf("LogAccess for acme: %v", err)
	}
	body, err := e.download("acme-admin", d.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessDenied)
	if body != nil || len(e.chain.Events(e.addr("acme-admin"))) != 0 {
		t.Fatal("acme got data or an access event")
	}

	// mercy is permitted, logs, then the consent is revoked: refused.
	mercy := e.addr("mercy-admin")
	e.chain.Permit(mercy, rec.ID, treat, true)
	if _, err := e.chain.LogAccess(mercy, rec.ID, treat); err != nil {
		t.Fatal(err)
	}
	e.chain.Permit(mercy, rec.ID, treat, false)
	_, err = e.download("mercy-admin", d.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessDenied)

	// A disclosure logged for another purpose does not serve this one.
	e.chain.Permit(mercy, rec.ID, treat, true)
	e.chain.Permit(mercy, rec.ID, "PURPOSE_HOPERAT", true)
	e.clock.Advance(6 * time.Minute) // the TREAT event above is now too old
	if _, err := e.chain.LogAccess(mercy, rec.ID, "PURPOSE_HOPERAT"); err != nil {
		t.Fatal(err)
	}
	_, err = e.download("mercy-admin", d.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeAccessNotLogged)
	if _, err := e.download("mercy-admin", d.s.CiphertextHash, "PURPOSE_HOPERAT"); err != nil {
		t.Fatalf("HOPERAT read: %v", err)
	}

	// Malformed requests.
	_, err = e.download("mercy-admin", d.s.CiphertextHash, "nonsense!")
	wantAPIError(t, err, http.StatusBadRequest, vault.CodeInvalidPurpose)
	_, err = e.download("mercy-admin", strings.ToUpper(d.s.CiphertextHash), treat)
	wantAPIError(t, err, http.StatusBadRequest, vault.CodeInvalidHash)
	_, err = e.download("mercy-admin", e.seal([]byte("never anchored")).s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusNotFound, vault.CodeRecordNotFound)

	// A record whose blob this vault does not hold.
	other := e.seal([]byte("stored elsewhere"))
	rec2 := e.chain.Anchor(e.addr("alice"), other.s.CiphertextHash, 1)
	e.chain.Permit(mercy, rec2.ID, treat, true)
	e.chain.LogAccess(mercy, rec2.ID, treat)
	_, err = e.download("mercy-admin", other.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusNotFound, vault.CodeBlobNotFound)

	// The chain unreachable: 503, never a permit.
	e.chain.SetError(errors.New("connection refused"))
	_, err = e.download("mercy-admin", d.s.CiphertextHash, treat)
	wantAPIError(t, err, http.StatusServiceUnavailable, vault.CodeChainUnavailable)
	err = e.upload("mercy-admin", d)
	wantAPIError(t, err, http.StatusServiceUnavailable, vault.CodeChainUnavailable)
}

// rawRequest sends a signed request built by hand, for replay and tamper
// tests.
func (e *env) rawRequest(name, method, path string, body []byte, bodyHash string, at time.Time) *http.Request {
	req, err := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := vaultauth.SignRequest(req, e.signer(name), bodyHash, at); err != nil {
		e.t.Fatal(err)
	}
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	if req.GetBody != nil {
		req.Body, _ = req.GetBody()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	bz, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(bz)
}

// TestSignedRequestRules covers Must-show 4's request checks: a replayed
// or expired request, an unsigned one, a body that does not match its
// hash, a blob over the size limit, an uploader the chain does not allow.
func TestSignedRequestRules(t *testing.T) {
	e := newEnv(t, vault.Config{MaxBlobSize: 4096})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	d := e.seal([]byte("doc"))
	path := "/v1/blobs/" + d.s.CiphertextHash

	req := e.rawRequest("mercy-admin", http.MethodPut, path, d.blob, d.s.CiphertextHash, e.clock.Now())
	if code, body := do(t, req); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	// The very same signed request again: replay.
	if code, body := do(t, req); code != http.StatusUnauthorized || !strings.Contains(body, "replayed") {
		t.Fatalf("replay: %d %s", code, body)
	}
	// Signed two minutes ago: expired.
	old := e.rawRequest("mercy-admin", http.MethodPut, path, d.blob, d.s.CiphertextHash, e.clock.Now().Add(-2*time.Minute))
	if code, body := do(t, old); code != http.StatusUnauthorized || !strings.Contains(body, "window") {
		t.Fatalf("expired: %d %s", code, body)
	}
	// Unsigned.
	plain, _ := http.NewRequest(http.MethodPut, e.ts.URL+path, bytes.NewReader(d.blob))
	if code, _ := do(t, plain); code != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d", code)
	}

	// A body that does not hash to its name, declared honestly or not.
	other := e.seal([]byte("other"))
	otherPath := "/v1/blobs/" + other.s.CiphertextHash
	if code, body := do(t, e.rawRequest("mercy-admin", http.MethodPut, otherPath, d.blob, other.s.CiphertextHash, e.clock.Now())); code != http.StatusBadRequest || !strings.Contains(body, vault.CodeBodyHashMismatch) {
		t.Fatalf("body/hash mismatch: %d %s", code, body)
	}
	if code, body := do(t, e.rawRequest("mercy-admin", http.MethodPut, otherPath, d.blob, d.s.CiphertextHash, e.clock.Now())); code != http.StatusBadRequest || !strings.Contains(body, vault.CodeContentHashMismatch) {
		t.Fatalf("declared/path mismatch: %d %s", code, body)
	}
	if _, _, err := openStore(t, e.dir).Open(other.s.CiphertextHash); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("mismatched body was stored: %v", err)
	}

	// Over the size limit, with Content-Length and streamed without it.
	big := make([]byte, 5000)
	rand.Read(big)
	bh := sha256Hex(big)
	if code, body := do(t, e.rawRequest("mercy-admin", http.MethodPut, "/v1/blobs/"+bh, big, bh, e.clock.Now())); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: %d %s", code, body)
	}
	r := e.rawRequest("mercy-admin", http.MethodPut, "/v1/blobs/"+bh, nil, bh, e.clock.Now())
	r.Body, r.GetBody, r.ContentLength = io.NopCloser(bytes.NewReader(big)), nil, -1
	if code, body := do(t, r); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large, chunked: %d %s", code, body)
	}

	// An uploader the chain does not allow.
	err := e.upload("acme-admin", other)
	wantAPIError(t, err, http.StatusForbidden, vault.CodeUploadNotPermitted)

	// A signed download must sign the empty body hash.
	rec := e.chain.Anchor(e.addr("alice"), d.s.CiphertextHash, 1)
	e.chain.Permit(e.addr("alice"), rec.ID, treat, true)
	e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	get := e.rawRequest("alice", http.MethodGet, path+"?purpose="+treat, nil, d.s.CiphertextHash, e.clock.Now())
	if code, _ := do(t, get); code != http.StatusBadRequest {
		t.Fatalf("GET with a body hash: %d", code)
	}
	get = e.rawRequest("alice", http.MethodGet, path+"?purpose="+treat, nil, vaultauth.EmptySHA256, e.clock.Now())
	if code, _ := do(t, get); code != http.StatusOK {
		t.Fatalf("GET: %d", code)
	}
	// Replaying a successful GET is refused before any chain question.
	if code, _ := do(t, get); code != http.StatusUnauthorized {
		t.Fatalf("replayed GET: %d", code)
	}
	// A signed GET whose purpose is changed in transit fails the signature.
	tampered := e.rawRequest("alice", http.MethodGet, path+"?purpose="+treat, nil, vaultauth.EmptySHA256, e.clock.Now())
	tampered.URL.RawQuery = "purpose=PURPOSE_HRESCH"
	if code, _ := do(t, tampered); code != http.StatusUnauthorized {
		t.Fatalf("tampered GET: %d", code)
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func openStore(t *testing.T, dir string) *vault.Store {
	s, err := vault.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRestartKeepsBlobs: a vault restarted over the same directory serves
// every blob, pending and anchored (Must-show 4).
func TestRestartKeepsBlobs(t *testing.T) {
	e := newEnv(t, vault.Config{})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	alice := e.addr("alice")
	var docs []sealedDoc
	var recs []vault.Record
	for i := 0; i < 5; i++ {
		d := e.seal([]byte(strings.Repeat("document ", i+1)))
		if err := e.upload("mercy-admin", d); err != nil {
			t.Fatal(err)
		}
		rec := e.chain.Anchor(alice, d.s.CiphertextHash, uint64(len(d.blob)))
		e.chain.Permit(alice, rec.ID, treat, true)
		docs, recs = append(docs, d), append(recs, rec)
	}
	// Read two of them before the restart (which files them as anchored).
	for i := 0; i < 2; i++ {
		e.chain.LogAccess(alice, recs[i].ID, treat)
		if _, err := e.download("alice", docs[i].s.CiphertextHash, treat); err != nil {
			t.Fatal(err)
		}
	}
	// A crash mid-upload leaves a temp file behind; restart discards it.
	os.WriteFile(filepath.Join(e.dir, "tmp", "upload-123"), []byte("partial"), 0o600)

	e.start()
	a, p, err := openStore(t, e.dir).Stats()
	if err != nil || a != 2 || p != 3 {
		t.Fatalf("after restart: %d anchored, %d pending, %v", a, p, err)
	}
	if left, _ := os.ReadDir(filepath.Join(e.dir, "tmp")); len(left) != 0 {
		t.Fatalf("temp files survived a restart: %v", left)
	}
	for i, d := range docs {
		e.chain.LogAccess(alice, recs[i].ID, treat)
		got, err := e.download("alice", d.s.CiphertextHash, treat)
		if err != nil || !bytes.Equal(got, d.blob) {
			t.Fatalf("blob %d after restart: %v", i, err)
		}
	}
}

// TestSweeper: blobs never anchored are deleted after SweepAfter; anchored
// ones are kept (and filed away from the sweeper); young ones are kept.
func TestSweeper(t *testing.T) {
	e := newEnv(t, vault.Config{SweepAfter: time.Hour})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	orphan, anchored, young := e.seal([]byte("orphan")), e.seal([]byte("anchored")), e.seal([]byte("young"))
	for _, d := range []sealedDoc{orphan, anchored} {
		if err := e.upload("mercy-admin", d); err != nil {
			t.Fatal(err)
		}
	}
	e.chain.Anchor(e.addr("alice"), anchored.s.CiphertextHash, 1)
	e.clock.Advance(2 * time.Hour)
	// young is uploaded "now" by the store's clock (file times), which the
	// sweeper compares with its own clock: move its file time forward.
	if err := e.upload("mercy-admin", young); err != nil {
		t.Fatal(err)
	}
	yp := filepath.Join(e.dir, "pending", young.s.CiphertextHash)
	os.Chtimes(yp, e.clock.Now(), e.clock.Now())

	a, d, err := e.srv.SweepOnce(context.Background())
	if err != nil || a != 1 || d != 1 {
		t.Fatalf("sweep: anchored %d deleted %d err %v", a, d, err)
	}
	st := openStore(t, e.dir)
	if _, _, err := st.Open(orphan.s.CiphertextHash); !errors.Is(err, vault.ErrNotFound) {
		t.Fatal("orphan survived the sweep")
	}
	for _, h := range []string{anchored.s.CiphertextHash, young.s.CiphertextHash} {
		f, _, err := st.Open(h)
		if err != nil {
			t.Fatalf("kept blob missing: %v", err)
		}
		f.Close()
	}
	// Much later, the anchored blob is still there and the sweep has nothing to ask about it.
	e.clock.Advance(48 * time.Hour)
	before := e.chain.Calls["RecordByHash"]
	a, d, err = e.srv.SweepOnce(context.Background())
	if err != nil || a != 0 || d != 1 || e.chain.Calls["RecordByHash"]-before != 1 {
		t.Fatalf("second sweep: anchored %d deleted %d err %v, %d queries", a, d, err, e.chain.Calls["RecordByHash"]-before)
	}
	if f, _, err := st.Open(anchored.s.CiphertextHash); err != nil {
		t.Fatal("anchored blob swept")
	} else {
		f.Close()
	}
	// The chain unreachable: nothing is deleted on doubt.
	if err := e.upload("mercy-admin", orphan); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(e.dir, "pending", orphan.s.CiphertextHash), time.Unix(0, 0), time.Unix(0, 0))
	e.chain.SetError(errors.New("down"))
	if _, d, err := e.srv.SweepOnce(context.Background()); err == nil || d != 0 {
		t.Fatalf("sweep with the chain down: deleted %d, err %v", d, err)
	}
}

// TestNoSecretsInStoreOrLogs (Must-show 5): after uploads and reads, no
// plaintext, data key, X25519 private key or account private key appears
// in any file under the vault directory or in its logs.
func TestNoSecretsInStoreOrLogs(t *testing.T) {
	e := newEnv(t, vault.Config{})
	e.chain.AllowUpload(e.addr("mercy-admin"), true)
	marker := []byte("SYNTHETIC-PLAINTEXT-MARKER-7f3a9c")
	doc := bytes.Repeat(append(marker, ' '), 5000) // spans several chunks
	d := e.seal(doc)
	if err := e.upload("mercy-admin", d); err != nil {
		t.Fatal(err)
	}
	rec := e.chain.Anchor(e.addr("alice"), d.s.CiphertextHash, uint64(len(d.blob)))
	e.chain.Permit(e.addr("alice"), rec.ID, treat, true)
	e.chain.LogAccess(e.addr("alice"), rec.ID, treat)
	if _, err := e.download("alice", d.s.CiphertextHash, treat); err != nil {
		t.Fatal(err)
	}
	// Refused attempts are logged too; they must not leak either.
	e.download("acme-admin", d.s.CiphertextHash, treat)
	e.upload("acme-admin", d)

	dataKey, err := carecrypto.OpenEnvelope(encryptionKey(t, "alice"), d.s.CiphertextHash, d.s.Envelopes[0].Envelope)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string][]byte{"plaintext": marker, "data key": dataKey}
	for _, name := range []string{"alice", "mercy-admin", "acme-admin"} {
		secrets[name+" x25519 private key"] = encryptionKey(t, name).Bytes()
		secrets[name+" secp256k1 private key"] = devnet.DemoPrivKey(name).Bytes()
	}
	var haystacks []struct {
		name string
		data []byte
	}
	haystacks = append(haystacks, struct {
		name string
		data []byte
	}{"logs", e.logs.Bytes()})
	filepath.WalkDir(e.dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && de.Type().IsRegular() {
			bz, _ := os.ReadFile(p)
			haystacks = append(haystacks, struct {
				name string
				data []byte
			}{p, bz})
		}
		return nil
	})
	if len(haystacks) < 2 || len(e.logs.Bytes()) == 0 {
		t.Fatal("nothing to search: no blob stored or nothing logged")
	}
	for what, s := range secrets {
		forms := [][]byte{s, []byte(hex.EncodeToString(s)), []byte(strings.ToUpper(hex.EncodeToString(s))),
			[]byte(base64.StdEncoding.EncodeToString(s)), []byte(base64.RawURLEncoding.EncodeToString(s))}
		for _, h := range haystacks {
			for _, f := range forms {
				if bytes.Contains(h.data, f) {
					t.Errorf("%s found in %s", what, h.name)
				}
			}
		}
	}
	// And the logs do say what happened.
	for _, want := range []string{`"msg":"blob stored"`, `"msg":"blob served"`, `"error":"access_denied"`, `"error":"upload_not_permitted"`, d.s.CiphertextHash} {
		if !bytes.Contains(e.logs.Bytes(), []byte(want)) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, vault.Config{})
	resp, err := http.Get(e.ts.URL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestNormalizePurpose(t *testing.T) {
	for in, want := range map[string]string{"PURPOSE_TREAT": "PURPOSE_TREAT", "TREAT": "PURPOSE_TREAT", "HPAYMT": "PURPOSE_HPAYMT"} {
		if got, ok := vault.NormalizePurpose(in); !ok || got != want {
			t.Errorf("%q → %q %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "PURPOSE_", "treat", "PURPOSE_UNSPECIFIED", "TREAT&x", "PURPOSE_TREAT\n"} {
		if _, ok := vault.NormalizePurpose(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}
