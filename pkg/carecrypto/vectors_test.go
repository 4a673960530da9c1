package carecrypto

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"testing/cryptotest"

	"github.com/cosmos/cosmos-sdk/crypto/hd"

	"github.com/carechain/carechain/pkg/adr036"
)

var update = flag.Bool("update-vectors", false, "rewrite testdata/vectors.json")

const vectorsFile = "testdata/vectors.json"

// Vectors is the layout of testdata/vectors.json. Byte strings are lowercase
// hex unless the field name says otherwise.
type Vectors struct {
	Comment       string                `json:"comment"`
	KeyDerivation []KeyDerivationVector `json:"encryption_key_derivation"`
	Blobs         []BlobVector          `json:"blobs"`
	Envelopes     []EnvelopeVector      `json:"envelopes"`
}

type KeyDerivationVector struct {
	Account             string `json:"account"`
	Mnemonic            string `json:"mnemonic"`
	HDPath              string `json:"hd_path"`
	Secp256k1PrivateKey string `json:"secp256k1_private_key"`
	Secp256k1PublicKey  string `json:"secp256k1_public_key"`
	Address             string `json:"address"`
	Message             string `json:"message"`
	SignBytes           string `json:"sign_bytes_utf8"`
	Signature           string `json:"signature"`
	HKDFSalt            string `json:"hkdf_salt_utf8"`
	HKDFInfo            string `json:"hkdf_info_utf8"`
	X25519PrivateKey    string `json:"x25519_private_key"`
	X25519PublicKey     string `json:"x25519_public_key"`
	X25519PublicKeyB64  string `json:"x25519_public_key_base64"`
}

type BlobVector struct {
	Comment           string `json:"comment"`
	DataKey           string `json:"data_key"`
	Salt              string `json:"salt"`
	NoncePrefix       string `json:"nonce_prefix"`
	ChunkSize         int    `json:"chunk_size"`
	Document          string `json:"document_utf8"`
	Blob              string `json:"blob"`
	CiphertextHash    string `json:"ciphertext_hash"`
	ContentCommitment string `json:"content_commitment"`
}

type EnvelopeVector struct {
	Recipient                string `json:"recipient"`
	RecipientX25519Private   string `json:"recipient_x25519_private_key"`
	RecipientX25519PublicKey string `json:"recipient_x25519_public_key"`
	CiphertextHash           string `json:"ciphertext_hash"`
	Scheme                   string `json:"scheme"`
	Info                     string `json:"hpke_info"`
	AAD                      string `json:"hpke_aad"`
	EphemeralPublicKey       string `json:"ephemeral_public_key"`
	WrappedKey               string `json:"wrapped_key"`
	DataKey                  string `json:"data_key"`
}

func fixed(label string, n int) []byte {
	h := sha256.Sum256([]byte("carechain test vector: " + label))
	return h[:n]
}

const vectorDocument = `{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"valueQuantity":{"value":72,"unit":"/min"}}`

func buildVectors(t *testing.T) Vectors {
	// crypto/rand is deterministic under SetGlobalRandom, so the HPKE
	// ephemeral keys, and with them the whole file, are reproducible.
	cryptotest.SetGlobalRandom(t, 2026)

	v := Vectors{Comment: "Carechain client crypto test vectors; formats in pkg/carecrypto/README.md. " +
		"Demo keys derive from public strings: never use them for real data."}
	keys := map[string]*ecdh.PrivateKey{}
	for _, name := range []string{"alice", "bob"} {
		priv := demoPrivKey(name)
		pub := priv.PubKey().Bytes()
		addr, err := adr036.AddressOf("care", pub)
		if err != nil {
			t.Fatal(err)
		}
		sb := EncryptionKeySignBytes(addr)
		sig, err := priv.Sign(sb)
		if err != nil {
			t.Fatal(err)
		}
		k, err := DeriveEncryptionKey(addr, pub, sig)
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = k
		v.KeyDerivation = append(v.KeyDerivation, KeyDerivationVector{
			Account:             name,
			Mnemonic:            demoMnemonic(name),
			HDPath:              hd.CreateHDPath(118, 0, 0).String(),
			Secp256k1PrivateKey: hex.EncodeToString(priv.Bytes()),
			Secp256k1PublicKey:  hex.EncodeToString(pub),
			Address:             addr,
			Message:             EncryptionKeyMessage,
			SignBytes:           string(sb),
			Signature:           hex.EncodeToString(sig),
			HKDFSalt:            EncryptionKeyHKDFSalt,
			HKDFInfo:            EncryptionKeyHKDFInfo,
			X25519PrivateKey:    hex.EncodeToString(k.Bytes()),
			X25519PublicKey:     hex.EncodeToString(k.PublicKey().Bytes()),
			X25519PublicKeyB64:  base64.StdEncoding.EncodeToString(k.PublicKey().Bytes()),
		})
	}

	dataKey := fixed("data key", DataKeySize)
	salt := [SaltSize]byte(fixed("salt", SaltSize))
	prefix := [NoncePrefixSize]byte(fixed("nonce prefix", NoncePrefixSize))
	var blob bytes.Buffer
	s, err := sealDocument(&blob, bytes.NewReader([]byte(vectorDocument)), dataKey, salt, prefix, MinChunkSize)
	if err != nil {
		t.Fatal(err)
	}
	v.Blobs = append(v.Blobs, BlobVector{
		Comment: "chunk size 64 so that the small document spans several chunks (32-byte salt + document = " +
			"4 chunks, the last one short); real blobs use 65536",
		DataKey:           hex.EncodeToString(dataKey),
		Salt:              hex.EncodeToString(salt[:]),
		NoncePrefix:       hex.EncodeToString(prefix[:]),
		ChunkSize:         MinChunkSize,
		Document:          vectorDocument,
		Blob:              hex.EncodeToString(blob.Bytes()),
		CiphertextHash:    s.CiphertextHash,
		ContentCommitment: s.ContentCommitment,
	})

	for _, name := range []string{"alice", "bob"} {
		k := keys[name]
		env, err := WrapKey(k.PublicKey().Bytes(), s.CiphertextHash, dataKey)
		if err != nil {
			t.Fatal(err)
		}
		aad, _ := envelopeAAD(s.CiphertextHash)
		addr, _ := adr036.AddressOf("care", demoPrivKey(name).PubKey().Bytes())
		v.Envelopes = append(v.Envelopes, EnvelopeVector{
			Recipient:                addr,
			RecipientX25519Private:   hex.EncodeToString(k.Bytes()),
			RecipientX25519PublicKey: hex.EncodeToString(k.PublicKey().Bytes()),
			CiphertextHash:           s.CiphertextHash,
			Scheme:                   env.Scheme,
			Info:                     hex.EncodeToString(envelopeInfo),
			AAD:                      hex.EncodeToString(aad),
			EphemeralPublicKey:       hex.EncodeToString(env.EphemeralPublicKey),
			WrappedKey:               hex.EncodeToString(env.WrappedKey),
			DataKey:                  hex.EncodeToString(dataKey),
		})
	}
	return v
}

// TestGenerateVectors rewrites testdata/vectors.json with -update:
//
//	go test ./pkg/carecrypto -run TestGenerateVectors -update-vectors
func TestGenerateVectors(t *testing.T) {
	v := buildVectors(t)
	bz, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	bz = append(bz, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(vectorsFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsFile, bz, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	committed, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, bz) {
		t.Fatalf("%s is out of date with the code; a format changed? regenerate with -update-vectors only if the change is intended (and bump the scheme version)", vectorsFile)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVectors checks the committed vectors independently of how they were
// generated: what a wallet implementer would do with them.
func TestVectors(t *testing.T) {
	bz, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v Vectors
	if err := json.Unmarshal(bz, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.KeyDerivation) == 0 || len(v.Blobs) == 0 || len(v.Envelopes) == 0 {
		t.Fatal("vectors file is missing sections")
	}

	for _, kv := range v.KeyDerivation {
		// mnemonic → secp256k1 key (BIP-39/BIP-32, path m/44'/118'/0'/0/0)
		seed, err := hd.Secp256k1.Derive()(kv.Mnemonic, "", kv.HDPath)
		if err != nil {
			t.Fatal(err)
		}
		priv := hd.Secp256k1.Generate()(seed)
		if hex.EncodeToString(priv.Bytes()) != kv.Secp256k1PrivateKey || hex.EncodeToString(priv.PubKey().Bytes()) != kv.Secp256k1PublicKey {
			t.Fatalf("%s: secp256k1 key from mnemonic differs", kv.Account)
		}
		if string(adr036.SignBytes(kv.Address, []byte(kv.Message))) != kv.SignBytes {
			t.Fatalf("%s: sign bytes differ", kv.Account)
		}
		sig, _ := priv.Sign([]byte(kv.SignBytes))
		if hex.EncodeToString(sig) != kv.Signature {
			t.Fatalf("%s: signature differs (RFC 6979 deterministic signing expected)", kv.Account)
		}
		k, err := DeriveEncryptionKey(kv.Address, priv.PubKey().Bytes(), sig)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(k.Bytes()) != kv.X25519PrivateKey || hex.EncodeToString(k.PublicKey().Bytes()) != kv.X25519PublicKey {
			t.Fatalf("%s: derived X25519 key differs", kv.Account)
		}
		if base64.StdEncoding.EncodeToString(k.PublicKey().Bytes()) != kv.X25519PublicKeyB64 {
			t.Fatalf("%s: base64 public key differs", kv.Account)
		}
	}

	for _, bv := range v.Blobs {
		blob := unhex(t, bv.Blob)
		if sha256Hex(blob) != bv.CiphertextHash {
			t.Fatal("blob vector: ciphertext hash differs")
		}
		var out bytes.Buffer
		if _, err := OpenDocument(&out, bytes.NewReader(blob), unhex(t, bv.DataKey), bv.CiphertextHash, bv.ContentCommitment); err != nil {
			t.Fatalf("blob vector: %v", err)
		}
		if out.String() != bv.Document {
			t.Fatal("blob vector: document differs")
		}
		if ContentCommitment(unhex(t, bv.Salt), []byte(bv.Document)) != bv.ContentCommitment {
			t.Fatal("blob vector: commitment differs")
		}
		// Encryption with the same inputs reproduces the blob byte for byte.
		var again bytes.Buffer
		if _, err := sealDocument(&again, bytes.NewReader([]byte(bv.Document)), unhex(t, bv.DataKey),
			[SaltSize]byte(unhex(t, bv.Salt)), [NoncePrefixSize]byte(unhex(t, bv.NoncePrefix)), bv.ChunkSize); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), blob) {
			t.Fatal("blob vector: encryption does not reproduce the blob")
		}
	}

	for _, ev := range v.Envelopes {
		k, err := NewX25519PrivateKey(unhex(t, ev.RecipientX25519Private))
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(k.PublicKey().Bytes()) != ev.RecipientX25519PublicKey {
			t.Fatal("envelope vector: recipient public key differs")
		}
		// The scheme as x/records/README.md states it, with crypto/hpke
		// directly: info = the scheme name, aad = the 32 bytes of the
		// ciphertext hash.
		if string(unhex(t, ev.Info)) != ev.Scheme || ev.Scheme != "carechain-hpke-x25519-v1" {
			t.Fatal("envelope vector: HPKE info is not the scheme name")
		}
		if ev.AAD != ev.CiphertextHash {
			t.Fatal("envelope vector: HPKE aad is not the ciphertext hash's bytes")
		}
		sk, err := hpke.NewDHKEMPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		r, err := hpke.NewRecipient(unhex(t, ev.EphemeralPublicKey), sk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), unhex(t, ev.Info))
		if err != nil {
			t.Fatal(err)
		}
		if dk, err := r.Open(unhex(t, ev.AAD), unhex(t, ev.WrappedKey)); err != nil || hex.EncodeToString(dk) != ev.DataKey {
			t.Fatalf("envelope vector does not open with plain crypto/hpke: %v", err)
		}
		env := Envelope{Scheme: ev.Scheme, EphemeralPublicKey: unhex(t, ev.EphemeralPublicKey), WrappedKey: unhex(t, ev.WrappedKey)}
		dk, err := OpenEnvelope(k, ev.CiphertextHash, env)
		if err != nil {
			t.Fatalf("envelope vector: %v", err)
		}
		if hex.EncodeToString(dk) != ev.DataKey {
			t.Fatal("envelope vector: data key differs")
		}
	}
	// Each envelope opens only for its recipient.
	if len(v.Envelopes) >= 2 {
		k, _ := NewX25519PrivateKey(unhex(t, v.Envelopes[1].RecipientX25519Private))
		e := v.Envelopes[0]
		if _, err := OpenEnvelope(k, e.CiphertextHash, Envelope{Scheme: e.Scheme, EphemeralPublicKey: unhex(t, e.EphemeralPublicKey), WrappedKey: unhex(t, e.WrappedKey)}); err == nil {
			t.Fatal("envelope vector opened with the other recipient's key")
		}
	}
}
