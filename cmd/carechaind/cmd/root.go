// Package cmd holds the carechaind command tree: node commands from the SDK
// server, key management, genesis tools, autocli-generated tx and query
// commands, and the localnet/testnet generators.
package cmd

import (
	"os"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtcli "github.com/cometbft/cometbft/libs/cli"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"

	"cosmossdk.io/log"
	confixcmd "cosmossdk.io/tools/confix/cmd"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/config"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	"github.com/cosmos/cosmos-sdk/types/module"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	"github.com/cosmos/cosmos-sdk/x/auth/types"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"

	"github.com/carechain/carechain/app"
)

// NewRootCmd builds the carechaind root command.
func NewRootCmd() *cobra.Command {
	app.SetAddressPrefixes()

	// A throw-away app instance provides the codecs, module basics and the
	// autocli options the CLI is generated from.
	tempApp := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})

	initClientCtx := client.Context{}.
		WithCodec(tempApp.AppCodec()).
		WithInterfaceRegistry(tempApp.InterfaceRegistry()).
		WithTxConfig(tempApp.TxConfig()).
		WithLegacyAmino(tempApp.LegacyAmino()).
		WithInput(os.Stdin).
		WithAccountRetriever(types.AccountRetriever{}).
		WithHomeDir(app.DefaultNodeHome).
		WithViper("CARECHAIND")

	rootCmd := &cobra.Command{
		Use:           "carechaind",
		Short:         "Carechain node and client: patient-controlled consent, medical record anchoring, claims and research on a consortium chain",
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.OutOrStdout())
			cmd.SetErr(cmd.ErrOrStderr())

			clientCtx := initClientCtx.WithCmdContext(cmd.Context())
			clientCtx, err := client.ReadPersistentCommandFlags(clientCtx, cmd.Flags())
			if err != nil {
				return err
			}
			clientCtx, err = config.ReadFromClientConfig(clientCtx)
			if err != nil {
				return err
			}
			if err := client.SetCmdClientContextHandler(clientCtx, cmd); err != nil {
				return err
			}
			appTemplate, appConfig := initAppConfig()
			if err := server.InterceptConfigsPreRunHandler(cmd, appTemplate, appConfig, initCometConfig()); err != nil {
				return err
			}
			return cheapLogFilter(cmd)
		},
	}

	initRootCmd(rootCmd, tempApp.BasicManager(), tempApp)

	autoCliOpts := tempApp.AutoCliOpts()
	autoCliOpts.ClientCtx = initClientCtx
	if err := autoCliOpts.EnhanceRootCommand(rootCmd); err != nil {
		panic(err)
	}
	return rootCmd
}

// initCometConfig returns the CometBFT defaults for new node homes. The
// commit timeout is set explicitly: left at CometBFT's 1 s default, the SDK
// silently raises it to 5 s.
func initCometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = DefaultTimeoutCommit
	return cfg
}

// initAppConfig returns the app.toml template and defaults for new homes.
func initAppConfig() (string, any) {
	cfg := serverconfig.DefaultConfig()
	// Validators must not accept free transactions.
	cfg.MinGasPrices = DefaultMinGasPrices
	cfg.StateSync.SnapshotInterval = 1000
	cfg.StateSync.SnapshotKeepRecent = 2
	cfg.IAVLCacheSize = app.DefaultIAVLCacheSize
	return app.AppConfigTemplate, app.AppConfig{Config: *cfg}
}

func initRootCmd(rootCmd *cobra.Command, basicManager module.BasicManager, a *app.CarechainApp) {
	ac := appCreator{}

	rootCmd.AddCommand(
		genutilcli.InitCmd(basicManager, app.DefaultNodeHome),
		cmtcli.NewCompletionCmd(rootCmd, true),
		NewTestnetCmd(basicManager),
		debug.Cmd(),
		confixcmd.ConfigCommand(),
		pruning.Cmd(ac.newApp, app.DefaultNodeHome),
		snapshot.Cmd(ac.newApp),
	)

	server.AddCommandsWithStartCmdOptions(rootCmd, app.DefaultNodeHome, ac.newApp, ac.appExport, server.StartCmdOptions{DBOpener: openAppDB})
	replaceVersionCommand(rootCmd)
	tuneStartGC(rootCmd)
	tuneStartAppDB(rootCmd)

	keysCmd := keys.Commands()
	keysCmd.AddCommand(NewKeysEncryptionKeyCmd())
	rootCmd.AddCommand(
		server.StatusCommand(),
		genutilcli.Commands(a.TxConfig(), basicManager, app.DefaultNodeHome),
		queryCommand(),
		txCommand(),
		keysCmd,
		NewVaultCmd(),
		NewRecordsCmd(),
	)
}

func queryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Querying subcommands",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		rpc.QueryEventForTxCmd(),
		rpc.ValidatorCommand(),
		server.QueryBlockCmd(),
		server.QueryBlocksCmd(),
		server.QueryBlockResultsCmd(),
		authcmd.QueryTxsByEventsCmd(),
		authcmd.QueryTxCmd(),
	)
	return cmd
}

func txCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Transactions subcommands",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetMultiSignBatchCmd(),
		authcmd.GetValidateSignaturesCommand(),
		flags.LineBreak,
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}
