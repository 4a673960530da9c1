package types

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// SaltLength is the length of the random salt a client puts before the
// plaintext inside the encrypted blob (README.md, "Hashes").
const SaltLength = 32

// CiphertextHash is the ciphertext_hash of a blob: SHA-256 of the bytes
// exactly as stored off chain, in 64 lowercase hex characters.
func CiphertextHash(blob []byte) string {
	sum := sha256.Sum256(blob)
	return hex.EncodeToString(sum[:])
}

// ContentCommitment is the content_commitment of a document: SHA-256 of the
// 32-byte salt followed by the plaintext, in 64 lowercase hex characters.
// The salt makes the commitment reveal nothing about low-entropy content
// (a test result that is "positive" or "negative").
func ContentCommitment(salt, plaintext []byte) (string, error) {
	if len(salt) != SaltLength {
		return "", fmt.Errorf("salt must be %d bytes, got %d", SaltLength, len(salt))
	}
	h := sha256.New()
	h.Write(salt)
	h.Write(plaintext)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyBlob checks a downloaded blob against its record: its SHA-256 is
// the record's ciphertext_hash and its length the record's size_bytes. A
// reader runs it before decrypting anything.
func VerifyBlob(r Record, blob []byte) error {
	if got := CiphertextHash(blob); got != r.CiphertextHash {
		return fmt.Errorf("blob SHA-256 %s does not match record %d's ciphertext_hash %s", got, r.Id, r.CiphertextHash)
	}
	if uint64(len(blob)) != r.SizeBytes {
		return fmt.Errorf("blob is %d bytes, record %d says %d", len(blob), r.Id, r.SizeBytes)
	}
	return nil
}

// VerifyContent checks decrypted content against its record: the payload
// inside the encrypted blob is salt (32 bytes) followed by the plaintext,
// and its SHA-256 is the record's content_commitment. It returns the
// plaintext.
func VerifyContent(r Record, payload []byte) ([]byte, error) {
	if len(payload) < SaltLength {
		return nil, fmt.Errorf("decrypted payload is %d bytes, shorter than the %d-byte salt", len(payload), SaltLength)
	}
	got, err := ContentCommitment(payload[:SaltLength], payload[SaltLength:])
	if err != nil {
		return nil, err
	}
	if got != r.ContentCommitment {
		return nil, fmt.Errorf("content commitment %s does not match record %d's %s", got, r.Id, r.ContentCommitment)
	}
	return payload[SaltLength:], nil
}
