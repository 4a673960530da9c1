#!/usr/bin/env bash
# Where a node's CPU went, from a profile taken by `make bench`
# (bench/results/cpu-*.pprof): the share of samples under each stage of a
# transaction's life. Stages overlap where one calls another (signature
# verification happens inside CheckTx and inside FinalizeBlock).
#   scripts/profile-summary.sh [build/carechaind] bench/results/cpu-bank-send.pprof
set -euo pipefail
if [[ $# -eq 1 ]]; then BIN=build/carechaind; PROF=$1; else BIN=$1; PROF=$2; fi

top=$(go tool pprof -top -cum -nodecount=100000 "$BIN" "$PROF" 2>/dev/null)
echo "$top" | sed -n 's/^Duration: \(.*\)$/profile: \1/p'

stage() { # label, exact function name (as pprof prints it)
  local pct
  pct=$(awk -v fn="$2" '$6 == fn { print $5; exit }' <<<"$top")
  printf '  %-46s %6s\n' "$1" "${pct:-0%}"
}
stage "CheckTx (mempool admission, via RPC)"        "github.com/cosmos/cosmos-sdk/baseapp.(*BaseApp).CheckTx"
stage "  of which recheck after each block"         "github.com/cometbft/cometbft/mempool.(*CListMempool).recheckTxs"
stage "FinalizeBlock (execution)"                    "github.com/cosmos/cosmos-sdk/baseapp.(*BaseApp).FinalizeBlock"
stage "Commit (state write, IAVL)"                   "github.com/cosmos/cosmos-sdk/baseapp.(*BaseApp).Commit"
stage "ante handler (CheckTx + FinalizeBlock)"       "github.com/carechain/carechain/app.NewAnteHandler.ChainAnteDecorators.func2"
stage "  secp256k1 signature verification"           "github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1.(*PubKey).VerifySignature"
stage "  fee deduction"                              "github.com/cosmos/cosmos-sdk/x/auth/ante.DeductFeeDecorator.checkDeductFee"
stage "transaction decoding"                         "github.com/cosmos/cosmos-sdk/x/auth/tx.NewTxConfigWithOptions.DefaultTxDecoder.func1"
stage "message handlers (msg service router)"       "github.com/cosmos/cosmos-sdk/baseapp.(*MsgServiceRouter).registerMsgServiceHandler.func2"
stage "  typed events (EmitTypedEvent, JSON)"        "github.com/cosmos/cosmos-sdk/types.(*EventManager).EmitTypedEvent"
stage "block state into IAVL (workingHash)"         "github.com/cosmos/cosmos-sdk/baseapp.(*BaseApp).workingHash"
stage "LevelDB compaction (background)"             "github.com/syndtr/goleveldb/leveldb.(*DB).tCompaction"
stage "JSON-RPC server (incl. the CheckTx it awaits)" "github.com/cometbft/cometbft/rpc/jsonrpc/server.defaultHandler.ServeHTTP"
stage "gRPC query server"                            "google.golang.org/grpc.(*Server).processUnaryRPC"
stage "  query context (multistore at latest)"       "github.com/cosmos/cosmos-sdk/baseapp.(*BaseApp).CreateQueryContextWithCheckHeader"
stage "  commit-info hash per query (LastCommitID)"  "cosmossdk.io/store/rootmulti.(*Store).LastCommitID"
stage "REST gateway"                                 "github.com/grpc-ecosystem/grpc-gateway/runtime.(*ServeMux).ServeHTTP"
stage "garbage collector (background marking)"      "runtime.gcBgMarkWorker"
