package devnet

import (
	"encoding/json"
	"fmt"
	"time"

	"cosmossdk.io/x/feegrant"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/carechain/carechain/app"
)

// Governance timing on development networks: a proposal passes in under a
// minute (deposit, 20 s vote, tally).
const (
	DevVotingPeriod          = 20 * time.Second
	DevExpeditedVotingPeriod = 10 * time.Second
)

// PatientFeeAllowance is what consortium grants carol in genesis: enough for
// thousands of transactions at the devnet gas price.
var PatientFeeAllowance = sdk.NewCoins(ucare(100 * million))

func setAccountsAndBalances(cdc codec.JSONCodec, genState map[string]json.RawMessage, accounts []Account) error {
	if err := addAccounts(cdc, genState, accounts, false); err != nil {
		return err
	}
	var bankGen banktypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[banktypes.ModuleName], &bankGen); err != nil {
		return fmt.Errorf("bank genesis: %w", err)
	}
	bankGen.DenomMetadata = append(bankGen.DenomMetadata, denomMetadata()...)
	genState[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	return nil
}

// AddAccounts adds base accounts holding their Coins to the auth and bank
// genesis. Each gets an explicit account number, counting on from the
// accounts already listed, so that a client can sign for it offline
// without asking the chain (the demo accounts, listed first with number
// zero, are numbered 0, 1, 2, ... by x/auth in the order listed).
func AddAccounts(cdc codec.JSONCodec, genState map[string]json.RawMessage, accounts []Account) error {
	return addAccounts(cdc, genState, accounts, true)
}

func addAccounts(cdc codec.JSONCodec, genState map[string]json.RawMessage, accounts []Account, numbered bool) error {
	var authGen authtypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[authtypes.ModuleName], &authGen); err != nil {
		return fmt.Errorf("auth genesis: %w", err)
	}
	var bankGen banktypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[banktypes.ModuleName], &bankGen); err != nil {
		return fmt.Errorf("bank genesis: %w", err)
	}

	next := uint64(len(authGen.Accounts))
	genAccounts := make([]authtypes.GenesisAccount, 0, len(accounts))
	supply := sdk.NewCoins()
	for i, a := range accounts {
		var number uint64
		if numbered {
			number = next + uint64(i)
		}
		genAccounts = append(genAccounts, authtypes.NewBaseAccount(a.AccAddress(), a.PubKey, number, 0))
		if !a.Coins.IsZero() {
			bankGen.Balances = append(bankGen.Balances, banktypes.Balance{Address: a.Address, Coins: a.Coins})
			supply = supply.Add(a.Coins...)
		}
	}
	packed, err := authtypes.PackAccounts(genAccounts)
	if err != nil {
		return err
	}
	authGen.Accounts = append(authGen.Accounts, packed...)
	bankGen.Balances = banktypes.SanitizeGenesisBalances(bankGen.Balances)
	bankGen.Supply = bankGen.Supply.Add(supply...)

	genState[authtypes.ModuleName] = cdc.MustMarshalJSON(&authGen)
	genState[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	return nil
}

// applyDemoState adds what the walkthroughs need beyond funded accounts:
// fast governance and carol's fee allowance. Modules that need demo state
// (organizations, plans, a study) add it here.
func applyDemoState(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *Network) error {
	// Governance: fast enough to demonstrate a proposal end to end.
	var govGen govv1.GenesisState
	if err := cdc.UnmarshalJSON(genState[govtypes.ModuleName], &govGen); err != nil {
		return fmt.Errorf("gov genesis: %w", err)
	}
	voting, expedited := DevVotingPeriod, DevExpeditedVotingPeriod
	govGen.Params.VotingPeriod = &voting
	govGen.Params.ExpeditedVotingPeriod = &expedited
	govGen.Params.MinDeposit = sdk.NewCoins(ucare(10 * million))
	govGen.Params.ExpeditedMinDeposit = sdk.NewCoins(ucare(50 * million))
	genState[govtypes.ModuleName] = cdc.MustMarshalJSON(&govGen)

	// Fee allowance: patients never have to buy tokens.
	consortium, _ := net.Account(Consortium)
	carol, _ := net.Account(Carol)
	grant, err := feegrant.NewGrant(consortium.AccAddress(), carol.AccAddress(), &feegrant.BasicAllowance{SpendLimit: PatientFeeAllowance})
	if err != nil {
		return err
	}
	var fgGen feegrant.GenesisState
	if err := cdc.UnmarshalJSON(genState[feegrant.ModuleName], &fgGen); err != nil {
		return fmt.Errorf("feegrant genesis: %w", err)
	}
	fgGen.Allowances = append(fgGen.Allowances, grant)
	genState[feegrant.ModuleName] = cdc.MustMarshalJSON(&fgGen)

	// Module demo state, in dependency order.
	if err := applyRegistryDemo(cdc, genState, net); err != nil {
		return err
	}
	if err := applyClaimsDemo(cdc, genState, net); err != nil {
		return err
	}
	return applyResearchDemo(cdc, genState, net)
}

func denomMetadata() []banktypes.Metadata {
	meta := func(base, display, name, symbol string) banktypes.Metadata {
		return banktypes.Metadata{
			Description: name,
			Base:        base,
			Display:     display,
			Name:        name,
			Symbol:      symbol,
			DenomUnits: []*banktypes.DenomUnit{
				{Denom: base, Exponent: 0},
				{Denom: display, Exponent: 6},
			},
		}
	}
	return []banktypes.Metadata{
		meta(app.BondDenom, "care", "Carechain staking and fee token", "CARE"),
		meta(app.SettlementDenom, "usd", "Settlement test dollar (devnets only)", "USD"),
	}
}
