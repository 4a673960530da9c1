//go:build go1.26

package types_test

import (
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/carechain/carechain/x/records/types"
)

// This test is the reference for README.md's "Hashes", "Key envelopes"
// and "Verifying a download": what a writing client computes before
// MsgCreateRecord, and what a reader checks after downloading.

// hpkeSuite is carechain-hpke-x25519-v1: HPKE base mode, DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, info = the scheme name,
// aad = the 32 bytes of the record's ciphertext hash.
var (
	hpkeKDF  = hpke.HKDFSHA256()
	hpkeAEAD = hpke.ChaCha20Poly1305()
	hpkeInfo = []byte(types.SchemeHPKEX25519V1)
)

// wrap seals the data key to a recipient's published X25519 key.
func wrap(t *testing.T, recipient *ecdh.PublicKey, ciphertextHash string, dataKey []byte) (epk, wrapped []byte) {
	pk, err := hpke.NewDHKEMPublicKey(recipient)
	require.NoError(t, err)
	enc, sender, err := hpke.NewSender(pk, hpkeKDF, hpkeAEAD, hpkeInfo)
	require.NoError(t, err)
	aad, err := hex.DecodeString(ciphertextHash)
	require.NoError(t, err)
	wrapped, err = sender.Seal(aad, dataKey)
	require.NoError(t, err)
	return enc, wrapped
}

// unwrap opens an envelope with the recipient's private key.
func unwrap(t *testing.T, priv *ecdh.PrivateKey, r types.Record, env types.KeyEnvelope) ([]byte, error) {
	sk, err := hpke.NewDHKEMPrivateKey(priv)
	require.NoError(t, err)
	recipient, err := hpke.NewRecipient(env.EphemeralPublicKey, sk, hpkeKDF, hpkeAEAD, hpkeInfo)
	require.NoError(t, err)
	aad, err := hex.DecodeString(r.CiphertextHash)
	require.NoError(t, err)
	return recipient.Open(aad, env.WrappedKey)
}

func TestClientAnchorsAndReaderVerifies(t *testing.T) {
	document := []byte(`{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2339-0"}]},"valueQuantity":{"value":95,"unit":"mg/dL"}}`)

	// Writer: fresh data key and salt; payload = salt || document; blob =
	// nonce || XChaCha20-Poly1305(data key, nonce, payload).
	dataKey := make([]byte, chacha20poly1305.KeySize)
	salt := make([]byte, types.SaltLength)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	for _, b := range [][]byte{dataKey, salt, nonce} {
		_, err := rand.Read(b)
		require.NoError(t, err)
	}
	aead, err := chacha20poly1305.NewX(dataKey)
	require.NoError(t, err)
	blob := aead.Seal(append([]byte{}, nonce...), nonce, append(append([]byte{}, salt...), document...), nil)

	commitment, err := types.ContentCommitment(salt, document)
	require.NoError(t, err)
	sum := sha256.Sum256(append(append([]byte{}, salt...), document...))
	require.Equal(t, hex.EncodeToString(sum[:]), commitment, "SHA-256(salt || plaintext)")
	record := types.Record{Id: 7, CiphertextHash: types.CiphertextHash(blob), ContentCommitment: commitment, SizeBytes: uint64(len(blob))}
	require.NoError(t, types.ValidateSHA256Hex("ciphertext_hash", record.CiphertextHash))

	// The patient's published X25519 key; the envelope the writer adds.
	patientKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	epk, wrapped := wrap(t, patientKey.PublicKey(), record.CiphertextHash, dataKey)
	require.NoError(t, types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk, wrapped))
	require.Len(t, wrapped, 48, "a 32-byte key plus the AEAD tag")
	env := types.KeyEnvelope{RecordId: record.Id, Scheme: types.SchemeHPKEX25519V1, EphemeralPublicKey: epk, WrappedKey: wrapped}

	// Reader: verify the download against the chain before decrypting,
	// unwrap, decrypt, verify the content.
	require.NoError(t, types.VerifyBlob(record, blob))
	key, err := unwrap(t, patientKey, record, env)
	require.NoError(t, err)
	aead, err = chacha20poly1305.NewX(key)
	require.NoError(t, err)
	payload, err := aead.Open(nil, blob[:chacha20poly1305.NonceSizeX], blob[chacha20poly1305.NonceSizeX:], nil)
	require.NoError(t, err)
	plaintext, err := types.VerifyContent(record, payload)
	require.NoError(t, err)
	require.Equal(t, document, plaintext)

	// A tampered or substituted blob fails before decryption; an envelope
	// moved to another record does not open; the wrong content fails the
	// commitment.
	tampered := append([]byte{}, blob...)
	tampered[len(tampered)-1] ^= 1
	require.Error(t, types.VerifyBlob(record, tampered))
	require.Error(t, types.VerifyBlob(record, blob[:len(blob)-1]))
	other := record
	other.CiphertextHash = types.CiphertextHash([]byte("another blob"))
	_, err = unwrap(t, patientKey, other, env)
	require.Error(t, err, "the envelope is bound to its record's blob")
	strangerKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, err = unwrap(t, strangerKey, record, env)
	require.Error(t, err)
	payload[len(payload)-1] ^= 1
	_, err = types.VerifyContent(record, payload)
	require.Error(t, err)
}
