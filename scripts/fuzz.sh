#!/usr/bin/env bash
# Runs every fuzz target, one after another (never in parallel: fuzzing uses
# every core it is given). Usage:
#   scripts/fuzz.sh [BUDGET] [WORKERS]
# BUDGET is go test's -fuzztime: an execution count such as 20000x, or a
# duration such as 5m. Without it each target runs its own execution count
# from the list below (what `make test-fuzz` and CI do).
#
# Why counts: with a duration, Go 1.26's fuzz coordinator can fail a target
# with a bare "context deadline exceeded" when the time runs out while a
# worker is still busy (minimizing a new input, or starved of CPU on a loaded
# machine); no failing input is written and nothing reproduces. This is
# go.dev/issue/75804, fixed in Go 1.27. An execution count sets no deadline,
# so a slow machine takes longer instead of failing. The counts are about 10 s
# of fuzzing each on the 2-core development machine.
#
# The long runs behind docs/reliability-sim.md used 5m (a duration: a bare
# "context deadline exceeded" at the end of such a run is the Go bug above,
# not a finding). Plain `go test` replays the seeds and the committed corpora
# (testdata/fuzz/<FuzzName>/) without fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-}
WORKERS=${2:-1}

# package:target:executions, one line each. A module's fuzz target is added
# here.
TARGETS=(
  ./app:FuzzTxDecode:20000x
  ./app:FuzzMsgDecode:20000x
  ./x/claims/types:FuzzAdjudicationArithmetic:40000x
  ./x/research/types:FuzzEscrowArithmetic:20000x
  ./x/consent/keeper:FuzzCheckAccess:3000x
  ./x/consent/types:FuzzNormalizeTerms:15000x
  ./pkg/carecrypto:FuzzOpenEnvelope:25000x
  ./pkg/carecrypto:FuzzBlobReader:25000x
)

for t in "${TARGETS[@]}"; do
  IFS=: read -r pkg name count <<<"$t"
  budget=${BUDGET:-$count}
  echo "==> $name ($pkg) for $budget"
  start=$(date +%s)
  # The last lines on success; everything on failure, so that the reason
  # (a failing input and where it was written, or a worker that hung) is in
  # the CI log and not cut off.
  if out=$(go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" -parallel "$WORKERS" 2>&1); then
    printf '%s\n' "$out" | tail -n 3
  else
    printf '%s\n' "$out"
    echo "==> $name FAILED after $(( $(date +%s) - start ))s"
    exit 1
  fi
  echo "==> $name: $(( $(date +%s) - start ))s"
done
