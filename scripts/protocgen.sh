#!/usr/bin/env bash
# Regenerates the gogoproto and grpc-gateway Go code of every proto package
# under proto/carechain, offline. Third-party .proto files are taken from the
# Go module cache at the versions go.mod pins; buf, protoc-gen-gocosmos and
# protoc-gen-grpc-gateway must be on PATH (`make proto-gen` installs pinned
# versions into build/tools).
#
#   scripts/protocgen.sh              all packages
#   scripts/protocgen.sh registry     only proto/carechain/registry
set -euo pipefail
cd "$(dirname "$0")/.."

modpath() { go list -m -f '{{.Dir}}' "$1"; }

# go list -m needs the modules in the cache; this is a no-op when they are.
go mod download github.com/cosmos/cosmos-sdk github.com/cosmos/gogoproto \
  github.com/cosmos/cosmos-proto github.com/grpc-ecosystem/grpc-gateway

SDK=$(modpath github.com/cosmos/cosmos-sdk)
GOGO=$(modpath github.com/cosmos/gogoproto)
COSMOS_PROTO=$(modpath github.com/cosmos/cosmos-proto)
GATEWAY=$(modpath github.com/grpc-ecosystem/grpc-gateway)

DEPS=build/proto-deps
rm -rf "$DEPS" build/proto-out
mkdir -p "$DEPS/gogoproto" "$DEPS/cosmos_proto" "$DEPS/google/api" build/proto-out
cp -r "$SDK/proto/cosmos" "$SDK/proto/amino" "$DEPS/"
cp "$GOGO/gogoproto/gogo.proto" "$DEPS/gogoproto/"
cp "$COSMOS_PROTO/proto/cosmos_proto/cosmos.proto" "$DEPS/cosmos_proto/"
cp "$GATEWAY/third_party/googleapis/google/api/annotations.proto" \
   "$GATEWAY/third_party/googleapis/google/api/http.proto" "$DEPS/google/api/"
chmod -R u+w "$DEPS"

if [[ $# -gt 0 ]]; then
  packages=("$@")
else
  packages=()
  for d in proto/carechain/*/; do packages+=("$(basename "$d")"); done
fi

for pkg in "${packages[@]}"; do
  echo "==> carechain.$pkg"
  buf generate --template proto/buf.gen.gogo.yaml --path "proto/carechain/$pkg"
done

# Move the generated files into the module tree (x/<module>/types).
cp -r build/proto-out/github.com/carechain/carechain/* ./
rm -rf build/proto-out
gofmt -w $(find x -name '*.pb.go' -o -name '*.pb.gw.go')
