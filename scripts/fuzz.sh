#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME, one after another (never in
# parallel: fuzzing uses every core it is given). Usage:
#   scripts/fuzz.sh [FUZZTIME] [WORKERS]
# `make test-fuzz` runs it with FUZZTIME=10s (CI); the long runs behind
# docs/reliability-sim.md used 5m. Plain `go test` replays the seeds and the
# committed corpora (testdata/fuzz/<FuzzName>/) without fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${1:-10s}
WORKERS=${2:-1}

# package:target, one line each. A module's fuzz target is added here.
TARGETS=(
  ./app:FuzzTxDecode
  ./app:FuzzMsgDecode
  ./x/claims/types:FuzzAdjudicationArithmetic
  ./x/research/types:FuzzEscrowArithmetic
  ./x/consent/keeper:FuzzCheckAccess
  ./x/consent/types:FuzzNormalizeTerms
  ./pkg/carecrypto:FuzzOpenEnvelope
  ./pkg/carecrypto:FuzzBlobReader
)

for t in "${TARGETS[@]}"; do
  pkg=${t%%:*}
  name=${t##*:}
  echo "==> $name ($pkg) for $FUZZTIME"
  start=$(date +%s)
  # The last lines on success; everything on failure, so that the reason
  # (a failing input and where it was written, or a worker that hung) is in
  # the CI log and not cut off.
  if out=$(go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -parallel "$WORKERS" 2>&1); then
    printf '%s\n' "$out" | tail -n 3
  else
    printf '%s\n' "$out"
    echo "==> $name FAILED after $(( $(date +%s) - start ))s"
    exit 1
  fi
  echo "==> $name: $(( $(date +%s) - start ))s"
done
