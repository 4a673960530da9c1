package loadgen

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// stream is one workload's share of a phase: its lanes (one sender each)
// and the rate it offers.
type stream struct {
	w     *Workload
	lanes []*Sender
	// rate is the offered rate of the whole stream in tx/s; 0 sends as fast
	// as the node accepts (bounded by the phase's backlog cap).
	rate float64
	// perLane is how many transactions each lane pre-signs.
	perLane []int

	// filled by presign
	txs [][]laneTx
}

type laneTx struct {
	bytes []byte
	hash  [32]byte
	seq   uint64
}

// phase is one measured run: streams sent concurrently.
type phase struct {
	name    string
	streams []*stream
	// duration stops sending after this long (0: send every pre-signed
	// transaction).
	duration time.Duration
	// backlog pauses unpaced lanes while the node's mempool holds more than
	// this many transactions, so a saturating load measures the node's
	// capacity without an ever-growing queue.
	backlog int
	// drain bounds the wait for the mempool to empty after sending.
	drain time.Duration
	// during runs (in its own goroutine) once sending has started.
	during func(ctx context.Context)
}

type sentTx struct {
	stream int
	lane   int
	sentAt time.Time
	size   int
}

type laneOutcome struct {
	accepted    int
	firstUnsent int
	rejected    int
	rejectLog   string
	mempoolFull int
}

// TxStats are one workload's figures in one phase.
type TxStats struct {
	Workload string `json:"workload"`
	MsgType  string `json:"msg_type"`
	// Mode is "saturation" (as fast as the node takes them) or "fixed-rate".
	Mode      string  `json:"mode"`
	Lanes     int     `json:"lanes"`
	TargetTPS float64 `json:"target_tps,omitempty"`
	// OfferedTPS is transactions accepted by broadcast_tx_sync per second of
	// sending.
	OfferedTPS float64 `json:"offered_tps"`
	// CommittedTPS counts only transactions committed with code 0.
	CommittedTPS float64 `json:"committed_tps"`
	Sent         int     `json:"sent"`
	Committed    int     `json:"committed_ok"`
	// Failed were committed with a non-zero code; Rejected were refused by
	// CheckTx or the RPC; Missing were accepted but never seen in a block.
	Failed             int     `json:"failed"`
	Rejected           int     `json:"rejected"`
	Missing            int     `json:"missing"`
	MempoolFullRetries int     `json:"mempool_full_retries"`
	LatencyP50Ms       float64 `json:"latency_p50_ms"`
	LatencyP99Ms       float64 `json:"latency_p99_ms"`
	LatencyMaxMs       float64 `json:"latency_max_ms"`
	GasUsedPerTx       float64 `json:"gas_used_per_tx"`
	GasWantedPerTx     float64 `json:"gas_wanted_per_tx"`
	// GasUsedMax is the most gas one committed transaction used: how close
	// the workload came to its gas limit (GasWantedPerTx).
	GasUsedMax     int64    `json:"gas_used_max,omitempty"`
	BytesPerTx     float64  `json:"bytes_per_tx"`
	FailureSamples []string `json:"failure_samples,omitempty"`
	// Exhausted: every lane ran out of pre-signed transactions before the
	// phase ended, so the node may take more than CommittedTPS.
	Exhausted bool `json:"exhausted,omitempty"`
}

// Failures is everything that did not commit with code 0.
func (s TxStats) Failures() int { return s.Failed + s.Rejected + s.Missing }

// BlockStats describe the blocks committed while a phase was sending. The
// interval is measured between consecutive block header (BFT) times.
type BlockStats struct {
	Blocks          int     `json:"blocks"`
	IntervalMeanMs  float64 `json:"interval_mean_ms"`
	IntervalP99Ms   float64 `json:"interval_p99_ms"`
	IntervalMaxMs   float64 `json:"interval_max_ms"`
	TxsPerBlockMax  int     `json:"txs_per_block_max"`
	RoundsAboveZero int     `json:"rounds_above_zero"`
	// GasWantedMax is the largest sum of gas limits in one block.
	GasWantedMax int64 `json:"gas_wanted_per_block_max,omitempty"`
	// AtGasLimit counts the blocks the chain's block gas limit (max_gas)
	// closed: too full for one more of the phase's largest transactions.
	// When a saturation phase has many, it measured the limit, not the node.
	AtGasLimit int `json:"blocks_at_gas_limit,omitempty"`
}

// PhaseResult is a phase's figures.
type PhaseResult struct {
	Name    string     `json:"name"`
	Streams []TxStats  `json:"streams"`
	Total   TxStats    `json:"total"`
	Blocks  BlockStats `json:"blocks"`
	// DurationS is how long the lanes were sending.
	DurationS float64 `json:"duration_s"`
	// NodeCPUCores is the CPU the node process used while the lanes were
	// sending, in cores (2.0 = both cores of a 2-core machine): on a shared
	// machine, how much of it the node actually got.
	NodeCPUCores float64 `json:"node_cpu_cores,omitempty"`
	// NodeCPUMsPerTx is the node's CPU time from the start of sending until
	// the mempool drained, per transaction committed with code 0 (CheckTx,
	// recheck, execution, commit and RPC together). It depends far less on
	// what else the machine runs than tx/s does.
	NodeCPUMsPerTx float64 `json:"node_cpu_ms_per_tx,omitempty"`
	// LoadgenCPUCores is the load generator's own CPU use while sending.
	LoadgenCPUCores float64 `json:"loadgen_cpu_cores,omitempty"`
	// OtherCPUCores is what every other process on the machine used while
	// sending, and StealCPUCores what the hypervisor kept from this
	// machine (WindowCPU).
	OtherCPUCores float64 `json:"other_cpu_cores,omitempty"`
	StealCPUCores float64 `json:"steal_cpu_cores,omitempty"`
	// LoadAvg is the 1-minute load average when sending ended.
	LoadAvg float64 `json:"load_avg_1m"`
	// BlockLog is every block of a fixed-rate phase, for reading where its
	// latency went (saturation phases leave it out).
	BlockLog []BlockLogEntry `json:"block_log,omitempty"`
	// GC is how long the node's collector was marking while the lanes were
	// sending.
	GC *GCOverlap `json:"node_gc,omitempty"`

	sendStart, sendEnd time.Time
}

// BlockLogEntry is one block of a fixed-rate phase.
type BlockLogEntry struct {
	Height int64 `json:"height"`
	// Time is the block's BFT time: when its predecessor was precommitted.
	Time time.Time `json:"time"`
	Txs  int       `json:"txs"`
	// IntervalMs is the BFT time since the previous block's.
	IntervalMs float64 `json:"interval_ms"`
	// FinishMs is from the block's precommit (the next block's BFT time) to
	// the load generator seeing the block's header event, which CometBFT
	// fires after FinalizeBlock, Commit and the mempool's recheck: how long
	// the node took to finish the block once it was decided. A block that
	// finishes later than timeout_commit delays the next proposal.
	FinishMs float64 `json:"finish_ms,omitempty"`
}

type engine struct {
	rpc *rpcClient
	// broadcast, if set, spreads lanes over several nodes (lane i sends to
	// broadcast[i % len]); otherwise every lane sends to rpc.
	broadcast []*rpcClient
	observer  *commitObserver
	signer    *Signer
	logf      func(format string, args ...any)
	resync    func(ctx context.Context, senders []*Sender) error
	// nodePID, if set, returns the node's process id for CPU accounting.
	nodePID func() int
	// gas holds the gas limit of each workload whose limit was simulated
	// (gas.go); the others sign with their fixed Workload.Gas.
	gas map[string]uint64
	// maxBlockGas is the chain's block.max_gas (0 or -1: none), to tell
	// which blocks were full.
	maxBlockGas int64
}

// gasLimit is the gas limit w's transactions are signed with.
func (e *engine) gasLimit(w *Workload) uint64 {
	if g, ok := e.gas[w.Name]; ok {
		return g
	}
	return w.Gas
}

// cpuSample reads the node's and the load generator's CPU time.
func (e *engine) cpuSample() (node, self time.Duration, ok bool) {
	self = selfCPU()
	if e.nodePID == nil {
		return 0, self, false
	}
	node, err := processCPU(e.nodePID())
	return node, self, err == nil
}

// presign signs every stream's transactions ahead of the run, lanes in
// parallel, so that signing is not on the sending path.
func (e *engine) presign(streams []*stream) error {
	type job struct{ s, l int }
	jobs := make(chan job)
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				st := streams[j.s]
				sender := st.lanes[j.l]
				txs := make([]laneTx, st.perLane[j.l])
				for k := range txs {
					seq := sender.Sequence
					bz, err := e.signer.Sign(sender, e.gasLimit(st.w), st.w.Msg(sender, seq))
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = fmt.Errorf("%s: signing for %s: %w", st.w.Name, sender.Address, err)
						}
						mu.Unlock()
						return
					}
					txs[k] = laneTx{bytes: bz, hash: sha256.Sum256(bz), seq: seq}
				}
				st.txs[j.l] = txs
			}
		}()
	}
	for s, st := range streams {
		st.txs = make([][]laneTx, len(st.lanes))
		for l := range st.lanes {
			jobs <- job{s, l}
		}
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// run sends a phase and reads every transaction's fate from the blocks.
func (e *engine) run(ctx context.Context, p phase) (PhaseResult, error) {
	signStart := time.Now()
	if err := e.presign(p.streams); err != nil {
		return PhaseResult{}, err
	}
	if el := time.Since(signStart); el > time.Second {
		total := 0
		for _, st := range p.streams {
			for _, n := range st.perLane {
				total += n
			}
		}
		e.logf("  pre-signed %d transactions in %s", total, el.Round(100*time.Millisecond))
	}
	startHeight, err := e.rpc.height(ctx)
	if err != nil {
		return PhaseResult{}, err
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var backlog atomic.Int64
	if p.backlog > 0 {
		go func() {
			for runCtx.Err() == nil {
				if n, err := e.rpc.numUnconfirmedTxs(runCtx); err == nil {
					backlog.Store(int64(n))
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}

	t0 := time.Now().Add(100 * time.Millisecond)
	var deadline time.Time
	if p.duration > 0 {
		deadline = t0.Add(p.duration)
	}
	var sentMu sync.Mutex
	sent := make(map[[32]byte]sentTx)
	outcomes := make([][]laneOutcome, len(p.streams))
	var wg sync.WaitGroup
	for si, st := range p.streams {
		outcomes[si] = make([]laneOutcome, len(st.lanes))
		for li := range st.lanes {
			wg.Add(1)
			go func(si, li int) {
				defer wg.Done()
				out := &outcomes[si][li]
				st := p.streams[si]
				L := float64(len(st.lanes))
				txs := st.txs[li]
				client := e.rpc
				if len(e.broadcast) > 0 {
					client = e.broadcast[li%len(e.broadcast)]
				}
				j := 0
			send:
				for ; j < len(txs); j++ {
					if st.rate > 0 {
						at := t0.Add(time.Duration((float64(j)*L + float64(li)) / st.rate * float64(time.Second)))
						if !deadline.IsZero() && !at.Before(deadline) {
							break
						}
						if d := time.Until(at); d > 0 {
							select {
							case <-runCtx.Done():
								break send
							case <-time.After(d):
							}
						}
					} else if d := time.Until(t0); d > 0 {
						time.Sleep(d)
					}
					for p.backlog > 0 && backlog.Load() > int64(p.backlog) {
						if (!deadline.IsZero() && time.Now().After(deadline)) || runCtx.Err() != nil {
							break send
						}
						time.Sleep(10 * time.Millisecond)
					}
					if (!deadline.IsZero() && time.Now().After(deadline)) || runCtx.Err() != nil {
						break
					}
					sentAt := time.Now()
					for {
						res, err := client.broadcastTxSync(runCtx, txs[j].bytes)
						if errors.Is(err, errMempoolFull) {
							out.mempoolFull++
							time.Sleep(50 * time.Millisecond)
							if !deadline.IsZero() && time.Now().After(deadline) {
								break send
							}
							continue
						}
						accepted := err == nil && res.Code == 0
						if err != nil && strings.Contains(err.Error(), "tx already exists in cache") {
							accepted = true
						}
						if !accepted {
							if runCtx.Err() != nil {
								break send
							}
							out.rejected++
							if err != nil {
								out.rejectLog = err.Error()
							} else {
								out.rejectLog = fmt.Sprintf("CheckTx code %d (%s): %s", res.Code, res.Codespace, res.Log)
							}
							// The rest of this lane's transactions follow the
							// refused sequence: stop the lane.
							break send
						}
						break
					}
					out.accepted++
					sentMu.Lock()
					sent[txs[j].hash] = sentTx{stream: si, lane: li, sentAt: sentAt, size: len(txs[j].bytes)}
					sentMu.Unlock()
				}
				out.firstUnsent = j
			}(si, li)
		}
	}
	if p.during != nil {
		go p.during(runCtx)
	}
	time.Sleep(time.Until(t0))
	node0, self0, cpuOK := e.cpuSample()
	m0, machineErr0 := readMachineTimes()
	wg.Wait()
	sendEnd := time.Now()
	node1, self1, _ := e.cpuSample()
	m1, machineErr1 := readMachineTimes()
	cancel()

	// Rewind every lane to its first unsent transaction: those sequences
	// were never used.
	for si, st := range p.streams {
		for li, sender := range st.lanes {
			o := outcomes[si][li]
			if o.firstUnsent < len(st.txs[li]) {
				sender.Sequence = st.txs[li][o.firstUnsent].seq
			}
		}
	}

	endHeight, err := e.drain(ctx, p.drain)
	if err != nil {
		return PhaseResult{}, err
	}
	node2, _, _ := e.cpuSample()
	res, resyncNeeded, err := e.collect(ctx, p, t0, sendEnd, startHeight, endHeight, sent, outcomes)
	if err != nil {
		return PhaseResult{}, err
	}
	res.LoadAvg = loadAvg()
	res.sendStart, res.sendEnd = t0, sendEnd
	if secs := sendEnd.Sub(t0).Seconds(); secs > 0 {
		res.LoadgenCPUCores = round2((self1 - self0).Seconds() / secs)
		if cpuOK {
			res.NodeCPUCores = round2((node1 - node0).Seconds() / secs)
			if res.Total.Committed > 0 {
				res.NodeCPUMsPerTx = round2(float64(node2-node0) / float64(time.Millisecond) / float64(res.Total.Committed))
			}
			if machineErr0 == nil && machineErr1 == nil {
				w := windowCPU(secs, node1-node0, self1-self0, m1.sub(m0))
				res.OtherCPUCores, res.StealCPUCores = w.Other, w.Steal
			}
		}
	}
	if len(resyncNeeded) > 0 && e.resync != nil {
		if err := e.resync(ctx, resyncNeeded); err != nil {
			return res, fmt.Errorf("re-reading sequences after failures: %w", err)
		}
	}
	return res, nil
}

// drain waits until the mempool is empty and the observer has seen the
// last commit, and returns the last height.
func (e *engine) drain(ctx context.Context, limit time.Duration) (int64, error) {
	if limit <= 0 {
		limit = 2 * time.Minute
	}
	deadline := time.Now().Add(limit)
	for {
		n, err := e.rpc.numUnconfirmedTxs(ctx)
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			e.logf("  mempool still holds %d transactions after %s; counting them as missing", n, limit)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	h, err := e.rpc.height(ctx)
	if err != nil {
		return 0, err
	}
	// The NewBlockHeader event follows the commit by a moment.
	for i := 0; i < 50 && e.observer.lastHeight() < h; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	return h, nil
}

type blockRecord struct {
	height   int64
	observed time.Time
	// header is the block's BFT time: when the previous block was
	// precommitted. Differences between consecutive headers are the
	// consensus block interval, free of event-delivery jitter.
	header time.Time
	round  int32
	txs    int
	okBy   []int // code-0 transactions of each stream
	// gasWanted is the sum of the gas limits of all the block's transactions.
	gasWanted int64
}

// collect reads blocks startHeight+1..endHeight and their results and
// attributes each of the phase's transactions.
func (e *engine) collect(ctx context.Context, p phase, t0, sendEnd time.Time, startHeight, endHeight int64,
	sent map[[32]byte]sentTx, outcomes [][]laneOutcome,
) (PhaseResult, []*Sender, error) {
	n := len(p.streams)
	latencies := make([][]float64, n)
	gasUsed := make([]int64, n)
	gasWanted := make([]int64, n)
	gasMax := make([]int64, n)
	bytes := make([]int64, n)
	failed := make([]int, n)
	samples := make([][]string, n)
	refusals := make([][]string, n)
	seen := make(map[[32]byte]bool, len(sent))
	needResync := map[*Sender]bool{}
	var blocks []blockRecord

	for h := startHeight + 1; h <= endHeight; h++ {
		b, err := e.rpc.block(ctx, h)
		if err != nil {
			return PhaseResult{}, nil, err
		}
		results, err := e.rpc.blockResults(ctx, h)
		if err != nil {
			return PhaseResult{}, nil, err
		}
		if len(results) != len(b.Txs) {
			return PhaseResult{}, nil, fmt.Errorf("block %d: %d transactions but %d results", h, len(b.Txs), len(results))
		}
		obs, ok := e.observer.observedAt(h)
		if !ok {
			obs = e.observedAfter(h)
		}
		rec := blockRecord{height: h, observed: obs, header: b.Time, round: b.Round, txs: len(b.Txs), okBy: make([]int, n)}
		for _, r := range results {
			rec.gasWanted += int64(r.GasWanted)
		}
		for i, tx := range b.Txs {
			hash := sha256.Sum256(tx)
			st, ours := sent[hash]
			if !ours || seen[hash] {
				continue
			}
			seen[hash] = true
			r := results[i]
			if r.Code != 0 {
				failed[st.stream]++
				if len(samples[st.stream]) < 3 {
					samples[st.stream] = append(samples[st.stream], fmt.Sprintf("height %d: code %d (%s): %s", h, r.Code, r.Codespace, truncate(r.Log, 300)))
				}
				needResync[p.streams[st.stream].lanes[st.lane]] = true
				continue
			}
			if ev := p.streams[st.stream].w.MustEmit; ev != "" && !r.emitted(ev) {
				failed[st.stream]++
				if len(samples[st.stream]) < 3 {
					samples[st.stream] = append(samples[st.stream], fmt.Sprintf("height %d: code 0 but no %s event", h, ev))
				}
				continue
			}
			rec.okBy[st.stream]++
			latencies[st.stream] = append(latencies[st.stream], float64(obs.Sub(st.sentAt))/float64(time.Millisecond))
			gasUsed[st.stream] += int64(r.GasUsed)
			gasWanted[st.stream] += int64(r.GasWanted)
			gasMax[st.stream] = max(gasMax[st.stream], int64(r.GasUsed))
			bytes[st.stream] += int64(st.size)
		}
		blocks = append(blocks, rec)
	}

	missing := make([]int, n)
	for hash, st := range sent {
		if !seen[hash] {
			missing[st.stream]++
			needResync[p.streams[st.stream].lanes[st.lane]] = true
		}
	}

	// The window: blocks committed while the lanes were sending. The first
	// one only marks the start (it was mostly built before the load began).
	var window []blockRecord
	for _, b := range blocks {
		if b.observed.After(t0) && !b.observed.After(sendEnd.Add(50*time.Millisecond)) {
			window = append(window, b)
		}
	}
	duration := sendEnd.Sub(t0).Seconds()
	res := PhaseResult{Name: p.name, DurationS: round2(duration)}
	var allLat []float64
	total := TxStats{Workload: "total"}
	for si, st := range p.streams {
		s := TxStats{Workload: st.w.Name, MsgType: st.w.MsgType, Lanes: len(st.lanes), TargetTPS: round2(st.rate)}
		s.Mode = "fixed-rate"
		if st.rate == 0 {
			s.Mode = "saturation"
		}
		exhausted := true
		for li, o := range outcomes[si] {
			s.Sent += o.accepted
			s.Rejected += o.rejected
			s.MempoolFullRetries += o.mempoolFull
			if o.rejected > 0 {
				needResync[st.lanes[li]] = true
				if len(refusals[si]) < 3 {
					refusals[si] = append(refusals[si], "refused: "+truncate(o.rejectLog, 300))
				}
			}
			if o.firstUnsent < len(st.txs[li]) {
				exhausted = false
			}
		}
		s.Exhausted = exhausted && p.duration > 0 && st.rate == 0
		s.Failed = failed[si]
		s.Missing = missing[si]
		s.Committed = len(latencies[si])
		s.FailureSamples = append(samples[si], refusals[si]...)
		if s.Missing > 0 {
			s.FailureSamples = append(s.FailureSamples, fmt.Sprintf("missing: %d transactions passed CheckTx but were in no block by the end of the drain", s.Missing))
		}
		if duration > 0 {
			s.OfferedTPS = round2(float64(s.Sent) / duration)
		}
		s.CommittedTPS = round2(committedRate(window, blocks, si, t0))
		if s.Committed > 0 {
			s.GasUsedPerTx = round2(float64(gasUsed[si]) / float64(s.Committed))
			s.GasWantedPerTx = round2(float64(gasWanted[si]) / float64(s.Committed))
			s.GasUsedMax = gasMax[si]
			s.BytesPerTx = round2(float64(bytes[si]) / float64(s.Committed))
		}
		s.LatencyP50Ms, s.LatencyP99Ms, s.LatencyMaxMs = percentiles(latencies[si])
		res.Streams = append(res.Streams, s)

		allLat = append(allLat, latencies[si]...)
		total.Lanes += s.Lanes
		total.TargetTPS += s.TargetTPS
		total.OfferedTPS += s.OfferedTPS
		total.CommittedTPS += s.CommittedTPS
		total.Sent += s.Sent
		total.Committed += s.Committed
		total.Failed += s.Failed
		total.Rejected += s.Rejected
		total.Missing += s.Missing
		total.MempoolFullRetries += s.MempoolFullRetries
		total.GasUsedPerTx += float64(gasUsed[si])
		total.BytesPerTx += float64(bytes[si])
	}
	if total.Committed > 0 {
		total.GasUsedPerTx = round2(total.GasUsedPerTx / float64(total.Committed))
		total.BytesPerTx = round2(total.BytesPerTx / float64(total.Committed))
	}
	total.Mode = res.Streams[0].Mode
	total.OfferedTPS = round2(total.OfferedTPS)
	total.CommittedTPS = round2(total.CommittedTPS)
	total.TargetTPS = round2(total.TargetTPS)
	total.LatencyP50Ms, total.LatencyP99Ms, total.LatencyMaxMs = percentiles(allLat)
	res.Total = total
	var txGas int64
	for _, st := range p.streams {
		txGas = max(txGas, int64(e.gasLimit(st.w)))
	}
	res.Blocks = blockStats(window, e.maxBlockGas, txGas)
	if total.Mode == "fixed-rate" {
		res.BlockLog = blockLog(blocks)
	}

	resync := make([]*Sender, 0, len(needResync))
	for s := range needResync {
		resync = append(resync, s)
	}
	return res, resync, nil
}

// committedRate is stream si's code-0 transactions per second over the
// window: the transactions in the window's blocks after the first, divided
// by the time from the first block's commit to the last's.
func committedRate(window, all []blockRecord, si int, t0 time.Time) float64 {
	if len(window) >= 3 {
		ok := 0
		for _, b := range window[1:] {
			ok += b.okBy[si]
		}
		return float64(ok) / window[len(window)-1].observed.Sub(window[0].observed).Seconds()
	}
	// Too few blocks for a window: everything committed since the start.
	ok := 0
	var last time.Time
	for _, b := range all {
		if b.okBy[si] > 0 {
			ok += b.okBy[si]
			last = b.observed
		}
	}
	if ok == 0 || !last.After(t0) {
		return 0
	}
	return float64(ok) / last.Sub(t0).Seconds()
}

// blockLog lists blocks with their intervals and finish times.
func blockLog(blocks []blockRecord) []BlockLogEntry {
	ms := func(d time.Duration) float64 { return round2(float64(d) / float64(time.Millisecond)) }
	out := make([]BlockLogEntry, len(blocks))
	for i, b := range blocks {
		out[i] = BlockLogEntry{Height: b.height, Time: b.header, Txs: b.txs}
		if i > 0 {
			out[i].IntervalMs = ms(b.header.Sub(blocks[i-1].header))
		}
		if i+1 < len(blocks) {
			out[i].FinishMs = ms(b.observed.Sub(blocks[i+1].header))
		}
	}
	return out
}

// blockStats describes the window's blocks. maxBlockGas is the chain's
// block.max_gas (<= 0: none) and txGas the largest gas limit of the
// phase's transactions: a block within txGas of the limit was full.
func blockStats(window []blockRecord, maxBlockGas, txGas int64) BlockStats {
	s := BlockStats{Blocks: len(window)}
	var intervals []float64
	var prev time.Time
	for i, b := range window {
		s.GasWantedMax = max(s.GasWantedMax, b.gasWanted)
		if maxBlockGas > 0 && b.gasWanted+txGas > maxBlockGas {
			s.AtGasLimit++
		}
		if b.txs > s.TxsPerBlockMax {
			s.TxsPerBlockMax = b.txs
		}
		if b.round > 0 {
			s.RoundsAboveZero++
		}
		if i > 0 {
			intervals = append(intervals, float64(b.header.Sub(prev))/float64(time.Millisecond))
		}
		prev = b.header
	}
	if len(intervals) > 0 {
		sum := 0.0
		for _, v := range intervals {
			sum += v
		}
		s.IntervalMeanMs = round2(sum / float64(len(intervals)))
		_, s.IntervalP99Ms, s.IntervalMaxMs = percentiles(intervals)
	}
	return s
}

// observedAfter is the observation time of the first observed height after
// h (an upper bound when h's own event was missed).
func (e *engine) observedAfter(h int64) time.Time {
	last := e.observer.lastHeight()
	for k := h + 1; k <= last; k++ {
		if t, ok := e.observer.observedAt(k); ok {
			return t
		}
	}
	return time.Now()
}

// percentiles returns p50, p99 and max (nearest rank) of vs, rounded to
// 0.01.
func percentiles(vs []float64) (p50, p99, maxV float64) {
	if len(vs) == 0 {
		return 0, 0, 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		if i < 0 {
			i = 0
		}
		return s[i]
	}
	return round2(rank(0.50)), round2(rank(0.99)), round2(s[len(s)-1])
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
