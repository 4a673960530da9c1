#!/usr/bin/make -f
# Carechain developer targets. `make help` lists them.

BINARY      := carechaind
BUILDDIR    ?= $(CURDIR)/build
TOOLSDIR    := $(BUILDDIR)/tools
GO          ?= go

# Version: the nearest tag, else v0.0.0-<short commit>; "-dirty" marks uncommitted changes.
COMMIT  := $(shell git rev-parse --verify -q HEAD 2>/dev/null)
COMMIT  := $(if $(COMMIT),$(COMMIT),unknown)
VERSION := $(shell git describe --tags --dirty 2>/dev/null || echo v0.0.0-$(shell git describe --always --dirty 2>/dev/null || echo unknown))

ldflags := -X github.com/cosmos/cosmos-sdk/version.Name=carechain \
	-X github.com/cosmos/cosmos-sdk/version.AppName=$(BINARY) \
	-X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
	-X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)
BUILD_FLAGS := -trimpath -ldflags '$(ldflags)'

# Pinned code generators and linters, installed into build/tools by `go install`.
BUF_VERSION           := v1.75.0
GOGOPROTO_VERSION     := $(shell $(GO) list -m -f '{{.Version}}' github.com/cosmos/gogoproto 2>/dev/null)
GRPC_GATEWAY_VERSION  := v1.16.0
GOLANGCI_VERSION      := v2.15.0

LOCALNET_HOME := $(CURDIR)/.localnet
TESTNET_DIR   := $(CURDIR)/.testnet

.PHONY: all build install test test-race test-e2e test-sim test-fuzz test-cosmjs lint fmt vet proto-gen proto-tools \
	localnet localnet-reset testnet testnet-stop clean help tools \
	loadgen bench bench-quick bench-testnet bench-micro

all: build

## build: compile build/carechaind with version and commit stamped in
build:
	@mkdir -p $(BUILDDIR)
	$(GO) build $(BUILD_FLAGS) -o $(BUILDDIR)/$(BINARY) ./cmd/carechaind

## install: install carechaind into $(GOPATH)/bin
install:
	$(GO) install $(BUILD_FLAGS) ./cmd/carechaind

## test: the full test suite CI runs (unit, integration, in-process network, short multi-process e2e)
test:
	$(GO) test -count=1 -timeout 20m ./...

## test-e2e: fault-injection suite on real carechaind processes (kills, pauses, crash points, state sync; ~10 min; docs/reliability.md)
E2E_RESULTS ?= $(BUILDDIR)/e2e-results.txt
test-e2e: build
	@rm -f $(E2E_RESULTS)
	@CARECHAIND_BINARY=$(BUILDDIR)/$(BINARY) E2E_RESULTS=$(E2E_RESULTS) \
		$(GO) test -tags e2e -count=1 -timeout 60m $(E2E_FLAGS) ./tests/e2e/; \
		status=$$?; \
		echo "==> figures ($(E2E_RESULTS)):"; cat $(E2E_RESULTS) 2>/dev/null; \
		exit $$status

## test-sim: full-app simulation: every module's operations with invariants after every block,
##   app-hash determinism (SIM_SEEDS x SIM_RUNS), export/import with a store-by-store
##   comparison, and simulation after import. Tune with SIM_NUM_BLOCKS, SIM_BLOCK_SIZE, SIM_SEEDS, SIM_RUNS.
SIM_NUM_BLOCKS ?= 60
SIM_BLOCK_SIZE ?= 100
SIM_SEEDS      ?= 1,7,42
SIM_RUNS       ?= 3
test-sim:
	$(GO) test ./app -run '^(TestFullAppSimulation|TestAppStateDeterminism|TestAppImportExport)$$' -count=1 -timeout 60m -v \
		-args -NumBlocks=$(SIM_NUM_BLOCKS) -BlockSize=$(SIM_BLOCK_SIZE) -SimSeeds=$(SIM_SEEDS) -SimRuns=$(SIM_RUNS)

## test-fuzz: run every fuzz target, one after another, for its own execution count (about
##   10 s each; scripts/fuzz.sh) or for FUZZTIME (a count like 50000x or a duration like 5m);
##   plain `make test` already replays their seeds and committed corpora (testdata/fuzz/)
FUZZTIME ?=
test-fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

## test-race: the test suite under the race detector
test-race:
	$(GO) test -race -count=1 -timeout 30m ./...

## lint: gofmt, go vet, golangci-lint (pinned, installed into build/tools; errcheck, gosec,
##   staticcheck, forbidigo: no time.Now/math/rand in modules) and the determinism check
##   (no floats, goroutines or state-deciding map iteration in x/*/keeper and x/*/types)
lint: $(TOOLSDIR)/golangci-lint
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed on:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(TOOLSDIR)/golangci-lint run --allow-parallel-runners ./...
	$(GO) test -count=1 ./x/internal/determinism/

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

$(TOOLSDIR)/golangci-lint:
	GOBIN=$(TOOLSDIR) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

## proto-gen: regenerate gogoproto and grpc-gateway code from proto/ (offline)
proto-gen: proto-tools
	@PATH="$(TOOLSDIR):$$PATH" ./scripts/protocgen.sh

proto-tools: $(TOOLSDIR)/buf $(TOOLSDIR)/protoc-gen-gocosmos $(TOOLSDIR)/protoc-gen-grpc-gateway

$(TOOLSDIR)/buf:
	GOBIN=$(TOOLSDIR) $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)

$(TOOLSDIR)/protoc-gen-gocosmos:
	GOBIN=$(TOOLSDIR) $(GO) install github.com/cosmos/gogoproto/protoc-gen-gocosmos@$(GOGOPROTO_VERSION)

$(TOOLSDIR)/protoc-gen-grpc-gateway:
	GOBIN=$(TOOLSDIR) $(GO) install github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway@$(GRPC_GATEWAY_VERSION)

## localnet: build and run a single-validator chain with demo accounts in ./.localnet and a vault on 127.0.0.1:7070 (foreground; Ctrl-C stops both)
localnet: build
	@LOCALNET_HOME=$(LOCALNET_HOME) BINARY=$(BUILDDIR)/$(BINARY) ./scripts/localnet.sh

## localnet-reset: delete ./.localnet so the next `make localnet` starts a new chain
localnet-reset:
	rm -rf $(LOCALNET_HOME)

## testnet: four validators as background processes on 127.0.0.1 (homes and logs in ./.testnet)
testnet: build
	@TESTNET_DIR=$(TESTNET_DIR) BINARY=$(BUILDDIR)/$(BINARY) ./scripts/testnet.sh start

## testnet-stop: stop the testnet's processes (state is kept; `make testnet` resumes it)
testnet-stop:
	@TESTNET_DIR=$(TESTNET_DIR) BINARY=$(BUILDDIR)/$(BINARY) ./scripts/testnet.sh stop

## test-cosmjs: CosmJS wallet smoke test against the running localnet (needs Node.js and npm)
test-cosmjs:
	cd scripts/cosmjs && npm install --no-audit --no-fund && npm run smoke

## clean: remove build output and the local networks
clean: testnet-stop
	rm -rf $(BUILDDIR)/$(BINARY) $(LOCALNET_HOME) $(TESTNET_DIR)

## loadgen: compile the benchmark load generator into build/loadgen
loadgen:
	@mkdir -p $(BUILDDIR)
	$(GO) build -o $(BUILDDIR)/loadgen ./tools/loadgen

# Extra flags for the load generator, e.g. make bench LOADGEN_FLAGS="--workloads registry-set-key --keep-home".
LOADGEN_FLAGS ?=
BENCH_RESULTS := $(CURDIR)/bench/results
# The issue's messages and queries; the registry stand-ins (registry-set-key,
# encryption-key) run with LOADGEN_FLAGS="--workloads all --queries all".
BENCH_SELECTION := --workloads claim-submit,consent-grant,record-access,record-create,study-enroll \
	--queries check-access,patient-records

## bench: throughput, latency, queries and state growth on a fresh single-validator chain (about 16 min); prints a table, writes bench/results/latest.json
bench: build loadgen
	$(BUILDDIR)/loadgen run --binary $(BUILDDIR)/$(BINARY) --out $(BENCH_RESULTS)/latest.json \
		--profile-dir $(BENCH_RESULTS) $(BENCH_SELECTION) $(LOADGEN_FLAGS)

## bench-quick: the same measurements, small (under 3 minutes); writes bench/results/quick.json
bench-quick: build loadgen
	$(BUILDDIR)/loadgen run --quick --binary $(BUILDDIR)/$(BINARY) --out $(BENCH_RESULTS)/quick.json $(BENCH_SELECTION) $(LOADGEN_FLAGS)

## bench-testnet: latency and stability under load on a 4-validator network shaped like make testnet; writes bench/results/testnet.json
bench-testnet: build loadgen
	$(BUILDDIR)/loadgen testnet --binary $(BUILDDIR)/$(BINARY) --out $(BENCH_RESULTS)/testnet.json $(LOADGEN_FLAGS)

## bench-micro: Go micro-benchmarks of the transaction and keeper paths (every result checked)
bench-micro:
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./app/... ./x/... ./bench/...

## help: list targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
