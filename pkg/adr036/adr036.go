// Package adr036 builds and verifies Cosmos ADR-036 "sign arbitrary data"
// signatures: the amino-JSON StdSignDoc that browser wallets sign in
// signArbitrary (Keplr, Leap, Cosmostation) and that the SDK keyring signs in
// SIGN_MODE_LEGACY_AMINO_JSON.
//
// Carechain uses ADR-036 twice: to derive each account's X25519 encryption
// key from a signature over a fixed message (pkg/carecrypto), and to sign
// requests to the off-chain vault (pkg/vaultauth). Both are therefore
// reproducible by any wallet that implements signArbitrary, with nothing but
// the account's mnemonic.
//
// The sign bytes are the sorted, compact JSON of
//
//	{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",
//	 "msgs":[{"type":"sign/MsgSignData","value":{"data":"<base64(data)>","signer":"<bech32>"}}],
//	 "sequence":"0"}
//
// (on one line, no spaces). The signature is secp256k1 ECDSA over
// SHA-256(sign bytes), 64 bytes r‖s, s in the lower half of the order. The
// SDK signs with RFC 6979 deterministic nonces, as do the wallets, so the
// same key and data always produce the same signature.
package adr036

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/types/bech32"
)

// MsgType is the amino type name of the ADR-036 message.
const MsgType = "sign/MsgSignData"

// SignatureSize is the length of a secp256k1 signature in r‖s form.
const SignatureSize = 64

// The structs below are declared with their fields in alphabetical order so
// that encoding/json emits exactly the sorted JSON amino uses.
type signDoc struct {
	AccountNumber string `json:"account_number"`
	ChainID       string `json:"chain_id"`
	Fee           fee    `json:"fee"`
	Memo          string `json:"memo"`
	Msgs          []msg  `json:"msgs"`
	Sequence      string `json:"sequence"`
}

type fee struct {
	Amount []struct{} `json:"amount"`
	Gas    string     `json:"gas"`
}

type msg struct {
	Type  string       `json:"type"`
	Value msgSignValue `json:"value"`
}

type msgSignValue struct {
	Data   string `json:"data"`
	Signer string `json:"signer"`
}

// SignBytes returns the ADR-036 sign bytes for data signed by signer (a
// bech32 account address).
func SignBytes(signer string, data []byte) []byte {
	doc := signDoc{
		AccountNumber: "0",
		ChainID:       "",
		Fee:           fee{Amount: []struct{}{}, Gas: "0"},
		Memo:          "",
		Msgs: []msg{{
			Type:  MsgType,
			Value: msgSignValue{Data: base64.StdEncoding.EncodeToString(data), Signer: signer},
		}},
		Sequence: "0",
	}
	// json.Marshal escapes <, > and & as \u003c, \u003e, \u0026, as amino's
	// sorted JSON and the wallets' serializeSignDoc do. Marshal cannot fail
	// on these types.
	bz, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return bz
}

// AddressOf returns the bech32 account address (with the given prefix) of a
// 33-byte compressed secp256k1 public key.
func AddressOf(prefix string, pubKey []byte) (string, error) {
	if len(pubKey) != secp256k1.PubKeySize {
		return "", fmt.Errorf("secp256k1 public key must be %d bytes, got %d", secp256k1.PubKeySize, len(pubKey))
	}
	pk := &secp256k1.PubKey{Key: pubKey}
	return bech32.ConvertAndEncode(prefix, pk.Address())
}

// ErrInvalidSignature is returned when a signature does not verify.
var ErrInvalidSignature = errors.New("adr036: invalid signature")

// Verify checks that sig is signer's ADR-036 signature over data, made with
// the secp256k1 key pubKey (33 bytes, compressed), and that pubKey is the
// key of the signer address. High-s (malleable) signatures are rejected.
func Verify(signer string, pubKey, data, sig []byte) error {
	prefix, _, err := bech32.DecodeAndConvert(signer)
	if err != nil {
		return fmt.Errorf("adr036: signer %q is not a bech32 address: %w", signer, err)
	}
	addr, err := AddressOf(prefix, pubKey)
	if err != nil {
		return fmt.Errorf("adr036: %w", err)
	}
	if addr != signer {
		return fmt.Errorf("adr036: public key belongs to %s, not to signer %s", addr, signer)
	}
	if len(sig) != SignatureSize {
		return fmt.Errorf("%w: want %d bytes, got %d", ErrInvalidSignature, SignatureSize, len(sig))
	}
	pk := &secp256k1.PubKey{Key: bytes.Clone(pubKey)}
	if !pk.VerifySignature(SignBytes(signer, data), sig) {
		return ErrInvalidSignature
	}
	return nil
}
