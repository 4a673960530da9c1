package loadgen

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	carechaindcmd "github.com/carechain/carechain/cmd/carechaind/cmd"
)

func TestPercentilesNearestRank(t *testing.T) {
	vs := make([]float64, 100)
	for i := range vs {
		vs[i] = float64(100 - i) // 100 .. 1, unsorted input
	}
	p50, p99, maxV := percentiles(vs)
	require.Equal(t, 50.0, p50)
	require.Equal(t, 99.0, p99)
	require.Equal(t, 100.0, maxV)
	require.Equal(t, 100.0, vs[0], "the input is not reordered")

	p50, p99, maxV = percentiles(nil)
	require.Zero(t, p50+p99+maxV)
}

func TestPerLaneSplitsExactly(t *testing.T) {
	require.Equal(t, []int{4, 3, 3}, perLane(10, 3))
	require.Equal(t, []int{1, 1, 0, 0}, perLane(2, 4))
	sum := 0
	for _, n := range perLane(10_007, 64) {
		sum += n
	}
	require.Equal(t, 10_007, sum)
}

func TestCommittedRateCountsOnlyTheWindowAfterItsFirstBlock(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	window := []blockRecord{
		{observed: at(500), okBy: []int{900}}, // built before the load: excluded
		{observed: at(1500), okBy: []int{400}},
		{observed: at(2500), okBy: []int{600}},
	}
	// (400 + 600) over the 2 s from the first block's commit to the last's.
	require.InDelta(t, 500.0, committedRate(window, window, 0, t0), 1e-9)

	// Too few blocks for a window: everything since the start.
	short := []blockRecord{{observed: at(2000), okBy: []int{300}}}
	require.InDelta(t, 150.0, committedRate(short, short, 0, t0), 1e-9)
	require.Zero(t, committedRate(nil, nil, 0, t0))
}

// The block log's interval is between BFT times; a block's finish time runs
// from its precommit (the next block's BFT time) to its commit event.
func TestBlockLogIntervalsAndFinishTimes(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	blocks := []blockRecord{
		{height: 7, header: at(0), observed: at(2800), txs: 10},
		{height: 8, header: at(2000), observed: at(4900), txs: 20},
		{height: 9, header: at(4500), observed: at(7000), txs: 30},
	}
	log := blockLog(blocks)
	require.Len(t, log, 3)
	require.Equal(t, []float64{0, 2000, 2500}, []float64{log[0].IntervalMs, log[1].IntervalMs, log[2].IntervalMs})
	require.Equal(t, 800.0, log[0].FinishMs)
	require.Equal(t, 400.0, log[1].FinishMs)
	require.Zero(t, log[2].FinishMs, "the last block's precommit is not known")
	require.Equal(t, []int{10, 20, 30}, []int{log[0].Txs, log[1].Txs, log[2].Txs})
	require.Equal(t, at(2000), log[1].Time)
}

// A block is at the gas limit when one more of the phase's largest
// transactions would not fit; without a limit no block is.
func TestBlockStatsCountsBlocksAtTheGasLimit(t *testing.T) {
	t0 := time.Unix(1000, 0)
	window := []blockRecord{
		{header: t0, txs: 900, gasWanted: 90_000_000},
		{header: t0.Add(2 * time.Second), txs: 1000, gasWanted: 99_950_000},
		{header: t0.Add(4 * time.Second), txs: 999, gasWanted: 99_900_001},
		{header: t0.Add(6 * time.Second), txs: 10, gasWanted: 1_000_000},
	}
	s := blockStats(window, 100_000_000, 100_000)
	require.Equal(t, 2, s.AtGasLimit)
	require.EqualValues(t, 99_950_000, s.GasWantedMax)
	require.Equal(t, 1000, s.TxsPerBlockMax)
	require.Zero(t, blockStats(window, -1, 100_000).AtGasLimit)
	require.Zero(t, blockStats(window, 0, 100_000).AtGasLimit)
}

func TestGasSummaryNamesLimitsAndTheirSource(t *testing.T) {
	require.Empty(t, gasSummary(nil, -1))
	line := gasSummary([]GasLimit{
		{Workload: "bank-send", Limit: 92_000, Simulated: 65_489, Samples: 3},
		{Workload: "consent-grant", Limit: 200_000},
	}, 400_000_000)
	require.Equal(t, "gas limits: bank-send 92000 (simulated 65489), consent-grant 200000; block gas limit 400000000", line)
	require.Contains(t, gasSummary([]GasLimit{{Workload: "x", Limit: 1}}, -1), "no block gas limit")
}

// With no adjustment nothing is simulated (no node is asked: conn and
// signer are nil), every workload keeps its fixed limit and the report says
// so; an adjustment below 1 is refused before any node is asked.
func TestGasLimitsWithoutAdjustmentKeepTheFixedLimits(t *testing.T) {
	ws := []*Workload{{Name: "bank-send", Gas: 100_000}, {Name: "claim-submit", Gas: 300_000}}
	logf := func(string, ...any) {}
	gas, limits, err := gasLimits(context.Background(), nil, nil, ws, nil, 0, logf)
	require.NoError(t, err)
	require.Empty(t, gas)
	require.Len(t, limits, 2)
	for i, w := range ws {
		require.Equal(t, GasLimit{Workload: w.Name, Limit: w.Gas}, limits[i])
		require.Equal(t, w.Gas, (&engine{gas: gas}).gasLimit(w))
	}
	senders := map[string][]*Sender{ws[0].Name: {NewSender(ws[0].Name, 0)}}
	_, _, err = gasLimits(context.Background(), nil, nil, ws, senders, 0.5, logf)
	require.ErrorContains(t, err, "want at least 1")
}

func TestAdjustGasRoundsUpToAThousand(t *testing.T) {
	require.EqualValues(t, 92_000, adjustGas(65_489, 1.4))
	require.EqualValues(t, 66_000, adjustGas(65_489, 1))
	require.EqualValues(t, 14_000, adjustGas(10_000, 1.4))
}

func TestMedianPhase(t *testing.T) {
	mk := func(v float64) PhaseResult { return PhaseResult{Total: TxStats{CommittedTPS: v}} }
	require.Equal(t, 500.0, medianPhase([]PhaseResult{mk(700), mk(300), mk(500)}).Total.CommittedTPS)
	require.Equal(t, 300.0, medianPhase([]PhaseResult{mk(700), mk(300)}).Total.CommittedTPS, "lower median")
}

func TestInt64sDecodesStringsAndNumbers(t *testing.T) {
	var r struct {
		A int64s `json:"a"`
		B int64s `json:"b"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"a":"65818","b":12}`), &r))
	require.EqualValues(t, 65818, r.A)
	require.EqualValues(t, 12, r.B)
}

// checksByName evaluates r and indexes the checks by name.
func checksByName(r *Results) map[string]Check {
	out := map[string]Check{}
	for _, c := range evaluate(r) {
		out[c.Name] = c
	}
	return out
}

const check1 = "1. only code-0 transactions counted; none failed"

// A transaction that did not commit with code 0 fails the first check even
// though it never counts as committed.
func TestEvaluateReportsFailures(t *testing.T) {
	phase := func(committed float64, failed int) PhaseResult {
		return PhaseResult{Name: "p", Total: TxStats{CommittedTPS: committed, Failed: failed, LatencyP99Ms: 900},
			Blocks: BlockStats{IntervalMeanMs: 1000}}
	}
	r := &Results{Throughput: []WorkloadResult{
		{Workload: BaselineWorkload, Saturation: phase(600, 0), AtLoad: phase(480, 0)},
		{Workload: "w", Healthcare: true, Saturation: phase(450, 2), AtLoad: phase(360, 0), VsBank: 0.75},
	}}
	byName := checksByName(r)
	require.Equal(t, "FAIL", byName[check1].Result)
	require.Equal(t, "FAIL", byName["2. w >= 0.8x bank-send"].Result)
	require.Equal(t, "PASS", byName["3a. bank-send >= 500 committed tx/s"].Result)
	require.Equal(t, "MET", byName[checkBankCapacity].Result)
	require.Equal(t, "N/A", byName[checkBankFloor].Result, "no floor phase ran")
}

const (
	checkBankFloor    = "3c. bank-send p99 <= 2x block interval at 80% of 500 tx/s"
	checkMixFloor     = "3d. healthcare mix p99 <= 2x block interval at 80% of 400 tx/s"
	checkBankCapacity = "3c-capacity. bank-send p99 <= 2x block interval at 80% of its measured capacity (beyond the criterion)"
	checkMixCapacity  = "3d-capacity. healthcare mix p99 <= 2x block interval at 80% of its measured capacity (beyond the criterion)"
)

// A failure in a saturation round that is not the median one (the results
// keep only the median round in full) still fails check 1, and says where.
func TestEvaluateCountsFailuresInEveryRound(t *testing.T) {
	phase := func(committed float64) PhaseResult {
		return PhaseResult{Name: "p", Total: TxStats{CommittedTPS: committed, LatencyP99Ms: 900}, Blocks: BlockStats{IntervalMeanMs: 1000}}
	}
	r := &Results{Throughput: []WorkloadResult{
		{Workload: BaselineWorkload, Saturation: phase(600), AtLoad: phase(480), SaturationFailures: []int{0, 0, 0}},
		{Workload: "w", Healthcare: true, Saturation: phase(500), AtLoad: phase(400), SaturationFailures: []int{0, 0, 3}},
	}}
	c := checksByName(r)[check1]
	require.Equal(t, "FAIL", c.Result)
	require.Contains(t, c.Detail, "w saturation (round 3): 3")

	r.Throughput[1].SaturationFailures = []int{0, 0, 0}
	require.Equal(t, "PASS", checksByName(r)[check1].Result)

	// The unmeasured warm-up's failures count too, and the table says what
	// the warm-up was.
	r.Warmup = &PhaseResult{Name: "warm-up (not measured)", DurationS: 16, Total: TxStats{CommittedTPS: 900, Missing: 2}}
	c = checksByName(r)[check1]
	require.Equal(t, "FAIL", c.Result)
	require.Contains(t, c.Detail, "warm-up (not measured): 2")
	var out strings.Builder
	r.PrintTable(&out)
	require.Contains(t, out.String(), "warm-up before the measured rounds (not measured): 16 s of every workload at once, 900 tx/s committed, 2 failures")
}

// Criterion 3's latency is checked on the floor phases: a slow run at 80%
// of capacity does not fail it (it is reported as missed, beyond the
// criterion), a slow run at 80% of the floor does, and failures in the
// floor phases count in check 1.
func TestEvaluateChecksTheFloorReadingOnItsOwnPhases(t *testing.T) {
	phase := func(target, p99 float64, failed int) PhaseResult {
		return PhaseResult{Name: "p", Total: TxStats{TargetTPS: target, CommittedTPS: target, Failed: failed, LatencyP99Ms: p99},
			Blocks: BlockStats{IntervalMeanMs: 2000}}
	}
	bankFloor, mixFloor := phase(400, 3000, 0), phase(320, 4500, 0)
	r := &Results{
		Throughput: []WorkloadResult{{Workload: BaselineWorkload, Saturation: phase(1200, 0, 0), AtLoad: phase(960, 4100, 0), AtFloor: &bankFloor}},
		Mixed:      &WorkloadResult{Workload: mixName, Healthcare: true, Saturation: phase(800, 0, 0), AtLoad: phase(640, 3900, 0), AtFloor: &mixFloor},
	}
	byName := checksByName(r)
	require.Equal(t, "MISSED", byName[checkBankCapacity].Result)
	require.Equal(t, "MET", byName[checkMixCapacity].Result)
	require.Equal(t, "PASS", byName[checkBankFloor].Result)
	bf := byName[checkMixFloor]
	require.Equal(t, "FAIL", bf.Result)
	require.Contains(t, bf.Detail, "p99 4500 ms at 320 tx/s")
	require.Equal(t, "PASS", byName[check1].Result)

	mixFloor.Total.Failed = 4
	mixFloor.Name = "healthcare mix at 80% of the floor"
	c1 := checksByName(r)[check1]
	require.Equal(t, "FAIL", c1.Result)
	require.Contains(t, c1.Detail, "healthcare mix at 80% of the floor: 4")
	var out strings.Builder
	r.PrintTable(&out)
	require.Contains(t, out.String(), "healthcare mix at 80% of criterion 3's floor: 320 tx/s offered, 320 committed")

	mixFloor.Total.Failed = 0
	r.Checks = evaluate(r)
	require.True(t, r.Failed(), "a failed floor check fails --strict")

	// Without the floor phases (bench-quick) criterion 3's latency is not
	// measured, and a missed figure beyond the criterion fails nothing.
	r.Throughput[0].AtFloor, r.Mixed.AtFloor = nil, nil
	r.Mixed.AtLoad.Total.LatencyP99Ms = 9000
	byName = checksByName(r)
	require.Equal(t, "N/A", byName[checkBankFloor].Result)
	require.Equal(t, "N/A", byName[checkMixFloor].Result)
	require.Equal(t, "MISSED", byName[checkMixCapacity].Result)
	r.Checks = evaluate(r)
	require.False(t, r.Failed(), "a MISSED figure beyond the criteria fails --strict")
	require.True(t, FullConfig().FloorLatency)
	require.False(t, QuickConfig().FloorLatency)
	require.EqualValues(t, minBankTPS, floorRate(BaselineWorkload))
	require.EqualValues(t, minMixedTPS, floorRate(mixName))
	require.Zero(t, floorRate("record-create"))
}

func TestWaitListening(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := l.Addr().String()
	if err := waitListening(context.Background(), time.Second, open, "http://"+open); err != nil {
		t.Fatalf("listening address: %v", err)
	}
	l.Close()
	if err := waitListening(context.Background(), 300*time.Millisecond, open); err == nil {
		t.Fatal("a closed port must time out")
	}
}

// --workloads and --queries select exactly what they name (plus the
// bank-send baseline): a name early in the registry must not select every
// workload registered after it.
func TestSelectWorkloadsPicksOnlyTheNamed(t *testing.T) {
	registryMu.Lock()
	savedW, savedQ := workloads, queries
	workloads, queries = map[string]*Workload{}, map[string]*Query{}
	for _, n := range []string{BaselineWorkload, "claim-submit", "record-create", "registry-set-key", "study-enroll"} {
		workloads[n] = &Workload{Name: n}
	}
	for _, n := range []string{"check-access", "encryption-key", "patient-records"} {
		queries[n] = &Query{Name: n}
	}
	registryMu.Unlock()
	t.Cleanup(func() {
		registryMu.Lock()
		workloads, queries = savedW, savedQ
		registryMu.Unlock()
	})

	names := func(b *Bench) (ws, qs []string) {
		for _, w := range b.ws {
			ws = append(ws, w.Name)
		}
		for _, q := range b.qs {
			qs = append(qs, q.Name)
		}
		return ws, qs
	}
	for _, tc := range []struct {
		workloads, queries []string
		wantW, wantQ       []string
	}{
		{[]string{"record-create"}, []string{"check-access"}, []string{BaselineWorkload, "record-create"}, []string{"check-access"}},
		{[]string{BaselineWorkload}, []string{"none"}, []string{BaselineWorkload}, nil},
		{[]string{"claim-submit", "study-enroll"}, []string{"encryption-key"}, []string{BaselineWorkload, "claim-submit", "study-enroll"}, []string{"encryption-key"}},
		{nil, nil, []string{BaselineWorkload, "claim-submit", "record-create", "registry-set-key", "study-enroll"}, []string{"check-access", "encryption-key", "patient-records"}},
		{[]string{"all"}, []string{"all"}, []string{BaselineWorkload, "claim-submit", "record-create", "registry-set-key", "study-enroll"}, []string{"check-access", "encryption-key", "patient-records"}},
	} {
		b := &Bench{cfg: Config{Workloads: tc.workloads, Queries: tc.queries}}
		require.NoError(t, b.selectWorkloads(), "%v %v", tc.workloads, tc.queries)
		ws, qs := names(b)
		require.Equal(t, tc.wantW, ws, "--workloads %v", tc.workloads)
		require.Equal(t, tc.wantQ, qs, "--queries %v", tc.queries)
	}

	b := &Bench{cfg: Config{Workloads: []string{"no-such"}}}
	require.ErrorContains(t, b.selectWorkloads(), `unknown workload "no-such"`)
	b = &Bench{cfg: Config{Queries: []string{"no-such"}}}
	require.ErrorContains(t, b.selectWorkloads(), `unknown query "no-such"`)
}

func TestGCSettingReadsTheNodeLog(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	const want = "GOGC=300 (carechaind default; set GOGC to change), memory limit 12052 MiB (half of the memory available; set GOMEMLIMIT to change)"
	coloured := "\x1b[90m11:19PM\x1b[0m \x1b[32mINF\x1b[0m \x1b[1mgarbage collector: " + want + "\x1b[0m \x1b[36mmodule=\x1b[0mserver\nnext line\n"
	require.Equal(t, want, gcSetting(write("coloured.log", "first line\n"+coloured)))
	require.Equal(t, want, gcSetting(write("plain.log", "11:19PM INF garbage collector: "+want+" module=server\n")))
	require.Empty(t, gcSetting(write("none.log", "11:19PM INF starting node module=server\n")))
	require.Empty(t, gcSetting(filepath.Join(dir, "absent.log")))

	const db = "node cache 1024 MiB (carechain.node-cache-mib), iavl-cache-size 100000"
	both := write("both.log", "11:19PM INF garbage collector: "+want+" module=server\n"+
		"\x1b[90m11:19PM\x1b[0m \x1b[32mINF\x1b[0m \x1b[1mapplication database: "+db+"\x1b[0m \x1b[36mmodule=\x1b[0mserver\n")
	require.Equal(t, db, appDBSetting(both))
	require.Equal(t, want, gcSetting(both))
	require.Empty(t, appDBSetting(write("gc-only.log", "11:19PM INF garbage collector: "+want+" module=server\n")))

	// The node cache's figure is the shutdown line of the node's last run:
	// not the periodic lines, not an earlier run's, not a run that was killed.
	line := func(msg string) string {
		return "\x1b[90m11:19PM\x1b[0m \x1b[32mINF\x1b[0m \x1b[1mapplication database: " + msg + "\x1b[0m \x1b[36mmodule=\x1b[0mserver\n"
	}
	run1 := line(db) + line("node cache served 80.0 % of 10 tree-node reads since start")
	run2 := line(db) + line("node cache served 99.0 % of 1000 tree-node reads in the last 5m0s (98.0 % of 2000 since start)")
	require.Equal(t, db, appDBSetting(write("runs.log", run1+run2)))
	require.Empty(t, nodeCacheServed(write("killed.log", run1+run2)), "the last run stopped without its line")
	require.Equal(t, "98.5 % of 3000 tree-node reads",
		nodeCacheServed(write("stopped.log", run1+run2+line("node cache served 98.5 % of 3000 tree-node reads since start")+"11:20PM INF Closing application.db module=server\n")))
	require.Empty(t, nodeCacheServed(write("no-cache.log", "11:19PM INF starting node module=server\n")))
}

// make bench runs at the block interval `carechaind init` gives production
// homes; if that default changes, the benchmark must follow.
func TestFullConfigUsesTheProductionBlockInterval(t *testing.T) {
	require.Equal(t, carechaindcmd.DefaultTimeoutCommit, FullConfig().TimeoutCommit)
	require.GreaterOrEqual(t, FullConfig().SaturationDuration, 8*FullConfig().TimeoutCommit, "saturation runs of at least 8 blocks")
}
