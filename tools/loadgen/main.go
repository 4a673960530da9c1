// Command loadgen benchmarks Carechain: it starts a fresh chain, drives it
// with pre-signed transactions and queries, and reports throughput,
// latency and state growth per message type next to the bank MsgSend
// baseline. `make bench`, `make bench-quick` and `make bench-testnet` run
// it; docs/performance.md explains the figures.
//
//	loadgen run [--quick] [--out bench/results/latest.json] [--binary build/carechaind]
//	loadgen testnet [--validators 4] [--rate 200] [--duration 60s]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/carechain/carechain/bench/loadgen"
	_ "github.com/carechain/carechain/bench/workloads"
)

// loadgenGOGC is the load generator's own GOGC unless GOGC is set. Its live
// heap is small (about 20 MB while it measures queries) and it allocates
// for every request, so at Go's default of 100 it collected about three
// times a second on the two cores it shares with the node, and the pauses
// landed in the latencies it measures: on fresh nodes, CheckAccess over
// gRPC at 32 clients had p99 5.9-6.4 ms in four runs at 100 and 4.1-4.7 ms
// in three of four at 800 (docs/performance.md, "The load generator's own
// collector"). The node is a separate process and keeps its own settings.
const loadgenGOGC = 800

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(loadgenGOGC)
	}
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "run":
		err = run(ctx, os.Args[2:])
	case "testnet":
		err = testnet(ctx, os.Args[2:])
	case "list":
		for _, w := range loadgen.Workloads() {
			fmt.Printf("workload %-20s %s healthcare=%v item=%q\n", w.Name, w.MsgType, w.Healthcare, w.Item)
		}
		for _, q := range loadgen.Queries() {
			fmt.Printf("query    %s\n", q.Name)
		}
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  loadgen run [flags]       single-validator benchmark (make bench / make bench-quick)
  loadgen testnet [flags]   latency and stability on a multi-validator network (make bench-testnet)
  loadgen list              registered workloads and queries
Run "loadgen run -h" for the flags.`)
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	quick := fs.Bool("quick", false, "the small version (make bench-quick)")
	out := fs.String("out", "bench/results/latest.json", "where to write the JSON results")
	binary := fs.String("binary", "build/carechaind", "carechaind to benchmark")
	workloads := fs.String("workloads", "", "comma-separated workloads (default: all; bank-send always runs)")
	queries := fs.String("queries", "", "comma-separated queries (default: all; none skips the query measurements)")
	home := fs.String("home", "", "node home (default: a new temporary directory, removed afterwards)")
	keep := fs.Bool("keep-home", false, "keep the node home and log")
	profile := fs.String("profile-dir", "", "write CPU profiles of the node (round 1 of every saturation run, 32 gRPC query clients) into this directory")
	profileRounds := fs.Bool("profile-rounds", false, "with --profile-dir, profile every saturation round, not only the first (cpu-<workload>-r<N>.pprof)")
	strict := fs.Bool("strict", false, "exit with status 3 if any acceptance check fails")

	cfg := loadgen.FullConfig()
	if hasFlag(args, "quick") {
		cfg = loadgen.QuickConfig()
	}
	fs.IntVar(&cfg.Lanes, "lanes", cfg.Lanes, "senders (accounts) per workload")
	fs.DurationVar(&cfg.SaturationDuration, "saturation", cfg.SaturationDuration, "length of each saturation run")
	fs.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "before the measured rounds, send every workload at once at saturation for this long and measure only its failures (0: none)")
	fs.IntVar(&cfg.Rounds, "rounds", cfg.Rounds, "saturation rounds, interleaved across workloads (capacity is the median)")
	fs.DurationVar(&cfg.RateDuration, "rate-duration", cfg.RateDuration, "length of each fixed-rate (latency) run")
	fs.BoolVar(&cfg.LatencyAll, "latency-all", cfg.LatencyAll, "a fixed-rate (latency) run for every workload, not only bank-send and the mix")
	fs.BoolVar(&cfg.FloorLatency, "floor-latency", cfg.FloorLatency, "also run bank-send and the mix at the load factor x criterion 3's floor (500 and 400 tx/s); on by default except with --quick")
	fs.Float64Var(&cfg.LoadFactor, "load-factor", cfg.LoadFactor, "fixed-rate runs offer this fraction of the measured capacity")
	fs.Float64Var(&cfg.MaxRate, "max-rate", cfg.MaxRate, "pre-sign at most this many tx/s for saturation runs")
	fs.IntVar(&cfg.Backlog, "backlog", cfg.Backlog, "saturation runs pause while the mempool holds more transactions than this")
	fs.DurationVar(&cfg.TimeoutCommit, "timeout-commit", cfg.TimeoutCommit, "CometBFT timeout_commit of the node")
	fs.StringVar(&cfg.MinGasPrice, "min-gas-price", cfg.MinGasPrice, "node's minimum gas price; every transaction pays gas limit x this")
	fs.DurationVar(&cfg.QueryDuration, "query-duration", cfg.QueryDuration, "length of each query measurement")
	fs.IntVar(&cfg.QuerySize, "query-size", cfg.QuerySize, "objects each query workload puts in genesis")
	fs.IntVar(&cfg.GrowthItems, "growth-items", cfg.GrowthItems, "items added per state-growth measurement (0 skips it)")
	fs.IntVar(&cfg.PortOffset, "port-offset", cfg.PortOffset, "added to every standard port")
	fs.Int64Var(&cfg.MaxBlockGas, "max-block-gas", cfg.MaxBlockGas, "the chain's genesis block.max_gas, the sum of gas limits one block may hold (default: CometBFT's -1, no limit, as carechaind init writes)")
	fs.Float64Var(&cfg.GasAdjustment, "gas-adjustment", cfg.GasAdjustment, "sign each workload's transactions with its simulated gas times this, as a wallet does (0: the workloads' fixed gas limits)")
	fs.Uint64Var(&cfg.IAVLCacheSize, "iavl-cache-size", 0, "the node's iavl-cache-size, decoded IAVL nodes cached per store (default: the home's, 100000)")
	fs.StringVar(&cfg.AppDBBackend, "app-db-backend", "", "the node's app-db-backend: goleveldb or pebbledb (default goleveldb)")
	fs.BoolVar(&cfg.DisableFastNodes, "iavl-disable-fastnode", false, "run the node with iavl-disable-fastnode = true (no IAVL fast-node index)")
	_ = fs.Parse(args)
	_ = quick

	cfg.Binary = *binary
	cfg.Home = *home
	cfg.KeepHome = *keep
	cfg.ProfileDir = *profile
	cfg.ProfileRounds = *profileRounds
	cfg.Workloads = splitList(*workloads)
	cfg.Queries = splitList(*queries)
	cfg.Log = os.Stderr
	if _, err := os.Stat(cfg.Binary); err != nil {
		return fmt.Errorf("%s: %w (run make build first)", cfg.Binary, err)
	}

	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		if res != nil {
			res.Notes = append(res.Notes, "run aborted: "+err.Error())
			partial := strings.TrimSuffix(*out, ".json") + ".partial.json"
			if werr := res.WriteJSON(partial); werr == nil {
				fmt.Fprintf(os.Stderr, "partial results written to %s\n", partial)
			}
		}
		return err
	}
	res.PrintTable(os.Stdout)
	if err := res.WriteJSON(*out); err != nil {
		return err
	}
	fmt.Printf("\nresults written to %s\n", *out)
	if *strict && res.Failed() {
		os.Exit(3)
	}
	return nil
}

func testnet(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("testnet", flag.ExitOnError)
	cfg := loadgen.DefaultTestnetConfig()
	out := fs.String("out", "bench/results/testnet.json", "where to write the JSON results")
	workloads := fs.String("workloads", "", "comma-separated workloads to mix (default: all)")
	fs.StringVar(&cfg.Binary, "binary", "build/carechaind", "carechaind to run")
	fs.IntVar(&cfg.Validators, "validators", cfg.Validators, "number of validators (make testnet runs 4)")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "offered tx/s, split equally over the workloads")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long to send")
	fs.DurationVar(&cfg.TimeoutCommit, "timeout-commit", cfg.TimeoutCommit, "CometBFT timeout_commit of every node")
	fs.IntVar(&cfg.Lanes, "lanes", cfg.Lanes, "senders per workload")
	fs.IntVar(&cfg.PortOffset, "port-offset", cfg.PortOffset, "node i adds port-offset x (i+1) to every standard port")
	fs.StringVar(&cfg.Home, "home", "", "directory for the node homes (default: a new temporary directory)")
	fs.BoolVar(&cfg.KeepHome, "keep-home", false, "keep the node homes and logs")
	fs.Float64Var(&cfg.GasAdjustment, "gas-adjustment", cfg.GasAdjustment, "sign each workload's transactions with the gas node 0 simulates for them times this, as a wallet does (0: the workloads' fixed gas limits)")
	_ = fs.Parse(args)
	cfg.Workloads = splitList(*workloads)
	cfg.Log = os.Stderr
	if _, err := os.Stat(cfg.Binary); err != nil {
		return fmt.Errorf("%s: %w (run make build first)", cfg.Binary, err)
	}
	res, err := loadgen.RunTestnet(ctx, cfg)
	if err != nil {
		return err
	}
	res.PrintTable(os.Stdout)
	if err := res.WriteJSON(*out); err != nil {
		return err
	}
	fmt.Printf("\nresults written to %s\n", *out)
	return nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || a == name+"=true" {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
