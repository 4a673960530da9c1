package adr036_test

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/pkg/adr036"
)

func TestSignBytesMatchWalletSerialization(t *testing.T) {
	got := string(adr036.SignBytes("care1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn6rcmu2", []byte("hello <&> world")))
	want := `{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",` +
		`"msgs":[{"type":"sign/MsgSignData","value":{"data":"aGVsbG8gPCY+IHdvcmxk","signer":"care1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn6rcmu2"}}],"sequence":"0"}`
	if got != want {
		t.Fatalf("sign bytes\n got %s\nwant %s", got, want)
	}

	// Independent check: decoding into generic maps and re-encoding sorts
	// every object's keys, which is what amino and the wallets do.
	var generic any
	if err := json.Unmarshal([]byte(got), &generic); err != nil {
		t.Fatal(err)
	}
	resorted, err := json.Marshal(generic)
	if err != nil {
		t.Fatal(err)
	}
	if string(resorted) != got {
		t.Fatalf("sign bytes are not in sorted-key form:\n%s\n%s", got, resorted)
	}
}

func TestVerify(t *testing.T) {
	priv := devnet.DemoPrivKey("alice")
	pub := priv.PubKey().Bytes()
	alice, err := adr036.AddressOf("care", pub)
	if err != nil {
		t.Fatal(err)
	}
	bobPub := devnet.DemoPrivKey("bob").PubKey().Bytes()
	bob, _ := adr036.AddressOf("care", bobPub)
	data := []byte("some data")

	sig, err := priv.Sign(adr036.SignBytes(alice, data))
	if err != nil {
		t.Fatal(err)
	}
	sig2, _ := priv.Sign(adr036.SignBytes(alice, data))
	if string(sig) != string(sig2) {
		t.Fatal("secp256k1 signing is not deterministic; encryption key derivation relies on it")
	}

	if err := adr036.Verify(alice, pub, data, sig); err != nil {
		t.Fatalf("valid signature rejected: %v", err)
	}
	if err := adr036.Verify(alice, pub, []byte("other data"), sig); err == nil {
		t.Fatal("signature over other data accepted")
	}
	if err := adr036.Verify(bob, pub, data, sig); err == nil {
		t.Fatal("alice's key accepted as bob's")
	}
	if err := adr036.Verify(bob, bobPub, data, sig); err == nil {
		t.Fatal("alice's signature accepted for bob")
	}
	if err := adr036.Verify(alice, pub, data, sig[:63]); err == nil {
		t.Fatal("short signature accepted")
	}
	if err := adr036.Verify("not-an-address", pub, data, sig); err == nil {
		t.Fatal("non-bech32 signer accepted")
	}

	// The same signature with s replaced by n-s is valid ECDSA but
	// malleable; it must be refused so that one signature has one form.
	n := secp256k1.S256().N
	s := new(big.Int).SetBytes(sig[32:])
	hs := new(big.Int).Sub(n, s).FillBytes(make([]byte, 32))
	high := append(append([]byte{}, sig[:32]...), hs...)
	if err := adr036.Verify(alice, pub, data, high); err == nil {
		t.Fatal("high-s signature accepted")
	}
}
