#!/usr/bin/env bash
# Four (or $NUM_VALIDATORS) validators as separate background processes on
# 127.0.0.1 with distinct ports. Homes, logs and pid files live in $TESTNET_DIR.
#   testnet.sh start   generate on first use, then start every stopped node
#   testnet.sh stop    stop every node (SIGTERM, then SIGKILL after 20 s)
#   testnet.sh status  height of every node
set -euo pipefail

DIR=${TESTNET_DIR:-$PWD/.testnet}
BIN=${BINARY:-$PWD/build/carechaind}
N=${NUM_VALIDATORS:-4}
OFFSET=${PORT_OFFSET:-100}

rpc_port() { echo $((26657 + OFFSET * ($1 + 1))); }

height() {
  curl -s --max-time 2 "http://127.0.0.1:$(rpc_port "$1")/status" 2>/dev/null \
    | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p'
}

running() { [[ -f "$DIR/node$1.pid" ]] && kill -0 "$(cat "$DIR/node$1.pid")" 2>/dev/null; }

start() {
  if [[ ! -f "$DIR/node0/config/genesis.json" ]]; then
    echo "==> generating a $N-validator testnet in $DIR"
    mkdir -p "$DIR"
    "$BIN" testnet init-files --v "$N" --output-dir "$DIR" --port-offset "$OFFSET" > "$DIR/testnet.txt"
  fi
  for ((i = 0; i < N; i++)); do
    if running "$i"; then
      echo "node$i already running (pid $(cat "$DIR/node$i.pid"))"
      continue
    fi
    nohup "$BIN" start --home "$DIR/node$i" --log_format plain >> "$DIR/node$i.log" 2>&1 &
    echo $! > "$DIR/node$i.pid"
    echo "node$i started (pid $!, RPC http://127.0.0.1:$(rpc_port "$i"), log $DIR/node$i.log)"
  done
  echo "==> waiting for blocks"
  for _ in $(seq 1 60); do
    h=$(height 0 || true)
    if [[ -n "$h" && "$h" -ge 2 ]]; then break; fi
    sleep 1
  done
  status
  echo "Use the CLI with --home $DIR/node0 (client.toml there points at node0)."
}

stop() {
  for ((i = 0; i < N; i++)); do
    if running "$i"; then
      pid=$(cat "$DIR/node$i.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -KILL "$pid" 2>/dev/null || true
      echo "node$i stopped"
    fi
    rm -f "$DIR/node$i.pid"
  done
}

status() {
  for ((i = 0; i < N; i++)); do
    if running "$i"; then
      echo "node$i: running, height $(height "$i" || echo '?')"
    else
      echo "node$i: stopped"
    fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
