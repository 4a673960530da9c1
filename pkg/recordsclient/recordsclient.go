// Package recordsclient holds the client side of `carechaind records put`
// and `records get` that does not depend on the chain: sealing a document
// into a blob file with its envelopes, and receiving, verifying and
// decrypting a blob into an output file that appears only once everything
// has checked out.
//
// records put (cmd/carechaind/cmd/records.go):
//
//	blobPath, sealed := SealToFile(doc, tmpDir, [patient, author])   // recipients' keys from x/registry
//	vault.Client.Upload(sealed.CiphertextHash, blob, sealed.BlobSize)
//	MsgCreateRecord{ciphertext_hash, content_commitment, size_bytes = sealed.BlobSize,
//	                envelopes = sealed.Envelopes, ...}
//
// records get:
//
//	rec := x/records Record (ciphertext_hash, content_commitment)
//	env := x/records envelope for (record, me)
//	commit MsgRecordAccess{accessor: me, record_id, purpose} and wait for the block
//	d := vault.Client.Download(rec.ciphertext_hash, purpose)
//	FetchDocument(d.Body, outPath, RecordRef{...}, env, myX25519Key, rec.size_bytes)
package recordsclient

import (
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/carechain/carechain/pkg/carecrypto"
)

// RecordRef is what the chain anchors about a document: the values a
// download is checked against.
type RecordRef struct {
	CiphertextHash    string
	ContentCommitment string
}

// ErrTooLarge means a downloaded blob exceeds the size the caller allowed
// (the record's size_bytes).
var ErrTooLarge = errors.New("recordsclient: blob larger than the record's size")

// SealToFile encrypts the document read from src for recipients into a new
// file in dir and returns its path (the caller removes it after upload) and
// what the record must anchor. Only ciphertext touches the disk.
func SealToFile(src io.Reader, dir string, recipients []carecrypto.Recipient) (string, *carecrypto.Sealed, error) {
	f, err := os.CreateTemp(dir, ".carechain-blob-*")
	if err != nil {
		return "", nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	s, err := carecrypto.SealDocument(f, src, recipients)
	if err != nil {
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	ok = true
	return f.Name(), s, nil
}

// ReceiveBlob copies a downloaded blob into a new file in dir, hashing it
// on the way, and keeps it only if it hashes to ciphertextHash (the
// chain's). At most maxSize bytes are accepted (maxSize <= 0: no limit).
// The caller removes the returned file.
func ReceiveBlob(r io.Reader, dir, ciphertextHash string, maxSize int64) (string, error) {
	if !carecrypto.IsHash(ciphertextHash) {
		return "", fmt.Errorf("recordsclient: ciphertext hash must be 64 lowercase hex characters, got %q", ciphertextHash)
	}
	f, err := os.CreateTemp(dir, ".carechain-blob-*")
	if err != nil {
		return "", err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	src := r
	if maxSize > 0 {
		src = io.LimitReader(r, maxSize+1)
	}
	n, err := io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		return "", err
	}
	if maxSize > 0 && n > maxSize {
		return "", ErrTooLarge
	}
	if hex.EncodeToString(h.Sum(nil)) != ciphertextHash {
		return "", carecrypto.ErrCiphertextHashMismatch
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	ok = true
	return f.Name(), nil
}

// DecryptToFile unwraps the data key from env with key and decrypts the
// blob at blobPath into outPath. The document is written to a temporary
// file beside outPath, fsynced, and renamed to outPath only after every
// chunk authenticated, the blob hashed to rec.CiphertextHash and the
// document matched rec.ContentCommitment; on any error outPath is left as
// it was. The file is created 0600.
func DecryptToFile(blobPath, outPath string, rec RecordRef, env carecrypto.Envelope, key *ecdh.PrivateKey) (int64, error) {
	dataKey, err := carecrypto.OpenEnvelope(key, rec.CiphertextHash, env)
	if err != nil {
		return 0, err
	}
	defer clear(dataKey)
	blob, err := os.Open(blobPath)
	if err != nil {
		return 0, err
	}
	defer blob.Close()
	out, err := os.CreateTemp(filepath.Dir(outPath), "."+filepath.Base(outPath)+".partial-*")
	if err != nil {
		return 0, err
	}
	ok := false
	defer func() {
		if !ok {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	n, err := carecrypto.OpenDocument(out, blob, dataKey, rec.CiphertextHash, rec.ContentCommitment)
	if err != nil {
		return 0, err
	}
	if err := out.Sync(); err != nil {
		return 0, err
	}
	if err := out.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(out.Name(), outPath); err != nil {
		return 0, err
	}
	ok = true
	return n, nil
}

// FetchDocument receives a blob from r (a vault download), checks it
// against the chain's ciphertext hash before decrypting anything, and
// decrypts it into outPath (see DecryptToFile). The blob is kept in a
// temporary file next to outPath while this runs, so memory stays bounded
// whatever the document's size. maxSize is the record's size_bytes (0: no
// limit).
func FetchDocument(r io.Reader, outPath string, rec RecordRef, env carecrypto.Envelope, key *ecdh.PrivateKey, maxSize int64) (int64, error) {
	blobPath, err := ReceiveBlob(r, filepath.Dir(outPath), rec.CiphertextHash, maxSize)
	if err != nil {
		return 0, err
	}
	defer os.Remove(blobPath)
	return DecryptToFile(blobPath, outPath, rec, env, key)
}
