package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
)

// fakeNode serves abci_info with the heights of app and status with those
// of status, each advancing one per call of its method and then staying at
// its last. It counts abci_info calls.
func fakeNode(t *testing.T, app, status []int64) (*rpcClient, *atomic.Int64) {
	t.Helper()
	var appCalls, statusCalls atomic.Int64
	next := func(seq []int64, calls *atomic.Int64) int64 {
		return seq[min(int(calls.Add(1)-1), len(seq)-1)]
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Method string `json:"method"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var result string
		switch req.Method {
		case "abci_info":
			result = fmt.Sprintf(`{"response":{"data":"carechain","last_block_height":"%d"}}`, next(app, &appCalls))
		case "status":
			result = fmt.Sprintf(`{"sync_info":{"latest_block_height":"%d"}}`, next(status, &statusCalls))
		default:
			http.Error(w, "unexpected method "+req.Method, http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":%s}`, result)
	}))
	t.Cleanup(srv.Close)
	return newRPCClient(srv.URL, 2), &appCalls
}

// A restarted node is ready for queries only once the application has
// committed a block in this process. CometBFT's status counts block 3 as
// soon as it is stored, while the application is still at 2.
func TestWaitFirstCommitWaitsForTheApplication(t *testing.T) {
	rpc, calls := fakeNode(t, []int64{2, 2, 2, 3}, []int64{2, 3})
	require.NoError(t, waitFirstCommit(context.Background(), rpc, make(chan error, 1), 10*time.Second))
	require.EqualValues(t, 4, calls.Load(), "returned before the application's height rose")

	h, err := rpc.appHeight(context.Background())
	require.NoError(t, err)
	require.EqualValues(t, 3, h, "the application must have committed a block by the time the wait returns")
}

// A fresh chain reports height 0 before InitChain and 1 after its first
// block; the wait goes on to 2.
func TestWaitFirstCommitOnAFreshChain(t *testing.T) {
	rpc, calls := fakeNode(t, []int64{0, 1, 2}, []int64{1, 2, 3})
	require.NoError(t, waitFirstCommit(context.Background(), rpc, make(chan error, 1), 10*time.Second))
	require.EqualValues(t, 3, calls.Load())
}

func TestWaitFirstCommitReportsExitAndTimeout(t *testing.T) {
	rpc, _ := fakeNode(t, []int64{5}, []int64{5})

	exited := make(chan error, 1)
	exited <- errors.New("exit status 1")
	err := waitFirstCommit(context.Background(), rpc, exited, 10*time.Second)
	require.ErrorIs(t, err, errNodeExited)
	require.ErrorContains(t, err, "exit status 1")
	require.Len(t, exited, 1, "the exit must stay available to stop")

	err = waitFirstCommit(context.Background(), rpc, make(chan error, 1), 500*time.Millisecond)
	require.ErrorIs(t, err, errNoCommit)
}

// The client must drop an idle connection before CometBFT's RPC server
// does, or a broadcast can be written into a connection the server is
// closing. The server sets no IdleTimeout, so net/http closes an idle
// keep-alive connection after its ReadTimeout.
func TestRPCClientDropsIdleConnectionsBeforeTheServer(t *testing.T) {
	tr, ok := newRPCClient("http://127.0.0.1:1", 4).http.Transport.(*http.Transport)
	require.True(t, ok)
	require.Positive(t, tr.IdleConnTimeout)
	require.Less(t, tr.IdleConnTimeout, rpcserver.DefaultConfig().ReadTimeout)
}
