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

Starting the node (Ctrl-C stops it; the chain resumes on the next make localnet)...
INFO

exec "$BIN" start --home "$HOME_DIR"
