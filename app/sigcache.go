package app

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"

	errorsmod "cosmossdk.io/errors"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// DefaultSigCacheSize is how many verified transactions the signature cache
// remembers between CheckTx and FinalizeBlock: twenty times CometBFT's
// default mempool of 5,000 transactions, about 10 MiB.
const DefaultSigCacheSize = 100_000

// sigCache remembers transactions whose signatures CheckTx verified, so that
// FinalizeBlock does not verify the same signatures a second time.
//
// Why it is safe: verifying a signature is a pure function of the public key,
// the sign bytes and the signature. The key of an entry is a hash of
// everything those depend on: the chain ID, the transaction's bytes (its
// body, auth info, signer infos with their sequences, and signatures), and
// for every signer its address, account number and public key as read from
// state. An entry is added only after the SDK's SigVerificationDecorator
// verified every signature of the transaction in CheckTx; FinalizeBlock skips
// the verification only when the same key, computed afresh from its own
// state, is present, and removes it. A transaction this node never checked
// (proposed by another validator), or one whose signer's account differs, is
// verified as before. Gas is unchanged: the SDK charges for signatures in
// SigGasConsumeDecorator, which always runs, and the key is computed with a
// gas meter of its own. The outcome is therefore the same on every node
// whether its cache hit or not.
type sigCache struct {
	mu      sync.Mutex
	entries map[[32]byte]struct{}
	ring    [][32]byte // insertion order, for eviction of the oldest
	next    int
	full    bool

	hits, misses, added uint64
}

func newSigCache(size int) *sigCache {
	if size <= 0 {
		return nil
	}
	return &sigCache{entries: make(map[[32]byte]struct{}, size), ring: make([][32]byte, size)}
}

// add remembers key, evicting the oldest entry once the cache is full.
func (c *sigCache) add(key [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	if c.full {
		delete(c.entries, c.ring[c.next])
	}
	c.ring[c.next] = key
	c.entries[key] = struct{}{}
	c.added++
	c.next++
	if c.next == len(c.ring) {
		c.next, c.full = 0, true
	}
}

// take reports whether key is present and removes it: a transaction is
// delivered at most once.
func (c *sigCache) take(key [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		c.misses++
		return false
	}
	delete(c.entries, key)
	c.hits++
	return true
}

// SigCacheStats counts the signature cache's work since the node started.
type SigCacheStats struct {
	// Added is how many transactions CheckTx verified and remembered.
	Added uint64
	// Hits is how many FinalizeBlock transactions skipped verification.
	Hits uint64
	// Misses is how many FinalizeBlock transactions were verified in full.
	Misses uint64
	// Size is how many entries the cache holds now.
	Size int
}

func (c *sigCache) stats() SigCacheStats {
	if c == nil {
		return SigCacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return SigCacheStats{Added: c.added, Hits: c.hits, Misses: c.misses, Size: len(c.entries)}
}

// cachedSigVerificationDecorator wraps the SDK's SigVerificationDecorator
// with the signature cache (see sigCache for why it is safe).
type cachedSigVerificationDecorator struct {
	inner ante.SigVerificationDecorator
	ak    ante.AccountKeeper
	cache *sigCache
}

func (d cachedSigVerificationDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if d.cache == nil || simulate || !ctx.IsSigverifyTx() || ctx.BlockHeight() == 0 || len(ctx.TxBytes()) == 0 {
		return d.inner.AnteHandle(ctx, tx, simulate, next)
	}
	switch ctx.ExecMode() {
	case sdk.ExecModeCheck:
		key, ok := d.key(ctx, tx)
		if !ok {
			return d.inner.AnteHandle(ctx, tx, simulate, next)
		}
		// The inner decorator calls this only after every signature verified.
		return d.inner.AnteHandle(ctx, tx, simulate, func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
			d.cache.add(key)
			return next(ctx, tx, simulate)
		})
	case sdk.ExecModeFinalize:
		key, ok := d.key(ctx, tx)
		if !ok || !d.cache.take(key) {
			return d.inner.AnteHandle(ctx, tx, simulate, next)
		}
		// The inner decorator still reads every signer's account and checks
		// its sequence; only the cryptographic verification is skipped.
		return d.inner.AnteHandle(ctx.WithIsSigverifyTx(false), tx, simulate, func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
			return next(ctx.WithIsSigverifyTx(true), tx, simulate)
		})
	default:
		return d.inner.AnteHandle(ctx, tx, simulate, next)
	}
}

// key hashes what the verification of tx's signatures depends on. It reports
// false when it cannot (an unknown signer or a missing public key): the SDK's
// decorator then verifies, and refuses, as usual.
func (d cachedSigVerificationDecorator) key(ctx sdk.Context, tx sdk.Tx) ([32]byte, bool) {
	sigTx, ok := tx.(authsigning.Tx)
	if !ok {
		return [32]byte{}, false
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return [32]byte{}, false
	}
	// Reads for the key are not the transaction's: they must not change
	// its gas, which is the same whether the cache hits or not.
	readCtx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	h := sha256.New()
	var n [8]byte
	write := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	write([]byte(ctx.ChainID()))
	write(ctx.TxBytes())
	for _, signer := range signers {
		acc := d.ak.GetAccount(readCtx, signer)
		if acc == nil || acc.GetPubKey() == nil {
			return [32]byte{}, false
		}
		pk := acc.GetPubKey()
		write(signer)
		binary.BigEndian.PutUint64(n[:], acc.GetAccountNumber())
		h.Write(n[:])
		write([]byte(pk.Type()))
		write(pk.Bytes())
	}
	var key [32]byte
	h.Sum(key[:0])
	return key, true
}

// errNoSigCache is returned by SigCacheStats on an app built without one.
var errNoSigCache = errorsmod.Wrap(sdkerrors.ErrLogic, "the signature cache is off")

// SigCacheStats reports the signature cache's counters.
func (app *CarechainApp) SigCacheStats() (SigCacheStats, error) {
	if app.sigCache == nil {
		return SigCacheStats{}, errNoSigCache
	}
	return app.sigCache.stats(), nil
}
