package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNodeCacheSetting: app.toml's carechain.node-cache-mib.
func TestNodeCacheSetting(t *testing.T) {
	require.Equal(t, DefaultNodeCacheMiB<<20, NodeCacheBytes(nil))
	require.Equal(t, DefaultNodeCacheMiB<<20, NodeCacheBytes(mapOptions{}), "absent: the default")
	require.Equal(t, DefaultNodeCacheMiB<<20, NodeCacheBytes(mapOptions{FlagNodeCacheMiB: 0}))
	require.Equal(t, 0, NodeCacheBytes(mapOptions{FlagNodeCacheMiB: -1}), "off")
	require.Equal(t, 0, NodeCacheBytes(mapOptions{FlagNodeCacheMiB: -5}))
	require.Equal(t, 256<<20, NodeCacheBytes(mapOptions{FlagNodeCacheMiB: "256"}), "as viper reads it from TOML or a flag")
}
