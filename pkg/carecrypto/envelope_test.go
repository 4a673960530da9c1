package carecrypto

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

func testHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestEnvelopeRoundTripAndBinding(t *testing.T) {
	alice, _ := ecdh.X25519().GenerateKey(rand.Reader)
	mallory, _ := ecdh.X25519().GenerateKey(rand.Reader)
	key, _ := NewDataKey()
	h1, h2 := testHash("blob 1"), testHash("blob 2")

	env, err := WrapKey(alice.PublicKey().Bytes(), h1, key)
	if err != nil {
		t.Fatal(err)
	}
	if env.Scheme != EnvelopeScheme || len(env.EphemeralPublicKey) != 32 || len(env.WrappedKey) != 48 {
		t.Fatalf("unexpected envelope shape: %q %d %d", env.Scheme, len(env.EphemeralPublicKey), len(env.WrappedKey))
	}
	got, err := OpenEnvelope(alice, h1, env)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("recipient cannot open: %v", err)
	}

	if _, err := OpenEnvelope(mallory, h1, env); !errors.Is(err, ErrEnvelopeOpen) {
		t.Fatalf("wrong recipient: got %v, want ErrEnvelopeOpen", err)
	}
	if _, err := OpenEnvelope(alice, h2, env); !errors.Is(err, ErrEnvelopeOpen) {
		t.Fatalf("envelope moved to another blob: got %v, want ErrEnvelopeOpen", err)
	}
	bad := env
	bad.WrappedKey = flip(env.WrappedKey, 3)
	if _, err := OpenEnvelope(alice, h1, bad); !errors.Is(err, ErrEnvelopeOpen) {
		t.Fatalf("altered envelope: got %v", err)
	}
	bad = env
	bad.Scheme = "carechain-hpke-x25519-v2"
	if _, err := OpenEnvelope(alice, h1, bad); !errors.Is(err, ErrEnvelopeScheme) {
		t.Fatalf("unknown scheme: got %v", err)
	}
	for _, e := range []Envelope{
		{Scheme: EnvelopeScheme},
		{Scheme: EnvelopeScheme, EphemeralPublicKey: env.EphemeralPublicKey[:31], WrappedKey: env.WrappedKey},
		{Scheme: EnvelopeScheme, EphemeralPublicKey: env.EphemeralPublicKey, WrappedKey: env.WrappedKey[:47]},
		{Scheme: EnvelopeScheme, EphemeralPublicKey: make([]byte, 32), WrappedKey: env.WrappedKey}, // low-order point
	} {
		if _, err := OpenEnvelope(alice, h1, e); !errors.Is(err, ErrEnvelopeOpen) {
			t.Fatalf("malformed envelope: got %v, want ErrEnvelopeOpen", err)
		}
	}
	if _, err := OpenEnvelope(nil, h1, env); err == nil {
		t.Fatal("nil key accepted")
	}
	if _, err := OpenEnvelope(alice, "ABC", env); err == nil {
		t.Fatal("malformed hash accepted")
	}
}

func TestWrapKeyRejectsBadInput(t *testing.T) {
	key, _ := NewDataKey()
	h := testHash("x")
	if _, err := WrapKey(make([]byte, 32), h, key); !errors.Is(err, ErrInvalidPublicKey) {
		t.Fatalf("all-zero (low-order) public key: got %v", err)
	}
	if _, err := WrapKey(make([]byte, 31), h, key); !errors.Is(err, ErrInvalidPublicKey) {
		t.Fatalf("short public key: got %v", err)
	}
	alice, _ := ecdh.X25519().GenerateKey(rand.Reader)
	if _, err := WrapKey(alice.PublicKey().Bytes(), h, key[:16]); err == nil {
		t.Fatal("short data key accepted")
	}
	if _, err := WrapKey(alice.PublicKey().Bytes(), "0x"+h[2:], key); err == nil {
		t.Fatal("malformed hash accepted")
	}
}

func FuzzOpenEnvelope(f *testing.F) {
	alice, _ := ecdh.X25519().NewPrivateKey(bytes.Repeat([]byte{1}, 32))
	f.Add(make([]byte, 32), make([]byte, 48))
	f.Fuzz(func(t *testing.T, enc, wrapped []byte) {
		_, err := OpenEnvelope(alice, testHash("f"), Envelope{Scheme: EnvelopeScheme, EphemeralPublicKey: enc, WrappedKey: wrapped})
		if err == nil {
			t.Fatal("random envelope opened")
		}
	})
}
