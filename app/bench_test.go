package app_test

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Funded demo accounts the benchmarks sign with, in turn.
var benchSigners = []string{devnet.Alice, devnet.Bob, devnet.Consortium, devnet.MercyAdmin, devnet.AcmeAdmin, devnet.NorthwindAdmin, devnet.IRBAdmin}

// txsPerBlock is how many transactions each benchmark block carries (about
// what a 1 s block holds at 100-500 tx/s).
const txsPerBlock = 200

// BenchmarkBankSend is the baseline: a bank MsgSend delivered through
// FinalizeBlock with the full ante handler, every result checked.
//
//	go test -run '^$' -bench BankSend ./app/
func BenchmarkBankSend(b *testing.B) {
	h := apptest.New(b)
	amount := sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 1))
	apptest.RunTxBenchmark(b, h, txsPerBlock, func(i int) apptest.BenchTx {
		from := benchSigners[i%len(benchSigners)]
		to := benchSigners[(i+1)%len(benchSigners)]
		return apptest.BenchTx{Signer: from, Msgs: []sdk.Msg{&banktypes.MsgSend{FromAddress: h.Addr(from), ToAddress: h.Addr(to), Amount: amount}}}
	})
}

// BenchmarkSetEncryptionKey delivers x/registry's MsgSetEncryptionKey the
// same way.
func BenchmarkSetEncryptionKey(b *testing.B) {
	h := apptest.New(b)
	apptest.RunTxBenchmark(b, h, txsPerBlock, func(i int) apptest.BenchTx {
		owner := benchSigners[i%len(benchSigners)]
		return apptest.BenchTx{Signer: owner, Msgs: []sdk.Msg{&registrytypes.MsgSetEncryptionKey{Owner: h.Addr(owner), X25519PublicKey: benchKey(i)}}}
	})
}

// BenchmarkEncryptionKeyQuery is the keeper-path pattern the CheckAccess
// benchmark follows: the query server called directly on committed state
// holding many objects, every answer checked.
func BenchmarkEncryptionKeyQuery(b *testing.B) {
	const keys = 10_000
	h := apptest.New(b)
	k := h.App.RegistryKeeper
	ctx := h.Ctx()
	owners := make([]string, keys)
	for i := range owners {
		addr := sdk.AccAddress(benchKey(i)[:20])
		owners[i] = addr.String()
		if err := k.EncryptionKeys.Set(ctx, addr, benchKey(i)); err != nil {
			b.Fatal(err)
		}
	}
	q := registrykeeper.NewQuerier(k)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := q.EncryptionKey(ctx, &registrytypes.QueryEncryptionKeyRequest{Address: owners[i%keys]})
		if err != nil {
			b.Fatal(err)
		}
		if string(res.EncryptionKey.X25519PublicKey) != string(benchKey(i%keys)) {
			b.Fatalf("query %d: wrong key", i)
		}
	}
}

func benchKey(i int) []byte {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(i))
	h := sha256.Sum256(n[:])
	return h[:]
}
