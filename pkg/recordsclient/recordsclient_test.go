package recordsclient_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/pkg/recordsclient"
	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vault/vaulttest"
	"github.com/carechain/carechain/pkg/vaultauth"
)

const treat = "PURPOSE_TREAT"

type account struct {
	name   string
	signer vaultauth.Signer
	key    *ecdh.PrivateKey
}

var (
	accountsMu sync.Mutex
	accounts   = map[string]account{}
)

func acct(t *testing.T, name string) account {
	accountsMu.Lock()
	defer accountsMu.Unlock()
	if a, ok := accounts[name]; ok {
		return a
	}
	priv := devnet.DemoPrivKey(name)
	s, err := vaultauth.NewPrivKeySigner("care", priv)
	if err != nil {
		t.Fatal(err)
	}
	k, err := carecrypto.DeriveEncryptionKeyWith(s.Address(), priv.PubKey().Bytes(), priv.Sign)
	if err != nil {
		t.Fatal(err)
	}
	a := account{name: name, signer: s, key: k}
	accounts[name] = a
	return a
}

type world struct {
	t        *testing.T
	vaultDir string
	chain    *vaulttest.Chain
	ts       *httptest.Server
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, vaultDir: t.TempDir(), chain: vaulttest.NewChain(nil)}
	store, err := vault.OpenStore(w.vaultDir)
	if err != nil {
		t.Fatal(err)
	}
	srv := vault.NewServer(store, w.chain, vaultauth.NewVerifier(vaultauth.VerifierConfig{Prefix: "care"}),
		vault.Config{MaxBlobSize: 1 << 30, Logger: discardLogger()})
	w.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(w.ts.Close)
	return w
}

func (w *world) client(a account) *vault.Client {
	return &vault.Client{BaseURL: w.ts.URL, Signer: a.signer}
}

// put is `records put`: seal for the patient and the author, upload,
// anchor. It returns the record and the sealed description.
func (w *world) put(author, patient account, src io.Reader) (vault.Record, *carecrypto.Sealed) {
	t := w.t
	blobPath, s, err := recordsclient.SealToFile(src, t.TempDir(), []carecrypto.Recipient{
		{Address: patient.signer.Address(), X25519PublicKey: patient.key.PublicKey().Bytes()},
		{Address: author.signer.Address(), X25519PublicKey: author.key.PublicKey().Bytes()},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(blobPath)
	f, err := os.Open(blobPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w.chain.AllowUpload(author.signer.Address(), true)
	if err := w.client(author).Upload(context.Background(), s.CiphertextHash, f, s.BlobSize); err != nil {
		t.Fatal(err)
	}
	return w.chain.Anchor(patient.signer.Address(), s.CiphertextHash, uint64(s.BlobSize)), s
}

// get is `records get`: log the access, download, verify, decrypt.
func (w *world) get(reader account, rec vault.Record, s *carecrypto.Sealed, env carecrypto.Envelope, key *ecdh.PrivateKey, out string) (int64, error) {
	if _, err := w.chain.LogAccess(reader.signer.Address(), rec.ID, treat); err != nil {
		return 0, err
	}
	d, err := w.client(reader).Download(context.Background(), rec.CiphertextHash, treat)
	if err != nil {
		return 0, err
	}
	defer d.Body.Close()
	return recordsclient.FetchDocument(d.Body, out, recordsclient.RecordRef{CiphertextHash: rec.CiphertextHash, ContentCommitment: s.ContentCommitment}, env, key, int64(rec.SizeBytes))
}

func envelopeFor(t *testing.T, s *carecrypto.Sealed, addr string) carecrypto.Envelope {
	for _, e := range s.Envelopes {
		if e.Recipient == addr {
			return e.Envelope
		}
	}
	t.Fatalf("no envelope for %s", addr)
	return carecrypto.Envelope{}
}

func TestPutGet(t *testing.T) {
	w := newWorld(t)
	alice, mercy := acct(t, "alice"), acct(t, "mercy-admin")
	doc := bytes.Repeat([]byte("synthetic lab report line\n"), 10000)
	rec, s := w.put(mercy, alice, bytes.NewReader(doc))

	for _, reader := range []account{alice, mercy} {
		w.chain.Permit(reader.signer.Address(), rec.ID, treat, true)
		out := filepath.Join(t.TempDir(), "report.txt")
		n, err := w.get(reader, rec, s, envelopeFor(t, s, reader.signer.Address()), reader.key, out)
		if err != nil {
			t.Fatalf("%s: %v", reader.name, err)
		}
		got, _ := os.ReadFile(out)
		if n != int64(len(doc)) || !bytes.Equal(got, doc) {
			t.Fatalf("%s: output differs from the original", reader.name)
		}
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
			t.Fatalf("output mode %v, want 0600", st.Mode().Perm())
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
			t.Fatalf("temporary files left beside the output: %v", entries)
		}
	}
}

// TestTamperedBlobIsDetected (Must-show 3): a blob altered on the vault's
// disk fails the hash check against the chain; nothing is written to the
// output, and an existing output file is left as it was.
func TestTamperedBlobIsDetected(t *testing.T) {
	w := newWorld(t)
	alice, mercy := acct(t, "alice"), acct(t, "mercy-admin")
	rec, s := w.put(mercy, alice, bytes.NewReader(bytes.Repeat([]byte("x"), 200000)))
	w.chain.Permit(alice.signer.Address(), rec.ID, treat, true)

	stored := filepath.Join(w.vaultDir, "pending", rec.CiphertextHash)
	bz, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	bz[len(bz)/2] ^= 0x40
	if err := os.WriteFile(stored, bz, 0o600); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "new.txt")
	if _, err := w.get(alice, rec, s, envelopeFor(t, s, alice.signer.Address()), alice.key, out); !errors.Is(err, carecrypto.ErrCiphertextHashMismatch) {
		t.Fatalf("got %v, want ErrCiphertextHashMismatch", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("output written for a tampered blob")
	}
	existing := filepath.Join(dir, "existing.txt")
	os.WriteFile(existing, []byte("previous content"), 0o600)
	if _, err := w.get(alice, rec, s, envelopeFor(t, s, alice.signer.Address()), alice.key, existing); !errors.Is(err, carecrypto.ErrCiphertextHashMismatch) {
		t.Fatalf("got %v", err)
	}
	if got, _ := os.ReadFile(existing); string(got) != "previous content" {
		t.Fatal("existing output overwritten")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}

	// Truncated in transit: also a hash mismatch.
	if _, err := recordsclient.FetchDocument(bytes.NewReader(bz[:1000]), out, recordsclient.RecordRef{CiphertextHash: rec.CiphertextHash, ContentCommitment: s.ContentCommitment},
		envelopeFor(t, s, alice.signer.Address()), alice.key, 0); !errors.Is(err, carecrypto.ErrCiphertextHashMismatch) {
		t.Fatalf("truncated: %v", err)
	}
	// Longer than the record says: refused without reading it all.
	if _, err := recordsclient.FetchDocument(bytes.NewReader(append(bz, 0)), out, recordsclient.RecordRef{CiphertextHash: rec.CiphertextHash, ContentCommitment: s.ContentCommitment},
		envelopeFor(t, s, alice.signer.Address()), alice.key, int64(len(bz))); !errors.Is(err, recordsclient.ErrTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
}

// TestWrongKeyOrCommitment: someone else's key, or a record whose
// commitment does not match, produce an error and no output.
func TestWrongKeyOrCommitment(t *testing.T) {
	w := newWorld(t)
	alice, mercy, acme := acct(t, "alice"), acct(t, "mercy-admin"), acct(t, "acme-admin")
	rec, s := w.put(mercy, alice, bytes.NewReader([]byte("doc")))
	w.chain.Permit(alice.signer.Address(), rec.ID, treat, true)
	out := filepath.Join(t.TempDir(), "out")

	if _, err := w.get(alice, rec, s, envelopeFor(t, s, alice.signer.Address()), acme.key, out); !errors.Is(err, carecrypto.ErrEnvelopeOpen) {
		t.Fatalf("wrong key: %v", err)
	}
	bad := *s
	bad.ContentCommitment = rec.CiphertextHash
	if _, err := w.get(alice, rec, &bad, envelopeFor(t, s, alice.signer.Address()), alice.key, out); !errors.Is(err, carecrypto.ErrCommitmentMismatch) {
		t.Fatalf("wrong commitment: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Fatalf("files written: %v", entries)
	}
}

// TestLargeDocumentBoundedMemory runs records put and records get of a
// large document through the vault and checks the heap stays bounded.
// CARECHAIN_LARGE_MB sets the size (default 32; the figure is
// measured with 100).
func TestLargeDocumentBoundedMemory(t *testing.T) {
	mb := 32
	if v := os.Getenv("CARECHAIN_LARGE_MB"); v != "" {
		var err error
		if mb, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	if testing.Short() {
		mb = 8
	}
	size := int64(mb) << 20
	w := newWorld(t)
	alice, mercy := acct(t, "alice"), acct(t, "mercy-admin")
	w.chain.Permit(alice.signer.Address(), 1, treat, true)

	dir := t.TempDir()
	srcPath := filepath.Join(dir, "scan.dcm")
	srcHash := writeRandomFile(t, srcPath, size)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)

	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()

	start := time.Now()
	src, _ := os.Open(srcPath)
	rec, s := w.put(mercy, alice, src)
	src.Close()
	putTime := time.Since(start)
	out := filepath.Join(dir, "scan-out.dcm")
	start = time.Now()
	n, err := w.get(alice, rec, s, envelopeFor(t, s, alice.signer.Address()), alice.key, out)
	getTime := time.Since(start)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if n != size || fileHash(t, out) != srcHash {
		t.Fatal("output differs from the original")
	}
	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("%d MiB document: put %s, get %s; heap in use before %.1f MiB, peak %.1f MiB (growth %.1f MiB)",
		mb, putTime.Round(time.Millisecond), getTime.Round(time.Millisecond),
		float64(base.HeapInuse)/(1<<20), float64(peak.Load())/(1<<20), float64(growth)/(1<<20))
	if growth > 32<<20 {
		t.Fatalf("heap grew by %d MiB for a %d MiB document: not streaming", growth>>20, mb)
	}
}

func writeRandomFile(t *testing.T, path string, size int64) [32]byte {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	r := rand.NewChaCha8([32]byte{1})
	if _, err := io.CopyN(io.MultiWriter(f, h), r, size); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

func fileHash(t *testing.T, path string) [32]byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return [32]byte(h.Sum(nil))
}
