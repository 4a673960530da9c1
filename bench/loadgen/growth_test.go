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
// its own background pruning) keeps its old versions; every other store is
// still pruned, and the run learns which store it was.
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
	require.Equal(t, []string{"beta"}, unpruned)
	for _, name := range []string{"alpha", "gamma"} {
		st := cms.GetCommitKVStore(keys[name]).(*iavlstore.Store)
		require.False(t, st.VersionExists(3), name)
		require.True(t, st.VersionExists(4), name)
	}
	require.True(t, cms.GetCommitKVStore(keys["beta"]).(*iavlstore.Store).VersionExists(3), "beta kept its later old versions")
}
