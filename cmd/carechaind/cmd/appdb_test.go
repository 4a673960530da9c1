package cmd

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/log"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"github.com/syndtr/goleveldb/leveldb/util"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/nodecache"
)

// A node started with the node cache logs, when it stops, how many
// tree-node reads the cache served; the periodic line gives the interval's
// share and the total so far.
func TestNodeCacheLogsItsHitRate(t *testing.T) {
	defer func(l log.Logger) { startLogger = l }(startLogger)
	var out bytes.Buffer
	startLogger = log.NewLogger(&out, log.ColorOption(false))

	db, err := openAppDB(t.TempDir(), dbm.GoLevelDBBackend)
	require.NoError(t, err)
	k := []byte("s/k:records/s\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01")
	require.True(t, nodecache.IsNodeKey(k))
	require.NoError(t, db.Set(k, []byte("node")))
	for range 3 {
		v, err := db.Get(k)
		require.NoError(t, err)
		require.Equal(t, []byte("node"), v)
	}
	_, err = db.Get([]byte("s/k:records/s\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x01"))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.Contains(t, out.String(), "application database: node cache served 75.0 % of 4 tree-node reads since start")

	out.Reset()
	report := nodeCacheReporter(startLogger, time.Minute)
	report(0, 0, false) // an idle node: no share to give
	report(90, 10, false)
	report(100, 20, false)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3)
	require.Contains(t, lines[0], "node cache served - of 0 tree-node reads in the last 1m0s (- of 0 since start)")
	require.Contains(t, lines[1], "node cache served 90.0 % of 100 tree-node reads in the last 1m0s (90.0 % of 100 since start)")
	require.Contains(t, lines[2], "node cache served 50.0 % of 20 tree-node reads in the last 1m0s (83.3 % of 120 since start)")
}

// An application.db written by a node with goleveldb's default options (any
// carechaind before the larger tables, or another tool) opens with
// openAppDB's options with every key intact, takes writes, and opens again
// with the defaults: an operator can upgrade and roll back the binary.
func TestOpenAppDBKeepsExistingDatabase(t *testing.T) {
	home := t.TempDir()
	dataDir := filepath.Join(home, "data")

	key := func(i int) []byte { return []byte(fmt.Sprintf("s/k:records/%08d", i)) }
	value := func(i, gen int) []byte { return bytes.Repeat([]byte{byte(i), byte(gen)}, 100) }
	want := map[int]int{} // key index -> generation of its value
	write := func(db dbm.DB, from, to, gen int) {
		t.Helper()
		b := db.NewBatch()
		for i := from; i < to; i++ {
			require.NoError(t, b.Set(key(i), value(i, gen)))
			want[i] = gen
			if i%5_000 == 4_999 {
				require.NoError(t, b.Write())
				require.NoError(t, b.Close())
				b = db.NewBatch()
			}
		}
		require.NoError(t, b.Write())
		require.NoError(t, b.Close())
	}
	verify := func(db dbm.DB) {
		t.Helper()
		it, err := db.Iterator(nil, nil)
		require.NoError(t, err)
		n := 0
		for ; it.Valid(); it.Next() {
			var i int
			_, err := fmt.Sscanf(string(it.Key()), "s/k:records/%08d", &i)
			require.NoError(t, err)
			gen, ok := want[i]
			require.True(t, ok, "unexpected key %q", it.Key())
			require.Equal(t, value(i, gen), it.Value(), "key %d", i)
			n++
		}
		require.NoError(t, it.Error())
		require.NoError(t, it.Close())
		require.Equal(t, len(want), n)
	}

	// Written with cosmos-db's goleveldb defaults (2 MiB tables).
	old, err := dbm.NewGoLevelDB("application", dataDir, nil)
	require.NoError(t, err)
	write(old, 0, 40_000, 1)
	require.NoError(t, old.Close())

	db, err := openAppDB(home, dbm.GoLevelDBBackend)
	require.NoError(t, err)
	verify(db)
	// Overwrite half, add as many again.
	write(db, 20_000, 60_000, 2)
	// Rewrite every table with openAppDB's table sizes.
	cached, ok := db.(*nodecache.DB)
	require.True(t, ok, "openAppDB returned %T, not behind the node cache", db)
	gl, ok := cached.Unwrap().(*dbm.GoLevelDB)
	require.True(t, ok, "openAppDB(goleveldb) opened %T", cached.Unwrap())
	require.NoError(t, gl.DB().CompactRange(util.Range{}))
	verify(db)
	require.NoError(t, db.Close())

	back, err := dbm.NewGoLevelDB("application", dataDir, nil)
	require.NoError(t, err)
	verify(back)
	require.NoError(t, back.Close())
}

// Homes made by `carechaind init` run IAVL with the small decoded cache
// that the node cache backs, and the node cache at its default.
func TestInitWritesTheNodeCaches(t *testing.T) {
	tmpl, cfg := initAppConfig()
	ac, ok := cfg.(app.AppConfig)
	require.True(t, ok, "initAppConfig returned %T", cfg)
	require.Equal(t, uint64(app.DefaultIAVLCacheSize), ac.IAVLCacheSize)
	require.Zero(t, ac.Carechain.NodeCacheMiB, "0: the default, and app.toml says so")
	require.Contains(t, tmpl, "node-cache-mib = {{ .Carechain.NodeCacheMiB }}")
}

// `carechaind start` takes the node cache's size from app.toml (as viper
// holds it) before it opens the database, and documents it in --help.
func TestStartReadsTheNodeCacheSetting(t *testing.T) {
	defer func(v int, l log.Logger) { startNodeCache, startLogger = v, l }(startNodeCache, startLogger)
	for _, c := range []struct {
		set  any
		want int
	}{{nil, app.DefaultNodeCacheMiB << 20}, {"256", 256 << 20}, {-1, 0}} {
		root := &cobra.Command{Use: "carechaind"}
		start := &cobra.Command{Use: "start", RunE: func(*cobra.Command, []string) error { return nil }}
		root.AddCommand(start)
		tuneStartAppDB(root)
		sctx := server.NewDefaultContext()
		if c.set != nil {
			sctx.Viper.Set(app.FlagNodeCacheMiB, c.set)
		}
		start.SetContext(context.WithValue(context.Background(), server.ServerContextKey, sctx))
		startNodeCache = -7
		require.NoError(t, start.PreRunE(start, nil))
		require.Equal(t, c.want, startNodeCache, "node-cache-mib %v", c.set)
		require.NotNil(t, startLogger, "the node cache's hit-rate lines need start's logger")
		require.Contains(t, start.Long, "node-cache-mib")
	}
}
