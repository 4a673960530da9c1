package loadgen

import (
	"encoding/binary"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	iavlstore "cosmossdk.io/store/iavl"
	"cosmossdk.io/store/metrics"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"
)

// A store left with a version whose root is gone (a node stopped during
// its own background pruning) is still pruned past that version: IAVL
// 1.2.5 and later log the missing root and move on (iavl#1063), where 1.2.2
// stopped there for good, so that store kept every later old version, on
// the benchmark's disk as on a validator's. Every store is pruned.
func TestPruneStoresGoesPastAStoreMissingARoot(t *testing.T) {
	db := dbm.NewMemDB()
	cms := rootmulti.NewStore(db, log.NewNopLogger(), metrics.NewNoOpMetrics())
	cms.SetIAVLSyncPruning(true)
	keys := storetypes.NewKVStoreKeys("alpha", "beta", "gamma")
	for _, k := range keys {
		cms.MountStoreWithDB(k, storetypes.StoreTypeIAVL, nil)
	}
	require.NoError(t, cms.LoadLatestVersion())
	for v := 1; v <= 4; v++ {
		for _, k := range keys {
			cms.GetKVStore(k).Set([]byte{byte(v)}, []byte("value"))
		}
		cms.Commit()
	}

	// Delete beta's root of version 2: IAVL's node key is 's', the version
	// (8 bytes) and the nonce (4 bytes, 1 for a root), under the store's
	// prefix.
	rootKey := append([]byte("s/k:beta/s"), binary.BigEndian.AppendUint64(nil, 2)...)
	rootKey = binary.BigEndian.AppendUint32(rootKey, 1)
	has, err := db.Has(rootKey)
	require.NoError(t, err)
	require.True(t, has, "the test's idea of IAVL's root key is wrong")
	require.NoError(t, db.Delete(rootKey))

	unpruned, err := pruneStores(cms, keys, 3)
	require.NoError(t, err)
	require.Empty(t, unpruned)
	for _, name := range []string{"alpha", "beta", "gamma"} {
		st := cms.GetCommitKVStore(keys[name]).(*iavlstore.Store)
		require.False(t, st.VersionExists(3), "%s kept version 3", name)
		require.True(t, st.VersionExists(4), name)
		require.Equal(t, []byte("value"), st.Get([]byte{4}), name)
	}
}
