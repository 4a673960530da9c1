package cmd_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	"github.com/cosmos/cosmos-sdk/version"

	"github.com/carechain/carechain/cmd/carechaind/cmd"
)

func TestVersionPrintsVersionAndCommit(t *testing.T) {
	version.Version, version.Commit = "v1.2.3", "0123456789abcdef0123456789abcdef01234567"
	root := cmd.NewRootCmd()
	var out strings.Builder
	root.SetOut(&out)
	root.SetArgs([]string{"version"})
	require.NoError(t, svrcmd.Execute(root, "CARECHAIND", t.TempDir()))
	require.Equal(t, "version: v1.2.3\ncommit: 0123456789abcdef0123456789abcdef01234567\n", out.String())
}

func TestEveryModuleHasTxOrQueryCommands(t *testing.T) {
	root := cmd.NewRootCmd()
	for _, path := range [][]string{
		{"tx", "registry", "add-member"},
		{"tx", "registry", "set-encryption-key"},
		{"tx", "bank", "send"},
		{"query", "registry", "organization"},
		{"genesis", "gentx"},
		{"genesis", "collect-gentxs"},
		{"genesis", "add-genesis-account"},
		{"genesis", "validate"},
		{"testnet", "init-files"},
		{"testnet", "localnet"},
		{"snapshots", "list"},
		{"rollback"},
		{"export"},
		{"status"},
		{"config"},
		{"keys", "add"},
	} {
		c, _, err := root.Find(path)
		require.NoError(t, err, strings.Join(path, " "))
		require.Equal(t, path[len(path)-1], c.Name(), strings.Join(path, " "))
	}
}
