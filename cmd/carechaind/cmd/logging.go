package cmd

import (
	"strings"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
)

// filterFloor returns the lowest level a per-module log level such as
// "server:info,*:warn" lets through (info here), and false for a plain level
// ("info") or a string the SDK will reject anyway.
func filterFloor(levelStr string) (zerolog.Level, bool) {
	if !strings.Contains(levelStr, ":") {
		return zerolog.NoLevel, false
	}
	floor := zerolog.Disabled
	for _, item := range strings.Split(levelStr, ",") {
		moduleAndLevel := strings.Split(item, ":")
		if len(moduleAndLevel) != 2 {
			return zerolog.NoLevel, false
		}
		lvl, err := zerolog.ParseLevel(moduleAndLevel[1])
		if err != nil {
			return zerolog.NoLevel, false
		}
		floor = min(floor, lvl)
	}
	return floor, true
}

// cheapLogFilter replaces the node's logger when --log_level (or log_level
// in config.toml) is a per-module filter such as "consensus:info,*:error".
//
// The SDK builds such a logger with every level enabled and drops lines in
// a writer afterwards, so each Debug call anywhere in the node is formatted
// in full first: IAVL logs every node it saves at debug level, and
// formatting those took 3-8 % of the node's CPU under load (mostly inside
// Commit). The replacement is the SDK's logger (server.CreateSDKLogger)
// with the same filter and, in addition, the filter's lowest level as the
// logger's level, so that calls below it return at once. What is printed
// does not change.
func cheapLogFilter(cmd *cobra.Command) error {
	svrCtx := server.GetServerContextFromCmd(cmd)
	levelStr := svrCtx.Viper.GetString(flags.FlagLogLevel)
	floor, ok := filterFloor(levelStr)
	if !ok {
		return nil
	}
	filter, err := log.ParseLogLevel(levelStr)
	if err != nil {
		return err
	}
	opts := []log.Option{
		log.ColorOption(!svrCtx.Viper.GetBool(flags.FlagLogNoColor)),
		log.TraceOption(svrCtx.Viper.GetBool(server.FlagTrace)),
		log.FilterOption(filter),
		log.LevelOption(floor),
	}
	if svrCtx.Viper.GetString(flags.FlagLogFormat) == flags.OutputFormatJSON {
		opts = append(opts, log.OutputJSONOption())
	}
	svrCtx.Logger = log.NewLogger(cmd.OutOrStdout(), opts...).With(log.ModuleKey, "server")
	return server.SetCmdServerContext(cmd, svrCtx)
}
