package network_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdknetwork "github.com/cosmos/cosmos-sdk/testutil/network"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/cmd/carechaind/cmd"
	"github.com/carechain/carechain/testutil/network"
)

// TestNetworkBankSend runs three validators in process, checks they produce
// blocks, then uses the real carechaind command tree — `keys add` and
// `tx bank send` — against the first validator and checks the balance moved
// by exactly the amount.
func TestNetworkBankSend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-validator network")
	}
	cfg := network.DefaultConfig(t, 3)
	net, err := sdknetwork.New(t, t.TempDir(), cfg)
	require.NoError(t, err)
	defer net.Cleanup()

	h1, err := net.WaitForHeight(3)
	require.NoError(t, err)
	require.GreaterOrEqual(t, h1, int64(3))

	val := net.Validators[0]
	clientCtx := val.ClientCtx

	keyFlags := []string{"--home", clientCtx.KeyringDir, "--keyring-backend", "test"}
	txFlags := append([]string{"--node", val.RPCAddress, "--chain-id", cfg.ChainID}, keyFlags...)
	run := func(args ...string) string {
		t.Helper()
		root := cmd.NewRootCmd()
		var out strings.Builder
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(args)
		// svrcmd.Execute adds the --home and logging flags, as main does.
		require.NoError(t, svrcmd.Execute(root, "CARECHAIND", clientCtx.HomeDir), out.String())
		return out.String()
	}

	// keys add and tx bank send through the real carechaind command tree.
	run(append([]string{"keys", "add", "dana", "--output", "json"}, keyFlags...)...)
	rec, err := clientCtx.Keyring.Key("dana")
	require.NoError(t, err)
	dana, err := rec.GetAddress()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(dana.String(), app.Bech32Prefix+"1"))

	amount := sdk.NewCoin(app.BondDenom, sdkmath.NewInt(4_321))
	run(append([]string{"tx", "bank", "send", val.Address.String(), dana.String(), amount.String(),
		"--from", val.Address.String(), "--yes", "--broadcast-mode", "sync",
		"--fees", "1000" + app.BondDenom, "--output", "json"}, txFlags...)...)
	require.NoError(t, net.WaitForNextBlock())
	require.NoError(t, net.WaitForNextBlock())

	bank := banktypes.NewQueryClient(clientCtx)
	res, err := bank.Balance(t.Context(), &banktypes.QueryBalanceRequest{Address: dana.String(), Denom: app.BondDenom})
	require.NoError(t, err)
	require.Equal(t, amount, *res.Balance)

	// Every validator keeps producing blocks.
	h2, err := net.WaitForHeight(h1 + 2)
	require.NoError(t, err)
	require.Greater(t, h2, h1)
}
