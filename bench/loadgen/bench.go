// Package loadgen is Carechain's benchmark engine: it generates a fresh
// chain whose genesis funds many sender accounts (and the fixtures each
// workload needs), starts carechaind on it, sends pre-signed transactions
// over broadcast_tx_sync at saturation and at a fixed rate, reads every
// transaction's result from the committed blocks, drives query load over
// gRPC and REST, and measures state growth on disk.
//
// Workloads (one transaction type each) and queries register themselves
// from bench/workloads; see bench/README.md.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"cosmossdk.io/log"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
)

// Config is one benchmark run.
type Config struct {
	// Mode names the run in the report ("full", "quick").
	Mode string
	// Binary is the carechaind to run.
	Binary string
	// Workloads and Queries select by name; empty means all registered.
	Workloads []string
	Queries   []string

	// Lanes is the number of senders (one goroutine and account each) per
	// workload.
	Lanes int
	// SaturationDuration is how long each as-fast-as-possible run sends;
	// RateDuration how long each fixed-rate run sends.
	SaturationDuration time.Duration
	// Warmup, if not zero, sends every workload at once at saturation for
	// this long before the measured rounds, and measures nothing from it
	// but its failures, so that the node's heap and caches grow toward
	// their running size before round 1. Off by default: one run with 16 s
	// did not make round 1 better (docs/performance.md).
	Warmup time.Duration
	// Rounds of saturation runs, interleaved across workloads; capacity is
	// the median.
	Rounds       int
	RateDuration time.Duration
	// LoadFactor is the fraction of the measured capacity the fixed-rate
	// (latency) runs offer: 0.8.
	LoadFactor float64
	// LatencyAll runs the fixed-rate (latency) run for every workload; by
	// default only bank-send and the healthcare mix get one (the latency
	// criterion is about those two).
	LatencyAll bool
	// FloorLatency also runs bank-send and the healthcare mix at LoadFactor
	// x the criterion's floor (500 and 400 tx/s), the other reading of
	// criterion 3's "at 80% of that rate" (docs/performance.md, "Two
	// readings of criterion 3"). On in make bench, off in bench-quick.
	FloorLatency bool
	// MaxRate caps how many transactions are pre-signed for a saturation
	// run (MaxRate x SaturationDuration).
	MaxRate float64
	// Backlog caps the node's mempool during saturation runs.
	Backlog int

	// TimeoutCommit and MinGasPrice configure the node.
	TimeoutCommit time.Duration
	MinGasPrice   string

	// QueryDuration is the length of each query measurement, at each of
	// QueryClients concurrencies; QuerySize the objects each query workload
	// puts in genesis.
	QueryDuration time.Duration
	QueryClients  []int
	QuerySize     int

	// GrowthItems is how many items each state-growth measurement adds.
	GrowthItems int

	// DisableFastNodes runs the node with iavl-disable-fastnode = true.
	DisableFastNodes bool
	// IAVLCacheSize, if not zero, sets the node's iavl-cache-size (IAVL
	// nodes cached per store; the SDK's default is 781,250).
	IAVLCacheSize uint64
	// AppDBBackend is the node's app-db-backend: goleveldb (the default) or
	// pebbledb.
	AppDBBackend string
	// MaxBlockGas, if not zero, is the chain's genesis block.max_gas (the
	// sum of gas limits one block may hold; -1 is no limit, CometBFT's
	// default, and what `carechaind init` gives production homes).
	MaxBlockGas int64
	// GasAdjustment: each workload's transactions are signed with the gas
	// its next transaction uses in simulation (the most of a few senders')
	// times this, as a wallet sets its gas limit (gas.go). 0 signs with
	// each workload's fixed Workload.Gas instead.
	GasAdjustment float64

	// PortOffset is added to every standard port (4000: RPC 30657, gRPC
	// 13090, REST 5317, P2P 30656, pprof 10060).
	PortOffset int
	// Home is the node home; empty means a new temporary directory,
	// removed afterwards unless KeepHome.
	Home     string
	KeepHome bool
	// ProfileDir, if set, receives CPU profiles of the node: cpu-<workload>.pprof
	// (round 1 of every saturation run, cpu-healthcare-mix.pprof for the mix)
	// and cpu-query-grpc-32.pprof (32 gRPC query clients).
	ProfileDir string
	// ProfileRounds profiles every saturation round, not only the first
	// (cpu-<workload>-r<N>.pprof for rounds after the first): the node's
	// profile late in a run next to its profile early on.
	ProfileRounds bool

	Log io.Writer
}

// QuickConfig is `make bench-quick`: every measurement, small.
func QuickConfig() Config {
	return Config{
		Mode: "quick", Lanes: 32, Rounds: 1, SaturationDuration: 5 * time.Second, RateDuration: 6 * time.Second,
		LoadFactor: 0.8, MaxRate: 2500, Backlog: 4000, TimeoutCommit: time.Second, MinGasPrice: "0.0025" + app.BondDenom,
		QueryDuration: time.Second, QueryClients: []int{1, 32}, QuerySize: 5_000, GrowthItems: 300,
		PortOffset: 4000, GasAdjustment: DefaultGasAdjustment,
	}
}

// FullConfig is `make bench`.
func FullConfig() Config {
	c := QuickConfig()
	c.Mode = "full"
	c.Lanes = 64
	c.Rounds = 3
	// The block interval new production homes get (`carechaind init`:
	// cmd.DefaultTimeoutCommit, 2 s), so that criterion 3's "p99 at most
	// twice the block interval" is measured on the block time validators
	// run. Quick runs and make testnet keep 1 s;
	// LOADGEN_FLAGS="--timeout-commit 1s" measures the full run at 1 s
	// (docs/performance.md has both). Saturation and fixed-rate runs are
	// long enough for 8 and 15 blocks.
	c.TimeoutCommit = 2 * time.Second
	c.SaturationDuration = 16 * time.Second
	c.RateDuration = 30 * time.Second
	c.FloorLatency = true
	c.Backlog = 6000
	// 8 s per measurement: a LevelDB compaction (0.5-2 s on this machine)
	// landing in a 4 s window moved p99 and REST/gRPC ratios by 2x between
	// otherwise identical runs.
	c.QueryDuration = 8 * time.Second
	c.QueryClients = []int{1, 8, 32}
	c.QuerySize = 100_000
	c.GrowthItems = 5_000
	return c
}

// Results is everything a run measured; bench/results/latest.json holds one.
type Results struct {
	Schema    int          `json:"schema"`
	Mode      string       `json:"mode"`
	StartedAt time.Time    `json:"started_at"`
	DurationS float64      `json:"duration_s"`
	Machine   Machine      `json:"machine"`
	Node      NodeSettings `json:"node"`
	// Latency is measured from the first broadcast_tx_sync attempt to the
	// moment the load generator observed the commit of the block holding
	// the transaction (CometBFT's NewBlockHeader event).
	LatencyDefinition string `json:"latency_definition"`
	// GasLimits are the gas limits the workloads' transactions were signed
	// with (simulated gas x the gas adjustment, or the fixed limits).
	GasLimits []GasLimit `json:"gas_limits,omitempty"`
	// Warmup is the unmeasured warm-up phase (Config.Warmup), kept for its
	// failures and for reference.
	Warmup      *PhaseResult     `json:"warmup,omitempty"`
	Throughput  []WorkloadResult `json:"throughput"`
	Mixed       *WorkloadResult  `json:"healthcare_mix,omitempty"`
	Queries     []QueryStats     `json:"queries"`
	QueryTxLoad *PhaseResult     `json:"query_tx_load,omitempty"`
	StateGrowth []StateGrowth    `json:"state_growth"`
	Checks      []Check          `json:"checks"`
	Notes       []string         `json:"notes,omitempty"`
	// Stalls are the moments the node committed no block for three block
	// intervals or more (with --profile-dir: its goroutine stacks then).
	Stalls   []Stall           `json:"stalls,omitempty"`
	Profiles map[string]string `json:"cpu_profiles,omitempty"`
	Settings map[string]any    `json:"settings"`
}

// WorkloadResult is one workload's (or the healthcare mix's) throughput
// and latency.
type WorkloadResult struct {
	Workload   string `json:"workload"`
	MsgType    string `json:"msg_type"`
	Healthcare bool   `json:"healthcare"`
	// Saturation: as fast as the node takes them; the round with the median
	// committed tx/s, which is the workload's capacity.
	Saturation PhaseResult `json:"saturation"`
	// SaturationRounds are every round's committed tx/s.
	SaturationRounds []float64 `json:"saturation_rounds"`
	// SaturationFailures are every round's transactions that did not
	// commit with code 0 (Saturation holds only the median round's).
	SaturationFailures []int `json:"saturation_failures"`
	// AtLoad: a fixed rate of LoadFactor x capacity, for latency.
	AtLoad PhaseResult `json:"at_load"`
	// AtFloor: a fixed rate of LoadFactor x criterion 3's floor for this
	// workload (bank-send 500, the mix 400 tx/s), with Config.FloorLatency.
	AtFloor *PhaseResult `json:"at_floor,omitempty"`
	// VsBank is capacity / the bank MsgSend capacity of the same run.
	VsBank float64 `json:"vs_bank,omitempty"`
	// NodeCPUMsPerTx is the median over the saturation rounds of the node's
	// CPU time per committed transaction.
	NodeCPUMsPerTx float64 `json:"node_cpu_ms_per_tx"`
	// VsBankCPU is bank-send's CPU per transaction / this one's: the
	// throughput ratio the two would have with the same CPU, which a busy
	// shared machine disturbs far less than VsBank.
	VsBankCPU float64 `json:"vs_bank_cpu,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	CPUs          int     `json:"cpus"`
	GOOS          string  `json:"goos"`
	GOARCH        string  `json:"goarch"`
	GoVersion     string  `json:"go_version"`
	LoadAvgStart  float64 `json:"load_avg_1m_start"`
	LoadAvgEnd    float64 `json:"load_avg_1m_end"`
	NodeVersion   string  `json:"node_version"`
	Commit        string  `json:"commit"`
	SharedMachine bool    `json:"shared_machine_note"`
	// Speed is the machine's own speed (speed.go), measured at the start
	// and whenever the node had gone idle before a measured phase.
	Speed []MachineSpeed `json:"speed,omitempty"`
}

// Bench is a running benchmark.
type Bench struct {
	cfg      Config
	logf     func(format string, args ...any)
	ws       []*Workload
	qs       []*Query
	senders  map[string][]*Sender
	home     string
	node     *node
	rpc      *rpcClient
	grpcConn *grpc.ClientConn
	eng      *engine
	res      *Results
	profMu   sync.Mutex
	// stopStalls stops the stall watcher of the running node and adds the
	// stalls it saw to res; nil when none runs.
	stopStalls func()
	// gc holds the node's collector cycles (gctrace.go).
	gc *gcLog
	// settled: the node has imported the genesis and restarted
	// (settleGenesis); its next stop reads the node cache's figure.
	settled bool
}

// Run executes a whole benchmark and returns its results.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	b := &Bench{cfg: cfg, senders: map[string][]*Sender{}}
	out := cfg.Log
	if out == nil {
		out = os.Stderr
	}
	start := time.Now()
	b.logf = func(format string, args ...any) {
		fmt.Fprintf(out, "[%6.1fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
	}
	b.res = &Results{
		Schema: 1, Mode: cfg.Mode, StartedAt: start.UTC().Truncate(time.Second),
		LatencyDefinition: "first broadcast_tx_sync attempt -> load generator observes the NewBlockHeader event of the block that holds the transaction (after commit)",
		Settings: map[string]any{
			"lanes_per_workload": cfg.Lanes, "saturation_duration_s": cfg.SaturationDuration.Seconds(), "saturation_rounds": cfg.Rounds,
			"rate_duration_s": cfg.RateDuration.Seconds(), "load_factor": cfg.LoadFactor, "warmup_s": cfg.Warmup.Seconds(),
			"saturation_backlog_cap": cfg.Backlog, "query_duration_s": cfg.QueryDuration.Seconds(),
			"query_state_size": cfg.QuerySize, "growth_items": cfg.GrowthItems, "gas_adjustment": cfg.GasAdjustment,
		},
	}
	b.res.Machine = machine(cfg.Binary)
	if err := b.selectWorkloads(); err != nil {
		return nil, err
	}
	b.probeSpeed("start")
	defer b.cleanup()
	// Runs before cleanup, on every return: a partial result says the same.
	defer b.annotateGC()
	if err := b.setup(ctx); err != nil {
		return b.res, err
	}
	if err := b.throughput(ctx); err != nil {
		return b.res, err
	}
	if err := b.queries(ctx); err != nil {
		return b.res, err
	}
	if err := b.stateGrowth(ctx); err != nil {
		return b.res, err
	}
	b.stopStallWatch()
	b.res.Machine.LoadAvgEnd = loadAvg()
	b.res.DurationS = round2(time.Since(start).Seconds())
	b.annotateGC()
	b.res.Checks = evaluate(b.res)
	return b.res, nil
}

// annotateGC says, for every measured window, how long the node's
// collector was marking inside it. It runs at the end, when every cycle
// that overlapped a window has finished and been logged.
func (b *Bench) annotateGC() {
	if b.gc == nil || b.res == nil {
		return
	}
	phase := func(p *PhaseResult) {
		if p != nil && p.Name != "" {
			p.GC = b.gc.overlap(p.sendStart, p.sendEnd)
		}
	}
	for _, w := range b.res.workloads() {
		phase(&w.Saturation)
		for _, p := range w.fixedRatePhases() {
			phase(p)
		}
	}
	phase(b.res.QueryTxLoad)
	for i := range b.res.Queries {
		q := &b.res.Queries[i]
		q.GC = b.gc.overlap(q.start, q.end)
	}
}

func (b *Bench) selectWorkloads() error {
	var unknown string
	b.ws, unknown = pickNamed(b.cfg.Workloads, Workloads(), func(w *Workload) string { return w.Name }, BaselineWorkload)
	if len(b.ws) == 0 || b.ws[0].Name != BaselineWorkload {
		return fmt.Errorf("the baseline workload %q is not registered", BaselineWorkload)
	}
	if unknown != "" {
		return fmt.Errorf("unknown workload %q", unknown)
	}
	if slices.Contains(b.cfg.Queries, "none") {
		return nil
	}
	if b.qs, unknown = pickNamed(b.cfg.Queries, Queries(), func(q *Query) string { return q.Name }, ""); unknown != "" {
		return fmt.Errorf("unknown query %q", unknown)
	}
	return nil
}

// pickNamed returns the members of registered (in their order) that names
// selects, and a name that matched nothing ("" if none). No names, or
// "all" among them, selects every member; always, if not empty, is selected
// whatever the names.
func pickNamed[T any](names []string, registered []T, name func(T) string, always string) ([]T, string) {
	pick := map[string]bool{}
	for _, n := range names {
		pick[n] = true
	}
	all := len(pick) == 0 || pick["all"]
	delete(pick, "all")
	var out []T
	for _, r := range registered {
		if n := name(r); all || pick[n] || (always != "" && n == always) {
			out = append(out, r)
			delete(pick, n)
		}
	}
	for n := range pick {
		return out, n
	}
	return out, ""
}

func (b *Bench) setup(ctx context.Context) error {
	home := b.cfg.Home
	if home == "" {
		dir, err := os.MkdirTemp("", "carechain-bench-")
		if err != nil {
			return err
		}
		home = filepath.Join(dir, "node")
	}
	b.home = home

	for _, w := range b.ws {
		n := b.cfg.Lanes
		if w.Item != "" && w.ItemPerSender {
			n += b.cfg.GrowthItems
		}
		ss := make([]*Sender, n)
		for i := range ss {
			ss[i] = NewSender(w.Name, i)
		}
		b.senders[w.Name] = ss
	}
	gen := &benchGenesis{workloads: b.ws, senders: b.senders, queries: b.qs, querySize: b.cfg.QuerySize}
	pprofAddr := ""
	if b.cfg.ProfileDir != "" {
		pprofAddr = fmt.Sprintf("127.0.0.1:%d", 6060+b.cfg.PortOffset)
	}
	configure, settings := benchNodeConfig(b.cfg.TimeoutCommit, b.cfg.MinGasPrice, func(int) string { return pprofAddr })
	if b.cfg.DisableFastNodes || b.cfg.IAVLCacheSize != 0 {
		settings.IAVLFastNodes = !b.cfg.DisableFastNodes
		settings.IAVLCacheSize = b.cfg.IAVLCacheSize
		base := configure
		configure = func(i int, cmt *cmtcfg.Config, appCfg *serverconfig.Config) {
			base(i, cmt, appCfg)
			appCfg.IAVLDisableFastNode = b.cfg.DisableFastNodes
			if b.cfg.IAVLCacheSize != 0 {
				appCfg.IAVLCacheSize = b.cfg.IAVLCacheSize
			}
		}
	}
	if b.cfg.MaxBlockGas != 0 {
		settings.MaxBlockGas = b.cfg.MaxBlockGas
	}
	if be := b.cfg.AppDBBackend; be != "" && be != settings.AppDBBackend {
		if be != string(dbm.GoLevelDBBackend) && be != string(dbm.PebbleDBBackend) {
			return fmt.Errorf("--app-db-backend %q: want goleveldb or pebbledb", be)
		}
		settings.AppDBBackend = be
		base := configure
		configure = func(i int, cmt *cmtcfg.Config, appCfg *serverconfig.Config) {
			base(i, cmt, appCfg)
			appCfg.AppDBBackend = be
		}
	}
	settings.Validators = 1
	settings.PprofListening = pprofAddr != ""
	b.res.Node = settings

	opts := devnet.Options{
		ChainID: "carechain-bench-1", OutputDir: home, SingleHome: true, NumValidators: 1,
		PortOffset: b.cfg.PortOffset, TimeoutCommit: b.cfg.TimeoutCommit, MinGasPrices: b.cfg.MinGasPrice,
		GenesisHooks: []devnet.GenesisHook{gen.hook}, ConfigureNode: configure,
		MaxBlockGas: b.cfg.MaxBlockGas,
	}
	b.logf("generating a single-validator chain in %s (%d workloads, %d queries)", home, len(b.ws), len(b.qs))
	net, err := devnet.Generate(ctx, opts)
	if err != nil {
		return err
	}
	info := net.Nodes[0]
	if err := checkPortsFree(nodeAddrs(info, pprofAddr)...); err != nil {
		return err
	}
	b.gc = &gcLog{}
	b.node = &node{binary: b.cfg.Binary, info: info, pprof: pprofAddr, log: filepath.Join(home, "node.log"), gc: b.gc}
	b.rpc = newRPCClient(info.RPC, 512)
	b.logf("starting %s (RPC %s, gRPC %s, REST %s)", b.cfg.Binary, info.RPC, info.GRPC, info.REST)
	if err := b.startNode(ctx); err != nil {
		return err
	}
	if err := b.settleGenesis(ctx); err != nil {
		return err
	}

	conn, err := grpc.NewClient(info.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	b.grpcConn = conn
	if err := b.verifyAccounts(ctx); err != nil {
		return err
	}

	tempApp := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})
	price, err := sdk.ParseDecCoin(b.cfg.MinGasPrice)
	if err != nil {
		return err
	}
	b.eng = &engine{
		rpc:    b.rpc,
		signer: NewSigner(tempApp.TxConfig(), net.ChainID, price),
		logf:   b.logf,
		resync: b.resync,
		nodePID: func() int {
			if b.node.cmd == nil || b.node.cmd.Process == nil {
				return -1
			}
			return b.node.cmd.Process.Pid
		},
		maxBlockGas: b.cfg.MaxBlockGas,
	}
	if err := b.setGasLimits(ctx); err != nil {
		return err
	}
	return b.attachObserver(ctx)
}

// setGasLimits simulates every workload's next transaction and signs the
// workload's transactions with the gas used times cfg.GasAdjustment, or,
// with no adjustment, records the fixed limits.
func (b *Bench) setGasLimits(ctx context.Context) error {
	gas, limits, err := gasLimits(ctx, b.grpcConn, b.eng.signer, b.ws, b.senders, b.cfg.GasAdjustment, b.logf)
	if err != nil {
		return err
	}
	b.eng.gas = gas
	b.res.GasLimits = append(b.res.GasLimits, limits...)
	return nil
}

// gasLimits simulates each workload's next transaction on conn and returns
// the gas limit to sign the workload's transactions with (the gas used
// times adj), and what to report. With adj 0 nothing is simulated: the
// map is empty, so every workload keeps its fixed limit, which is
// reported.
func gasLimits(ctx context.Context, conn grpc.ClientConnInterface, signer *Signer, ws []*Workload, senders map[string][]*Sender, adj float64, logf func(string, ...any)) (map[string]uint64, []GasLimit, error) {
	gas := map[string]uint64{}
	var limits []GasLimit
	for _, w := range ws {
		if adj == 0 {
			limits = append(limits, GasLimit{Workload: w.Name, Limit: w.Gas})
			continue
		}
		gl, err := SimulateGasLimit(ctx, conn, signer, w, senders[w.Name], adj)
		if err != nil {
			return nil, nil, err
		}
		gas[w.Name] = gl.Limit
		limits = append(limits, gl)
		logf("%s: gas limit %d (simulated %d x %.2f)", w.Name, gl.Limit, gl.Simulated, adj)
	}
	return gas, limits, nil
}

// Idle is how little CPU the node uses between phases once it has finished
// the previous phase's background work (LevelDB compaction of what that
// phase wrote): an idle single validator committing empty blocks every
// second uses a few percent of a core.
const (
	idleCores   = 0.15
	idleTimeout = 90 * time.Second
)

// quiesce waits, before a measured phase, until the node has been idle for
// a second (at most idleTimeout), so that no phase pays for the background
// work of the one before it. A workload still pays for its own: LevelDB
// compacts while it runs, and its CPU ms/tx counts the node's CPU until the
// mempool is empty.
func (b *Bench) quiesce(ctx context.Context, what string) {
	defer func() {
		if ctx.Err() == nil {
			b.probeSpeed(what)
		}
	}()
	if b.eng == nil || b.eng.nodePID == nil {
		return
	}
	t0 := time.Now()
	prev, _, ok := b.eng.cpuSample()
	if !ok {
		return
	}
	for time.Since(t0) < idleTimeout {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		cur, _, ok := b.eng.cpuSample()
		if !ok {
			return
		}
		if (cur - prev).Seconds() < idleCores {
			if d := time.Since(t0); d > 1500*time.Millisecond {
				b.logf("%s: waited %s for the node to finish its background work", what, d.Round(100*time.Millisecond))
			}
			return
		}
		prev = cur
	}
	b.logf("%s: the node was still busy after %s; measuring anyway", what, idleTimeout)
}

// probeSpeed measures the machine's speed (speed.go) and records it.
func (b *Bench) probeSpeed(before string) {
	s := measureSpeed(before, speedProbe)
	b.res.Machine.Speed = append(b.res.Machine.Speed, s)
	b.logf("machine speed before %s: %.0f secp256k1 verifies/s on one core, %.0f ns per memory read", before, s.VerifiesPerS, s.MemNsPerRead)
}

// settleGenesis stops the node once it has imported the genesis (InitChain
// writes every genesis object to LevelDB in one go), compacts its
// application database and starts it again. Without this, LevelDB spends
// the first minutes of the run compacting the imported genesis in the
// background, on the same two cores, and whichever workload runs then pays
// for it (19-23 % of the node's CPU in the first rounds of the healthcare
// workloads, which write into the large genesis stores). A validator
// imports its genesis once; the figures are about the chain afterwards.
func (b *Bench) settleGenesis(ctx context.Context) error {
	t0 := time.Now()
	if err := b.stopNode(); err != nil {
		return err
	}
	size, err := compactApplicationDB(filepath.Join(b.home, "data"), b.res.Node.AppDBBackend)
	if err != nil {
		return err
	}
	if err := b.startNode(ctx); err != nil {
		return err
	}
	b.settled = true
	b.logf("genesis imported; application.db compacted to %.0f MiB and the node restarted in %s", float64(size)/(1<<20), time.Since(t0).Round(time.Second))
	return nil
}

func (b *Bench) startNode(ctx context.Context) error {
	if err := b.node.start(ctx, b.rpc); err != nil {
		return err
	}
	if b.res.Node.GC == "" { // the same binary and environment on every restart
		b.res.Node.GC = gcSetting(b.node.log)
		b.res.Node.AppDB = appDBSetting(b.node.log)
	}
	b.rpc.http.CloseIdleConnections()
	// The SDK starts its gRPC and REST servers next to CometBFT, so the
	// first block can come before they listen.
	return waitListening(ctx, serviceStartTimeout, b.node.info.GRPC, b.node.info.REST)
}

func (b *Bench) attachObserver(ctx context.Context) error {
	obs, err := newCommitObserver(ctx, b.node.rpc())
	if err != nil {
		return err
	}
	b.eng.observer = obs
	b.watchStalls(obs)
	return nil
}

// watchStalls watches the node for stalls while obs follows it; with a
// profile directory and the node's pprof listener, it saves the node's
// goroutine stacks during each.
func (b *Bench) watchStalls(obs *commitObserver) {
	w := &stallWatcher{after: stallAfter(b.cfg.TimeoutCommit), last: obs.latest, mempool: b.rpc.numUnconfirmedTxs, dir: b.cfg.ProfileDir, logf: b.logf}
	if b.cfg.ProfileDir != "" && b.node.pprof != "" {
		w.goroutines = pprofGoroutines(b.node.pprof)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx)
	}()
	b.stopStalls = func() {
		cancel()
		<-done
		b.res.Stalls = append(b.res.Stalls, w.recorded()...)
	}
}

func (b *Bench) stopStallWatch() {
	if b.stopStalls != nil {
		b.stopStalls()
		b.stopStalls = nil
	}
}

func (b *Bench) stopNode() error {
	b.stopStallWatch()
	if b.eng != nil && b.eng.observer != nil {
		b.eng.observer.stop()
		b.eng.observer = nil
	}
	if err := b.node.stop(); err != nil {
		return err
	}
	if b.settled && b.res.Node.NodeCache == "" {
		b.res.Node.NodeCache = nodeCacheServed(b.node.log)
	}
	return nil
}

func (b *Bench) cleanup() {
	if b.grpcConn != nil {
		b.grpcConn.Close()
	}
	if b.node != nil && b.node.running() {
		if err := b.stopNode(); err != nil {
			b.logf("stopping the node: %v", err)
		}
	}
	if b.home != "" && b.cfg.Home == "" && !b.cfg.KeepHome {
		if err := os.RemoveAll(filepath.Dir(b.home)); err != nil {
			b.logf("removing %s: %v", filepath.Dir(b.home), err)
		}
	} else if b.home != "" {
		b.logf("node home kept in %s", b.home)
	}
}

// verifyAccounts checks the account numbers the signer will use against the
// chain for the first and last sender of every workload.
func (b *Bench) verifyAccounts(ctx context.Context) error {
	q := authtypes.NewQueryClient(b.grpcConn)
	for _, w := range b.ws {
		ss := b.senders[w.Name]
		for _, s := range []*Sender{ss[0], ss[len(ss)-1]} {
			res, err := q.AccountInfo(ctx, &authtypes.QueryAccountInfoRequest{Address: s.Address})
			if err != nil {
				return fmt.Errorf("account of %s sender %d: %w", w.Name, s.Index, err)
			}
			if res.Info.AccountNumber != s.AccountNumber {
				return fmt.Errorf("%s sender %d has account number %d on chain, %d in the signer", w.Name, s.Index, res.Info.AccountNumber, s.AccountNumber)
			}
		}
	}
	return nil
}

// resync re-reads the sequence of senders whose transactions failed.
func (b *Bench) resync(ctx context.Context, senders []*Sender) error {
	q := authtypes.NewQueryClient(b.grpcConn)
	for _, s := range senders {
		res, err := q.AccountInfo(ctx, &authtypes.QueryAccountInfoRequest{Address: s.Address})
		if err != nil {
			return err
		}
		s.Sequence = res.Info.Sequence
	}
	return nil
}

func (b *Bench) lanes(w *Workload) []*Sender { return b.senders[w.Name][:b.cfg.Lanes] }

// perLane splits total transactions over n lanes.
func perLane(total, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = total / n
		if i < total%n {
			out[i]++
		}
	}
	return out
}

// throughput measures every workload's capacity (saturation) and its
// latency at LoadFactor x capacity, then the same for the healthcare mix.
// Saturation runs are interleaved over Rounds (bank, w1, w2, ..., mix,
// bank, w1, ...) and each capacity is the median of its rounds, so that a
// burst of load from elsewhere on a shared machine does not land on one
// workload only.
func (b *Bench) throughput(ctx context.Context) error {
	type entry struct {
		name   string
		ws     []*Workload
		rounds []PhaseResult
	}
	var entries []*entry
	for _, w := range b.ws {
		entries = append(entries, &entry{name: w.Name, ws: []*Workload{w}})
	}
	var hc []*Workload
	for _, w := range b.ws {
		if w.Healthcare {
			hc = append(hc, w)
		}
	}
	if len(hc) > 0 {
		entries = append(entries, &entry{name: mixName, ws: hc})
	} else {
		b.res.Notes = append(b.res.Notes, "no healthcare workload registered: no healthcare mix")
	}

	if err := b.warmup(ctx); err != nil {
		return err
	}

	best := 0.0
	budget := func() float64 {
		if best == 0 {
			return b.cfg.MaxRate
		}
		return math.Min(b.cfg.MaxRate, 2*best+200)
	}
	rounds := max(b.cfg.Rounds, 1)
	for r := 0; r < rounds; r++ {
		for _, e := range entries {
			streams := b.saturationStreams(e.ws, budget(), b.cfg.SaturationDuration)
			p := phase{name: fmt.Sprintf("%s saturation (round %d)", e.name, r+1), streams: streams, duration: b.cfg.SaturationDuration, backlog: b.cfg.Backlog}
			if label := strings.ReplaceAll(e.name, " ", "-"); r == 0 {
				p.during = b.profile(label, b.cfg.SaturationDuration)
			} else if b.cfg.ProfileRounds {
				p.during = b.profile(fmt.Sprintf("%s-r%d", label, r+1), b.cfg.SaturationDuration)
			}
			b.logf("%s: saturation for %s (round %d of %d)", e.name, b.cfg.SaturationDuration, r+1, rounds)
			b.quiesce(ctx, p.name)
			res, err := b.eng.run(ctx, p)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			e.rounds = append(e.rounds, res)
			best = math.Max(best, res.Total.CommittedTPS)
			if bl := res.Blocks; bl.AtGasLimit > 0 && 2*bl.AtGasLimit >= bl.Blocks {
				note := fmt.Sprintf("%s: the block gas limit (%d) closed %d of the %d blocks: this round's capacity measures the limit, not the node", p.name, b.cfg.MaxBlockGas, bl.AtGasLimit, bl.Blocks)
				b.res.Notes = append(b.res.Notes, note)
				b.logf("%s", note)
			}
			b.logf("%s: %.0f committed tx/s (offered %.0f, %d blocks, failures %d); node used %.2f cores, %.2f CPU ms/tx; load generator %.2f, other processes %.2f, stolen %.2f cores; load average %.1f",
				e.name, res.Total.CommittedTPS, res.Total.OfferedTPS, res.Blocks.Blocks, res.Total.Failures(), res.NodeCPUCores, res.NodeCPUMsPerTx, res.LoadgenCPUCores, res.OtherCPUCores, res.StealCPUCores, res.LoadAvg)
		}
	}

	var bank, bankCPU float64
	for _, e := range entries {
		med := medianPhase(e.rounds)
		var cpus []float64
		for _, p := range e.rounds {
			cpus = append(cpus, p.NodeCPUMsPerTx)
		}
		cpu, _, _ := percentiles(cpus)
		capacity := med.Total.CommittedTPS
		var at PhaseResult
		if b.cfg.LatencyAll || e.name == BaselineWorkload || e.name == mixName {
			var err error
			if at, err = b.atLoad(ctx, e.name, e.ws, capacity); err != nil {
				return err
			}
		}
		wr := WorkloadResult{Workload: e.name, Saturation: med, AtLoad: at, NodeCPUMsPerTx: cpu}
		if floor := floorRate(e.name); b.cfg.FloorLatency && floor > 0 {
			pct := b.cfg.LoadFactor * 100
			res, err := b.fixedRate(ctx, fmt.Sprintf("%s at %.0f%% of the floor", e.name, pct), e.ws, math.Floor(floor*b.cfg.LoadFactor),
				fmt.Sprintf("%.0f%% of criterion 3's floor of %.0f tx/s", pct, floor))
			if err != nil {
				return err
			}
			wr.AtFloor = &res
		}
		for _, p := range e.rounds {
			wr.SaturationRounds = append(wr.SaturationRounds, p.Total.CommittedTPS)
			wr.SaturationFailures = append(wr.SaturationFailures, p.Total.Failures())
		}
		if len(e.ws) == 1 {
			wr.MsgType, wr.Healthcare = e.ws[0].MsgType, e.ws[0].Healthcare
		} else {
			names := make([]string, len(e.ws))
			for i, w := range e.ws {
				names[i] = w.Name
			}
			wr.MsgType, wr.Healthcare = strings.Join(names, "+"), true
		}
		if e.name == BaselineWorkload {
			bank, bankCPU = capacity, cpu
		}
		if bank > 0 {
			wr.VsBank = round2(capacity / bank)
		}
		if bankCPU > 0 && cpu > 0 {
			wr.VsBankCPU = round2(bankCPU / cpu)
		}
		if e.name == mixName {
			b.res.Mixed = &wr
		} else {
			b.res.Throughput = append(b.res.Throughput, wr)
		}
	}
	return nil
}

const mixName = "healthcare mix"

// warmup runs Config.Warmup: every workload at once, at saturation, so
// that the node's heap, IAVL caches and LevelDB grow toward the size they
// keep before round 1 is measured (on a fresh node round 1 pays for
// growing into fresh memory: docs/performance.md, "Round 1 pays for the
// heap's growth"). Only its failures count (check 1).
func (b *Bench) warmup(ctx context.Context) error {
	if b.cfg.Warmup <= 0 {
		return nil
	}
	streams := b.saturationStreams(b.ws, b.cfg.MaxRate, b.cfg.Warmup)
	p := phase{name: "warm-up (not measured)", streams: streams, duration: b.cfg.Warmup, backlog: b.cfg.Backlog}
	b.logf("warm-up: every workload at once for %s, not measured", b.cfg.Warmup)
	b.quiesce(ctx, p.name)
	res, err := b.eng.run(ctx, p)
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	b.res.Warmup = &res
	b.logf("warm-up: %.0f committed tx/s (failures %d); node used %.2f cores", res.Total.CommittedTPS, res.Total.Failures(), res.NodeCPUCores)
	return nil
}

// medianPhase returns the round with the median committed rate (the lower
// median for an even count).
func medianPhase(rounds []PhaseResult) PhaseResult {
	s := append([]PhaseResult(nil), rounds...)
	sort.Slice(s, func(i, j int) bool { return s[i].Total.CommittedTPS < s[j].Total.CommittedTPS })
	return s[(len(s)-1)/2]
}

// loadStreams returns fixed-rate streams offering total tx/s split equally
// over ws, pre-signed for d.
// saturationStreams are the streams of a saturation phase of ws lasting
// d, pre-signing up to rate tx/s in all. Several workloads share the
// node, so each gets a generous share (1.5x its equal part).
func (b *Bench) saturationStreams(ws []*Workload, rate float64, d time.Duration) []*stream {
	var out []*stream
	for _, w := range ws {
		st := &stream{w: w, lanes: b.lanes(w)}
		share := rate * d.Seconds()
		if len(ws) > 1 {
			share = share / float64(len(ws)) * 1.5
		}
		st.perLane = perLane(int(share), len(st.lanes))
		out = append(out, st)
	}
	return out
}

func (b *Bench) loadStreams(ws []*Workload, total float64, d time.Duration) []*stream {
	var out []*stream
	for _, w := range ws {
		rate := total / float64(len(ws))
		st := &stream{w: w, lanes: b.lanes(w), rate: rate}
		st.perLane = perLane(int(math.Ceil(rate*d.Seconds()))+len(st.lanes), len(st.lanes))
		out = append(out, st)
	}
	return out
}

func (b *Bench) atLoad(ctx context.Context, name string, ws []*Workload, capacity float64) (PhaseResult, error) {
	rate := math.Floor(capacity * b.cfg.LoadFactor)
	if rate < 1 {
		return PhaseResult{}, fmt.Errorf("%s: no capacity measured (0 committed tx/s); see the failures above and %s", name, b.node.log)
	}
	return b.fixedRate(ctx, name+" at load", ws, rate, fmt.Sprintf("%.0f%% of capacity", b.cfg.LoadFactor*100))
}

// fixedRate waits for the node to go idle, then sends ws at rate tx/s in
// all for RateDuration as the phase called name; why says where the rate
// came from, for the log.
func (b *Bench) fixedRate(ctx context.Context, name string, ws []*Workload, rate float64, why string) (PhaseResult, error) {
	b.quiesce(ctx, name)
	b.logf("%s: %.0f tx/s (%s) for %s", name, rate, why, b.cfg.RateDuration)
	res, err := b.eng.run(ctx, phase{name: name, streams: b.loadStreams(ws, rate, b.cfg.RateDuration), duration: b.cfg.RateDuration})
	if err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	b.logf("%s: committed %.0f tx/s, latency p50 %.0f ms p99 %.0f ms, block interval %.0f ms, failures %d",
		name, res.Total.CommittedTPS, res.Total.LatencyP50Ms, res.Total.LatencyP99Ms, res.Blocks.IntervalMeanMs, res.Total.Failures())
	return res, nil
}

// floorRate is criterion 3's floor for a workload: 500 tx/s for
// bank-send, 400 for the healthcare mix, 0 for the others.
func floorRate(workload string) float64 {
	switch workload {
	case BaselineWorkload:
		return minBankTPS
	case mixName:
		return minMixedTPS
	}
	return 0
}

// profile returns a phase hook that takes a CPU profile of the node for
// about d and writes it to ProfileDir/cpu-<label>.pprof.
func (b *Bench) profile(label string, d time.Duration) func(ctx context.Context) {
	if b.cfg.ProfileDir == "" || b.node.pprof == "" {
		return nil
	}
	return func(ctx context.Context) {
		secs := min(max(int(d.Seconds())-2, 1), 30)
		time.Sleep(time.Second)
		if err := b.takeProfile(label, secs); err != nil {
			b.logf("profile %s: %v", label, err)
		}
	}
}

func (b *Bench) takeProfile(label string, secs int) error {
	resp, err := pprofGet(context.Background(), b.node.pprof, fmt.Sprintf("profile?seconds=%d", secs))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := os.MkdirAll(b.cfg.ProfileDir, 0o750); err != nil {
		return err
	}
	path := filepath.Join(b.cfg.ProfileDir, "cpu-"+label+".pprof")
	f, err := os.Create(path) //nolint:gosec // under the operator's --profile-dir
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		return err
	}
	b.profMu.Lock()
	if b.res.Profiles == nil {
		b.res.Profiles = map[string]string{}
	}
	b.res.Profiles[label] = path
	b.profMu.Unlock()
	b.logf("CPU profile of the node (%d s, %s) written to %s", secs, label, path)
	return nil
}

// nodePID returns the node's process id for CPU accounting, or nil when
// the load generator did not start the node.
func (b *Bench) nodePID() func() int {
	if b.eng == nil {
		return nil
	}
	return b.eng.nodePID
}

func (b *Bench) queries(ctx context.Context) error {
	if len(b.qs) == 0 {
		return nil
	}
	info := b.node.info
	measure := func(load bool) error {
		for _, q := range b.qs {
			for _, transport := range []string{"grpc", "rest"} {
				for _, c := range b.cfg.QueryClients {
					st, err := queryLoad(ctx, q, transport, info.GRPC, info.REST, c, b.cfg.QuerySize, b.cfg.QueryDuration, b.nodePID())
					if err != nil {
						return err
					}
					st.TxLoad = load
					st.StateSize = b.cfg.QuerySize
					cpu := ""
					if st.CPU != nil {
						cpu = "; " + st.CPU.String()
					}
					b.logf("query %s over %s, %d clients, tx load %v: %.0f q/s, p50 %.2f ms, p99 %.2f ms, errors %d%s",
						q.Name, transport, c, load, st.QPS, st.P50Ms, st.P99Ms, st.Errors, cpu)
					b.res.Queries = append(b.res.Queries, st)
				}
			}
		}
		return nil
	}
	b.quiesce(ctx, "queries")
	if err := measure(false); err != nil {
		return err
	}
	// The profile of the query path comes from one more run of the first
	// query over gRPC at 32 clients, which is not reported: the profiler
	// costs the node CPU, and the measured runs above go without it.
	if hook := b.profile("query-grpc-32", b.cfg.QueryDuration+time.Second); hook != nil {
		go hook(ctx)
		if _, err := queryLoad(ctx, b.qs[0], "grpc", info.GRPC, info.REST, queryCheckClients, b.cfg.QuerySize, b.cfg.QueryDuration, nil); err != nil {
			return err
		}
		b.logf("query %s over grpc, %d clients: profiled run (not reported)", b.qs[0].Name, queryCheckClients)
	}

	// The same again while the node commits transactions at LoadFactor x the
	// healthcare mix's capacity (the bank baseline's when there is no mix).
	ws, capacity := []*Workload{b.ws[0]}, b.res.Throughput[0].Saturation.Total.CommittedTPS
	if b.res.Mixed != nil {
		ws, capacity = nil, b.res.Mixed.Saturation.Total.CommittedTPS
		for _, w := range b.ws {
			if w.Healthcare {
				ws = append(ws, w)
			}
		}
	}
	rate := math.Floor(capacity * b.cfg.LoadFactor)
	d := time.Duration(len(b.qs)*2*len(b.cfg.QueryClients))*(b.cfg.QueryDuration+500*time.Millisecond) + 3*time.Second
	b.quiesce(ctx, "queries under transaction load")
	b.logf("queries under %.0f tx/s of transaction load", rate)
	streams := b.loadStreams(ws, rate, d)
	started := make(chan struct{})
	type result struct {
		res PhaseResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := b.eng.run(ctx, phase{name: "transaction load during queries", streams: streams, duration: d,
			during: func(context.Context) { close(started) }})
		done <- result{res, err}
	}()
	select {
	case <-started:
	case r := <-done:
		return fmt.Errorf("transaction load for queries: %v", r.err)
	}
	time.Sleep(2 * time.Second) // let the first loaded blocks commit
	qerr := measure(true)
	r := <-done
	if qerr != nil {
		return qerr
	}
	if r.err != nil {
		return r.err
	}
	b.res.QueryTxLoad = &r.res
	return nil
}

// stateGrowth measures, for every workload with an Item, the database
// growth per item: stop the node, measure, restart, add GrowthItems items,
// stop, measure again.
func (b *Bench) stateGrowth(ctx context.Context) error {
	var ws []*Workload
	for _, w := range b.ws {
		if w.Item != "" {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 || b.cfg.GrowthItems == 0 {
		return nil
	}
	before, err := b.stopAndMeasure(ctx)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if err := b.startNode(ctx); err != nil {
			return err
		}
		if err := b.attachObserver(ctx); err != nil {
			return err
		}
		var capacity float64
		for _, t := range b.res.Throughput {
			if t.Workload == w.Name {
				capacity = t.Saturation.Total.CommittedTPS
			}
		}
		rate := math.Max(1, math.Floor(capacity*b.cfg.LoadFactor))
		st := &stream{w: w, rate: rate}
		if w.ItemPerSender {
			st.lanes = b.senders[w.Name][b.cfg.Lanes : b.cfg.Lanes+b.cfg.GrowthItems]
			st.perLane = perLane(b.cfg.GrowthItems, len(st.lanes))
		} else {
			st.lanes = b.lanes(w)
			st.perLane = perLane(b.cfg.GrowthItems, len(st.lanes))
		}
		b.logf("%s: adding %d %ss at %.0f tx/s for the state-growth measurement", w.Name, b.cfg.GrowthItems, w.Item, rate)
		res, err := b.eng.run(ctx, phase{name: w.Name + " state growth", streams: []*stream{st}})
		if err != nil {
			return err
		}
		after, err := b.stopAndMeasure(ctx)
		if err != nil {
			return err
		}
		items := res.Total.Committed
		disk, logical, byStore := growth(before, after, items)
		g := StateGrowth{
			Workload: w.Name, Item: w.Item, Store: w.Store, Items: items, DiskBytesPerItem: disk,
			LogicalBytesPerItem: byStore[w.Store], LogicalAllStores: logical,
			LogicalByStore: byStore, DiskBytesBefore: before.disk, DiskBytesAfter: after.disk, Tx: res.Streams[0],
		}
		if g.LogicalBytesPerItem > 0 {
			g.Ratio = round2(disk / g.LogicalBytesPerItem)
		}
		b.logf("%s: %.0f bytes on disk per %s; logical %.0f in store %q, %.0f in all stores (ratio %.2f)", w.Name, disk, w.Item, g.LogicalBytesPerItem, w.Store, logical, g.Ratio)
		b.res.StateGrowth = append(b.res.StateGrowth, g)
		before = after
	}
	return nil
}

// stopAndMeasure stops the node cleanly and measures its live state.
func (b *Bench) stopAndMeasure(context.Context) (stateSize, error) {
	if err := b.stopNode(); err != nil {
		return stateSize{}, err
	}
	size, err := measureState(b.home, b.res.Node.AppDBBackend)
	if err == nil && len(size.unpruned) > 0 {
		b.logf("  stores that kept old versions (a version without its root, left by the node's own pruning): %s; their bytes stay in the disk figure", strings.Join(size.unpruned, ", "))
	}
	return size, err
}

func machine(binary string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(), LoadAvgStart: loadAvg(), SharedMachine: true}
	if out, err := exec.Command(binary, "version").Output(); err == nil {
		m.NodeVersion = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

func loadAvg() float64 {
	bz, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var v float64
	if _, err := fmt.Sscanf(string(bz), "%f", &v); err != nil {
		return 0
	}
	return v
}
