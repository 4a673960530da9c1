package carecrypto

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// SaltSize is the length of the random salt that opens every plaintext
// envelope and enters the content commitment.
const SaltSize = 32

var (
	// ErrCiphertextHashMismatch means a blob does not hash to the
	// ciphertext_hash anchored on chain.
	ErrCiphertextHashMismatch = errors.New("carecrypto: blob does not match the anchored ciphertext hash")
	// ErrCommitmentMismatch means the decrypted document does not match
	// the anchored content commitment.
	ErrCommitmentMismatch = errors.New("carecrypto: document does not match the anchored content commitment")
)

// Recipient is an account a document's data key is wrapped to.
type Recipient struct {
	Address         string
	X25519PublicKey []byte
}

// RecipientEnvelope is an Envelope and the account it is addressed to.
type RecipientEnvelope struct {
	Recipient string
	Envelope
}

// Sealed describes an encrypted document: what a record anchors on chain.
type Sealed struct {
	CiphertextHash    string // hex SHA-256 of the blob as stored
	ContentCommitment string // hex SHA-256(salt ‖ plaintext)
	PlaintextSize     int64  // bytes of the document
	BlobSize          int64  // bytes of the blob
	Envelopes         []RecipientEnvelope
}

// IsHash reports whether s is a SHA-256 in the chain's form: 64 lowercase
// hex characters.
func IsHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ContentCommitment returns hex SHA-256(salt ‖ plaintext).
func ContentCommitment(salt, plaintext []byte) string {
	h := sha256.New()
	h.Write(salt)
	h.Write(plaintext)
	return hex.EncodeToString(h.Sum(nil))
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// SealDocument encrypts the document read from src under a fresh data key
// and writes the blob to dst, streaming in bounded memory. The data key is
// wrapped to every recipient (typically the patient and the author) and
// then erased; it is never returned.
func SealDocument(dst io.Writer, src io.Reader, recipients []Recipient) (*Sealed, error) {
	if len(recipients) == 0 {
		return nil, errors.New("carecrypto: a document needs at least one recipient")
	}
	for _, r := range recipients {
		if len(r.X25519PublicKey) != X25519KeySize {
			return nil, fmt.Errorf("%w for %s", ErrInvalidPublicKey, r.Address)
		}
	}
	key, err := NewDataKey()
	if err != nil {
		return nil, err
	}
	defer clear(key)
	var salt [SaltSize]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, err
	}
	var prefix [NoncePrefixSize]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return nil, err
	}
	s, err := sealDocument(dst, src, key, salt, prefix, DefaultChunkSize)
	if err != nil {
		return nil, err
	}
	for _, r := range recipients {
		env, err := WrapKey(r.X25519PublicKey, s.CiphertextHash, key)
		if err != nil {
			return nil, fmt.Errorf("wrapping the data key to %s: %w", r.Address, err)
		}
		s.Envelopes = append(s.Envelopes, RecipientEnvelope{Recipient: r.Address, Envelope: env})
	}
	return s, nil
}

// sealDocument is SealDocument with its random inputs given, for vectors.
func sealDocument(dst io.Writer, src io.Reader, key []byte, salt [SaltSize]byte, prefix [NoncePrefixSize]byte, chunkSize int) (*Sealed, error) {
	cipherHash := sha256.New()
	out := &countingWriter{w: io.MultiWriter(dst, cipherHash)}
	bw, err := newBlobWriter(out, key, chunkSize, prefix)
	if err != nil {
		return nil, err
	}
	commit := sha256.New()
	commit.Write(salt[:])
	if _, err := bw.Write(salt[:]); err != nil {
		return nil, err
	}
	n, err := io.Copy(io.MultiWriter(bw, commit), src)
	if err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return &Sealed{
		CiphertextHash:    hex.EncodeToString(cipherHash.Sum(nil)),
		ContentCommitment: hex.EncodeToString(commit.Sum(nil)),
		PlaintextSize:     n,
		BlobSize:          out.n,
	}, nil
}

// OpenDocument decrypts the blob read from blob with dataKey and writes the
// document (without its salt) to dst, in bounded memory. It checks every
// chunk's tag as it goes, and at the end that the blob hashes to
// ciphertextHash and the document to contentCommitment (pass "" to skip
// the commitment check). dst may have received part of the document when
// an error is returned: callers that must not expose unverified output
// write to a temporary file and keep it only on success
// (recordsclient.DecryptToFile does).
func OpenDocument(dst io.Writer, blob io.Reader, dataKey []byte, ciphertextHash, contentCommitment string) (int64, error) {
	if !IsHash(ciphertextHash) {
		return 0, fmt.Errorf("carecrypto: ciphertext hash must be 64 lowercase hex characters, got %q", ciphertextHash)
	}
	if contentCommitment != "" && !IsHash(contentCommitment) {
		return 0, fmt.Errorf("carecrypto: content commitment must be 64 lowercase hex characters, got %q", contentCommitment)
	}
	cipherHash := sha256.New()
	br, err := NewBlobReader(io.TeeReader(blob, cipherHash), dataKey)
	if err != nil {
		return 0, err
	}
	commit := sha256.New()
	var salt [SaltSize]byte
	if _, err := io.ReadFull(br, salt[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, fmt.Errorf("%w: plaintext envelope has no salt", ErrBlobFormat)
		}
		return 0, err
	}
	commit.Write(salt[:])
	n, err := io.Copy(io.MultiWriter(dst, commit), br)
	if err != nil {
		return n, err
	}
	if !hashEquals(cipherHash, ciphertextHash) {
		return n, ErrCiphertextHashMismatch
	}
	if contentCommitment != "" && !hashEquals(commit, contentCommitment) {
		return n, ErrCommitmentMismatch
	}
	return n, nil
}

func hashEquals(h hash.Hash, want string) bool {
	return hex.EncodeToString(h.Sum(nil)) == want
}
