package cmd

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/store/metrics"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
)

// TestRestoresSnapshot: only a start with state sync enabled and an empty
// application store runs without the inter-block cache (see newApp).
func TestRestoresSnapshot(t *testing.T) {
	empty := dbm.NewMemDB()
	committed := dbm.NewMemDB()
	rs := rootmulti.NewStore(committed, log.NewNopLogger(), metrics.NewNoOpMetrics())
	rs.MountStoreWithDB(storetypes.NewKVStoreKey("test"), storetypes.StoreTypeIAVL, nil)
	require.NoError(t, rs.LoadLatestVersion())
	rs.Commit()

	on := simtestutil.AppOptionsMap{"statesync.enable": true}
	off := simtestutil.AppOptionsMap{"statesync.enable": false}
	require.True(t, restoresSnapshot(on, empty))
	require.False(t, restoresSnapshot(on, committed), "a node with state does not state-sync again")
	require.False(t, restoresSnapshot(off, empty))
}
