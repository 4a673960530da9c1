package app

import (
	"os"
	"path/filepath"
	"sync"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// AppName is the name baked into the ABCI application.
	AppName = "carechain"

	// Bech32Prefix is the human-readable part of every account address (care1...).
	Bech32Prefix = "care"

	// BondDenom is the staking and fee denomination.
	BondDenom = "ucare"

	// SettlementDenom is the test settlement denomination the localnet mints
	// for claims and study incentives. It has no special meaning on chain.
	SettlementDenom = "uusd"

	// DefaultChainID is the chain-id of the local development network.
	DefaultChainID = "carechain-local-1"

	// CoinType is the BIP-44 coin type; 118 is the Cosmos default, which is
	// what wallets such as Keplr derive for unknown Cosmos chains.
	CoinType = 118
)

// DefaultNodeHome is the default home directory of carechaind.
var DefaultNodeHome = func() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".carechaind"
	}
	return filepath.Join(home, ".carechaind")
}()

var setConfigOnce sync.Once

// SetAddressPrefixes configures the SDK's process-wide bech32 prefixes, coin
// type and default bond denom for Carechain. It is idempotent and is called
// by the binary's main and by test helpers; keepers never read this global,
// they receive address codecs instead.
func SetAddressPrefixes() {
	setConfigOnce.Do(func() {
		cfg := sdk.GetConfig()
		cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32Prefix+sdk.PrefixPublic)
		cfg.SetBech32PrefixForValidator(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator, Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
		cfg.SetBech32PrefixForConsensusNode(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus, Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
		cfg.SetCoinType(CoinType)
		cfg.Seal()

		// Module default genesis (staking bond denom, gov deposits) reads this.
		sdk.DefaultBondDenom = BondDenom
	})
}

func init() {
	SetAddressPrefixes()
}
