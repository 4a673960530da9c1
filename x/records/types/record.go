package types

import (
	"bytes"
	"encoding/hex"
	"regexp"

	errorsmod "cosmossdk.io/errors"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Field limits of a record and its key envelopes.
const (
	// MaxCategoryLength is x/consent's: every record category can be named
	// in a consent.
	MaxCategoryLength = consenttypes.MaxCategoryLength
	// MaxLocatorLength bounds a locator URI.
	MaxLocatorLength = 256
	// SchemeHPKEX25519V1 is the one key-wrapping scheme: HPKE (RFC 9180)
	// base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305
	// (README.md, "Key envelopes").
	SchemeHPKEX25519V1 = "carechain-hpke-x25519-v1"
	// X25519KeyLength is the length of an X25519 public key.
	X25519KeyLength = 32
	// MinWrappedKeyLength is an AEAD tag plus at least one byte.
	MinWrappedKeyLength = 17
	// MaxWrappedKeyLength bounds a wrapped data key (a 32-byte key sealed
	// with ChaCha20-Poly1305 is 48 bytes).
	MaxWrappedKeyLength = 128
)

// envelopeSchemes lists the known wrapping schemes and the length of their
// ephemeral public key. A new scheme is a software upgrade.
var envelopeSchemes = map[string]int{
	SchemeHPKEX25519V1: X25519KeyLength,
}

// locatorRe admits vault:// and https:// URIs: a host name (letters,
// digits, '.', '-'), an optional port and a path of letters, digits and
// '.', '_', '~', '/', '-'. No user info, query, fragment, percent-encoding
// or spaces, so a locator cannot carry free text beyond a file name.
var locatorRe = regexp.MustCompile(`^(vault|https)://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$`)

// ValidateCategory checks a record category: x/consent's category form,
// 1-64 characters of letters, digits, '.', '_', ':' and '-', starting with a
// letter or digit.
func ValidateCategory(s string) error {
	if err := consenttypes.ValidateCategory(s); err != nil {
		return errorsmod.Wrap(ErrInvalidCategory, err.Error())
	}
	return nil
}

// ValidateSHA256Hex checks a digest field: 64 lowercase hex characters.
func ValidateSHA256Hex(field, s string) error {
	if !registrytypes.IsSHA256Hex(s) {
		return errorsmod.Wrapf(ErrInvalidHash, "%s %q", field, truncate(s))
	}
	return nil
}

// ValidateLocator checks a locator URI.
func ValidateLocator(s string) error {
	if len(s) == 0 {
		return errorsmod.Wrap(ErrInvalidLocator, "locator is required")
	}
	if len(s) > MaxLocatorLength {
		return errorsmod.Wrapf(ErrInvalidLocator, "locator is %d bytes, the limit is %d", len(s), MaxLocatorLength)
	}
	if !locatorRe.MatchString(s) {
		return errorsmod.Wrapf(ErrInvalidLocator, "locator %q must be a vault:// or https:// URI of a host and a path of [A-Za-z0-9._~/-], without query, fragment or user info", truncate(s))
	}
	return nil
}

// ValidateEnvelopeKeys checks an envelope's scheme and key material
// lengths.
func ValidateEnvelopeKeys(scheme string, ephemeralPublicKey, wrappedKey []byte) error {
	keyLen, ok := envelopeSchemes[scheme]
	if !ok {
		return errorsmod.Wrapf(ErrInvalidEnvelope, "unknown scheme %q (known: %s)", truncate(scheme), SchemeHPKEX25519V1)
	}
	if len(ephemeralPublicKey) != keyLen {
		return errorsmod.Wrapf(ErrInvalidEnvelope, "ephemeral_public_key must be %d bytes for %s, got %d", keyLen, scheme, len(ephemeralPublicKey))
	}
	if bytes.Equal(ephemeralPublicKey, make([]byte, keyLen)) {
		return errorsmod.Wrap(ErrInvalidEnvelope, "ephemeral_public_key must not be all zeros")
	}
	if len(wrappedKey) < MinWrappedKeyLength || len(wrappedKey) > MaxWrappedKeyLength {
		return errorsmod.Wrapf(ErrInvalidEnvelope, "wrapped_key must be %d-%d bytes, got %d", MinWrappedKeyLength, MaxWrappedKeyLength, len(wrappedKey))
	}
	return nil
}

// HashBytes decodes a validated SHA-256 hex digest (the key of the
// by-hash index).
func HashBytes(s string) ([]byte, error) {
	if err := ValidateSHA256Hex("ciphertext_hash", s); err != nil {
		return nil, err
	}
	return hex.DecodeString(s)
}

// truncate keeps error messages short whatever the input.
func truncate(s string) string {
	const limit = 80
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}

// IsLive reports whether a record may still be superseded.
func (r Record) IsLive() bool { return r.Status == RecordStatusCurrent }
