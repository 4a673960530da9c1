package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/testutil/e2e"
)

// extraPatients funded by consortium at the start of every load, on top of
// the nine demo accounts: thirteen senders in all.
const extraPatients = 4

// catchUpLimit is the bound on a restarted node catching up.
const catchUpLimit = 30 * time.Second

// warmUp is how many transactions the load has committed before a
// scenario injects its fault, and again after recovery before Verify.
func warmUp() int {
	if fullSuite {
		return 60
	}
	return 20
}

// startNetwork starts a network and the standard load, and returns once
// the load has warmUp() transactions committed.
func startNetwork(t *testing.T, opts e2e.Options) (*e2e.Network, *e2e.Load) {
	t.Helper()
	ctx := context.Background()
	net := e2e.NewNetwork(t, opts)
	require.NoError(t, net.Start(ctx))
	require.NoError(t, net.WaitTip(ctx, 2, 2*time.Minute))
	load := e2e.StartLoad(t, net, e2e.LoadOptions{Plan: e2e.StandardMix(net, extraPatients)})
	require.NoError(t, load.WaitAcked(ctx, warmUp(), 3*time.Minute))
	return net, load
}

// keepsProducing checks the chain makes at least n blocks and commits more
// of the load's transactions within timeout, and records how long n
// blocks took.
func keepsProducing(t *testing.T, net *e2e.Network, load *e2e.Load, n int64, timeout time.Duration, what string) {
	t.Helper()
	ctx := context.Background()
	tip, acked, start := net.Tip(ctx), load.Acked(), time.Now()
	require.NoError(t, net.WaitTip(ctx, tip+n, timeout), what)
	require.NoError(t, load.WaitAcked(ctx, 1, timeout), what)
	e2e.Record(t, what, time.Since(start), 0)
	t.Logf("%s: tip %d -> %d, %d more transactions acknowledged", what, tip, net.Tip(ctx), load.Acked()-acked)
}

// restartAndCatchUp starts a stopped node and records how long it takes to
// stand at the network's tip again (from the moment it is started: process
// start, block replay and sync).
func restartAndCatchUp(t *testing.T, net *e2e.Network, node *e2e.Node, what string) {
	t.Helper()
	ctx := context.Background()
	tip := net.Tip(ctx)
	start := time.Now()
	require.NoError(t, node.Start())
	_, err := net.WaitCaughtUp(ctx, node, tip, 2*time.Minute)
	require.NoError(t, err)
	e2e.Record(t, what, time.Since(start), catchUpLimit)
}

// afterRecovery keeps the load on until warmUp() more transactions are
// committed, then verifies the network.
func afterRecovery(t *testing.T, net *e2e.Network, load *e2e.Load) {
	t.Helper()
	require.NoError(t, load.WaitAcked(context.Background(), warmUp(), 3*time.Minute))
	e2e.Verify(t, net, load)
}

// runKillOne is the kill-one-validator scenario: SIGKILL one of four
// validators under load, check the chain keeps committing, restart it
// after down, check it catches up within 30 s, keep the load on, verify.
func runKillOne(t *testing.T, down time.Duration) {
	net, load := startNetwork(t, e2e.Options{})
	victim := net.Validators()[3]

	killedAt := time.Now()
	require.NoError(t, victim.Kill())
	keepsProducing(t, net, load, 3, 30*time.Second, "3 blocks with node3 SIGKILLed")
	time.Sleep(time.Until(killedAt.Add(down)))

	restartAndCatchUp(t, net, victim, "node3 caught up after restart (SIGKILL)")
	afterRecovery(t, net, load)
}
