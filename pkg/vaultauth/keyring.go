package vaultauth

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
)

type keyringSigner struct {
	kr   keyring.Keyring
	uid  string
	addr string
	pub  []byte
}

// NewKeyringSigner signs as the keyring key uid, in
// SIGN_MODE_LEGACY_AMINO_JSON (the mode ADR-036 sign docs are signed in).
// prefix is the bech32 account prefix ("care").
func NewKeyringSigner(kr keyring.Keyring, uid, prefix string) (Signer, error) {
	rec, err := kr.Key(uid)
	if err != nil {
		return nil, err
	}
	pk, err := rec.GetPubKey()
	if err != nil {
		return nil, err
	}
	addr, err := bech32.ConvertAndEncode(prefix, pk.Address())
	if err != nil {
		return nil, err
	}
	if pk.Type() != "secp256k1" {
		return nil, fmt.Errorf("vaultauth: key %q is %s; vault requests need a secp256k1 key", uid, pk.Type())
	}
	return keyringSigner{kr: kr, uid: uid, addr: addr, pub: pk.Bytes()}, nil
}

func (s keyringSigner) Address() string { return s.addr }
func (s keyringSigner) PubKey() []byte  { return s.pub }
func (s keyringSigner) Sign(msg []byte) ([]byte, error) {
	sig, _, err := s.kr.Sign(s.uid, msg, signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON)
	return sig, err
}
