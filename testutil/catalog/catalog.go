// Package catalog runs bad-input catalogs: tables of malformed or
// unauthorized transactions delivered to the real application (through
// testutil/apptest and FinalizeBlock), each of which must fail with one
// specific registered error and leave the state unchanged apart from the
// fee and the sequence the signer paid.
//
// A module's catalog is one test file (x/<module>/badinput_test.go) that
// builds a []Case and calls Run. See docs/reliability-sim.md.
package catalog

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	errorsmod "cosmossdk.io/errors"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
)

// Case is one bad input.
type Case struct {
	// Name says what is wrong with the input.
	Name string
	// Kind classifies the case (see the Kind constants); a catalog must
	// cover the kinds the issue lists.
	Kind Kind
	// Setup prepares state the case needs (an existing consent, a paid
	// claim, an authz grant) before the state snapshot is taken.
	Setup func(t *testing.T, h *apptest.Harness)
	// Signer signs the transaction (its account pays the fee).
	Signer string
	// Msgs are the messages of the transaction; ignore when Tx is set.
	Msgs func(h *apptest.Harness) []sdk.Msg
	// Tx, when set, returns the raw transaction bytes to deliver (for
	// replays and hand-encoded messages the Go types cannot express).
	Tx func(t *testing.T, h *apptest.Harness) []byte
	// Want is the registered error the transaction must fail with.
	Want *errorsmod.Error
}

// Kind is a class of bad input.
type Kind string

// The kinds of bad input every catalog covers where they apply.
const (
	Empty        Kind = "empty field"
	Oversized    Kind = "oversized field"
	BadAddress   Kind = "invalid address"
	WrongSigner  Kind = "wrong signer"
	Unauthorized Kind = "unauthorized signer"
	Duplicate    Kind = "duplicate id"
	BadAmount    Kind = "zero, negative or overflowing amount"
	UnknownDenom Kind = "unknown denom"
	NestedAny    Kind = "deeply nested Any"
	EscrowSend   Kind = "coins sent straight to a module escrow"
	AuthzConsent Kind = "authz grant standing in for a patient"
	Replayed     Kind = "replayed transaction"
	Malformed    Kind = "malformed field"
	BadState     Kind = "wrong state for the action"
	NotFound     Kind = "unknown object"
)

// volatileStores change with every block or every fee (sequences, fee
// distribution, historical info, validator signing info): they are not
// compared. Balances are compared separately (only the signer's fee may
// leave).
var volatileStores = map[string]bool{
	authtypes.StoreKey:     true,
	banktypes.StoreKey:     true,
	distrtypes.StoreKey:    true,
	stakingtypes.StoreKey:  true,
	slashingtypes.StoreKey: true,
}

// Snapshot is the state a bad input must not change: a hash of every KV
// store but the volatile ones (so every Carechain module, authz, feegrant,
// gov, upgrade...) and every account's balances.
type Snapshot struct {
	Stores   map[string][32]byte
	Balances map[string]sdk.Coins
}

// Take snapshots the committed state.
func Take(h *apptest.Harness) Snapshot {
	ctx := h.Ctx()
	s := Snapshot{Stores: map[string][32]byte{}, Balances: map[string]sdk.Coins{}}
	for name, key := range h.App.KVStoreKeys() {
		if volatileStores[name] {
			continue
		}
		hash := sha256.New()
		it := ctx.KVStore(key).Iterator(nil, nil)
		for ; it.Valid(); it.Next() {
			for _, b := range [][]byte{it.Key(), it.Value()} {
				hash.Write(protowire.AppendBytes(nil, b))
			}
		}
		_ = it.Close()
		var sum [32]byte
		copy(sum[:], hash.Sum(nil))
		s.Stores[name] = sum
	}
	for _, b := range h.App.BankKeeper.GetAccountsBalances(ctx) {
		s.Balances[b.Address] = b.Coins
	}
	return s
}

// RequireUnchanged fails unless after equals before except that payer may
// have paid fees and the fee collector and distribution accounts received
// them.
func RequireUnchanged(t *testing.T, h *apptest.Harness, before, after Snapshot, payer string, fees sdk.Coins) {
	t.Helper()
	names := make([]string, 0, len(before.Stores))
	for n := range before.Stores {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		require.Equal(t, before.Stores[n], after.Stores[n], "store %q changed", n)
	}
	exempt := map[string]bool{
		authtypes.NewModuleAddress(authtypes.FeeCollectorName).String(): true,
		authtypes.NewModuleAddress(distrtypes.ModuleName).String():      true,
	}
	addrs := map[string]bool{}
	for a := range before.Balances {
		addrs[a] = true
	}
	for a := range after.Balances {
		addrs[a] = true
	}
	for a := range addrs {
		if exempt[a] {
			continue
		}
		b, af := before.Balances[a], after.Balances[a]
		if a == payer {
			paid, neg := b.SafeSub(af...)
			require.False(t, neg, "%s gained %s", a, af)
			require.True(t, paid.IsZero() || paid.Equal(fees), "%s paid %s; only the fee %s may leave", a, paid, fees)
			continue
		}
		require.True(t, b.Equal(af), "balance of %s changed from %s to %s", a, b, af)
	}
}

// Run delivers each case on h, one block each, and checks its error and
// that the state is unchanged. Cases run in order on one chain, so a
// Setup's state stays for the later cases.
func Run(t *testing.T, h *apptest.Harness, cases []Case) {
	t.Helper()
	names := map[string]bool{}
	for _, c := range cases {
		require.False(t, names[c.Name], "case %q is listed twice", c.Name)
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			if c.Setup != nil {
				c.Setup(t, h)
			}
			before := Take(h)
			var txBytes []byte
			if c.Tx != nil {
				txBytes = c.Tx(t, h)
			} else {
				txBytes = h.Sign(c.Signer, apptest.TxOptions{}, 0, c.Msgs(h)...).Bytes
			}
			res := h.DeliverBlock(time.Second, apptest.Tx{Bytes: txBytes})[0]
			RequireError(t, res, c.Want)
			after := Take(h)
			payer := ""
			if c.Signer != "" {
				payer = h.Addr(c.Signer)
			}
			RequireUnchanged(t, h, before, after, payer, apptest.DefaultFees)
		})
	}
}

// RequireError fails unless res failed with exactly want (codespace and
// code).
func RequireError(t *testing.T, res *abci.ExecTxResult, want *errorsmod.Error) {
	t.Helper()
	require.NotZero(t, res.Code, "the transaction succeeded; want %s/%d (%s)", want.Codespace(), want.ABCICode(), want)
	require.Equal(t, fmt.Sprintf("%s/%d", want.Codespace(), want.ABCICode()), fmt.Sprintf("%s/%d", res.Codespace, res.Code),
		"want %q, got: %s", want, res.Log)
}

// RequireKinds fails unless the cases cover every kind in kinds.
func RequireKinds(t *testing.T, cases []Case, kinds ...Kind) {
	t.Helper()
	have := map[Kind]int{}
	for _, c := range cases {
		have[c.Kind]++
	}
	for _, k := range kinds {
		require.Positive(t, have[k], "no case of kind %q", k)
	}
}

// MustDeliver delivers msgs from signer and fails the test unless they
// succeed (for Setup).
func MustDeliver(t *testing.T, h *apptest.Harness, signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	t.Helper()
	res := h.Deliver(signer, msgs...)
	require.Zero(t, res.Code, "setup transaction from %s failed: %s", signer, res.Log)
	return res
}

// ReplayCase returns a case that signs msgs from signer and delivers the
// transaction once in its Setup (it must succeed), then delivers the very
// same bytes again: the replay must fail with ErrWrongSequence.
func ReplayCase(name, signer string, msgs func(h *apptest.Harness) []sdk.Msg) Case {
	var txBytes []byte
	return Case{
		Name: name, Kind: Replayed, Signer: signer, Want: sdkerrors.ErrWrongSequence,
		Setup: func(t *testing.T, h *apptest.Harness) {
			tx := h.Sign(signer, apptest.TxOptions{}, 0, msgs(h)...)
			res := h.DeliverBlock(time.Second, tx)[0]
			require.Zero(t, res.Code, "first delivery must succeed: %s", res.Log)
			txBytes = tx.Bytes
		},
		Tx: func(*testing.T, *apptest.Harness) []byte { return txBytes },
	}
}

// SignRaw signs a transaction whose messages are given as raw Any values
// (type URL and hand-encoded protobuf bytes) with SIGN_MODE_DIRECT, so a
// case can send what the Go message types cannot hold: an amount of more
// than 256 bits, a nesting the decoder must refuse.
func SignRaw(t *testing.T, h *apptest.Harness, signer string, msgs ...*codectypes.Any) []byte {
	t.Helper()
	priv := devnet.DemoPrivKey(signer)
	acc := h.App.AccountKeeper.GetAccount(h.Ctx(), h.AccAddr(signer))
	require.NotNil(t, acc)
	body := txtypes.TxBody{Messages: msgs}
	bodyBz, err := body.Marshal()
	require.NoError(t, err)
	pk, err := codectypes.NewAnyWithValue(priv.PubKey())
	require.NoError(t, err)
	authInfo := txtypes.AuthInfo{
		SignerInfos: []*txtypes.SignerInfo{{
			PublicKey: pk,
			ModeInfo:  &txtypes.ModeInfo{Sum: &txtypes.ModeInfo_Single_{Single: &txtypes.ModeInfo_Single{Mode: signing.SignMode_SIGN_MODE_DIRECT}}},
			Sequence:  acc.GetSequence(),
		}},
		Fee: &txtypes.Fee{Amount: apptest.DefaultFees, GasLimit: apptest.DefaultGas},
	}
	authBz, err := authInfo.Marshal()
	require.NoError(t, err)
	doc := txtypes.SignDoc{BodyBytes: bodyBz, AuthInfoBytes: authBz, ChainId: apptest.ChainID, AccountNumber: acc.GetAccountNumber()}
	docBz, err := doc.Marshal()
	require.NoError(t, err)
	sig, err := priv.Sign(docBz)
	require.NoError(t, err)
	raw := txtypes.TxRaw{BodyBytes: bodyBz, AuthInfoBytes: authBz, Signatures: [][]byte{sig}}
	bz, err := raw.Marshal()
	require.NoError(t, err)
	return bz
}

// RawField is one hand-encoded protobuf field.
type RawField struct {
	Num   protowire.Number
	Bytes []byte // length-delimited (strings, bytes, messages)
	Uint  uint64 // varint, when Bytes is nil
}

// RawMsg hand-encodes a message as an Any.
func RawMsg(typeURL string, fields ...RawField) *codectypes.Any {
	var bz []byte
	for _, f := range fields {
		if f.Bytes != nil {
			bz = protowire.AppendTag(bz, f.Num, protowire.BytesType)
			bz = protowire.AppendBytes(bz, f.Bytes)
			continue
		}
		bz = protowire.AppendTag(bz, f.Num, protowire.VarintType)
		bz = protowire.AppendVarint(bz, f.Uint)
	}
	return &codectypes.Any{TypeUrl: typeURL, Value: bz}
}

// NestedExec wraps inner in depth levels of authz.MsgExec (grantee
// field 1, msgs field 2), hand-encoded so that no Go-side limit applies.
func NestedExec(grantee string, inner *codectypes.Any, depth int) *codectypes.Any {
	cur := inner
	for range depth {
		anyBz, _ := cur.Marshal()
		cur = RawMsg("/cosmos.authz.v1beta1.MsgExec", RawField{Num: 1, Bytes: []byte(grantee)}, RawField{Num: 2, Bytes: anyBz})
	}
	return cur
}
