// Package network configures the Cosmos SDK's in-process multi-validator
// test network (github.com/cosmos/cosmos-sdk/testutil/network) for Carechain.
// Every validator runs the real application, CometBFT, gRPC and REST in one
// test process.
package network

import (
	"fmt"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"
	pruningtypes "cosmossdk.io/store/pruning/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdknetwork "github.com/cosmos/cosmos-sdk/testutil/network"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// ValidatorOrg is the VALIDATOR organization every test-network validator
// operator belongs to, so that their gentxs pass validator admission.
const ValidatorOrg = "test-validators"

// ValidatorMnemonic is the deterministic mnemonic of validator i's operator.
func ValidatorMnemonic(i int) string {
	return devnet.DemoMnemonic(fmt.Sprintf("network validator %d", i))
}

// DefaultConfig returns a test-network config for numValidators validators.
func DefaultConfig(t testing.TB, numValidators int) sdknetwork.Config {
	t.Helper()
	tempApp := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})
	cdc := tempApp.AppCodec()

	cfg := sdknetwork.DefaultConfig(func() sdknetwork.TestFixture {
		return sdknetwork.TestFixture{
			AppConstructor: func(val sdknetwork.ValidatorI) servertypes.Application {
				return app.NewCarechainApp(
					val.GetCtx().Logger, dbm.NewMemDB(), nil, true, app.EmptyAppOptions{},
					baseapp.SetPruning(pruningtypes.NewPruningOptionsFromString(val.GetAppConfig().Pruning)),
					baseapp.SetMinGasPrices(val.GetAppConfig().MinGasPrices),
					baseapp.SetChainID(val.GetCtx().Viper.GetString("chain-id")),
				)
			},
			GenesisState: tempApp.DefaultGenesis(),
			EncodingConfig: moduletestutil.TestEncodingConfig{
				InterfaceRegistry: tempApp.InterfaceRegistry(),
				Codec:             cdc,
				TxConfig:          tempApp.TxConfig(),
				Amino:             tempApp.LegacyAmino(),
			},
		}
	})
	cfg.NumValidators = numValidators
	cfg.ChainID = "carechain-network-1"
	cfg.BondDenom = app.BondDenom
	cfg.MinGasPrices = "0.0025" + app.BondDenom
	cfg.TimeoutCommit = 500 * time.Millisecond

	// Deterministic operators, all members of a VALIDATOR organization.
	var members []registrytypes.Membership
	for i := 0; i < numValidators; i++ {
		mnemonic := ValidatorMnemonic(i)
		cfg.Mnemonics = append(cfg.Mnemonics, mnemonic)
		bz, err := hd.Secp256k1.Derive()(mnemonic, "", hd.CreateHDPath(app.CoinType, 0, 0).String())
		if err != nil {
			t.Fatal(err)
		}
		addr := sdk.AccAddress(hd.Secp256k1.Generate()(bz).PubKey().Address())
		s, err := tempApp.AccountKeeper.AddressCodec().BytesToString(addr)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, registrytypes.Membership{OrganizationId: ValidatorOrg, Address: s})
	}
	reg := registrytypes.DefaultGenesis()
	reg.Organizations = []registrytypes.Organization{{
		Id: ValidatorOrg, Name: "Test validators", Roles: []registrytypes.Role{registrytypes.RoleValidator},
		Admin: members[0].Address, PayoutAddress: members[0].Address, Status: registrytypes.OrgStatusActive,
	}}
	reg.Memberships = members
	cfg.GenesisState[registrytypes.ModuleName] = cdc.MustMarshalJSON(reg)
	return cfg
}
