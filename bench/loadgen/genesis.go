package loadgen

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/core/address"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
)

// Sender is one benchmark account with a deterministic key. A lane sends
// only from its own sender, so the account number and sequence are known
// without asking the chain.
type Sender struct {
	// Label and Index derive the key: the same pair always gives the same
	// account.
	Label string
	Index int

	Priv    *secp256k1.PrivKey
	Addr    sdk.AccAddress
	Address string
	// AccountNumber is fixed in genesis.
	AccountNumber uint64
	// Sequence is the next sequence to sign with.
	Sequence uint64
}

var addrCodec address.Codec = addresscodec.NewBech32Codec(app.Bech32Prefix)

// NewSender derives the signing key of benchmark account label/i.
func NewSender(label string, i int) *Sender {
	secret := sha256.Sum256([]byte("carechain bench key: " + label + "/" + strconv.Itoa(i)))
	priv := secp256k1.GenPrivKeyFromSecret(secret[:])
	addr := sdk.AccAddress(priv.PubKey().Address())
	s, err := addrCodec.BytesToString(addr)
	if err != nil {
		panic(err)
	}
	return &Sender{Label: label, Index: i, Priv: priv, Addr: addr, Address: s}
}

// Address derives a deterministic address that has no key (a party that
// only appears in state: a patient whose consents are queried, a payee).
func Address(label string, i int) (sdk.AccAddress, string) {
	h := sha256.Sum256([]byte("carechain bench address: " + label + "/" + strconv.Itoa(i)))
	addr := sdk.AccAddress(h[:20])
	s, err := addrCodec.BytesToString(addr)
	if err != nil {
		panic(err)
	}
	return addr, s
}

// SenderCoins is what every benchmark account holds at genesis: enough for
// millions of transactions' fees and transfers.
var SenderCoins = sdk.NewCoins(
	sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000_000_000)),
	sdk.NewCoin(app.SettlementDenom, sdkmath.NewInt(1_000_000_000_000)),
)

// Genesis is what a workload's Genesis function edits.
type Genesis struct {
	Codec codec.JSONCodec
	// State is the app state, module name to JSON.
	State map[string]json.RawMessage
	// Net holds the demo accounts (devnet.Alice, devnet.MercyAdmin, ...) and
	// the validator nodes; the demo organizations (devnet.OrgMercy, ...)
	// exist in the registry genesis.
	Net *devnet.Network
	// Senders are the workload's funded sending accounts, in lane order.
	Senders []*Sender
	// Size is how many objects a query workload should create.
	Size int
}

// Edit decodes module's genesis into gs, calls edit and stores the result.
//
//	var gs consenttypes.GenesisState
//	err := g.Edit(consenttypes.ModuleName, &gs, func() error {
//		gs.Consents = append(gs.Consents, ...)
//		return nil
//	})
func (g *Genesis) Edit(module string, gs proto.Message, edit func() error) error {
	raw, ok := g.State[module]
	if !ok {
		return fmt.Errorf("genesis has no module %q", module)
	}
	if err := g.Codec.UnmarshalJSON(raw, gs); err != nil {
		return fmt.Errorf("%s genesis: %w", module, err)
	}
	if err := edit(); err != nil {
		return fmt.Errorf("%s genesis: %w", module, err)
	}
	bz, err := g.Codec.MarshalJSON(gs)
	if err != nil {
		return err
	}
	g.State[module] = bz
	return nil
}

// Addr returns the bech32 address of a demo account (devnet.Alice, ...).
func (g *Genesis) Addr(name string) string {
	a, ok := g.Net.Account(name)
	if !ok {
		panic(fmt.Sprintf("no demo account %q", name))
	}
	return a.Address
}

// NewAccounts creates n funded accounts label/0 ... label/n-1 with
// deterministic keys and known account numbers (patients who sign, staff of
// a provider, ...).
func (g *Genesis) NewAccounts(label string, n int, coins sdk.Coins) ([]*Sender, error) {
	senders := make([]*Sender, n)
	for i := range senders {
		senders[i] = NewSender(label, i)
	}
	return senders, addSenders(g.Codec, g.State, senders, coins)
}

// addSenders funds senders in genesis and records their account numbers.
func addSenders(cdc codec.JSONCodec, genState map[string]json.RawMessage, senders []*Sender, coins sdk.Coins) error {
	var authGen authtypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[authtypes.ModuleName], &authGen); err != nil {
		return fmt.Errorf("auth genesis: %w", err)
	}
	first := uint64(len(authGen.Accounts))
	accounts := make([]devnet.Account, len(senders))
	for i, s := range senders {
		accounts[i] = devnet.NewAccount(fmt.Sprintf("%s/%d", s.Label, s.Index), s.Address, s.Addr)
		accounts[i].Coins = coins
		// The key is on chain from the start, as for any account that has
		// signed before: a sender's first transaction costs what its others do.
		accounts[i].PubKey = s.Priv.PubKey()
	}
	if err := devnet.AddAccounts(cdc, genState, accounts); err != nil {
		return err
	}
	for i, s := range senders {
		s.AccountNumber = first + uint64(i)
		s.Sequence = 0
	}
	return nil
}

// NewGenesisHook returns the devnet genesis hook that funds senders (each
// workload's, by workload name) and runs every workload's and query's
// Genesis function; queries get querySize as g.Size. Tests use it with
// testutil/apptest to run workloads on the in-process app.
func NewGenesisHook(ws []*Workload, senders map[string][]*Sender, qs []*Query, querySize int) devnet.GenesisHook {
	b := &benchGenesis{workloads: ws, senders: senders, queries: qs, querySize: querySize}
	return b.hook
}

// benchGenesis is the devnet hook that adds every workload's senders and
// fixtures and every query's objects.
type benchGenesis struct {
	workloads []*Workload
	senders   map[string][]*Sender
	queries   []*Query
	querySize int
}

func (b *benchGenesis) hook(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *devnet.Network) error {
	for _, w := range b.workloads {
		if err := addSenders(cdc, genState, b.senders[w.Name], SenderCoins); err != nil {
			return fmt.Errorf("workload %s: %w", w.Name, err)
		}
	}
	for _, w := range b.workloads {
		if w.Genesis == nil {
			continue
		}
		g := &Genesis{Codec: cdc, State: genState, Net: net, Senders: b.senders[w.Name]}
		if err := w.Genesis(g); err != nil {
			return fmt.Errorf("workload %s genesis: %w", w.Name, err)
		}
	}
	for _, q := range b.queries {
		if q.Genesis == nil {
			continue
		}
		g := &Genesis{Codec: cdc, State: genState, Net: net, Size: b.querySize}
		if err := q.Genesis(g); err != nil {
			return fmt.Errorf("query %s genesis: %w", q.Name, err)
		}
	}
	return nil
}
