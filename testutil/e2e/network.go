package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cometbft/cometbft/p2p"
)

// WorkDirEnv names a directory that keeps each test's node homes and logs
// after the test (by default they live in t.TempDir() and are removed).
const WorkDirEnv = "E2E_WORKDIR"

// Options describe a generated network.
type Options struct {
	// Validators is the number of validators (default 4).
	Validators int
	// TimeoutCommit is CometBFT's block interval (default 1 s).
	TimeoutCommit time.Duration
	// SnapshotInterval makes validators take state-sync snapshots every
	// that many blocks (0: none).
	SnapshotInterval uint64
	// ChainID (default carechain-e2e-1).
	ChainID string
}

func (o *Options) defaults() {
	if o.Validators == 0 {
		o.Validators = 4
	}
	if o.TimeoutCommit == 0 {
		o.TimeoutCommit = time.Second
	}
	if o.ChainID == "" {
		o.ChainID = "carechain-e2e-1"
	}
}

// Network is a set of carechaind processes on 127.0.0.1 sharing one genesis.
type Network struct {
	t       testing.TB
	Dir     string
	ChainID string
	Bin     string
	// Nodes lists the validators first, then full nodes in the order added.
	Nodes    []*Node
	Accounts *Accounts
	// GenesisTime is the chain's genesis time (network.json); the devnet's
	// demo state (plan enrollments, the study's end) is dated from it.
	GenesisTime time.Time
	opts        Options
}

// networkFile is the part of network.json (written by `carechaind testnet`)
// the harness reads.
type networkFile struct {
	ChainID     string    `json:"chain_id"`
	GenesisTime time.Time `json:"genesis_time"`
	Nodes       []struct {
		Moniker  string `json:"moniker"`
		Home     string `json:"home"`
		NodeID   string `json:"node_id"`
		Operator string `json:"operator"`
	} `json:"nodes"`
	Accounts []struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"accounts"`
}

// NewNetwork writes a validator network with `carechaind testnet init-files`
// (the same generator as `make testnet`: demo accounts and organizations,
// one gentx per validator) and moves every listener to free ports in the
// harness's range. Nothing runs until Start. Every process is killed when
// the test ends; if the test failed, each node's log tail is printed.
func NewNetwork(t testing.TB, opts Options) *Network {
	t.Helper()
	opts.defaults()
	net := newNetwork(t, opts)
	run(t, net.Bin, "testnet", "init-files",
		"--v", strconv.Itoa(opts.Validators),
		"--output-dir", net.Dir,
		"--chain-id", opts.ChainID,
		"--port-offset", "1000", // replaced below by free ports
		"--timeout-commit", opts.TimeoutCommit.String(),
		"--snapshot-interval", strconv.FormatUint(opts.SnapshotInterval, 10),
	)
	net.load(filepath.Join(net.Dir, "network.json"))
	return net
}

// NewLocalnet writes a single-validator chain with `carechaind testnet
// localnet` (the `make localnet` generator) on free ports.
func NewLocalnet(t testing.TB, opts Options) *Network {
	t.Helper()
	opts.Validators = 1
	opts.defaults()
	net := newNetwork(t, opts)
	home := filepath.Join(net.Dir, "validator")
	run(t, net.Bin, "testnet", "localnet",
		"--home", home,
		"--chain-id", opts.ChainID,
		"--port-offset", "1000",
		"--timeout-commit", opts.TimeoutCommit.String(),
		"--snapshot-interval", strconv.FormatUint(opts.SnapshotInterval, 10),
	)
	net.load(filepath.Join(home, "network.json"))
	return net
}

func newNetwork(t testing.TB, opts Options) *Network {
	net := &Network{t: t, ChainID: opts.ChainID, Bin: Binary(t), opts: opts}
	if root := os.Getenv(WorkDirEnv); root != "" {
		net.Dir = filepath.Join(root, regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_"))
		if err := os.RemoveAll(net.Dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(net.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
	} else {
		net.Dir = t.TempDir()
	}
	t.Cleanup(net.cleanup)
	return net
}

func run(t testing.TB, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (net *Network) load(path string) {
	t := net.t
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nf networkFile
	if err := json.Unmarshal(bz, &nf); err != nil {
		t.Fatal(err)
	}
	net.GenesisTime = nf.GenesisTime.UTC()
	for _, n := range nf.Nodes {
		ports, err := freePorts(5)
		if err != nil {
			t.Fatal(err)
		}
		node, err := newNode(net.Bin, n.Moniker, n.Home, n.NodeID, true, ports)
		if err != nil {
			t.Fatal(err)
		}
		node.operatorAddr = n.Operator
		net.Nodes = append(net.Nodes, node)
	}
	for _, n := range net.Nodes {
		if err := net.writePorts(n, net.peersOf(n)); err != nil {
			t.Fatal(err)
		}
	}
	net.Accounts = newAccounts()
	for _, a := range nf.Accounts {
		k := DemoKey(a.Name)
		if k.Address != a.Address {
			t.Fatalf("account %s: network.json has %s, the demo key derives %s", a.Name, a.Address, k.Address)
		}
		net.Accounts.add(k)
	}
	for _, n := range net.Nodes {
		if name := net.Accounts.NameOf(n.operatorAddr); name != n.operatorAddr {
			n.Operator = name
		}
	}
	if net.GenesisTime.IsZero() {
		t.Fatalf("%s: no genesis_time", path)
	}
}

func (net *Network) peersOf(self *Node) []string {
	var peers []string
	for _, n := range net.Nodes {
		if n != self && n.Validator {
			peers = append(peers, n.P2PAddr())
		}
	}
	return peers
}

// writePorts points a node's config at its ports and peers.
func (net *Network) writePorts(n *Node, peers []string) error {
	addr := func(scheme string, port int) string { return quote(fmt.Sprintf("%s127.0.0.1:%d", scheme, port)) }
	if err := editTOML(filepath.Join(n.Home, "config", "config.toml"),
		tomlSet{"", "proxy_app", addr("tcp://", n.ABCIPort)},
		tomlSet{"rpc", "laddr", addr("tcp://", n.RPCPort)},
		tomlSet{"p2p", "laddr", addr("tcp://", n.P2PPort)},
		tomlSet{"p2p", "persistent_peers", quote(strings.Join(peers, ","))},
		tomlSet{"p2p", "addr_book_strict", "false"},
		tomlSet{"p2p", "allow_duplicate_ip", "true"},
		tomlSet{"consensus", "timeout_commit", quote(net.opts.TimeoutCommit.String())},
	); err != nil {
		return err
	}
	if err := editTOML(filepath.Join(n.Home, "config", "app.toml"),
		tomlSet{"api", "enable", "true"},
		tomlSet{"api", "address", addr("tcp://", n.RESTPort)},
		tomlSet{"grpc", "enable", "true"},
		tomlSet{"grpc", "address", addr("", n.GRPCPort)},
	); err != nil {
		return err
	}
	client := filepath.Join(n.Home, "config", "client.toml")
	if _, err := os.Stat(client); err == nil {
		return editTOML(client, tomlSet{"", "node", addr("tcp://", n.RPCPort)})
	}
	return nil
}

// FullNodeOptions configure a node added to a running network.
type FullNodeOptions struct {
	// StateSync makes the node restore the latest snapshot offered by its
	// peers instead of replaying the chain from genesis. The light client
	// trusts the block at TrustHeight (default: two below the tip) as
	// served by the first two running validators.
	StateSync   bool
	TrustHeight int64
}

// AddFullNode writes a non-validator node home (carechaind init, the
// network's genesis, every validator as a persistent peer) and returns it,
// not started.
func (net *Network) AddFullNode(ctx context.Context, name string, opts FullNodeOptions) (*Node, error) {
	home := filepath.Join(net.Dir, name)
	if out, err := exec.Command(net.Bin, "init", name, "--home", home, "--chain-id", net.ChainID).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("carechaind init: %w\n%s", err, out)
	}
	gen, err := os.ReadFile(filepath.Join(net.Nodes[0].Home, "config", "genesis.json"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(home, "config", "genesis.json"), gen, 0o600); err != nil {
		return nil, err
	}
	nodeKey, err := p2p.LoadNodeKey(filepath.Join(home, "config", "node_key.json"))
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(5)
	if err != nil {
		return nil, err
	}
	node, err := newNode(net.Bin, name, home, string(nodeKey.ID()), false, ports)
	if err != nil {
		return nil, err
	}
	if err := net.writePorts(node, net.peersOf(node)); err != nil {
		return nil, err
	}
	if opts.StateSync {
		var servers []*Node
		for _, v := range net.Nodes {
			if v.Validator && v.Live() && len(servers) < 2 {
				servers = append(servers, v)
			}
		}
		if len(servers) < 2 {
			return nil, fmt.Errorf("state sync needs two running validators as RPC servers")
		}
		h := opts.TrustHeight
		if h == 0 {
			tip, err := servers[0].Height(ctx)
			if err != nil {
				return nil, err
			}
			h = tip - 2
		}
		blk, err := servers[0].Client().Block(ctx, &h)
		if err != nil {
			return nil, fmt.Errorf("trust block %d: %w", h, err)
		}
		if err := editTOML(filepath.Join(home, "config", "config.toml"),
			tomlSet{"statesync", "enable", "true"},
			tomlSet{"statesync", "rpc_servers", quote(servers[0].RPCAddr() + "," + servers[1].RPCAddr())},
			tomlSet{"statesync", "trust_height", strconv.FormatInt(h, 10)},
			tomlSet{"statesync", "trust_hash", quote(blk.BlockID.Hash.String())},
			tomlSet{"statesync", "trust_period", quote("168h0m0s")},
			tomlSet{"statesync", "discovery_time", quote("5s")},
		); err != nil {
			return nil, err
		}
	}
	net.Nodes = append(net.Nodes, node)
	return node, nil
}

// AddPeer adds peer to node's persistent peers (written to config.toml; it
// takes effect at the node's next start).
func (net *Network) AddPeer(node, peer *Node) error {
	peers := append(net.peersOf(node), peer.P2PAddr())
	return editTOML(filepath.Join(node.Home, "config", "config.toml"), tomlSet{"p2p", "persistent_peers", quote(strings.Join(peers, ","))})
}

// Validators returns the validator nodes.
func (net *Network) Validators() []*Node {
	var out []*Node
	for _, n := range net.Nodes {
		if n.Validator {
			out = append(out, n)
		}
	}
	return out
}

// Node returns the node with the given name.
func (net *Network) Node(name string) *Node {
	for _, n := range net.Nodes {
		if n.Name == name {
			return n
		}
	}
	net.t.Fatalf("no node %q", name)
	return nil
}

// LiveNodes returns the nodes that run and are not paused.
func (net *Network) LiveNodes() []*Node {
	var out []*Node
	for _, n := range net.Nodes {
		if n.Live() {
			out = append(out, n)
		}
	}
	return out
}

// Start starts the given nodes (all nodes if none are given) and waits
// until each answers RPC.
func (net *Network) Start(ctx context.Context, nodes ...*Node) error {
	if len(nodes) == 0 {
		nodes = net.Nodes
	}
	for _, n := range nodes {
		if err := n.Start(); err != nil {
			return err
		}
	}
	for _, n := range nodes {
		if err := n.WaitRPC(ctx, 90*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// Tip is the highest block height any live node reports.
func (net *Network) Tip(ctx context.Context) int64 {
	var tip int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, n := range net.LiveNodes() {
		wg.Add(1)
		go func(n *Node) {
			defer wg.Done()
			if h, err := n.Height(ctx); err == nil {
				mu.Lock()
				if h > tip {
					tip = h
				}
				mu.Unlock()
			}
		}(n)
	}
	wg.Wait()
	return tip
}

// WaitTip waits until some live node reports height h.
func (net *Network) WaitTip(ctx context.Context, h int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		tip := net.Tip(ctx)
		if tip >= h {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("network tip is %d after %s, want %d", tip, timeout, h)
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

// WaitHeight waits until node reports height h and returns how long it took.
func (net *Network) WaitHeight(ctx context.Context, n *Node, h int64, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	for {
		got, err := n.Height(ctx)
		if err == nil && got >= h {
			return time.Since(start), nil
		}
		if gone, exitErr := n.exited(); gone {
			return 0, fmt.Errorf("%s exited (%v) at height %d; log tail:\n%s", n.Name, exitErr, got, n.LogTail(30))
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s at height %d (err %v) after %s, want %d", n.Name, got, err, timeout, h)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

// appHashMismatch is what CometBFT logs when a block's header disagrees
// with the state this node computed.
const appHashMismatch = "wrong Block.Header.AppHash"

// WaitCaughtUp waits until n has left block sync and stands within one
// block of the other live nodes, and at least at height min. It returns the
// time taken.
func (net *Network) WaitCaughtUp(ctx context.Context, n *Node, min int64, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	var last string
	polls := 0
	for {
		st, err := n.Status(ctx)
		if err == nil {
			h := st.SyncInfo.LatestBlockHeight
			tip := net.Tip(ctx)
			last = fmt.Sprintf("height %d, catching_up %v, network tip %d", h, st.SyncInfo.CatchingUp, tip)
			if !st.SyncInfo.CatchingUp && h >= min && h >= tip-1 {
				return time.Since(start), nil
			}
		} else {
			last = err.Error()
		}
		if gone, exitErr := n.exited(); gone {
			return 0, fmt.Errorf("%s exited (%v); log tail:\n%s", n.Name, exitErr, n.LogTail(30))
		}
		if polls++; polls%20 == 0 && n.LogContains(appHashMismatch) {
			return 0, fmt.Errorf("%s computed a different app hash than the network (%q in %s)", n.Name, appHashMismatch, n.LogPath())
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s not caught up after %s (%s)", n.Name, timeout, last)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

// cleanup kills every node; after a failure it prints each log's tail.
func (net *Network) cleanup() {
	for _, n := range net.Nodes {
		n.kill()
	}
	if net.t.Failed() {
		for _, n := range net.Nodes {
			net.t.Logf("----- %s log tail (%s) -----\n%s", n.Name, n.LogPath(), n.LogTail(40))
		}
	}
}

// Kill sends SIGKILL to every given node at once, then waits for all of
// them to be gone.
func (net *Network) Kill(nodes ...*Node) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, n := range nodes {
		wg.Add(1)
		go func(n *Node) {
			defer wg.Done()
			if err := n.Kill(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}(n)
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("kill: %v", errs)
	}
	return nil
}
