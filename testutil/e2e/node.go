package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
)

// rpcTimeout bounds every RPC call the harness makes, so that a stopped or
// dying node costs seconds, not minutes.
const rpcTimeout = 5 * time.Second

// Node is one carechaind process: a home directory, its ports and, while it
// runs, the child process. A node is started and signalled only through
// these methods; every node is killed when the test ends.
type Node struct {
	Name      string
	Home      string
	NodeID    string
	Validator bool
	// Operator is the account name of a validator's operator (node0, ...,
	// or validator on a localnet), a member of mercy-general in the devnet
	// genesis; empty for full nodes.
	Operator     string
	operatorAddr string

	P2PPort, RPCPort, ABCIPort, GRPCPort, RESTPort int

	bin     string
	logPath string
	client  *rpchttp.HTTP

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	exitErr error
	paused  bool
	starts  int
	// catchingUp is what /status said last (block or state sync running).
	catchingUp bool
}

func newNode(bin, name, home, nodeID string, validator bool, ports []int) (*Node, error) {
	n := &Node{
		Name: name, Home: home, NodeID: nodeID, Validator: validator,
		P2PPort: ports[0], RPCPort: ports[1], ABCIPort: ports[2], GRPCPort: ports[3], RESTPort: ports[4],
		bin:     bin,
		logPath: home + ".log",
	}
	// Plain HTTP with a per-request timeout; the client never opens its
	// websocket because the harness does not subscribe.
	c, err := rpchttp.NewWithClient(n.RPCAddr(), "/websocket", &http.Client{Timeout: rpcTimeout})
	if err != nil {
		return nil, err
	}
	n.client = c
	return n, nil
}

// RPCAddr is the CometBFT RPC endpoint.
func (n *Node) RPCAddr() string { return fmt.Sprintf("http://127.0.0.1:%d", n.RPCPort) }

// RESTAddr is the REST (gRPC gateway) endpoint.
func (n *Node) RESTAddr() string { return fmt.Sprintf("http://127.0.0.1:%d", n.RESTPort) }

// P2PAddr is the node's peer address, id@host:port.
func (n *Node) P2PAddr() string { return fmt.Sprintf("%s@127.0.0.1:%d", n.NodeID, n.P2PPort) }

// LogPath is the node's log file; every start appends to it.
func (n *Node) LogPath() string { return n.logPath }

// Client is the node's CometBFT RPC client.
func (n *Node) Client() *rpchttp.HTTP { return n.client }

// Start launches `carechaind start` with the node's home. env entries
// (KEY=VALUE) are added to the environment, for example FAIL_TEST_INDEX.
func (n *Node) Start(env ...string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		return fmt.Errorf("%s is already running (pid %d)", n.Name, n.cmd.Process.Pid)
	}
	logFile, err := os.OpenFile(n.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.bin, "start", "--home", n.Home, "--log_format", "plain", "--log_no_color")
	cmd.Env = append(filteredEnv(), env...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	n.starts++
	_, _ = fmt.Fprintf(logFile, "\n===== e2e harness: start #%d of %s at %s env=%v =====\n", n.starts, n.Name, time.Now().Format(time.RFC3339Nano), env)
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("starting %s: %w", n.Name, err)
	}
	_, _ = fmt.Fprintf(logFile, "===== pid %d =====\n", cmd.Process.Pid)
	done := make(chan struct{})
	n.cmd, n.done, n.exitErr, n.paused, n.catchingUp = cmd, done, nil, false, true
	go func() {
		err := cmd.Wait()
		_ = logFile.Close()
		n.mu.Lock()
		n.exitErr = err
		n.cmd = nil
		n.paused = false
		n.mu.Unlock()
		close(done)
	}()
	return nil
}

// filteredEnv is the test's environment without variables that would change
// a node's behaviour behind the harness's back.
func filteredEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "FAIL_TEST_INDEX=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Running reports whether the process exists (stopped by SIGSTOP or not).
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd != nil
}

// Live reports whether the node runs and is not stopped by SIGSTOP, that is
// whether it can answer RPC.
func (n *Node) Live() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd != nil && !n.paused
}

func (n *Node) process() (*os.Process, chan struct{}, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return nil, nil, fmt.Errorf("%s is not running", n.Name)
	}
	return n.cmd.Process, n.done, nil
}

// Kill sends SIGKILL and waits for the process to be gone.
func (n *Node) Kill() error {
	p, done, err := n.process()
	if err != nil {
		return err
	}
	if err := p.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-done
	return nil
}

// Terminate sends SIGTERM and waits for a graceful exit; after timeout it
// kills the process and returns an error. It returns how long the shutdown
// took.
func (n *Node) Terminate(timeout time.Duration) (time.Duration, error) {
	p, done, err := n.process()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := p.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return 0, err
	}
	select {
	case <-done:
		return time.Since(start), nil
	case <-time.After(timeout):
		_ = p.Signal(syscall.SIGKILL)
		<-done
		return time.Since(start), fmt.Errorf("%s ignored SIGTERM for %s and was killed", n.Name, timeout)
	}
}

// Pause sends SIGSTOP: the process keeps its sockets but does nothing.
func (n *Node) Pause() error {
	p, _, err := n.process()
	if err != nil {
		return err
	}
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		return err
	}
	n.mu.Lock()
	n.paused = true
	n.mu.Unlock()
	return nil
}

// Resume sends SIGCONT to a paused node.
func (n *Node) Resume() error {
	p, _, err := n.process()
	if err != nil {
		return err
	}
	if err := p.Signal(syscall.SIGCONT); err != nil {
		return err
	}
	n.mu.Lock()
	n.paused = false
	n.mu.Unlock()
	return nil
}

// WaitExit waits for the process to exit on its own and returns its exit
// code.
func (n *Node) WaitExit(timeout time.Duration) (int, error) {
	_, done, err := n.process()
	if err != nil {
		return 0, err
	}
	select {
	case <-done:
	case <-time.After(timeout):
		return 0, fmt.Errorf("%s still running after %s", n.Name, timeout)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	var exitErr *exec.ExitError
	if errors.As(n.exitErr, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	if n.exitErr != nil {
		return -1, n.exitErr
	}
	return 0, nil
}

// exited reports whether a started process has exited (crashed) and how.
func (n *Node) exited() (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd == nil && n.starts > 0, n.exitErr
}

// Status queries /status.
func (n *Node) Status(ctx context.Context) (*ctypes.ResultStatus, error) {
	st, err := n.client.Status(ctx)
	if err == nil {
		n.mu.Lock()
		n.catchingUp = st.SyncInfo.CatchingUp
		n.mu.Unlock()
	}
	return st, err
}

// CatchingUp reports whether the node said, when last asked, that it is
// still syncing (state sync or block sync).
func (n *Node) CatchingUp() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.catchingUp
}

// Height is the node's latest block height.
func (n *Node) Height(ctx context.Context) (int64, error) {
	st, err := n.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

// WaitRPC waits until the node answers /status, failing early if the
// process exits.
func (n *Node) WaitRPC(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if _, err := n.Status(ctx); err == nil {
			return nil
		}
		if gone, err := n.exited(); gone {
			return fmt.Errorf("%s exited (%v); log tail:\n%s", n.Name, err, n.LogTail(30))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer RPC within %s; log tail:\n%s", n.Name, timeout, n.LogTail(30))
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

// LogTail returns the last lines of the node's log.
func (n *Node) LogTail(lines int) string {
	f, err := os.Open(n.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer func() { _ = f.Close() }()
	var ring []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		ring = append(ring, sc.Text())
		if len(ring) > lines {
			ring = ring[1:]
		}
	}
	return strings.Join(ring, "\n")
}

// LogContains reports whether the node's log contains s.
func (n *Node) LogContains(s string) bool {
	bz, err := os.ReadFile(n.logPath)
	return err == nil && strings.Contains(string(bz), s)
}

func (n *Node) kill() {
	if p, done, err := n.process(); err == nil {
		_ = p.Signal(syscall.SIGKILL)
		<-done
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
