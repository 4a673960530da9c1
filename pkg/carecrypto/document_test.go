package carecrypto

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func TestSealOpenDocument(t *testing.T) {
	patient, _ := ecdh.X25519().GenerateKey(rand.Reader)
	author, _ := ecdh.X25519().GenerateKey(rand.Reader)
	stranger, _ := ecdh.X25519().GenerateKey(rand.Reader)
	doc := make([]byte, 3*DefaultChunkSize+123)
	rand.Read(doc)

	var blob bytes.Buffer
	s, err := SealDocument(&blob, bytes.NewReader(doc), []Recipient{
		{Address: "care1patient", X25519PublicKey: patient.PublicKey().Bytes()},
		{Address: "care1author", X25519PublicKey: author.PublicKey().Bytes()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.PlaintextSize != int64(len(doc)) || s.BlobSize != int64(blob.Len()) {
		t.Fatalf("sizes: %d/%d, want %d/%d", s.PlaintextSize, s.BlobSize, len(doc), blob.Len())
	}
	if s.CiphertextHash != sha256Hex(blob.Bytes()) {
		t.Fatal("ciphertext hash is not the SHA-256 of the blob")
	}
	if len(s.Envelopes) != 2 || s.Envelopes[0].Recipient != "care1patient" || s.Envelopes[1].Recipient != "care1author" {
		t.Fatalf("envelopes: %+v", s.Envelopes)
	}
	if bytes.Contains(blob.Bytes(), doc[:64]) {
		t.Fatal("blob contains plaintext")
	}

	// The commitment is SHA-256(salt ‖ document) with the salt that opens
	// the plaintext envelope.
	for i, k := range []*ecdh.PrivateKey{patient, author} {
		key, err := OpenEnvelope(k, s.CiphertextHash, s.Envelopes[i].Envelope)
		if err != nil {
			t.Fatalf("recipient %d: %v", i, err)
		}
		raw, err := openRaw(key, blob.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw[SaltSize:], doc) || ContentCommitment(raw[:SaltSize], doc) != s.ContentCommitment {
			t.Fatal("plaintext envelope is not salt ‖ document, or commitment differs")
		}
		var out bytes.Buffer
		n, err := OpenDocument(&out, bytes.NewReader(blob.Bytes()), key, s.CiphertextHash, s.ContentCommitment)
		if err != nil || n != int64(len(doc)) || !bytes.Equal(out.Bytes(), doc) {
			t.Fatalf("recipient %d: OpenDocument: %v (n=%d)", i, err, n)
		}
	}
	if _, err := OpenEnvelope(stranger, s.CiphertextHash, s.Envelopes[0].Envelope); !errors.Is(err, ErrEnvelopeOpen) {
		t.Fatalf("stranger: got %v", err)
	}

	key, _ := OpenEnvelope(patient, s.CiphertextHash, s.Envelopes[0].Envelope)
	if _, err := OpenDocument(io.Discard, bytes.NewReader(blob.Bytes()), key, testHash("other"), s.ContentCommitment); !errors.Is(err, ErrCiphertextHashMismatch) {
		t.Fatalf("wrong ciphertext hash: got %v", err)
	}
	if _, err := OpenDocument(io.Discard, bytes.NewReader(blob.Bytes()), key, s.CiphertextHash, testHash("other")); !errors.Is(err, ErrCommitmentMismatch) {
		t.Fatalf("wrong commitment: got %v", err)
	}
}

func TestSealDocumentFreshKeyAndSalt(t *testing.T) {
	r, _ := ecdh.X25519().GenerateKey(rand.Reader)
	rec := []Recipient{{Address: "care1r", X25519PublicKey: r.PublicKey().Bytes()}}
	var b1, b2 bytes.Buffer
	s1, err := SealDocument(&b1, bytes.NewReader([]byte("same")), rec)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := SealDocument(&b2, bytes.NewReader([]byte("same")), rec)
	if s1.CiphertextHash == s2.CiphertextHash || s1.ContentCommitment == s2.ContentCommitment {
		t.Fatal("two seals of the same document share a ciphertext hash or commitment")
	}
	k1, _ := OpenEnvelope(r, s1.CiphertextHash, s1.Envelopes[0].Envelope)
	k2, _ := OpenEnvelope(r, s2.CiphertextHash, s2.Envelopes[0].Envelope)
	if bytes.Equal(k1, k2) {
		t.Fatal("data key reused")
	}
	// The commitment of a low-entropy document cannot be found by
	// hashing guesses without the salt.
	if s1.ContentCommitment == sha256Hex([]byte("same")) {
		t.Fatal("commitment is unsalted")
	}
}

func TestSealDocumentRejectsBadRecipients(t *testing.T) {
	if _, err := SealDocument(io.Discard, bytes.NewReader(nil), nil); err == nil {
		t.Fatal("no recipients accepted")
	}
	if _, err := SealDocument(io.Discard, bytes.NewReader(nil), []Recipient{{Address: "x", X25519PublicKey: make([]byte, 32)}}); !errors.Is(err, ErrInvalidPublicKey) {
		t.Fatalf("low-order recipient key: got %v", err)
	}
}
