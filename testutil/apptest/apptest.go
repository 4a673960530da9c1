// Package apptest runs the real Carechain application in process for
// integration tests: genesis from the devnet builder (demo accounts, demo
// organizations, a validator bonded by gentx), transactions signed and
// delivered through FinalizeBlock, so the full ante handler and message
// router run exactly as on a node.
package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
)

// ChainID of every harness chain.
const ChainID = "carechain-test-1"

// DefaultFees is what Deliver pays unless told otherwise.
var DefaultFees = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000)))

// DefaultGas is the gas limit Deliver sets unless told otherwise.
const DefaultGas = 2_000_000

// Harness is one in-process chain.
type Harness struct {
	t        testing.TB
	App      *app.CarechainApp
	Accounts map[string]devnet.Account
	keys     map[string]cryptotypes.PrivKey
	height   int64
	time     time.Time
	// GenesisState is the app state the chain started from.
	GenesisState map[string]json.RawMessage
}

// Option changes the genesis before InitChain.
type Option func(cdc codec.JSONCodec, genesis map[string]json.RawMessage, accounts map[string]devnet.Account)

// GenesisTime is the first block's time on every harness chain.
var GenesisTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// New starts a chain with the devnet demo state and one validator, and
// commits its first block.
func New(t testing.TB, opts ...Option) *Harness {
	t.Helper()
	a := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(ChainID))
	kr := keyring.NewInMemory(a.AppCodec())
	consKey := ed25519.GenPrivKeyFromSecret([]byte("carechain apptest validator"))
	vals := []devnet.GenesisValidator{{
		Name:   devnet.Validator,
		PubKey: consKey.PubKey(),
		Node:   devnet.Node{Moniker: devnet.Validator, NodeID: "apptest", P2P: "127.0.0.1:26656"},
	}}
	genState, accounts, err := devnet.BuildGenesis(context.Background(), a, kr, ChainID, GenesisTime, vals)
	if err != nil {
		t.Fatalf("building genesis: %v", err)
	}
	h := &Harness{
		t:            t,
		App:          a,
		Accounts:     make(map[string]devnet.Account),
		keys:         make(map[string]cryptotypes.PrivKey),
		time:         GenesisTime,
		GenesisState: genState,
	}
	for _, acct := range accounts {
		h.Accounts[acct.Name] = acct
		h.keys[acct.Name] = devnet.DemoPrivKey(acct.Name)
	}
	for _, opt := range opts {
		opt(a.AppCodec(), genState, h.Accounts)
	}
	stateBytes, err := json.Marshal(genState)
	if err != nil {
		t.Fatal(err)
	}
	cp := cmttypes.DefaultConsensusParams().ToProto()
	if _, err := a.InitChain(&abci.RequestInitChain{
		ChainId:         ChainID,
		Time:            h.time,
		InitialHeight:   1,
		ConsensusParams: &cp,
		AppStateBytes:   stateBytes,
	}); err != nil {
		t.Fatalf("InitChain: %v", err)
	}
	h.NextBlock(0)
	return h
}

// Addr returns the bech32 address of a named account.
func (h *Harness) Addr(name string) string {
	acct, ok := h.Accounts[name]
	if !ok {
		h.t.Fatalf("no account %q", name)
	}
	return acct.Address
}

// AccAddr returns the address bytes of a named account.
func (h *Harness) AccAddr(name string) sdk.AccAddress {
	acct, ok := h.Accounts[name]
	if !ok {
		h.t.Fatalf("no account %q", name)
	}
	return acct.AccAddress()
}

// AddAccount registers a new signing key under name (it has no on-chain
// account until it receives coins or a fee allowance).
func (h *Harness) AddAccount(name string) devnet.Account {
	priv := devnet.DemoPrivKey(name)
	addr := sdk.AccAddress(priv.PubKey().Address())
	s, err := h.App.AccountKeeper.AddressCodec().BytesToString(addr)
	if err != nil {
		h.t.Fatal(err)
	}
	acct := devnet.NewAccount(name, s, addr)
	h.Accounts[name] = acct
	h.keys[name] = priv
	return acct
}

// Height is the last committed height.
func (h *Harness) Height() int64 { return h.height }

// Time is the last committed block's time.
func (h *Harness) Time() time.Time { return h.time }

// Ctx returns a read context on the last committed state. Writes made
// through it are not part of any block: use it to query keepers only.
func (h *Harness) Ctx() sdk.Context {
	return h.App.NewUncachedContext(false, cmtproto.Header{ChainID: ChainID, Height: h.height, Time: h.time})
}

// TxOptions adjust one transaction.
type TxOptions struct {
	Fees       sdk.Coins
	Gas        uint64
	FeeGranter string
	Memo       string
}

// Tx is a signed transaction ready to deliver.
type Tx struct {
	Bytes []byte
}

// Sign builds and signs a transaction from signer with the account number
// and sequence found in the committed state (plus pendingOffset for several
// transactions from the same signer in one block).
func (h *Harness) Sign(signer string, opts TxOptions, pendingOffset uint64, msgs ...sdk.Msg) Tx {
	h.t.Helper()
	priv, ok := h.keys[signer]
	if !ok {
		h.t.Fatalf("no key %q", signer)
	}
	txConfig := h.App.TxConfig()
	acc := h.App.AccountKeeper.GetAccount(h.Ctx(), h.AccAddr(signer))
	if acc == nil {
		h.t.Fatalf("account %s (%s) does not exist on chain", signer, h.Addr(signer))
	}
	accNum, seq := acc.GetAccountNumber(), acc.GetSequence()+pendingOffset

	if opts.Fees == nil {
		opts.Fees = DefaultFees
	}
	if opts.Gas == 0 {
		opts.Gas = DefaultGas
	}
	b := txConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		h.t.Fatal(err)
	}
	b.SetFeeAmount(opts.Fees)
	b.SetGasLimit(opts.Gas)
	b.SetMemo(opts.Memo)
	if opts.FeeGranter != "" {
		granter, err := h.App.AccountKeeper.AddressCodec().StringToBytes(opts.FeeGranter)
		if err != nil {
			h.t.Fatal(err)
		}
		b.SetFeeGranter(granter)
	}
	signMode := signing.SignMode_SIGN_MODE_DIRECT
	// First round: set the public key and an empty signature so that the
	// sign bytes include the signer info.
	if err := b.SetSignatures(signing.SignatureV2{
		PubKey:   priv.PubKey(),
		Data:     &signing.SingleSignatureData{SignMode: signMode},
		Sequence: seq,
	}); err != nil {
		h.t.Fatal(err)
	}
	signerData := authsigning.SignerData{
		Address:       h.Addr(signer),
		ChainID:       ChainID,
		AccountNumber: accNum,
		Sequence:      seq,
		PubKey:        priv.PubKey(),
	}
	bytesToSign, err := authsigning.GetSignBytesAdapter(context.Background(), txConfig.SignModeHandler(), signMode, signerData, b.GetTx())
	if err != nil {
		h.t.Fatal(err)
	}
	sig, err := priv.Sign(bytesToSign)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := b.SetSignatures(signing.SignatureV2{
		PubKey:   priv.PubKey(),
		Data:     &signing.SingleSignatureData{SignMode: signMode, Signature: sig},
		Sequence: seq,
	}); err != nil {
		h.t.Fatal(err)
	}
	bz, err := txConfig.TxEncoder()(b.GetTx())
	if err != nil {
		h.t.Fatal(err)
	}
	return Tx{Bytes: bz}
}

// Deliver signs msgs from signer into one transaction, puts it alone in the
// next block (one second after the last) and commits. It returns the
// transaction's result whatever its code.
func (h *Harness) Deliver(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	h.t.Helper()
	return h.DeliverWith(signer, TxOptions{}, msgs...)
}

// DeliverWith is Deliver with transaction options.
func (h *Harness) DeliverWith(signer string, opts TxOptions, msgs ...sdk.Msg) *abci.ExecTxResult {
	h.t.Helper()
	tx := h.Sign(signer, opts, 0, msgs...)
	return h.DeliverBlock(time.Second, tx)[0]
}

// MustDeliver is Deliver that fails the test unless the transaction
// succeeds.
func (h *Harness) MustDeliver(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	h.t.Helper()
	res := h.Deliver(signer, msgs...)
	if res.Code != 0 {
		h.t.Fatalf("transaction from %s failed: code %d (%s): %s", signer, res.Code, res.Codespace, res.Log)
	}
	return res
}

// CheckTx runs a signed transaction through CheckTx (the mempool's ante
// checks) without delivering it.
func (h *Harness) CheckTx(tx Tx) *abci.ResponseCheckTx {
	h.t.Helper()
	res, err := h.App.CheckTx(&abci.RequestCheckTx{Tx: tx.Bytes, Type: abci.CheckTxType_New})
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// DeliverBlock commits a block dt after the last one containing txs and
// returns their results in order.
func (h *Harness) DeliverBlock(dt time.Duration, txs ...Tx) []*abci.ExecTxResult {
	h.t.Helper()
	raw := make([][]byte, len(txs))
	for i, tx := range txs {
		raw[i] = tx.Bytes
	}
	h.height++
	h.time = h.time.Add(dt)
	res, err := h.App.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height: h.height,
		Time:   h.time,
		Txs:    raw,
	})
	if err != nil {
		h.t.Fatalf("FinalizeBlock at height %d: %v", h.height, err)
	}
	if _, err := h.App.Commit(); err != nil {
		h.t.Fatalf("Commit at height %d: %v", h.height, err)
	}
	return res.TxResults
}

// NextBlock commits an empty block dt after the last one.
func (h *Harness) NextBlock(dt time.Duration) {
	h.t.Helper()
	h.DeliverBlock(dt)
}

// TxConfig returns the application's transaction config.
func (h *Harness) TxConfig() client.TxConfig { return h.App.TxConfig() }

// MustGet fails the test on err and returns v.
func MustGet[T any](t testing.TB, v T, err error) T {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// String describes the harness position, for test logs.
func (h *Harness) String() string {
	return fmt.Sprintf("height %d at %s", h.height, h.time.Format(time.RFC3339))
}
