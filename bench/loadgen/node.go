package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/carechain/carechain/app/devnet"
)

// NodeSettings are the node configuration choices a benchmark run makes
// explicitly; they are printed with the results.
type NodeSettings struct {
	TimeoutCommit string `json:"timeout_commit"`
	TxIndexer     string `json:"tx_indexer"`
	MempoolSize   int    `json:"mempool_size"`
	MempoolBytes  int64  `json:"mempool_max_txs_bytes"`
	MempoolCache  int    `json:"mempool_cache_size"`
	Recheck       bool   `json:"mempool_recheck"`
	AppMempoolMax int    `json:"app_mempool_max_txs"`
	MinGasPrices  string `json:"min_gas_prices"`
	Pruning       string `json:"pruning"`
	DBBackend     string `json:"db_backend"`
	// AppDBBackend is the application database's backend (app.toml
	// app-db-backend); CometBFT's own databases use DBBackend.
	AppDBBackend  string `json:"app_db_backend"`
	IAVLFastNodes bool   `json:"iavl_fast_nodes"`
	// IAVLCacheSize is iavl-cache-size when set by --iavl-cache-size (0: the
	// home's, app.DefaultIAVLCacheSize).
	IAVLCacheSize  uint64 `json:"iavl_cache_size,omitempty"`
	LogLevel       string `json:"log_level"`
	Validators     int    `json:"validators"`
	MaxBlockBytes  int64  `json:"max_block_bytes"`
	MaxBlockGas    int64  `json:"max_block_gas"`
	PprofListening bool   `json:"pprof"`
	// GC is what the node's garbage collector runs with, as carechaind
	// start logs it ("GOGC=300 (carechaind default ...), memory limit ...").
	GC string `json:"gc,omitempty"`
	// AppDB is what the node's application database runs with, as
	// carechaind start logs it ("node cache 1024 MiB ..., iavl-cache-size ...").
	AppDB string `json:"app_db,omitempty"`
	// NodeCache is the share of tree-node reads the node cache served from
	// the node's restart after importing the genesis to its next stop
	// (every throughput and query measurement; state growth restarts it),
	// as carechaind logs it at shutdown.
	NodeCache string `json:"node_cache,omitempty"`
}

// benchNodeConfig returns the devnet ConfigureNode hook for benchmark nodes
// and the settings it applies.
func benchNodeConfig(timeoutCommit time.Duration, minGasPrices string, pprofAddr func(i int) string) (func(int, *cmtcfg.Config, *serverconfig.Config), NodeSettings) {
	s := NodeSettings{
		TimeoutCommit: timeoutCommit.String(),
		// No transaction indexer: throughput runs read inclusion from blocks
		// and block results, and indexing every event costs the node CPU
		// and disk that a validator need not spend.
		TxIndexer: "null",
		// A mempool large enough that a saturating load does not bounce off
		// it (the load generator also caps the backlog it creates).
		MempoolSize:  50_000,
		MempoolBytes: 1 << 30,
		MempoolCache: 100_000,
		// Recheck stays on: without it a sender's next transaction would be
		// checked against a state that forgot its still-pending ones, so one
		// account could not have more than one transaction per block.
		Recheck: true,
		// -1: no application-side mempool; CometBFT's mempool orders and
		// reaps transactions (the SDK's sender-nonce mempool adds an insert
		// per CheckTx and a selection per proposal).
		AppMempoolMax: -1,
		MinGasPrices:  minGasPrices,
		// Keep two versions only: state-growth figures then show live state,
		// not history; throughput runs pay for pruning every 10 blocks as a
		// long-running validator does.
		Pruning:       "everything",
		DBBackend:     "goleveldb",
		AppDBBackend:  "goleveldb",
		IAVLFastNodes: true,
		LogLevel:      "server:info,*:warn", // server:info for the "garbage collector: ..." and "application database: ..." lines (NodeSettings.GC, AppDB)
		MaxBlockBytes: 22020096,
		MaxBlockGas:   -1,
	}
	return func(i int, cmt *cmtcfg.Config, appCfg *serverconfig.Config) {
		cmt.Consensus.TimeoutCommit = timeoutCommit
		cmt.TxIndex.Indexer = s.TxIndexer
		cmt.Mempool.Size = s.MempoolSize
		cmt.Mempool.MaxTxsBytes = s.MempoolBytes
		cmt.Mempool.CacheSize = s.MempoolCache
		cmt.Mempool.Recheck = s.Recheck
		cmt.RPC.MaxOpenConnections = 2000
		cmt.RPC.MaxSubscriptionClients = 10
		cmt.DBBackend = s.DBBackend
		cmt.LogLevel = s.LogLevel
		cmt.Storage.DiscardABCIResponses = false // block_results are how results are read
		if pprofAddr != nil {
			cmt.RPC.PprofListenAddress = pprofAddr(i)
		}
		appCfg.Mempool.MaxTxs = s.AppMempoolMax
		appCfg.Pruning = s.Pruning
		appCfg.AppDBBackend = s.AppDBBackend
		appCfg.IAVLDisableFastNode = !s.IAVLFastNodes
		appCfg.Telemetry.Enabled = false
		appCfg.API.MaxOpenConnections = 2000
	}, s
}

// node is one carechaind process.
type node struct {
	binary string
	info   devnet.Node
	pprof  string // host:port, or empty
	log    string
	cmd    *exec.Cmd
	exited chan error
	// gc, if set, records the node's collector cycles: the node runs with
	// GODEBUG=gctrace=1 and its stderr is read as well as logged.
	gc *gcLog
}

func (n *node) rpc() string { return n.info.RPC }

// start runs carechaind start and waits until the application has
// committed a block above the height it had (waitFirstCommit).
func (n *node) start(ctx context.Context, rpc *rpcClient) error {
	logFile, err := os.OpenFile(n.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.binary, "start", "--home", n.info.Home, "--log_format", "plain") //nolint:gosec // the operator's carechaind and node home
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if n.gc != nil {
		cmd.Env = nodeEnv()
		cmd.Stderr = n.gc.writer(logFile, time.Now())
	}
	setParentDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting %s: %w", n.binary, err)
	}
	n.cmd = cmd
	n.exited = make(chan error, 1)
	go func() {
		n.exited <- cmd.Wait()
		logFile.Close()
	}()

	err = waitFirstCommit(ctx, rpc, n.exited, firstBlockTimeout)
	switch {
	case errors.Is(err, errNodeExited):
		return fmt.Errorf("%s %w; log tail:\n%s", n.info.Moniker, err, tail(n.log, 20))
	case errors.Is(err, errNoCommit):
		return fmt.Errorf("%s %w within %s; log tail:\n%s", n.info.Moniker, err, firstBlockTimeout, tail(n.log, 20))
	}
	return err
}

var (
	errNodeExited = errors.New("exited during start-up")
	errNoCommit   = errors.New("committed no block")
)

// waitFirstCommit waits until the application behind rpc has committed a
// block in this process: its abci_info height rises above the first one it
// reports (and is at least 2, so that a fresh chain is past InitChain and
// its first block). It polls the application, not CometBFT's status: status
// counts a block once it is stored, before the application has executed
// and committed it, and a query sent in between fails. exited delivers the
// node's exit; what it delivers is put back for the node's stop.
func waitFirstCommit(ctx context.Context, rpc *rpcClient, exited chan error, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	first := int64(-1)
	for {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("%w (%v)", errNodeExited, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		h, err := rpc.appHeight(ctx)
		if err == nil {
			if first < 0 {
				first = h
			}
			if h > first && h >= 2 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errNoCommit
		}
	}
}

// stop sends SIGTERM (the node flushes its databases and exits) and kills
// it after 30 s.
func (n *node) stop() error {
	if n.cmd == nil || n.cmd.Process == nil {
		return nil
	}
	defer func() { n.cmd = nil }()
	select {
	case err := <-n.exited:
		return fmt.Errorf("%s had already exited: %v", n.info.Moniker, err)
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.exited:
		_ = err // the exit status after SIGTERM says nothing more
		return nil
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		err := <-n.exited
		_ = err
		return fmt.Errorf("%s did not stop within 30 s and was killed", n.info.Moniker)
	}
}

func (n *node) running() bool {
	if n.cmd == nil {
		return false
	}
	select {
	case err := <-n.exited:
		n.exited <- err
		return false
	default:
		return true
	}
}

func tail(path string, lines int) string {
	bz, err := os.ReadFile(path) //nolint:gosec // the node's own log
	if err != nil {
		return err.Error()
	}
	parts := bytes.Split(bytes.TrimRight(bz, "\n"), []byte("\n"))
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return string(bytes.Join(parts, []byte("\n")))
}

// gcSetting returns what the node logged about its garbage collector
// ("garbage collector: ..." at start), or "" if it has not.
func gcSetting(logPath string) string {
	return loggedSetting(logPath, "garbage collector: ")
}

// appDBSetting returns what the node logged about its application
// database's caches ("application database: ..." at start), or "".
func appDBSetting(logPath string) string {
	return loggedSetting(logPath, "application database: ")
}

// loggedSetting returns the rest of the first node log line that holds
// marker, without the log format's decoration, or "".
func loggedSetting(logPath, marker string) string {
	if lines := loggedLines(logPath, marker); len(lines) > 0 {
		return lines[0]
	}
	return ""
}

// loggedLines returns the rest of every node log line that holds marker,
// without the log format's decoration, in the log's order.
func loggedLines(logPath, marker string) []string {
	bz, err := os.ReadFile(logPath) //nolint:gosec // the node's own log
	if err != nil {
		return nil
	}
	var out []string
	for {
		i := bytes.Index(bz, []byte(marker))
		if i < 0 {
			return out
		}
		line := bz[i+len(marker):]
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			bz, line = line[j:], line[:j]
		} else {
			bz = nil
		}
		for _, end := range []string{"\x1b[", " module="} { // the plain log format, coloured or not
			if j := bytes.Index(line, []byte(end)); j >= 0 {
				line = line[:j]
			}
		}
		out = append(out, string(bytes.TrimSpace(line)))
	}
}

// nodeCacheServed returns what the node's node cache served over the
// node's last run, as it logs it when it stops ("99.1 % of 51234567
// tree-node reads"), or "" if its last run did not log it.
func nodeCacheServed(logPath string) string {
	lines := loggedLines(logPath, "application database: node cache served ")
	if len(lines) == 0 {
		return ""
	}
	last, ok := strings.CutSuffix(lines[len(lines)-1], " since start")
	if !ok {
		return ""
	}
	return last
}

// checkPortsFree fails if any of the node's listen addresses is taken (a
// developer's localnet or another run).
func checkPortsFree(addrs ...string) error {
	var busy []string
	for _, a := range addrs {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "tcp://"), "http://")
		l, err := net.Listen("tcp", a)
		if err != nil {
			busy = append(busy, a)
			continue
		}
		l.Close()
	}
	if len(busy) > 0 {
		return fmt.Errorf("ports in use: %s (is another benchmark running? choose another --port-offset)", strings.Join(busy, ", "))
	}
	return nil
}

// serviceStartTimeout bounds how long a started node may take to open its
// gRPC and REST ports after its first block.
const serviceStartTimeout = 30 * time.Second

// waitListening waits until every address accepts TCP connections.
func waitListening(ctx context.Context, timeout time.Duration, addrs ...string) error {
	deadline := time.Now().Add(timeout)
	for _, a := range addrs {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "tcp://"), "http://")
		for {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s not listening %s after the node's first block: %w", a, timeout, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

// nodeAddrs lists what node i of a devnet with opts listens on.
func nodeAddrs(n devnet.Node, pprof string) []string {
	out := []string{n.P2P, n.RPC, n.GRPC, n.REST}
	if pprof != "" {
		out = append(out, pprof)
	}
	return out
}

// dirSize is the total size of the regular files under dir, leaving out
// LevelDB's text logs (LOG, LOG.old), which grow with every open.
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && d.Name() != "LOG" && d.Name() != "LOG.old" {
			info, err := d.Info()
			if err != nil {
				if errors.Is(err, os.ErrNotExist) {
					return nil
				}
				return err
			}
			total += info.Size()
		}
		return nil
	})
	return total, err
}

// firstBlockTimeout bounds how long a started node may take to commit its
// first block: InitChain of the full benchmark genesis (100,000 consents and
// their indexes, records, keys) takes minutes on a busy 2-core machine.
const firstBlockTimeout = 8 * time.Minute
