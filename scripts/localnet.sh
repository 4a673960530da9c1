#!/usr/bin/env bash
# Runs the single-validator development chain in the foreground.
# First run: generates the chain in $LOCALNET_HOME. Later runs: resume it.
set -euo pipefail

HOME_DIR=${LOCALNET_HOME:-$PWD/.localnet}
BIN=${BINARY:-$PWD/build/carechaind}

if [[ ! -f "$HOME_DIR/config/genesis.json" ]]; then
  echo "==> creating a new localnet in $HOME_DIR"
  "$BIN" testnet localnet --home "$HOME_DIR" > "$HOME_DIR.info.tmp"
  mv "$HOME_DIR.info.tmp" "$HOME_DIR/localnet.txt"
else
  echo "==> resuming the localnet in $HOME_DIR (make localnet-reset starts over)"
fi

cat "$HOME_DIR/localnet.txt"
cat <<INFO

Use the CLI with --home $HOME_DIR (client.toml there sets the chain-id, node and test keyring):
  $BIN --home $HOME_DIR q bank balances \$($BIN --home $HOME_DIR keys show bob -a)
  $BIN --home $HOME_DIR tx bank send alice \$($BIN --home $HOME_DIR keys show bob -a) 1000uusd --fees 1000ucare -y

The vault (off-chain store of encrypted documents) runs beside the node:
  http://127.0.0.1:7070  (blobs in $HOME_DIR/vault, log in $HOME_DIR/vault.log)
  $BIN --home $HOME_DIR records put --patient \$($BIN --home $HOME_DIR keys show alice -a) --category Observation --file FILE --from mercy-admin

Starting the node and the vault (Ctrl-C stops both; the chain resumes on the next make localnet)...
INFO

VAULT_LISTEN=${VAULT_LISTEN:-127.0.0.1:7070}
"$BIN" start --home "$HOME_DIR" &
NODE_PID=$!
VAULT_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$VAULT_PID" ]]; then kill "$VAULT_PID" 2>/dev/null || true; fi
  kill "$NODE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# The vault asks the node on every request and checks it at start: wait
# for the first block.
for _ in $(seq 1 120); do
  if ! kill -0 "$NODE_PID" 2>/dev/null; then wait "$NODE_PID"; exit $?; fi
  h=$("$BIN" status --home "$HOME_DIR" 2>/dev/null | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p' || true) 
  if [[ -n "$h" && "$h" -ge 1 ]]; then break; fi
  sleep 0.5
done
"$BIN" vault serve --home "$HOME_DIR" --listen "$VAULT_LISTEN" --grpc-addr 127.0.0.1:9090 >> "$HOME_DIR/vault.log" 2>&1 &
VAULT_PID=$!
echo "==> vault $VAULT_PID listening on http://$VAULT_LISTEN (log: $HOME_DIR/vault.log)"

wait "$NODE_PID"
