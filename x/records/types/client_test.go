//go:build go1.26

package types_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/x/records/types"
)

// This test is the reference for README.md's "Hashes", "Key envelopes"
// and "Verifying a download": what a writing client computes before
// MsgCreateRecord, and what a reader checks after downloading. The blob
// format is pkg/carecrypto's (the one `carechaind records put` writes);
// the envelope is built here with crypto/hpke directly, from the README's
// table, and checked against pkg/carecrypto both ways and against its
// published test vectors, so that the scheme id means one construction.

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

	// The patient's published X25519 key.
	patientKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)

	// Writer (pkg/carecrypto, as records put does): fresh data key and
	// salt; payload = salt || document; blob = CCBLOB XChaCha20-Poly1305
	// STREAM of the payload; the data key wrapped to the patient.
	var blobBuf bytes.Buffer
	sealed, err := carecrypto.SealDocument(&blobBuf, bytes.NewReader(document), []carecrypto.Recipient{{Address: "patient", X25519PublicKey: patientKey.PublicKey().Bytes()}})
	require.NoError(t, err)
	blob := blobBuf.Bytes()
	record := types.Record{Id: 7, CiphertextHash: sealed.CiphertextHash, ContentCommitment: sealed.ContentCommitment, SizeBytes: uint64(len(blob))}
	require.Equal(t, types.CiphertextHash(blob), record.CiphertextHash, "ciphertext_hash = SHA-256 of the blob as stored")
	require.NoError(t, types.ValidateSHA256Hex("ciphertext_hash", record.CiphertextHash))
	require.NoError(t, types.ValidateSHA256Hex("content_commitment", record.ContentCommitment))
	require.Equal(t, types.SchemeHPKEX25519V1, carecrypto.EnvelopeScheme)
	ccEnv := sealed.Envelopes[0].Envelope
	require.NoError(t, types.ValidateEnvelopeKeys(ccEnv.Scheme, ccEnv.EphemeralPublicKey, ccEnv.WrappedKey))

	// The README's construction opens the envelope pkg/carecrypto wrote...
	dataKey, err := unwrap(t, patientKey, record, types.KeyEnvelope{Scheme: ccEnv.Scheme, EphemeralPublicKey: ccEnv.EphemeralPublicKey, WrappedKey: ccEnv.WrappedKey})
	require.NoError(t, err, "pkg/carecrypto must implement the scheme as this README states it")
	// ...and an envelope built from the README opens with pkg/carecrypto.
	epk, wrapped := wrap(t, patientKey.PublicKey(), record.CiphertextHash, dataKey)
	require.NoError(t, types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk, wrapped))
	require.Len(t, wrapped, 48, "a 32-byte key plus the AEAD tag")
	env := types.KeyEnvelope{RecordId: record.Id, Scheme: types.SchemeHPKEX25519V1, EphemeralPublicKey: epk, WrappedKey: wrapped}
	again, err := carecrypto.OpenEnvelope(patientKey, record.CiphertextHash, carecrypto.Envelope{Scheme: env.Scheme, EphemeralPublicKey: epk, WrappedKey: wrapped})
	require.NoError(t, err)
	require.Equal(t, dataKey, again)

	// Reader: verify the download against the chain before decrypting,
	// unwrap, decrypt, verify the content.
	require.NoError(t, types.VerifyBlob(record, blob))
	key, err := unwrap(t, patientKey, record, env)
	require.NoError(t, err)
	r, err := carecrypto.NewBlobReader(bytes.NewReader(blob), key)
	require.NoError(t, err)
	payload, err := io.ReadAll(r)
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

// TestEnvelopeVectorsFollowTheScheme opens pkg/carecrypto's published
// envelope vectors with the README's construction: wallets implementing
// either document get the same bytes.
func TestEnvelopeVectorsFollowTheScheme(t *testing.T) {
	bz, err := os.ReadFile("../../../pkg/carecrypto/testdata/vectors.json")
	require.NoError(t, err)
	var v struct {
		Envelopes []struct {
			RecipientX25519Private string `json:"recipient_x25519_private_key"`
			CiphertextHash         string `json:"ciphertext_hash"`
			Scheme                 string `json:"scheme"`
			EphemeralPublicKey     string `json:"ephemeral_public_key"`
			WrappedKey             string `json:"wrapped_key"`
			DataKey                string `json:"data_key"`
		} `json:"envelopes"`
	}
	require.NoError(t, json.Unmarshal(bz, &v))
	require.NotEmpty(t, v.Envelopes)
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		require.NoError(t, err)
		return b
	}
	for _, e := range v.Envelopes {
		require.Equal(t, types.SchemeHPKEX25519V1, e.Scheme)
		priv, err := ecdh.X25519().NewPrivateKey(unhex(e.RecipientX25519Private))
		require.NoError(t, err)
		env := types.KeyEnvelope{Scheme: e.Scheme, EphemeralPublicKey: unhex(e.EphemeralPublicKey), WrappedKey: unhex(e.WrappedKey)}
		require.NoError(t, types.ValidateEnvelopeKeys(env.Scheme, env.EphemeralPublicKey, env.WrappedKey))
		dk, err := unwrap(t, priv, types.Record{CiphertextHash: e.CiphertextHash}, env)
		require.NoError(t, err)
		require.Equal(t, e.DataKey, hex.EncodeToString(dk))
	}
}
