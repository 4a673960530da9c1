package carecrypto

import (
	"bytes"
	"testing"

	"github.com/carechain/carechain/pkg/adr036"
)

func TestDeriveEncryptionKey(t *testing.T) {
	alicePriv := demoPrivKey("alice")
	alicePub := alicePriv.PubKey().Bytes()
	alice, _ := adr036.AddressOf("care", alicePub)
	bobPriv := demoPrivKey("bob")
	bobPub := bobPriv.PubKey().Bytes()
	bob, _ := adr036.AddressOf("care", bobPub)

	k1, err := DeriveEncryptionKeyWith(alice, alicePub, alicePriv.Sign)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := DeriveEncryptionKeyWith(alice, alicePub, alicePriv.Sign)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k2) {
		t.Fatal("derivation is not deterministic")
	}
	kb, err := DeriveEncryptionKeyWith(bob, bobPub, bobPriv.Sign)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(kb.PublicKey().Bytes(), k1.PublicKey().Bytes()) {
		t.Fatal("two accounts derived the same key")
	}

	// A signature over anything else, or by another key, is refused.
	sig, _ := alicePriv.Sign(EncryptionKeySignBytes(alice))
	if _, err := DeriveEncryptionKey(bob, bobPub, sig); err == nil {
		t.Fatal("alice's signature accepted for bob")
	}
	other, _ := alicePriv.Sign(adr036.SignBytes(alice, []byte("something else")))
	if _, err := DeriveEncryptionKey(alice, alicePub, other); err == nil {
		t.Fatal("signature over another message accepted")
	}
	if _, err := DeriveEncryptionKey(alice, bobPub, sig); err == nil {
		t.Fatal("mismatched public key accepted")
	}
}
