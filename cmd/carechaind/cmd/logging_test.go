package cmd

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
)

func TestFilterFloor(t *testing.T) {
	for in, want := range map[string]zerolog.Level{
		"server:info,*:warn":                  zerolog.InfoLevel,
		"*:error":                             zerolog.ErrorLevel,
		"consensus:debug,p2p:info,*:error":    zerolog.DebugLevel,
		"state:info,mempool:error,*:disabled": zerolog.InfoLevel,
	} {
		got, ok := filterFloor(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"info", "", "server:info,*", "server:loud"} {
		_, ok := filterFloor(in)
		require.False(t, ok, in)
	}
}

// stringer records whether a logger formatted it.
type stringer struct{ formatted bool }

func (s *stringer) String() string { s.formatted = true; return "probe" }

// With a per-module log level, the node's logger prints exactly what the
// SDK's would, but a Debug call below every module's level is not formatted
// (the SDK's logger formats it and drops it afterwards).
func TestCheapLogFilterSkipsDebugFormatting(t *testing.T) {
	svrCtx := server.NewDefaultContext()
	svrCtx.Viper.Set(flags.FlagLogLevel, "server:info,*:warn")
	svrCtx.Viper.Set(flags.FlagLogNoColor, true)

	sdkLogger, err := server.CreateSDKLogger(svrCtx, io.Discard)
	require.NoError(t, err)
	upstream := &stringer{}
	sdkLogger.Debug("debug", "probe", upstream)
	require.True(t, upstream.formatted, "the SDK's filtered logger no longer formats debug lines: cheapLogFilter may be unnecessary")

	var out bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	cmd.SetContext(context.WithValue(context.Background(), server.ServerContextKey, svrCtx))
	require.NoError(t, cheapLogFilter(cmd))
	logger := server.GetServerContextFromCmd(cmd).Logger

	ours := &stringer{}
	logger.Debug("a debug line", "probe", ours)
	require.False(t, ours.formatted, "a debug line below the filter's lowest level was formatted")

	logger.Info("a server line")
	consensus := logger.With(log.ModuleKey, "consensus")
	consensus.Info("a consensus info line")
	consensus.Warn("a consensus warning")
	require.Contains(t, out.String(), "a server line")
	require.Contains(t, out.String(), "a consensus warning")
	require.NotContains(t, out.String(), "a consensus info line")
	require.NotContains(t, out.String(), "a debug line")
}

// A plain level is left to the SDK.
func TestCheapLogFilterLeavesPlainLevels(t *testing.T) {
	svrCtx := server.NewDefaultContext()
	svrCtx.Viper.Set(flags.FlagLogLevel, "info")
	before := svrCtx.Logger
	cmd := &cobra.Command{}
	cmd.SetContext(context.WithValue(context.Background(), server.ServerContextKey, svrCtx))
	require.NoError(t, cheapLogFilter(cmd))
	require.Equal(t, before, server.GetServerContextFromCmd(cmd).Logger)
}
