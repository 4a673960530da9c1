//go:build e2e

package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/testutil/e2e"
)

// crashSteps names CometBFT v0.38's fail.Fail() call sites in the order a
// lone validator passes them in one height (consensus/state.go and
// state/execution.go): its own two votes go through the consensus
// receive loop, then finalizeCommit and ApplyBlock. FAIL_TEST_INDEX=i
// crashes the process (os.Exit(1)) at the i-th call after it starts, so
// indices 0..10 hit every step once, and index i+11 hits step i one
// height later.
var crashSteps = []string{
	"own prevote written to the WAL, not yet counted",
	"own precommit written to the WAL, not yet counted",
	"block decided, before saving it to the block store",
	"block saved, before #ENDHEIGHT in the WAL",
	"#ENDHEIGHT written, before executing the block",
	"FinalizeBlock done, before saving its results",
	"results saved, before the app's Commit",
	"app committed, before saving CometBFT state",
	"CometBFT state saved, before pruning",
	"block applied, before updating consensus state",
	"consensus state updated, before scheduling the next height",
}

// crashIndicesEnv overrides the indices the matrix runs: "0-10" or "3,7".
// The default, 0-10 and 44-54, crashes at every step twice: in the first
// height after the start, whose block carries at most one transaction (the
// node starts with an empty mempool and, until its first commit, refuses
// the transactions of every account but the one with account number 0, the
// validator's operator, see cosmos/cosmos-sdk#24628), and in the fifth,
// whose block carries the load's transactions.
const crashIndicesEnv = "E2E_FAIL_INDICES"

func crashIndices(t *testing.T) []int {
	spec := os.Getenv(crashIndicesEnv)
	if spec == "" {
		n := len(crashSteps)
		spec = fmt.Sprintf("0-%d,%d-%d", n-1, 4*n, 5*n-1)
	}
	var out []int
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		require.NoError(t, err, "%s=%q", crashIndicesEnv, spec)
		b := a
		if isRange {
			b, err = strconv.Atoi(hi)
			require.NoError(t, err, "%s=%q", crashIndicesEnv, spec)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out
}

var heightRE = regexp.MustCompile(`\bheight=(\d+)`)

// crashHeight is the highest height the node's last run logged: the
// height it was working on when it crashed.
func crashHeight(t *testing.T, n *e2e.Node) int64 {
	bz, err := os.ReadFile(n.LogPath())
	require.NoError(t, err)
	log := string(bz)
	log = log[strings.LastIndex(log, "===== e2e harness: start"):]
	var max int64
	for _, m := range heightRE.FindAllStringSubmatch(log, -1) {
		if h, _ := strconv.ParseInt(m[1], 10, 64); h > max {
			max = h
		}
	}
	return max
}

// TestCrashPoints runs CometBFT's FAIL_TEST_INDEX crash hook over every
// index on a single-validator chain under load. For each index the
// validator is started with FAIL_TEST_INDEX=i, crashes at that point of
// the commit sequence, and is restarted without it. The uninterrupted run
// it is compared with is a full node that follows the same chain the whole
// time and never crashes: it executes every block once, in order, and
// checks each block's app hash against its own state. After each
// restart:
//
//   - the validator produces new blocks (recovery time recorded);
//   - the follower accepts them (a header whose app hash differed from the
//     follower's own state would halt it), and the follower's own app hash
//     at its latest height equals the app hash the recovered validator put
//     in the next header: the crashed-and-recovered state machine and the
//     uninterrupted one computed the same state;
//
// and at the end Verify checks both nodes: identical hashes at every
// height, every acknowledged transaction committed exactly once, balances
// conserved.
func TestCrashPoints(t *testing.T) {
	ctx := context.Background()
	net := e2e.NewLocalnet(t, e2e.Options{})
	val := net.Nodes[0]
	require.NoError(t, net.Start(ctx, val))
	require.NoError(t, net.WaitTip(ctx, 2, 2*time.Minute))

	follower, err := net.AddFullNode(ctx, "follower", e2e.FullNodeOptions{})
	require.NoError(t, err)
	require.NoError(t, net.AddPeer(val, follower)) // the validator redials it at each start
	require.NoError(t, net.Start(ctx, follower))
	_, err = net.WaitCaughtUp(ctx, follower, 2, 2*time.Minute)
	require.NoError(t, err)

	// Resend quickly: after each restart the validator's mempool is empty.
	load := e2e.StartLoad(t, net, e2e.LoadOptions{Plan: e2e.StandardMix(net, extraPatients), ResendAfter: 2 * time.Second})
	require.NoError(t, load.WaitAcked(ctx, 20, 2*time.Minute))

	var table []string
	withTxs := 0
	for _, i := range crashIndices(t) {
		step := crashSteps[i%len(crashSteps)]
		_, err := val.Terminate(30 * time.Second)
		require.NoError(t, err)

		require.NoError(t, val.Start(fmt.Sprintf("FAIL_TEST_INDEX=%d", i)))
		code, err := val.WaitExit(2 * time.Minute)
		require.NoError(t, err, "index %d: the node must crash", i)
		require.Equal(t, 1, code, "index %d: exit code", i)
		require.True(t, val.LogContains(fmt.Sprintf("*** fail-test %d ***", i)), "index %d: no fail-test marker in the log", i)
		hc := crashHeight(t, val)

		restarted := time.Now()
		require.NoError(t, val.Start())
		_, err = net.WaitHeight(ctx, val, hc+1, 2*time.Minute)
		require.NoError(t, err, "index %d: the validator must commit again after the crash at height %d", i, hc)
		recovery := time.Since(restarted)
		e2e.Record(t, fmt.Sprintf("FAIL_TEST_INDEX=%d (%s): new block after restart", i, step), recovery, time.Minute)

		// The follower must get past the crash height, then its own app
		// hash must match the recovered validator's.
		_, err = net.WaitHeight(ctx, follower, hc+2, 2*time.Minute)
		require.NoError(t, err, "index %d: the follower must accept the blocks after the crash (log: %s)", i, follower.LogPath())
		info, err := follower.Client().ABCIInfo(ctx)
		require.NoError(t, err)
		fh, fhash := info.Response.LastBlockHeight, info.Response.LastBlockAppHash
		next := fh + 1
		_, err = net.WaitHeight(ctx, val, next, time.Minute)
		require.NoError(t, err)
		c, err := val.Client().Commit(ctx, &next)
		require.NoError(t, err)
		validatorHash := c.AppHash // header of height fh+1, written by the recovered validator
		require.True(t, bytes.Equal(fhash, validatorHash),
			"index %d: app hash after height %d: follower %X, recovered validator %X", i, fh, fhash, validatorHash)

		blk, err := val.Client().Block(ctx, &hc)
		require.NoError(t, err)
		txs := len(blk.Block.Txs)
		if txs > 0 {
			withTxs++
		}
		row := fmt.Sprintf("| %2d | %-58s | %4d | %3d | %5.1f s | %d: %X |", i, step, hc, txs, recovery.Seconds(), fh, fhash[:6])
		table = append(table, row)
		e2e.Note(t, "crash-point\t"+row)
	}
	t.Logf("crash-point matrix (index | step | crash height | txs in that block | recovery | app hash agreed at height):\n%s", strings.Join(table, "\n"))
	t.Logf("%d of %d crashes hit a block carrying transactions", withTxs, len(table))
	e2e.Verify(t, net, load)
}
