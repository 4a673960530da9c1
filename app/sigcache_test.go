package app_test

import (
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/testutil/apptest"
)

func sendMsg(h *apptest.Harness, from, to string) sdk.Msg {
	return banktypes.NewMsgSend(h.AccAddr(from), h.AccAddr(to), sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(7))))
}

func sigStats(t *testing.T, h *apptest.Harness) app.SigCacheStats {
	t.Helper()
	s, err := h.App.SigCacheStats()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A transaction that passed CheckTx is executed in FinalizeBlock without a
// second signature verification, with exactly the gas, result and app hash
// of a node that never saw it in CheckTx (and so verified it in full).
func TestSigCacheSkipsOnlyWhatCheckTxVerified(t *testing.T) {
	checked := apptest.New(t)
	fresh := apptest.New(t)

	tx := checked.Sign("alice", apptest.TxOptions{}, 0, sendMsg(checked, "alice", "bob"))
	if again := fresh.Sign("alice", apptest.TxOptions{}, 0, sendMsg(fresh, "alice", "bob")); string(again.Bytes) != string(tx.Bytes) {
		t.Fatal("the two harnesses signed different bytes; the comparison below would be meaningless")
	}

	if res := checked.CheckTx(tx); res.Code != 0 {
		t.Fatalf("CheckTx: code %d: %s", res.Code, res.Log)
	}
	before := sigStats(t, checked)
	if before.Added == 0 {
		t.Fatal("CheckTx verified the transaction but the cache did not remember it")
	}

	got := checked.DeliverBlock(time.Second, tx)[0]
	want := fresh.DeliverBlock(time.Second, tx)[0]
	if got.Code != 0 || want.Code != 0 {
		t.Fatalf("delivery failed: cached %d (%s), uncached %d (%s)", got.Code, got.Log, want.Code, want.Log)
	}
	after := sigStats(t, checked)
	if after.Hits != before.Hits+1 {
		t.Fatalf("FinalizeBlock verified a signature CheckTx had verified: hits %d -> %d", before.Hits, after.Hits)
	}
	if f := sigStats(t, fresh); f.Hits != 0 || f.Misses == 0 {
		t.Fatalf("a node that never checked the transaction must verify it: %+v", f)
	}
	if got.GasUsed != want.GasUsed || got.GasWanted != want.GasWanted {
		t.Fatalf("gas differs with the cache: used %d vs %d, wanted %d vs %d", got.GasUsed, want.GasUsed, got.GasWanted, want.GasWanted)
	}
	if a, b := checked.App.LastCommitID(), fresh.App.LastCommitID(); string(a.Hash) != string(b.Hash) {
		t.Fatalf("app hash differs with the cache: %X vs %X", a.Hash, b.Hash)
	}
	if s := sigStats(t, checked); s.Size != before.Size-1 {
		t.Fatalf("a delivered transaction must leave the cache: size %d -> %d", before.Size, s.Size)
	}
}

// A forged signature on a transaction whose genuine twin passed CheckTx is
// still refused in FinalizeBlock: the cache is keyed by the exact bytes.
func TestSigCacheRefusesForgedTwin(t *testing.T) {
	h := apptest.New(t)
	tx := h.Sign("alice", apptest.TxOptions{}, 0, sendMsg(h, "alice", "bob"))
	if res := h.CheckTx(tx); res.Code != 0 {
		t.Fatalf("CheckTx: code %d: %s", res.Code, res.Log)
	}

	forged := forgeSignature(t, h, tx)
	res := h.DeliverBlock(time.Second, forged)[0]
	if res.Code != sdkerrors.ErrUnauthorized.ABCICode() || res.Codespace != sdkerrors.RootCodespace {
		t.Fatalf("forged signature: want %s/%d, got %s/%d: %s", sdkerrors.RootCodespace, sdkerrors.ErrUnauthorized.ABCICode(), res.Codespace, res.Code, res.Log)
	}
	// The genuine transaction is still valid and still skips verification.
	before := sigStats(t, h)
	if res := h.DeliverBlock(time.Second, tx)[0]; res.Code != 0 {
		t.Fatalf("genuine transaction: code %d: %s", res.Code, res.Log)
	}
	if after := sigStats(t, h); after.Hits != before.Hits+1 {
		t.Fatalf("genuine transaction did not hit the cache: %+v -> %+v", before, after)
	}
}

// A transaction whose signature fails CheckTx is not remembered.
func TestSigCacheRemembersOnlyValidSignatures(t *testing.T) {
	h := apptest.New(t)
	tx := h.Sign("alice", apptest.TxOptions{}, 0, sendMsg(h, "alice", "bob"))
	forged := forgeSignature(t, h, tx)
	before := sigStats(t, h)
	if res := h.CheckTx(forged); res.Code != sdkerrors.ErrUnauthorized.ABCICode() {
		t.Fatalf("CheckTx of a forged signature: code %d: %s", res.Code, res.Log)
	}
	if after := sigStats(t, h); after.Added != before.Added {
		t.Fatalf("a failed verification was remembered: %+v -> %+v", before, after)
	}
}

func forgeSignature(t *testing.T, h *apptest.Harness, tx apptest.Tx) apptest.Tx {
	t.Helper()
	cfg := h.TxConfig()
	decoded, err := cfg.TxDecoder()(tx.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cfg.WrapTxBuilder(decoded)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := b.GetTx().GetSignaturesV2()
	if err != nil {
		t.Fatal(err)
	}
	data := sigs[0].Data.(*signing.SingleSignatureData)
	bad := append([]byte(nil), data.Signature...)
	bad[10] ^= 0x01
	sigs[0].Data = &signing.SingleSignatureData{SignMode: data.SignMode, Signature: bad}
	if err := b.SetSignatures(sigs...); err != nil {
		t.Fatal(err)
	}
	bz, err := cfg.TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	return apptest.Tx{Bytes: bz}
}
