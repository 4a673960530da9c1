package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/carechain/carechain/pkg/carecrypto"
)

// Store keeps blobs as files under one directory, named by their SHA-256:
//
//	<dir>/pending/<hash>             uploaded, not yet seen anchored on chain
//	<dir>/anchored/<hash[0:2]>/<hash> anchored by a record; never swept
//	<dir>/tmp/                       uploads in progress (emptied on open)
//
// A blob is written to tmp/, fsynced, checked against its name, renamed
// into place and the directory fsynced, so a crash leaves either the whole
// blob or nothing. The store holds only what clients send: ciphertext.
type Store struct {
	dir string
	// mu orders renames, deletes and re-upload touches, so that the
	// sweeper never deletes a blob that an upload has just confirmed.
	mu sync.Mutex
	// spent is the durable memory of access events that released a
	// download (spent.go).
	spent *spentLedger
}

var (
	// ErrNotFound: no blob has that hash.
	ErrNotFound = errors.New("vault: blob not found")
	// ErrHashMismatch: the body does not hash to the name it was sent under.
	ErrHashMismatch = errors.New("vault: body does not hash to the ciphertext hash it was uploaded under")
	// ErrTooLarge: the body exceeds the size limit.
	ErrTooLarge = errors.New("vault: blob exceeds the size limit")
	// ErrInvalidHash: not 64 lowercase hex characters.
	ErrInvalidHash = errors.New("vault: ciphertext hash must be 64 lowercase hex characters")
)

const (
	dirPending  = "pending"
	dirAnchored = "anchored"
	dirTmp      = "tmp"
)

// OpenStore opens (creating if needed) the store under dir and discards
// uploads a crash interrupted.
func OpenStore(dir string) (*Store, error) {
	for _, d := range []string{dir, filepath.Join(dir, dirPending), filepath.Join(dir, dirAnchored), filepath.Join(dir, dirTmp)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	tmp := filepath.Join(dir, dirTmp)
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(tmp, e.Name())); err != nil {
			return nil, err
		}
	}
	spent, err := openSpentLedger(dir, maxConsumedEvents)
	if err != nil {
		return nil, err
	}
	return &Store{dir: dir, spent: spent}, nil
}

// Close releases the store's open files.
func (s *Store) Close() error { return s.spent.close() }

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) pendingPath(hash string) string { return filepath.Join(s.dir, dirPending, hash) }
func (s *Store) anchoredPath(hash string) string {
	return filepath.Join(s.dir, dirAnchored, hash[:2], hash)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

// Put stores the body read from r under hash, which it must hash to, and
// which must not exceed maxSize bytes. created is false when the blob was
// already stored (a pending one then gets a fresh upload time).
func (s *Store) Put(hash string, r io.Reader, maxSize int64) (created bool, size int64, err error) {
	if !carecrypto.IsHash(hash) {
		return false, 0, ErrInvalidHash
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, dirTmp), "upload-*")
	if err != nil {
		return false, 0, err
	}
	tmp := f.Name()
	defer func() {
		if f != nil {
			f.Close()
		}
		if tmp != "" {
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, maxSize+1))
	if err != nil {
		return false, n, err
	}
	if n > maxSize {
		return false, n, ErrTooLarge
	}
	if hex.EncodeToString(h.Sum(nil)) != hash {
		return false, n, ErrHashMismatch
	}
	if err := f.Sync(); err != nil {
		return false, n, err
	}
	if err := f.Close(); err != nil {
		f = nil
		return false, n, err
	}
	f = nil

	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, err := exists(s.anchoredPath(hash)); err != nil || ok {
		return false, n, err
	}
	if ok, err := exists(s.pendingPath(hash)); err != nil {
		return false, n, err
	} else if ok {
		now := time.Now()
		return false, n, os.Chtimes(s.pendingPath(hash), now, now)
	}
	if err := os.Rename(tmp, s.pendingPath(hash)); err != nil {
		return false, n, err
	}
	tmp = ""
	return true, n, syncDir(filepath.Join(s.dir, dirPending))
}

// Open opens the blob stored under hash for reading.
func (s *Store) Open(hash string) (f *os.File, size int64, err error) {
	if !carecrypto.IsHash(hash) {
		return nil, 0, ErrInvalidHash
	}
	for _, p := range []string{s.anchoredPath(hash), s.pendingPath(hash)} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, st.Size(), nil
	}
	return nil, 0, ErrNotFound
}

// MarkAnchored moves a pending blob among the anchored ones, which the
// sweeper never deletes. It is a no-op for a blob already anchored.
func (s *Store) MarkAnchored(hash string) error {
	if !carecrypto.IsHash(hash) {
		return ErrInvalidHash
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pending, err := exists(s.pendingPath(hash))
	if err != nil {
		return err
	}
	if !pending {
		anchored, err := exists(s.anchoredPath(hash))
		if err != nil || anchored {
			return err
		}
		return ErrNotFound
	}
	shard := filepath.Dir(s.anchoredPath(hash))
	if ok, err := exists(shard); err != nil {
		return err
	} else if !ok {
		if err := os.Mkdir(shard, 0o700); err != nil {
			return err
		}
		if err := syncDir(filepath.Join(s.dir, dirAnchored)); err != nil {
			return err
		}
	}
	if err := os.Rename(s.pendingPath(hash), s.anchoredPath(hash)); err != nil {
		return err
	}
	if err := syncDir(shard); err != nil {
		return err
	}
	return syncDir(filepath.Join(s.dir, dirPending))
}

// deletePendingIfOlder removes a pending blob whose upload time is still
// before cutoff (a re-upload since the sweeper listed it refreshes it).
func (s *Store) deletePendingIfOlder(hash string, cutoff time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := os.Stat(s.pendingPath(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.ModTime().Before(cutoff) {
		return false, nil
	}
	if err := os.Remove(s.pendingPath(hash)); err != nil {
		return false, err
	}
	return true, syncDir(filepath.Join(s.dir, dirPending))
}

// pendingOlderThan lists up to limit pending blobs uploaded before cutoff,
// reading the directory in batches so memory stays bounded.
func (s *Store) pendingOlderThan(cutoff time.Time, limit int) ([]string, error) {
	d, err := os.Open(filepath.Join(s.dir, dirPending))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out []string
	for len(out) < limit {
		entries, err := d.ReadDir(256)
		for _, e := range entries {
			if !carecrypto.IsHash(e.Name()) {
				continue
			}
			info, ierr := e.Info()
			if ierr != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
				continue
			}
			out = append(out, e.Name())
			if len(out) == limit {
				break
			}
		}
		if errors.Is(err, io.EOF) || len(entries) == 0 {
			break
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// Stats counts the stored blobs.
func (s *Store) Stats() (anchored, pending int, err error) {
	err = filepath.WalkDir(filepath.Join(s.dir, dirAnchored), func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && carecrypto.IsHash(d.Name()) {
			anchored++
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, dirPending))
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && carecrypto.IsHash(e.Name()) {
			pending++
		}
	}
	return anchored, pending, nil
}

func (s *Store) String() string { return fmt.Sprintf("vault store at %s", s.dir) }
