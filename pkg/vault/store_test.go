package vault_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/carechain/carechain/pkg/vault"
)

func TestStorePutOpen(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	body := []byte("ciphertext bytes")
	h := sha256Hex(body)

	if _, _, err := s.Put(h, bytes.NewReader([]byte("other bytes")), 1<<20); !errors.Is(err, vault.ErrHashMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	if _, _, err := s.Put(h, bytes.NewReader(body), int64(len(body))-1); !errors.Is(err, vault.ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", h[:63], h + "0", "ABCDEF" + h[6:], "../" + h[3:]} {
		if _, _, err := s.Put(bad, bytes.NewReader(body), 1<<20); !errors.Is(err, vault.ErrInvalidHash) {
			t.Fatalf("hash %q: %v", bad, err)
		}
		if _, _, err := s.Open(bad); !errors.Is(err, vault.ErrInvalidHash) {
			t.Fatalf("open %q: %v", bad, err)
		}
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Fatalf("refused uploads left temp files: %v", left)
	}

	// Concurrent uploads of the same blob: one creates, all succeed.
	var wg sync.WaitGroup
	created := make(chan bool, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, n, err := s.Put(h, bytes.NewReader(body), 1<<20)
			if err != nil || n != int64(len(body)) {
				t.Errorf("put: %v", err)
			}
			created <- c
		}()
	}
	wg.Wait()
	close(created)
	nc := 0
	for c := range created {
		if c {
			nc++
		}
	}
	if nc != 1 {
		t.Fatalf("%d uploads created the blob, want 1", nc)
	}

	f, size, err := s.Open(h)
	if err != nil || size != int64(len(body)) {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, body) {
		t.Fatal("stored blob differs")
	}
	if err := s.MarkAnchored(h); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAnchored(h); err != nil {
		t.Fatalf("second MarkAnchored: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "anchored", h[:2], h)); err != nil {
		t.Fatalf("anchored blob not at its path: %v", err)
	}
	if c, _, err := s.Put(h, bytes.NewReader(body), 1<<20); err != nil || c {
		t.Fatalf("re-upload of an anchored blob: created=%v err=%v", c, err)
	}
	if err := s.MarkAnchored(sha256Hex([]byte("absent"))); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("MarkAnchored of an absent blob: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(dir, "anchored", h[:2], h)); st.Mode().Perm() != 0o600 {
		t.Fatalf("blob file mode %v, want 0600", st.Mode().Perm())
	}
}
