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
	var authGen authtypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[authtypes.ModuleName], &authGen); err != nil {
		return fmt.Errorf("auth genesis: %w", err)
	}
	var bankGen banktypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[banktypes.ModuleName], &bankGen); err != nil {
		return fmt.Errorf("bank genesis: %w", err)
	}

	genAccounts := make([]authtypes.GenesisAccount, 0, len(accounts))
	for _, a := range accounts {
		genAccounts = append(genAccounts, authtypes.NewBaseAccount(a.AccAddress(), nil, 0, 0))
		if !a.Coins.IsZero() {
			bankGen.Balances = append(bankGen.Balances, banktypes.Balance{Address: a.Address, Coins: a.Coins})
			bankGen.Supply = bankGen.Supply.Add(a.Coins...)
		}
	}
	packed, err := authtypes.PackAccounts(genAccounts)
	if err != nil {
		return err
	}
	authGen.Accounts = append(authGen.Accounts, packed...)
	bankGen.Balances = banktypes.SanitizeGenesisBalances(bankGen.Balances)
	bankGen.DenomMetadata = append(bankGen.DenomMetadata, denomMetadata()...)

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
