package app

import (
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
)

// AppConfig is app.toml: the SDK's settings and Carechain's [carechain]
// section.
type AppConfig struct {
	serverconfig.Config `mapstructure:",squash"`

	Carechain CarechainConfig `mapstructure:"carechain"`
}

// CarechainConfig is app.toml's [carechain] section.
type CarechainConfig struct {
	// QueryWorkers: see FlagQueryWorkers.
	QueryWorkers int `mapstructure:"query-workers"`
	// NodeCacheMiB: see FlagNodeCacheMiB.
	NodeCacheMiB int `mapstructure:"node-cache-mib"`
}

// CarechainConfigTemplate is app.toml's [carechain] section.
const CarechainConfigTemplate = `
###############################################################################
###                           Carechain                                     ###
###############################################################################

[carechain]

# How many worker goroutines run the node's gRPC and REST queries, first come
# first served (queries beyond that wait their turn). 0: twice the CPUs, at
# least 4. -1: no workers, every query runs on its own goroutine (the SDK's
# behaviour). See docs/performance.md.
query-workers = {{ .Carechain.QueryWorkers }}

# Memory, in MiB, for the IAVL tree nodes of the application database, kept
# as encoded bytes behind IAVL's own cache of decoded nodes (iavl-cache-size
# above, 100000 nodes per store in homes made by carechaind). The garbage
# collector does not scan this memory, which keeps its mark phases short.
# 0: 1024 MiB. -1: off. Read when the node starts. See docs/performance.md.
node-cache-mib = {{ .Carechain.NodeCacheMiB }}
`

// AppConfigTemplate is the app.toml template of Carechain homes: the SDK's
// and the [carechain] section. It is executed with an AppConfig.
const AppConfigTemplate = serverconfig.DefaultConfigTemplate + CarechainConfigTemplate
