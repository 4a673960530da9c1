// Package vaultauth signs and verifies requests to the Carechain vault.
//
// A request is signed with the account's own key through ADR-036
// (pkg/adr036), the "sign arbitrary data" standard browser wallets expose as
// signArbitrary, so a wallet can talk to the vault without any other
// credential. The signed data is the UTF-8 text
//
//	carechain-vault-request-v1\n
//	<METHOD>\n
//	<escaped path>\n
//	<raw query, "" if none>\n
//	<lowercase hex SHA-256 of the body; of the empty string for GET>\n
//	<unix seconds>\n
//	<nonce>
//
// (seven lines joined by "\n", no trailing newline), and travels with the
// headers
//
//	X-Carechain-Signer:         care1... (bech32 account address)
//	X-Carechain-Pubkey:         base64 of the 33-byte compressed secp256k1 key
//	X-Carechain-Timestamp:      unix seconds, decimal
//	X-Carechain-Nonce:          16..64 characters of [A-Za-z0-9_-], fresh per request
//	X-Carechain-Content-Sha256: the body hash that was signed
//	X-Carechain-Signature:      base64 of the 64-byte r‖s signature of
//	                            adr036.SignBytes(signer, signed data)
//
// The server checks that the key is the signer's, that the signature
// verifies, that the timestamp is within its window (±60 s by default) and
// that the (signer, nonce) pair has not been seen within the window. The
// caller of Verify must still check that the body hashes to the declared
// X-Carechain-Content-Sha256.
package vaultauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"

	"github.com/carechain/carechain/pkg/adr036"
)

// Scheme is the first line of the signed data; a new format gets a new one.
const Scheme = "carechain-vault-request-v1"

// Request headers.
const (
	HeaderSigner        = "X-Carechain-Signer"
	HeaderPubKey        = "X-Carechain-Pubkey"
	HeaderTimestamp     = "X-Carechain-Timestamp"
	HeaderNonce         = "X-Carechain-Nonce"
	HeaderContentSHA256 = "X-Carechain-Content-Sha256"
	HeaderSignature     = "X-Carechain-Signature"
)

// EmptySHA256 is the body hash of a request without a body.
const EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var (
	// ErrUnsigned: headers missing or malformed.
	ErrUnsigned = errors.New("vaultauth: request is not signed, or its signature headers are malformed")
	// ErrBadSignature: the key is not the signer's or the signature does not verify.
	ErrBadSignature = errors.New("vaultauth: signature does not verify")
	// ErrExpired: the timestamp is outside the accepted window.
	ErrExpired = errors.New("vaultauth: request timestamp outside the accepted window")
	// ErrReplay: this signer already used this nonce within the window.
	ErrReplay = errors.New("vaultauth: replayed request (nonce already used)")
	// ErrBusy: the replay cache is full; the client should retry later.
	ErrBusy = errors.New("vaultauth: too many recent requests, retry later")
)

// Params are the signed fields of a request.
type Params struct {
	Method        string
	Path          string // escaped path, as in the request line
	RawQuery      string
	ContentSHA256 string
	Timestamp     int64
	Nonce         string
}

// SignedData returns the ADR-036 data of a request (see the package doc).
func SignedData(p Params) []byte {
	return []byte(strings.Join([]string{
		Scheme, p.Method, p.Path, p.RawQuery, p.ContentSHA256,
		strconv.FormatInt(p.Timestamp, 10), p.Nonce,
	}, "\n"))
}

// Signer signs as one account.
type Signer interface {
	// Address is the signer's bech32 account address.
	Address() string
	// PubKey is its 33-byte compressed secp256k1 public key.
	PubKey() []byte
	// Sign returns the 64-byte r‖s secp256k1 signature of SHA-256(msg),
	// as cryptotypes.PrivKey.Sign and a keyring in
	// SIGN_MODE_LEGACY_AMINO_JSON do.
	Sign(msg []byte) ([]byte, error)
}

type privKeySigner struct {
	addr string
	priv cryptotypes.PrivKey
}

// NewPrivKeySigner signs with a secp256k1 private key; prefix is the bech32
// prefix of its address ("care").
func NewPrivKeySigner(prefix string, priv cryptotypes.PrivKey) (Signer, error) {
	addr, err := adr036.AddressOf(prefix, priv.PubKey().Bytes())
	if err != nil {
		return nil, err
	}
	return privKeySigner{addr: addr, priv: priv}, nil
}

func (s privKeySigner) Address() string                 { return s.addr }
func (s privKeySigner) PubKey() []byte                  { return s.priv.PubKey().Bytes() }
func (s privKeySigner) Sign(msg []byte) ([]byte, error) { return s.priv.Sign(msg) }

// NewNonce returns 16 random bytes as 32 hex characters.
func NewNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// SignRequest signs req as s at time now. contentSHA256 is the lowercase
// hex SHA-256 of the body req will send (EmptySHA256 if none).
func SignRequest(req *http.Request, s Signer, contentSHA256 string, now time.Time) error {
	nonce, err := NewNonce()
	if err != nil {
		return err
	}
	p := Params{
		Method:        req.Method,
		Path:          req.URL.EscapedPath(),
		RawQuery:      req.URL.RawQuery,
		ContentSHA256: contentSHA256,
		Timestamp:     now.Unix(),
		Nonce:         nonce,
	}
	sig, err := s.Sign(adr036.SignBytes(s.Address(), SignedData(p)))
	if err != nil {
		return fmt.Errorf("vaultauth: signing request: %w", err)
	}
	req.Header.Set(HeaderSigner, s.Address())
	req.Header.Set(HeaderPubKey, base64.StdEncoding.EncodeToString(s.PubKey()))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(p.Timestamp, 10))
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderContentSHA256, contentSHA256)
	req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	return nil
}

// Caller is the verified signer of a request.
type Caller struct {
	Address string
	// ContentSHA256 is the body hash the signer committed to; the server
	// must check the body against it.
	ContentSHA256 string
}

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	// Prefix is the bech32 prefix signers must use ("care").
	Prefix string
	// Window is how far a timestamp may be from the server's clock, either
	// way (default 60 s).
	Window time.Duration
	// MaxNonces bounds the replay cache (default 100000). When it is full
	// of unexpired nonces, requests fail with ErrBusy rather than forget a
	// nonce that could then be replayed.
	MaxNonces int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Verifier checks signed requests. It is safe for concurrent use.
type Verifier struct {
	cfg    VerifierConfig
	mu     sync.Mutex
	nonces nonceCache
}

// NewVerifier returns a Verifier; zero fields of cfg take their defaults.
func NewVerifier(cfg VerifierConfig) *Verifier {
	if cfg.Window <= 0 {
		cfg.Window = 60 * time.Second
	}
	if cfg.MaxNonces <= 0 {
		cfg.MaxNonces = 100_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Verifier{cfg: cfg, nonces: nonceCache{seen: map[string]struct{}{}}}
}

func validNonce(n string) bool {
	if len(n) < 16 || len(n) > 64 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func validSHA256Hex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Verify authenticates r. It does not read the body.
func (v *Verifier) Verify(r *http.Request) (Caller, error) {
	h := r.Header
	signer := h.Get(HeaderSigner)
	pub, err1 := base64.StdEncoding.DecodeString(h.Get(HeaderPubKey))
	sig, err2 := base64.StdEncoding.DecodeString(h.Get(HeaderSignature))
	tsText := h.Get(HeaderTimestamp)
	ts, err3 := strconv.ParseInt(tsText, 10, 64)
	nonce := h.Get(HeaderNonce)
	bodyHash := h.Get(HeaderContentSHA256)
	switch {
	case signer == "" || !strings.HasPrefix(signer, v.cfg.Prefix+"1"):
		return Caller{}, fmt.Errorf("%w: %s must be a %s1... address", ErrUnsigned, HeaderSigner, v.cfg.Prefix)
	case err1 != nil || len(pub) == 0:
		return Caller{}, fmt.Errorf("%w: %s", ErrUnsigned, HeaderPubKey)
	case err2 != nil || len(sig) == 0:
		return Caller{}, fmt.Errorf("%w: %s", ErrUnsigned, HeaderSignature)
	case err3 != nil || tsText != strconv.FormatInt(ts, 10):
		return Caller{}, fmt.Errorf("%w: %s", ErrUnsigned, HeaderTimestamp)
	case !validNonce(nonce):
		return Caller{}, fmt.Errorf("%w: %s must be 16..64 characters of [A-Za-z0-9_-]", ErrUnsigned, HeaderNonce)
	case !validSHA256Hex(bodyHash):
		return Caller{}, fmt.Errorf("%w: %s must be 64 lowercase hex characters", ErrUnsigned, HeaderContentSHA256)
	}

	now := v.cfg.Now()
	if d := now.Sub(time.Unix(ts, 0)); d > v.cfg.Window || d < -v.cfg.Window {
		return Caller{}, fmt.Errorf("%w: timestamp %d is %s from the server clock (window ±%s)", ErrExpired, ts, d.Round(time.Second), v.cfg.Window)
	}
	data := SignedData(Params{
		Method:        r.Method,
		Path:          r.URL.EscapedPath(),
		RawQuery:      r.URL.RawQuery,
		ContentSHA256: bodyHash,
		Timestamp:     ts,
		Nonce:         nonce,
	})
	if err := adr036.Verify(signer, pub, data, sig); err != nil {
		return Caller{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	// Only a verified request spends a nonce, so nobody can fill the cache
	// or burn someone else's nonces without their key.
	v.mu.Lock()
	err := v.nonces.add(signer+" "+nonce, now, now.Add(2*v.cfg.Window), v.cfg.MaxNonces)
	v.mu.Unlock()
	if err != nil {
		return Caller{}, err
	}
	return Caller{Address: signer, ContentSHA256: bodyHash}, nil
}

// nonceCache remembers nonces until no request carrying them could pass
// the timestamp check. Entries expire in insertion order (every expiry is
// now + 2·window with a monotonic clock), so a FIFO queue suffices.
type nonceCache struct {
	seen  map[string]struct{}
	queue []nonceEntry
	head  int
}

type nonceEntry struct {
	key     string
	expires time.Time
}

func (c *nonceCache) prune(now time.Time) {
	for c.head < len(c.queue) && !c.queue[c.head].expires.After(now) {
		delete(c.seen, c.queue[c.head].key)
		c.queue[c.head] = nonceEntry{}
		c.head++
	}
	if c.head > len(c.queue)/2 {
		c.queue = append(c.queue[:0], c.queue[c.head:]...)
		c.head = 0
	}
}

func (c *nonceCache) add(key string, now, expires time.Time, max int) error {
	c.prune(now)
	if _, ok := c.seen[key]; ok {
		return ErrReplay
	}
	if len(c.seen) >= max {
		return ErrBusy
	}
	c.seen[key] = struct{}{}
	c.queue = append(c.queue, nonceEntry{key: key, expires: expires})
	return nil
}

// Len reports how many unexpired nonces are remembered (for tests and
// metrics).
func (v *Verifier) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.nonces.prune(v.cfg.Now())
	return len(v.nonces.seen)
}
