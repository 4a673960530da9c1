package carecrypto

import (
	"crypto/ecdh"
	"crypto/hpke"
	"encoding/hex"
	"errors"
	"fmt"
)

// EnvelopeScheme names the key-wrapping scheme of an Envelope: HPKE
// (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256) (KEM 0x0020),
// HKDF-SHA256 (KDF 0x0001) and ChaCha20-Poly1305 (AEAD 0x0003), info = the
// ASCII bytes of the scheme name, aad = the 32 raw bytes of the blob's
// SHA-256 (the hex-decoded ciphertext_hash). It is the scheme x/records
// accepts (types.SchemeHPKEX25519V1); both READMEs specify it identically.
const EnvelopeScheme = "carechain-hpke-x25519-v1"

// X25519KeySize is the length of X25519 public and private keys.
const X25519KeySize = 32

// wrappedKeySize is the HPKE ciphertext of a data key: the key plus a tag.
const wrappedKeySize = DataKeySize + 16

// Envelope is a document's data key wrapped to one recipient's X25519 key.
// Its fields are those of x/records KeyEnvelope.
type Envelope struct {
	Scheme             string `json:"scheme"`
	EphemeralPublicKey []byte `json:"ephemeral_public_key"` // HPKE enc
	WrappedKey         []byte `json:"wrapped_key"`          // HPKE ciphertext
}

var (
	// ErrEnvelopeScheme means the envelope uses a scheme this package
	// does not implement.
	ErrEnvelopeScheme = errors.New("carecrypto: unsupported envelope scheme")
	// ErrEnvelopeOpen means the envelope cannot be opened with this key:
	// it is addressed to another recipient, bound to another blob, or
	// altered.
	ErrEnvelopeOpen = errors.New("carecrypto: cannot open key envelope (not addressed to this key, or bound to another blob)")
	// ErrInvalidPublicKey means a recipient key is not a usable X25519 key.
	ErrInvalidPublicKey = errors.New("carecrypto: invalid X25519 public key")
)

func hpkeSuite() (hpke.KEM, hpke.KDF, hpke.AEAD) {
	return hpke.DHKEM(ecdh.X25519()), hpke.HKDFSHA256(), hpke.ChaCha20Poly1305()
}

// envelopeInfo is the HPKE info of the scheme: its name, fixed.
var envelopeInfo = []byte(EnvelopeScheme)

// envelopeAAD is the HPKE aad of an envelope: the 32 bytes of the blob's
// SHA-256. It binds the envelope to the blob, so that an envelope copied to
// another record does not open there.
func envelopeAAD(ciphertextHash string) ([]byte, error) {
	if !IsHash(ciphertextHash) {
		return nil, fmt.Errorf("carecrypto: ciphertext hash must be 64 lowercase hex characters, got %q", ciphertextHash)
	}
	return hex.DecodeString(ciphertextHash)
}

// WrapKey wraps dataKey to the recipient's X25519 public key for the blob
// whose SHA-256 is ciphertextHash.
func WrapKey(recipientPublicKey []byte, ciphertextHash string, dataKey []byte) (Envelope, error) {
	if len(dataKey) != DataKeySize {
		return Envelope{}, fmt.Errorf("carecrypto: data key must be %d bytes, got %d", DataKeySize, len(dataKey))
	}
	aad, err := envelopeAAD(ciphertextHash)
	if err != nil {
		return Envelope{}, err
	}
	kem, kdf, aead := hpkeSuite()
	if len(recipientPublicKey) != X25519KeySize {
		return Envelope{}, fmt.Errorf("%w: want %d bytes, got %d", ErrInvalidPublicKey, X25519KeySize, len(recipientPublicKey))
	}
	pk, err := kem.NewPublicKey(recipientPublicKey)
	if err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrInvalidPublicKey, err)
	}
	enc, sender, err := hpke.NewSender(pk, kdf, aead, envelopeInfo)
	if err != nil {
		// X25519 with a low-order point yields an all-zero secret, which
		// HPKE refuses.
		return Envelope{}, fmt.Errorf("%w: %v", ErrInvalidPublicKey, err)
	}
	ct, err := sender.Seal(aad, dataKey)
	if err != nil {
		return Envelope{}, err
	}
	return Envelope{Scheme: EnvelopeScheme, EphemeralPublicKey: enc, WrappedKey: ct}, nil
}

// OpenEnvelope unwraps the data key of the blob whose SHA-256 is
// ciphertextHash with the recipient's X25519 private key. A key the
// envelope is not addressed to yields ErrEnvelopeOpen.
func OpenEnvelope(key *ecdh.PrivateKey, ciphertextHash string, env Envelope) ([]byte, error) {
	if env.Scheme != EnvelopeScheme {
		return nil, fmt.Errorf("%w: %q", ErrEnvelopeScheme, env.Scheme)
	}
	if key == nil || key.Curve() != ecdh.X25519() {
		return nil, errors.New("carecrypto: an X25519 private key is required")
	}
	if len(env.EphemeralPublicKey) != X25519KeySize || len(env.WrappedKey) != wrappedKeySize {
		return nil, fmt.Errorf("%w: malformed envelope", ErrEnvelopeOpen)
	}
	aad, err := envelopeAAD(ciphertextHash)
	if err != nil {
		return nil, err
	}
	_, kdf, aead := hpkeSuite()
	sk, err := hpke.NewDHKEMPrivateKey(key)
	if err != nil {
		return nil, err
	}
	r, err := hpke.NewRecipient(env.EphemeralPublicKey, sk, kdf, aead, envelopeInfo)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEnvelopeOpen, err)
	}
	dataKey, err := r.Open(aad, env.WrappedKey)
	if err != nil {
		return nil, ErrEnvelopeOpen
	}
	return dataKey, nil
}

// NewX25519PrivateKey parses a raw 32-byte X25519 private key.
func NewX25519PrivateKey(b []byte) (*ecdh.PrivateKey, error) {
	return ecdh.X25519().NewPrivateKey(b)
}
