package loadgen

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
)

// rpcClient speaks CometBFT's JSON-RPC over HTTP with a connection pool
// sized for many concurrent lanes. Responses are decoded into minimal
// structs with encoding/json (block results carry every event, and only the
// code and gas are needed).
type rpcClient struct {
	base string // http://127.0.0.1:port
	http *http.Client
}

// rpcIdleTimeout is how long the client keeps an idle connection. CometBFT's
// RPC server closes a keep-alive connection after ReadTimeout (10 s) without
// a request, and a POST sent on a connection the server is closing fails
// ("connection reset by peer"; net/http retries only idempotent requests).
// Between phases (draining, reading blocks, waiting for the node to go
// idle) most lanes' connections sit idle for longer than that, and on two
// busy cores the client does not always see the server's close before it
// reuses one; so it drops them first.
const rpcIdleTimeout = 5 * time.Second

func newRPCClient(base string, conns int) *rpcClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     rpcIdleTimeout,
	}
	return &rpcClient{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *rpcError) Error() string {
	return fmt.Sprintf("rpc error %d: %s: %s", e.Code, e.Message, e.Data)
}

type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

func (c *rpcClient) call(ctx context.Context, method string, params any, out any) error {
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r rpcResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%s: decoding response (HTTP %d): %w", method, resp.StatusCode, err)
	}
	if r.Error != nil {
		return r.Error
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Result, out)
}

// checkTxResult is broadcast_tx_sync's answer: the CheckTx result.
type checkTxResult struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Log       string `json:"log"`
	Hash      string `json:"hash"`
}

// errMempoolFull is returned (wrapped) when the node refuses a transaction
// because its mempool is full; the lane waits and resends it.
var errMempoolFull = errors.New("mempool is full")

func (c *rpcClient) broadcastTxSync(ctx context.Context, tx []byte) (checkTxResult, error) {
	var res checkTxResult
	err := c.call(ctx, "broadcast_tx_sync", map[string]string{"tx": base64.StdEncoding.EncodeToString(tx)}, &res)
	var rerr *rpcError
	if errors.As(err, &rerr) && strings.Contains(rerr.Data, "mempool is full") {
		return res, fmt.Errorf("%w: %s", errMempoolFull, rerr.Data)
	}
	return res, err
}

// int64s decodes CometBFT's int64 fields, which JSON carries as strings.
type int64s int64

func (n *int64s) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	*n = int64s(v)
	return err
}

func (c *rpcClient) height(ctx context.Context) (int64, error) {
	var res struct {
		SyncInfo struct {
			LatestBlockHeight int64s `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := c.call(ctx, "status", map[string]string{}, &res); err != nil {
		return 0, err
	}
	return int64(res.SyncInfo.LatestBlockHeight), nil
}

// appHeight is the last height the application has committed, from
// abci_info. CometBFT's status reports a block as soon as it is stored,
// before the application has executed and committed it; the SDK answers
// gRPC and REST queries without a height only once Commit has returned
// (until then, after a restart, with "context did not contain latest block
// height"). abci_info goes through the same lock as Commit, so a height here
// is one queries can be served at.
func (c *rpcClient) appHeight(ctx context.Context) (int64, error) {
	var res struct {
		Response struct {
			LastBlockHeight int64s `json:"last_block_height"`
		} `json:"response"`
	}
	if err := c.call(ctx, "abci_info", map[string]string{}, &res); err != nil {
		return 0, err
	}
	return int64(res.Response.LastBlockHeight), nil
}

func (c *rpcClient) numUnconfirmedTxs(ctx context.Context) (int, error) {
	var res struct {
		Total int64s `json:"total"`
	}
	if err := c.call(ctx, "num_unconfirmed_txs", map[string]string{}, &res); err != nil {
		return 0, err
	}
	return int(res.Total), nil
}

// block is what the load generator needs of a committed block.
type block struct {
	Height  int64
	Time    time.Time // header time (BFT time of the previous commit)
	Round   int32     // round of the commit that finalized the previous block
	Signers int       // precommits in that commit
	AppHash string
	Txs     [][]byte
}

func (c *rpcClient) block(ctx context.Context, height int64) (block, error) {
	var res struct {
		Block struct {
			Header struct {
				Height  int64s    `json:"height"`
				Time    time.Time `json:"time"`
				AppHash string    `json:"app_hash"`
			} `json:"header"`
			Data struct {
				Txs []string `json:"txs"`
			} `json:"data"`
			LastCommit struct {
				Round      int32 `json:"round"`
				Signatures []struct {
					BlockIDFlag int `json:"block_id_flag"`
				} `json:"signatures"`
			} `json:"last_commit"`
		} `json:"block"`
	}
	if err := c.call(ctx, "block", map[string]string{"height": strconv.FormatInt(height, 10)}, &res); err != nil {
		return block{}, err
	}
	b := block{
		Height:  int64(res.Block.Header.Height),
		Time:    res.Block.Header.Time,
		Round:   res.Block.LastCommit.Round,
		AppHash: res.Block.Header.AppHash,
		Txs:     make([][]byte, len(res.Block.Data.Txs)),
	}
	for _, s := range res.Block.LastCommit.Signatures {
		if s.BlockIDFlag == int(cmttypes.BlockIDFlagCommit) {
			b.Signers++
		}
	}
	for i, s := range res.Block.Data.Txs {
		tx, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return block{}, fmt.Errorf("block %d tx %d: %w", height, i, err)
		}
		b.Txs[i] = tx
	}
	return b, nil
}

// txResult is a committed transaction's result.
type txResult struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Log       string `json:"log"`
	GasWanted int64s `json:"gas_wanted"`
	GasUsed   int64s `json:"gas_used"`
	Events    []struct {
		Type string `json:"type"`
	} `json:"events"`
}

// emitted reports whether the transaction emitted an event of type typ.
func (r txResult) emitted(typ string) bool {
	for _, e := range r.Events {
		if e.Type == typ {
			return true
		}
	}
	return false
}

func (c *rpcClient) blockResults(ctx context.Context, height int64) ([]txResult, error) {
	var res struct {
		TxsResults []txResult `json:"txs_results"`
	}
	if err := c.call(ctx, "block_results", map[string]string{"height": strconv.FormatInt(height, 10)}, &res); err != nil {
		return nil, err
	}
	return res.TxsResults, nil
}

// commitObserver records when each block's commit is observed: the
// NewBlockHeader event, which CometBFT publishes once the block is executed
// and committed. Inclusion latency is measured against this time, not the
// header time (in CometBFT 0.38 a header carries the BFT time of the
// previous block's commit, which can be earlier than the transaction).
type commitObserver struct {
	client *rpchttp.HTTP
	done   chan struct{}
	mu     sync.Mutex
	times  map[int64]time.Time
	last   int64
}

func newCommitObserver(ctx context.Context, rpcAddr string) (*commitObserver, error) {
	remote := strings.Replace(rpcAddr, "http://", "tcp://", 1)
	c, err := rpchttp.New(remote, "/websocket")
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	events, err := c.Subscribe(ctx, "loadgen", "tm.event='NewBlockHeader'", 1000)
	if err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("subscribing to new block headers: %w", err)
	}
	o := &commitObserver{client: c, done: make(chan struct{}), times: map[int64]time.Time{}}
	go func() {
		defer close(o.done)
		for ev := range events {
			at := time.Now()
			hdr, ok := ev.Data.(cmttypes.EventDataNewBlockHeader)
			if !ok {
				continue
			}
			o.mu.Lock()
			o.times[hdr.Header.Height] = at
			if hdr.Header.Height > o.last {
				o.last = hdr.Header.Height
			}
			o.mu.Unlock()
		}
	}()
	return o, nil
}

// observedAt returns when height's commit was observed.
func (o *commitObserver) observedAt(h int64) (time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t, ok := o.times[h]
	return t, ok
}

// lastHeight is the highest height observed.
func (o *commitObserver) lastHeight() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// latest returns the highest height observed and when it was observed.
func (o *commitObserver) latest() (int64, time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last, o.times[o.last]
}

func (o *commitObserver) stop() {
	_ = o.client.UnsubscribeAll(context.Background(), "loadgen")
	_ = o.client.Stop()
}
