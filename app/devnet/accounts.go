// Package devnet generates development networks: the single-validator
// localnet (`make localnet`) and the multi-validator loopback testnet
// (`make testnet`). Both share one genesis builder and one set of demo
// accounts so that every walkthrough in the READMEs works on either.
//
// The demo mnemonics are derived from public strings. They are for local
// development only and must never hold value on a real network.
package devnet

import (
	"crypto/sha256"
	"fmt"

	"github.com/cosmos/go-bip39"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/hd"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
)

// Demo account names, in the order they are listed to users.
const (
	Validator      = "validator"
	Consortium     = "consortium"
	MercyAdmin     = "mercy-admin"
	AcmeAdmin      = "acme-admin"
	NorthwindAdmin = "northwind-admin"
	IRBAdmin       = "irb-admin"
	Alice          = "alice"
	Bob            = "bob"
	Carol          = "carol"
)

// Account is one key of the development network.
type Account struct {
	Name     string         `json:"name"`
	Role     string         `json:"role"`
	Address  string         `json:"address"`
	Mnemonic string         `json:"mnemonic"`
	Coins    sdk.Coins      `json:"coins"`
	addr     sdk.AccAddress `json:"-"`

	// PubKey, if set, is written into the genesis account by AddAccounts (an
	// account that has signed before: its first transaction does not add
	// its key to state).
	PubKey cryptotypes.PubKey `json:"-"`
}

// AccAddress returns the account's address bytes.
func (a Account) AccAddress() sdk.AccAddress { return a.addr }

// DemoMnemonic returns the deterministic 24-word mnemonic of a demo key.
func DemoMnemonic(name string) string {
	entropy := sha256.Sum256([]byte("carechain devnet key: " + name))
	m, err := bip39.NewMnemonic(entropy[:])
	if err != nil {
		panic(err) // 32 bytes of entropy is always valid
	}
	return m
}

func ucare(n int64) sdk.Coin { return sdk.NewCoin(app.BondDenom, sdkmath.NewInt(n)) }
func uusd(n int64) sdk.Coin  { return sdk.NewCoin(app.SettlementDenom, sdkmath.NewInt(n)) }

const (
	million  = 1_000_000
	billion  = 1_000 * million
	trillion = 1_000 * billion
)

// demoAccountSpecs lists the non-validator demo accounts and their balances.
// carol deliberately holds nothing: her fees are paid by a fee allowance
// from consortium.
func demoAccountSpecs() []Account {
	return []Account{
		{Name: Consortium, Role: "consortium treasury; grants fee allowances to patients", Coins: sdk.NewCoins(ucare(trillion), uusd(trillion))},
		{Name: MercyAdmin, Role: "admin of mercy-general (provider)", Coins: sdk.NewCoins(ucare(10*billion), uusd(10*billion))},
		{Name: AcmeAdmin, Role: "admin of acme-health (payer)", Coins: sdk.NewCoins(ucare(10*billion), uusd(trillion))},
		{Name: NorthwindAdmin, Role: "admin of northwind-research (research sponsor)", Coins: sdk.NewCoins(ucare(10*billion), uusd(trillion))},
		{Name: IRBAdmin, Role: "admin of citizens-irb (ethics board)", Coins: sdk.NewCoins(ucare(10*billion), uusd(10*billion))},
		{Name: Alice, Role: "patient", Coins: sdk.NewCoins(ucare(10*billion), uusd(10*billion))},
		{Name: Bob, Role: "patient", Coins: sdk.NewCoins(ucare(10*billion), uusd(10*billion))},
		{Name: Carol, Role: "patient without tokens; fees paid by consortium's fee allowance", Coins: sdk.NewCoins()},
	}
}

// validatorAccountSpec returns the operator account of validator i. The
// localnet's single validator is named "validator"; testnet validators are
// node0, node1, ...
func validatorAccountSpec(name string) Account {
	return Account{Name: name, Role: "validator operator", Coins: sdk.NewCoins(ucare(trillion), uusd(10*billion))}
}

// ValidatorSelfDelegation is the stake each devnet validator bonds at genesis.
var ValidatorSelfDelegation = sdkmath.NewInt(100 * billion)

func (a *Account) derive(codecAddr func([]byte) (string, error), addr sdk.AccAddress) error {
	s, err := codecAddr(addr)
	if err != nil {
		return fmt.Errorf("encoding address of %s: %w", a.Name, err)
	}
	a.addr = addr
	a.Address = s
	return nil
}

// DemoPrivKey returns the secp256k1 private key of a demo key (tests sign
// with it directly instead of going through a keyring).
func DemoPrivKey(name string) cryptotypes.PrivKey {
	bz, err := hd.Secp256k1.Derive()(DemoMnemonic(name), "", hd.CreateHDPath(app.CoinType, 0, 0).String())
	if err != nil {
		panic(err)
	}
	return hd.Secp256k1.Generate()(bz)
}

// NewAccount describes an account that exists outside the demo set.
func NewAccount(name, address string, addr sdk.AccAddress) Account {
	return Account{Name: name, Address: address, addr: addr}
}
