package cmd

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
)

const (
	// DefaultTimeoutCommit is the commit timeout new production node homes
	// get from `carechaind init`.
	DefaultTimeoutCommit = 2 * time.Second
	// DefaultMinGasPrices is the minimum gas price new node homes accept.
	DefaultMinGasPrices = "0.0025" + app.BondDenom

	devTimeoutCommit = time.Second

	flagNumValidators    = "v"
	flagOutputDir        = "output-dir"
	flagNodeDirPrefix    = "node-dir-prefix"
	flagPortOffset       = "port-offset"
	flagTimeoutCommit    = "timeout-commit"
	flagSnapshotInterval = "snapshot-interval"
)

// NewTestnetCmd returns `carechaind testnet` with the devnet generators.
func NewTestnetCmd(_ module.BasicManager) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "testnet",
		Short:                      "Generate local development networks (localnet, multi-validator testnet)",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(testnetInitFilesCmd(), localnetCmd())
	return cmd
}

func testnetInitFilesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init-files",
		Short: "Write N validator homes that run as separate processes on 127.0.0.1 with distinct ports",
		Long: `init-files writes one home per validator (node0, node1, ...) under --output-dir,
with a shared genesis, the demo accounts in each node's test keyring, persistent
peers pointing at each other, and every listener on 127.0.0.1.

Node i adds port-offset*(i+1) to the standard ports: with the default offset of
100, node0 serves RPC on 26757, gRPC on 9190 and REST on 1417; node1 on 26857,
9290 and 1517; and so on. Start each with:

  carechaind start --home <output-dir>/node<i>

'make testnet' does all of this in the background.`,
		Example: "carechaind testnet init-files --v 4 --output-dir ./.testnet --chain-id carechain-testnet-1",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := devnet.Options{}
			opts.NumValidators, _ = cmd.Flags().GetInt(flagNumValidators)
			opts.OutputDir, _ = cmd.Flags().GetString(flagOutputDir)
			opts.ChainID, _ = cmd.Flags().GetString(flags.FlagChainID)
			opts.NodeDirPrefix, _ = cmd.Flags().GetString(flagNodeDirPrefix)
			opts.PortOffset, _ = cmd.Flags().GetInt(flagPortOffset)
			opts.TimeoutCommit, _ = cmd.Flags().GetDuration(flagTimeoutCommit)
			opts.MinGasPrices, _ = cmd.Flags().GetString(server.FlagMinGasPrices)
			opts.SnapshotInterval, _ = cmd.Flags().GetUint64(flagSnapshotInterval)
			if opts.PortOffset <= 0 {
				return fmt.Errorf("--%s must be positive so that nodes do not share ports", flagPortOffset)
			}
			net, err := devnet.Generate(cmd.Context(), opts)
			if err != nil {
				return err
			}
			printNetwork(cmd.OutOrStdout(), net)
			return nil
		},
	}
	cmd.Flags().Int(flagNumValidators, 4, "Number of validators")
	cmd.Flags().StringP(flagOutputDir, "o", "./.testnet", "Directory that receives the node homes")
	cmd.Flags().String(flags.FlagChainID, "carechain-testnet-1", "Chain ID")
	cmd.Flags().String(flagNodeDirPrefix, "node", "Prefix of each node's directory name")
	cmd.Flags().Int(flagPortOffset, 100, "Node i listens on the standard ports plus port-offset*(i+1)")
	cmd.Flags().Duration(flagTimeoutCommit, devTimeoutCommit, "CometBFT timeout_commit (block interval)")
	cmd.Flags().String(server.FlagMinGasPrices, DefaultMinGasPrices, "Minimum gas prices every node accepts")
	cmd.Flags().Uint64(flagSnapshotInterval, 20, "State-sync snapshot interval in blocks (0 disables)")
	return cmd
}

func localnetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "localnet",
		Short: "Write a single-validator development chain with demo accounts into --home",
		Long: `localnet writes a single-validator chain into --home: genesis, node configuration
(RPC 26657, gRPC 9090, REST 1317 on 127.0.0.1, about one block per second), a
client.toml (chain-id, test keyring, node) and the demo keys:

  validator, consortium, mercy-admin, acme-admin, northwind-admin, irb-admin,
  alice and bob (funded with ucare and uusd), and carol, who holds no tokens
  and pays fees through a fee allowance from consortium.

The demo mnemonics are derived from public strings: never use them for value.
'make localnet' runs this once and then starts the node.`,
		Example: "carechaind testnet localnet --home ./.localnet && carechaind start --home ./.localnet",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			opts := devnet.Options{SingleHome: true, NumValidators: 1}
			opts.OutputDir = clientCtx.HomeDir
			if home, _ := cmd.Flags().GetString(flags.FlagHome); home != "" {
				opts.OutputDir = home
			}
			opts.ChainID, _ = cmd.Flags().GetString(flags.FlagChainID)
			opts.PortOffset, _ = cmd.Flags().GetInt(flagPortOffset)
			opts.TimeoutCommit, _ = cmd.Flags().GetDuration(flagTimeoutCommit)
			opts.MinGasPrices, _ = cmd.Flags().GetString(server.FlagMinGasPrices)
			opts.SnapshotInterval, _ = cmd.Flags().GetUint64(flagSnapshotInterval)
			abs, err := filepath.Abs(opts.OutputDir)
			if err != nil {
				return err
			}
			opts.OutputDir = abs
			net, err := devnet.Generate(cmd.Context(), opts)
			if err != nil {
				return err
			}
			printNetwork(cmd.OutOrStdout(), net)
			return nil
		},
	}
	cmd.Flags().String(flags.FlagChainID, app.DefaultChainID, "Chain ID")
	cmd.Flags().Int(flagPortOffset, 0, "Added to every standard port (0 keeps 26657, 9090, 1317)")
	cmd.Flags().Duration(flagTimeoutCommit, devTimeoutCommit, "CometBFT timeout_commit (block interval)")
	cmd.Flags().String(server.FlagMinGasPrices, DefaultMinGasPrices, "Minimum gas prices the node accepts")
	cmd.Flags().Uint64(flagSnapshotInterval, 0, "State-sync snapshot interval in blocks (0 disables)")
	return cmd
}

func printNetwork(w io.Writer, net *devnet.Network) {
	fmt.Fprintf(w, "chain-id: %s\n\n", net.ChainID)
	for _, n := range net.Nodes {
		fmt.Fprintf(w, "node %-9s home %s\n  RPC  %s\n  gRPC %s\n  REST %s\n", n.Moniker, n.Home, n.RPC, n.GRPC, n.REST)
	}
	fmt.Fprintln(w, "\naccounts (test keyring in each node home):")
	for _, a := range net.Accounts {
		coins := a.Coins.String()
		if coins == "" {
			coins = "no tokens"
		}
		fmt.Fprintf(w, "  %-16s %s  %s\n  %-16s %s\n", a.Name, a.Address, coins, "", a.Role)
	}
}
