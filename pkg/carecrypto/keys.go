package carecrypto

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"

	"github.com/carechain/carechain/pkg/adr036"
)

// EncryptionKeyMessage is the fixed message an account signs (ADR-036
// signArbitrary) to derive its X25519 encryption key. It is part of the
// key derivation: changing one byte changes every account's key, so a new
// text needs a new version.
const EncryptionKeyMessage = "Carechain encryption key v1\n\n" +
	"Signing this message unlocks the key that decrypts your Carechain medical records. " +
	"Sign it only in an application you trust with those records."

// HKDF parameters of the X25519 key derivation (version 1).
const (
	EncryptionKeyHKDFSalt = "carechain/x25519-from-adr036/v1"
	EncryptionKeyHKDFInfo = "carechain x25519 private key"
)

// EncryptionKeySignBytes returns the bytes an account signs to derive its
// encryption key: the ADR-036 sign doc of EncryptionKeyMessage. A browser
// wallet produces the same bytes in signArbitrary(chainId, signer,
// EncryptionKeyMessage).
func EncryptionKeySignBytes(signer string) []byte {
	return adr036.SignBytes(signer, []byte(EncryptionKeyMessage))
}

// DeriveEncryptionKey derives signer's X25519 private key from its
// ADR-036 signature over EncryptionKeyMessage:
//
//	x25519_private_key = HKDF-SHA256(ikm = signature (64 bytes r‖s),
//	    salt = EncryptionKeyHKDFSalt, info = EncryptionKeyHKDFInfo, L = 32)
//
// The signature is verified first against signer and its secp256k1 public
// key (33 bytes, compressed), so a wallet that signed something else, or
// with another key, is caught here rather than producing a key nobody
// wraps to. secp256k1 signatures from the SDK keyring and from wallets are
// RFC 6979 deterministic and low-s, so the same mnemonic always yields the
// same key.
func DeriveEncryptionKey(signer string, secp256k1PubKey, signature []byte) (*ecdh.PrivateKey, error) {
	if err := adr036.Verify(signer, secp256k1PubKey, []byte(EncryptionKeyMessage), signature); err != nil {
		return nil, fmt.Errorf("carecrypto: encryption key signature: %w", err)
	}
	seed, err := hkdf.Key(sha256.New, signature, []byte(EncryptionKeyHKDFSalt), EncryptionKeyHKDFInfo, X25519KeySize)
	if err != nil {
		return nil, err
	}
	defer clear(seed)
	return ecdh.X25519().NewPrivateKey(seed)
}

// DeriveEncryptionKeyWith signs EncryptionKeySignBytes(signer) with sign
// (for example a keyring's Sign in SIGN_MODE_LEGACY_AMINO_JSON) and
// derives the key from the signature.
func DeriveEncryptionKeyWith(signer string, secp256k1PubKey []byte, sign func(signBytes []byte) ([]byte, error)) (*ecdh.PrivateKey, error) {
	sig, err := sign(EncryptionKeySignBytes(signer))
	if err != nil {
		return nil, fmt.Errorf("carecrypto: signing the encryption key message: %w", err)
	}
	defer clear(sig)
	return DeriveEncryptionKey(signer, secp256k1PubKey, sig)
}
