package cmd

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/version"
)

// replaceVersionCommand swaps the SDK's `version` (which prints only the
// version unless --long) for one that always names the commit it was built
// from: operators compare commits across validators before an upgrade.
func replaceVersionCommand(rootCmd *cobra.Command) {
	for _, c := range rootCmd.Commands() {
		if c.Name() == "version" {
			rootCmd.RemoveCommand(c)
		}
	}
	rootCmd.AddCommand(versionCommand())
}

func versionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the binary's version and the git commit it was built from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := version.NewInfo()
			long, _ := cmd.Flags().GetBool("long")
			output, _ := cmd.Flags().GetString("output")
			if output == "json" {
				if !long {
					return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]string{"version": info.Version, "commit": info.GitCommit})
				}
				return json.NewEncoder(cmd.OutOrStdout()).Encode(info)
			}
			commit := info.GitCommit
			if commit == "" {
				commit = "unknown (built without `make build`)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "version: %s\ncommit: %s\n", info.Version, commit)
			if long {
				fmt.Fprintf(cmd.OutOrStdout(), "go: %s\nbuild_tags: %s\ncosmos_sdk: %s\n", info.GoVersion, info.BuildTags, info.CosmosSdkVersion)
			}
			return nil
		},
	}
	cmd.Flags().Bool("long", false, "Also print the Go, build-tag and Cosmos SDK versions")
	cmd.Flags().StringP("output", "o", "text", "Output format (text|json)")
	return cmd
}
