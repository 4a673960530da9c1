package devnet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/pkg/carecrypto"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

func readCometConfig(t *testing.T, home string) *cmtcfg.Config {
	t.Helper()
	v := viper.New()
	v.SetConfigFile(filepath.Join(home, "config", "config.toml"))
	require.NoError(t, v.ReadInConfig())
	cfg := cmtcfg.DefaultConfig()
	require.NoError(t, v.Unmarshal(cfg))
	return cfg
}

func TestLocalnetHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "localnet")
	net, err := devnet.Generate(context.Background(), devnet.Options{
		ChainID: app.DefaultChainID, OutputDir: home, SingleHome: true, NumValidators: 1,
		TimeoutCommit: time.Second, MinGasPrices: "0.0025ucare",
	})
	require.NoError(t, err)
	require.Len(t, net.Nodes, 1)
	require.Equal(t, "http://127.0.0.1:26657", net.Nodes[0].RPC)
	require.Equal(t, "127.0.0.1:9090", net.Nodes[0].GRPC)
	require.Equal(t, "http://127.0.0.1:1317", net.Nodes[0].REST)

	cfg := readCometConfig(t, home)
	require.Equal(t, time.Second, cfg.Consensus.TimeoutCommit, "timeout_commit is written explicitly")
	appToml, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	require.NoError(t, err)
	require.Contains(t, string(appToml), "[carechain]\n", "app.toml has Carechain's section")
	require.Contains(t, string(appToml), "query-workers = 0\n")
	require.Contains(t, string(appToml), "node-cache-mib = 0\n")
	require.Contains(t, string(appToml), fmt.Sprintf("iavl-cache-size = %d\n", app.DefaultIAVLCacheSize), "a small decoded cache in front of the node cache")
	require.Contains(t, string(appToml), `minimum-gas-prices = "0.0025ucare"`, "and the SDK's")

	// Every demo key is in the test keyring, and the funded ones are funded.
	cdc := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{}).AppCodec()
	kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, home, nil, cdc)
	require.NoError(t, err)
	for _, name := range []string{devnet.Validator, devnet.Consortium, devnet.MercyAdmin, devnet.AcmeAdmin, devnet.NorthwindAdmin, devnet.IRBAdmin, devnet.Alice, devnet.Bob, devnet.Carol} {
		_, err := kr.Key(name)
		require.NoError(t, err, name)
		acct, ok := net.Account(name)
		require.True(t, ok, name)
		if name == devnet.Carol {
			require.True(t, acct.Coins.IsZero(), "carol holds no tokens")
		} else {
			require.True(t, acct.Coins.AmountOf(app.BondDenom).IsPositive(), name)
			require.True(t, acct.Coins.AmountOf(app.SettlementDenom).IsPositive(), name)
		}
	}

	gen, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, app.DefaultChainID, gen.ChainID)
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &state))
	require.Contains(t, string(state["feegrant"]), mustAccount(t, net, devnet.Carol).Address, "carol has a fee allowance")

	// Every demo account has published the encryption key its keyring key
	// derives (what `carechaind keys encryption-key NAME` prints).
	var reg registrytypes.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(state[registrytypes.ModuleName], &reg))
	published := map[string][]byte{}
	for _, k := range reg.EncryptionKeys {
		published[k.Owner] = k.X25519PublicKey
	}
	for _, name := range []string{devnet.Validator, devnet.MercyAdmin, devnet.AcmeAdmin, devnet.Alice, devnet.Bob, devnet.Carol} {
		rec, err := kr.Key(name)
		require.NoError(t, err)
		pk, err := rec.GetPubKey()
		require.NoError(t, err)
		addr := mustAccount(t, net, name).Address
		key, err := carecrypto.DeriveEncryptionKeyWith(addr, pk.Bytes(), func(msg []byte) ([]byte, error) {
			sig, _, err := kr.Sign(name, msg, signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON)
			return sig, err
		})
		require.NoError(t, err)
		require.Equal(t, key.PublicKey().Bytes(), published[addr], name)
	}

	client, err := os.ReadFile(filepath.Join(home, "config", "client.toml"))
	require.NoError(t, err)
	require.Contains(t, string(client), `chain-id = "carechain-local-1"`)
	require.Contains(t, string(client), `keyring-backend = "test"`)

	// Running again refuses to overwrite the chain.
	_, err = devnet.Generate(context.Background(), devnet.Options{
		ChainID: app.DefaultChainID, OutputDir: home, SingleHome: true, NumValidators: 1,
		TimeoutCommit: time.Second, MinGasPrices: "0.0025ucare",
	})
	require.ErrorContains(t, err, "already holds a chain")
}

func mustAccount(t *testing.T, net *devnet.Network, name string) devnet.Account {
	t.Helper()
	a, ok := net.Account(name)
	require.True(t, ok)
	return a
}

func TestTestnetNodesUseDistinctLoopbackPorts(t *testing.T) {
	dir := t.TempDir()
	net, err := devnet.Generate(context.Background(), devnet.Options{
		ChainID: "carechain-testnet-1", OutputDir: dir, NumValidators: 4, PortOffset: 100,
		TimeoutCommit: time.Second, MinGasPrices: "0.0025ucare", SnapshotInterval: 20,
	})
	require.NoError(t, err)
	require.Len(t, net.Nodes, 4)
	seen := map[string]bool{}
	for i, n := range net.Nodes {
		for _, addr := range []string{n.P2P, n.RPC, n.GRPC, n.REST} {
			require.True(t, strings.Contains(addr, "127.0.0.1:"), addr)
			require.False(t, seen[addr], "port reused: %s", addr)
			seen[addr] = true
		}
		cfg := readCometConfig(t, n.Home)
		require.Equal(t, "tcp://"+n.P2P, cfg.P2P.ListenAddress)
		require.Equal(t, time.Second, cfg.Consensus.TimeoutCommit)
		peers := strings.Split(cfg.P2P.PersistentPeers, ",")
		require.Len(t, peers, 3, "node %d peers with the three others", i)
		require.NotContains(t, cfg.P2P.PersistentPeers, n.NodeID)
	}
	// One genesis, byte for byte, on every node.
	first, err := os.ReadFile(filepath.Join(net.Nodes[0].Home, "config", "genesis.json"))
	require.NoError(t, err)
	for _, n := range net.Nodes[1:] {
		other, err := os.ReadFile(filepath.Join(n.Home, "config", "genesis.json"))
		require.NoError(t, err)
		require.Equal(t, first, other)
	}
}

// Generate runs genesis hooks after the demo state and lets the caller adjust
// each node's configuration; AddAccounts numbers the accounts it adds after
// the ones already listed, so a client knows them without asking the chain.
func TestGenerateHooksAndExtraAccounts(t *testing.T) {
	home := filepath.Join(t.TempDir(), "bench")
	extra := []devnet.Account{
		devnet.NewAccount("extra-0", "", sdk.AccAddress("extra-account-0-____")),
		devnet.NewAccount("extra-1", "", sdk.AccAddress("extra-account-1-____")),
	}
	var listedBefore int
	hook := func(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *devnet.Network) error {
		require.NotEmpty(t, net.Accounts, "hooks see the demo accounts")
		var auth authtypes.GenesisState
		require.NoError(t, cdc.UnmarshalJSON(genState[authtypes.ModuleName], &auth))
		listedBefore = len(auth.Accounts)
		for i := range extra {
			extra[i] = devnet.NewAccount(extra[i].Name, mustBech32(t, extra[i].AccAddress()), extra[i].AccAddress())
			extra[i].Coins = sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 7))
		}
		return devnet.AddAccounts(cdc, genState, extra)
	}
	_, err := devnet.Generate(context.Background(), devnet.Options{
		ChainID: "carechain-bench-1", OutputDir: home, SingleHome: true, NumValidators: 1,
		TimeoutCommit: time.Second, MinGasPrices: "0.0025ucare",
		GenesisHooks: []devnet.GenesisHook{hook},
		ConfigureNode: func(i int, cmt *cmtcfg.Config, appCfg *serverconfig.Config) {
			cmt.TxIndex.Indexer = "null"
			appCfg.Pruning = "everything"
		},
	})
	require.NoError(t, err)
	require.Equal(t, "null", readCometConfig(t, home).TxIndex.Indexer)
	appToml, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	require.NoError(t, err)
	require.Contains(t, string(appToml), `pruning = "everything"`)

	gen, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &state))
	cdc := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{}).AppCodec()
	var auth authtypes.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(state[authtypes.ModuleName], &auth))
	accounts, err := authtypes.UnpackAccounts(auth.Accounts)
	require.NoError(t, err)
	numbers := map[string]uint64{}
	for _, a := range accounts {
		numbers[a.GetAddress().String()] = a.GetAccountNumber()
	}
	for i, e := range extra {
		require.Equal(t, uint64(listedBefore+i), numbers[e.AccAddress().String()], e.Name)
	}
	require.Contains(t, string(state["bank"]), extra[1].Address, "extra accounts are funded")
}

func mustBech32(t *testing.T, addr sdk.AccAddress) string {
	t.Helper()
	s, err := sdk.Bech32ifyAddressBytes(app.Bech32Prefix, addr)
	require.NoError(t, err)
	return s
}

// TestMaxBlockGasInGenesis: Options.MaxBlockGas is the genesis block gas
// limit (what the load generator's --max-block-gas sets); zero keeps
// CometBFT's default (no limit), and a value CometBFT would refuse is
// refused before any file is written.
func TestMaxBlockGasInGenesis(t *testing.T) {
	maxGas := func(home string) int64 {
		gen, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		return gen.Consensus.Params.Block.MaxGas
	}
	generate := func(home string, gas int64) error {
		_, err := devnet.Generate(context.Background(), devnet.Options{
			ChainID: app.DefaultChainID, OutputDir: home, SingleHome: true, NumValidators: 1,
			TimeoutCommit: time.Second, MinGasPrices: "0.0025ucare", MaxBlockGas: gas,
		})
		return err
	}
	dir := t.TempDir()
	require.NoError(t, generate(filepath.Join(dir, "limited"), 600_000_000))
	require.Equal(t, int64(600_000_000), maxGas(filepath.Join(dir, "limited")))
	require.NoError(t, generate(filepath.Join(dir, "default"), 0))
	require.Equal(t, int64(-1), maxGas(filepath.Join(dir, "default")), "CometBFT's default: no limit")
	err := generate(filepath.Join(dir, "invalid"), -5)
	require.ErrorContains(t, err, "max block gas -5")
	_, statErr := os.Stat(filepath.Join(dir, "invalid", "config", "genesis.json"))
	require.True(t, os.IsNotExist(statErr), "no genesis written for a refused limit")
}
