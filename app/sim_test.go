package app_test

// Full-app simulation (make test-sim; a short form runs in make test):
// random genesis and random transactions of every module, Carechain's
// included, through FinalizeBlock; the claims escrow invariants and the
// consent state check asserted after every block; app-hash determinism
// across seeds and repeated runs; export, import and a store-by-store
// comparison of every KV store; and a simulation continuing from the
// imported state. See docs/reliability-sim.md.

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"
	"cosmossdk.io/x/feegrant"

	"github.com/cosmos/cosmos-sdk/baseapp"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/cosmos-sdk/x/simulation"
	simcli "github.com/cosmos/cosmos-sdk/x/simulation/client/cli"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/app"
	consentsim "github.com/carechain/carechain/x/consent/simulation"
)

const simChainID = "carechain-sim-1"

// Short-form defaults, used unless the flags are given: small enough for
// `make test` on two cores, large enough that every Carechain operation
// runs (TestFullAppSimulation checks that).
const (
	shortNumBlocks = 30
	shortBlockSize = 50
)

// simGenesisTime is the genesis time unless -GenesisTime is given (the
// SDK's default is the wall clock, which would make runs differ).
var simGenesisTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).Unix()

var (
	flagSimSeeds        = flag.String("SimSeeds", "42", "comma-separated seeds of TestAppStateDeterminism (ignored when -Seed is given); make test-sim uses 1,7,42")
	flagSimRuns         = flag.Int("SimRuns", 2, "runs per seed in TestAppStateDeterminism; make test-sim uses 3")
	flagSimCheckEveryOp = flag.Bool("SimCheckEveryOp", false, "assert the invariants after every operation, not only after every block")
)

func init() {
	simcli.GetSimulatorFlags()
}

// simConfig reads the SDK's simulator flags (-Seed, -NumBlocks,
// -BlockSize, -Verbose, -Params, -ExportStatePath, ...) and fills in the
// short-form defaults for the ones not given.
func simConfig(t testing.TB) simtypes.Config {
	t.Helper()
	given := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { given[f.Name] = true })
	cfg := simcli.NewConfigFromFlags()
	cfg.ChainID = simChainID
	cfg.Commit = true
	if !given["NumBlocks"] {
		cfg.NumBlocks = shortNumBlocks
	}
	if !given["BlockSize"] {
		cfg.BlockSize = shortBlockSize
	}
	if !given["GenesisTime"] {
		cfg.GenesisTime = simGenesisTime
	}
	if !given["Seed"] {
		cfg.Seed = 42
	}
	return cfg
}

func newSimApp(t testing.TB) (*app.CarechainApp, dbm.DB) {
	t.Helper()
	db := dbm.NewMemDB()
	logger := log.NewNopLogger()
	if simcli.FlagVerboseValue {
		logger = log.NewTestLogger(t)
	}
	return app.NewCarechainApp(logger, db, nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(simChainID)), db
}

// opStats counts the delivered operations per message type.
type opStats map[string]int

// withInvariants wraps every operation so that the first operation of each
// block first asserts the invariants on the state the previous block left
// (its transactions, then this block's BeginBlock and EndBlock), and, with
// -SimCheckEveryOp, every operation asserts them after it runs.
func withInvariants(a *app.CarechainApp, ops []simtypes.WeightedOperation, stats opStats) []simtypes.WeightedOperation {
	checkedHeight := int64(-1)
	out := make([]simtypes.WeightedOperation, 0, len(ops))
	for _, wop := range ops {
		inner := wop.Op()
		out = append(out, simulation.NewWeightedOperation(wop.Weight(), func(r *rand.Rand, bapp *baseapp.BaseApp, ctx sdk.Context,
			accs []simtypes.Account, chainID string,
		) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
			if ctx.BlockHeight() != checkedHeight {
				checkedHeight = ctx.BlockHeight()
				if err := checkInvariants(ctx, a); err != nil {
					return simtypes.OperationMsg{}, nil, fmt.Errorf("invariant broken at height %d: %w", ctx.BlockHeight(), err)
				}
			}
			msg, fops, err := inner(r, bapp, ctx, accs, chainID)
			if err == nil && msg.OK {
				stats[msg.Name]++
				if *flagSimCheckEveryOp {
					if err := checkInvariants(ctx, a); err != nil {
						return msg, fops, fmt.Errorf("invariant broken after %s at height %d: %w", msg.Name, ctx.BlockHeight(), err)
					}
				}
			}
			return msg, fops, err
		}))
	}
	return out
}

// checkInvariants asserts the claims escrow invariants (module account
// balance = sum of plan escrows per denom, reservations = claims under
// review, awaiting-funds queue) and the consent state check.
func checkInvariants(ctx sdk.Context, a *app.CarechainApp) error {
	if err := a.ClaimsKeeper.CheckInvariants(ctx); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	if err := consentsim.CheckState(ctx, a.ConsentKeeper, a.RegistryKeeper); err != nil {
		return fmt.Errorf("consent: %w", err)
	}
	return nil
}

// simRun is one simulation's outcome.
type simRun struct {
	accs   []simtypes.Account
	stats  opStats
	height int64
	time   time.Time
}

// runSimulation simulates cfg on a, starting from appStateFn (the SDK's
// randomized genesis when nil), and asserts the invariants at the end.
func runSimulation(t *testing.T, a *app.CarechainApp, cfg simtypes.Config, appStateFn simtypes.AppStateFn, w io.Writer) simRun {
	t.Helper()
	if appStateFn == nil {
		appStateFn = simtestutil.AppStateFn(a.AppCodec(), a.SimulationManager(), a.DefaultGenesis())
	}
	stats := opStats{}
	ops := withInvariants(a, simtestutil.BuildSimulationOperations(a, a.AppCodec(), cfg, a.TxConfig()), stats)
	blocked := a.ModuleAccountAddrs()
	logger := log.NewNopLogger()
	if simcli.FlagVerboseValue {
		logger = log.NewTestLogger(t)
	}
	_, accs, err := simulation.SimulateFromSeedX(t, logger, w, a.BaseApp, appStateFn, simtypes.RandomAccounts,
		ops, blocked, cfg, a.AppCodec(), simulation.NewLogWriter(true))
	require.NoError(t, err)
	require.NoError(t, simtestutil.CheckExportSimulation(a, cfg, simulation.Params{}))

	// The check state after Commit carries the last block's header.
	ctx := a.GetContextForCheckTx(nil)
	last := ctx.BlockTime()
	require.NoError(t, checkInvariants(ctx, a), "invariants at the end of the simulation")
	return simRun{accs: accs, stats: stats, height: a.LastBlockHeight(), time: last}
}

func simWriter() io.Writer {
	if simcli.FlagVerboseValue {
		return os.Stdout
	}
	return io.Discard
}

// carechainMsgs are the messages the simulation must deliver at least once
// in a run of the default size: every message of Carechain's modules. The
// authority's messages are executed as passed proposals are (and also
// submitted in gov proposals); see docs/reliability-sim.md.
var carechainMsgs = []string{
	"/carechain.registry.v1.MsgAddMember",
	"/carechain.registry.v1.MsgRemoveMember",
	"/carechain.registry.v1.MsgSetEncryptionKey",
	"/carechain.registry.v1.MsgRegisterOrganization",
	"/carechain.registry.v1.MsgUpdateOrganization",
	"/carechain.registry.v1.MsgSetOrganizationStatus",
	"/carechain.registry.v1.MsgUpdateParams",
	"/carechain.consent.v1.MsgUpdateParams",
	"/carechain.claims.v1.MsgUpdateParams",
	"/carechain.consent.v1.MsgGrantConsent",
	"/carechain.consent.v1.MsgRevokeConsent",
	"/carechain.consent.v1.MsgAppointRepresentative",
	"/carechain.consent.v1.MsgRemoveRepresentative",
	"/carechain.consent.v1.MsgResignRepresentative",
	"/carechain.consent.v1.MsgBreakGlass",
	"/carechain.consent.v1.MsgReviewBreakGlass",
	"/carechain.claims.v1.MsgCreatePlan",
	"/carechain.claims.v1.MsgClosePlan",
	"/carechain.claims.v1.MsgFundPlan",
	"/carechain.claims.v1.MsgWithdrawPlanFunds",
	"/carechain.claims.v1.MsgEnrollMember",
	"/carechain.claims.v1.MsgSubmitClaim",
	"/carechain.claims.v1.MsgAdjudicateClaim",
	"/carechain.claims.v1.MsgWithdrawClaim",
	"/carechain.claims.v1.MsgAppealClaim",
}

// TestFullAppSimulation runs one simulation and checks that every
// Carechain message was delivered.
func TestFullAppSimulation(t *testing.T) {
	cfg := simConfig(t)
	a, _ := newSimApp(t)
	run := runSimulation(t, a, cfg, nil, simWriter())
	names := make([]string, 0, len(run.stats))
	for n := range run.stats {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-50s %d\n", n, run.stats[n])
	}
	t.Logf("seed %d, %d blocks of up to %d operations, final height %d, app hash %X; delivered:\n%s",
		cfg.Seed, cfg.NumBlocks, cfg.BlockSize, run.height, a.LastCommitID().Hash, b.String())
	for _, m := range carechainMsgs {
		require.Positive(t, run.stats[m], "the simulation never delivered %s", m)
	}
	t.Logf("governance proposals carrying Carechain messages (by message and final status):\n%s", govSummary(t, a))
}

// govSummary counts the proposals that carry Carechain messages by message
// type and proposal status.
func govSummary(t *testing.T, a *app.CarechainApp) string {
	t.Helper()
	counts := map[string]int{}
	ctx := a.GetContextForCheckTx(nil)
	err := a.GovKeeper.Proposals.Walk(ctx, nil, func(_ uint64, p govv1.Proposal) (bool, error) {
		for _, m := range p.Messages {
			if strings.HasPrefix(m.TypeUrl, "/carechain.") {
				counts[fmt.Sprintf("%-50s %s", m.TypeUrl, p.Status)]++
			}
		}
		return false, nil
	})
	require.NoError(t, err)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s %d\n", k, counts[k])
	}
	return b.String()
}

// TestAppStateDeterminism runs each seed several times on fresh apps and
// requires the same app hash every time.
func TestAppStateDeterminism(t *testing.T) {
	cfg := simConfig(t)
	seeds := []int64{cfg.Seed}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "Seed" })
	if !given {
		seeds = nil
		for _, s := range strings.Split(*flagSimSeeds, ",") {
			var seed int64
			_, err := fmt.Sscan(strings.TrimSpace(s), &seed)
			require.NoError(t, err, "-SimSeeds")
			seeds = append(seeds, seed)
		}
	}
	for _, seed := range seeds {
		cfg.Seed = seed
		var first []byte
		for run := 1; run <= *flagSimRuns; run++ {
			a, _ := newSimApp(t)
			runSimulation(t, a, cfg, nil, io.Discard)
			hash := a.LastCommitID().Hash
			t.Logf("seed %d run %d/%d: height %d app hash %X", seed, run, *flagSimRuns, a.LastBlockHeight(), hash)
			if run == 1 {
				first = hash
				continue
			}
			require.Equal(t, hex.EncodeToString(first), hex.EncodeToString(hash), "non-determinism: seed %d run %d", seed, run)
		}
	}
}

// importSkipPrefixes are the key prefixes that an export does not carry
// verbatim (the same ones the SDK's simapp skips): staking queues and
// per-block bookkeeping that the importing chain rebuilds, the slashing
// missed-block bitmap (exported as a list, stored in chunks), and the
// authz and feegrant expiry queues (rebuilt from the grants).
var importSkipPrefixes = map[string][][]byte{
	stakingtypes.StoreKey: {
		stakingtypes.UnbondingQueueKey, stakingtypes.RedelegationQueueKey, stakingtypes.ValidatorQueueKey,
		stakingtypes.HistoricalInfoKey, stakingtypes.UnbondingIDKey, stakingtypes.UnbondingIndexKey,
		stakingtypes.UnbondingTypeKey, stakingtypes.ValidatorUpdatesKey,
	},
	slashingtypes.StoreKey: {slashingtypes.ValidatorMissedBlockBitmapKeyPrefix},
	"authz":                {authzkeeper.GrantQueuePrefix},
	feegrant.StoreKey:      {feegrant.FeeAllowanceQueueKeyPrefix},
}

// TestAppImportExport simulates, exports the state, imports it into a
// fresh app through InitChain, compares every KV store key by key, and
// then continues the simulation from the imported state on another fresh
// app.
func TestAppImportExport(t *testing.T) {
	cfg := simConfig(t)
	a, _ := newSimApp(t)
	run := runSimulation(t, a, cfg, nil, io.Discard)

	exported, err := a.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	b, _ := newSimApp(t)
	_, err = b.InitChain(&abci.RequestInitChain{
		ChainId:         simChainID,
		Time:            run.time,
		InitialHeight:   exported.Height + 1,
		ConsensusParams: &exported.ConsensusParams,
		AppStateBytes:   exported.AppState,
	})
	require.NoError(t, err)

	ctxA := a.NewContextLegacy(true, cmtproto.Header{ChainID: simChainID, Height: a.LastBlockHeight()})
	ctxB := b.NewContextLegacy(false, cmtproto.Header{ChainID: simChainID, Height: a.LastBlockHeight()})
	names := make([]string, 0, len(a.KVStoreKeys()))
	for name := range a.KVStoreKeys() {
		names = append(names, name)
	}
	sort.Strings(names)
	require.Len(t, b.KVStoreKeys(), len(names))
	compared := 0
	for _, name := range names {
		keyA, keyB := a.GetKey(name), b.GetKey(name)
		require.NotNil(t, keyB, "store %s missing from the imported app", name)
		storeA, storeB := ctxA.KVStore(keyA), ctxB.KVStore(keyB)
		diffA, diffB := simtestutil.DiffKVStores(storeA, storeB, importSkipPrefixes[name])
		require.Equal(t, len(diffA), len(diffB), "store %s: unequal sets of key-values", name)
		require.Empty(t, diffA, "store %s differs after import:\n%s", name,
			simtestutil.GetSimulationLog(name, a.SimulationManager().StoreDecoders, diffA, diffB))
		n := countKeys(storeA)
		t.Logf("store %-14s %6d keys equal (skipped prefixes: %d)", name, n, len(importSkipPrefixes[name]))
		compared++
	}
	require.Equal(t, len(names), compared)

	// Continue on a fresh app from a zero-height export (the form a chain
	// restarted from exported genesis takes: heights reset, validators'
	// rewards withdrawn), as the SDK's own after-import simulation does.
	zero, err := a.ExportAppStateAndValidators(true, nil, nil)
	require.NoError(t, err)
	var genesis map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(zero.AppState, &genesis))
	c, _ := newSimApp(t)
	importedStateFn := func(r *rand.Rand, _ []simtypes.Account, _ simtypes.Config) (json.RawMessage, []simtypes.Account, string, time.Time) {
		return zero.AppState, run.accs, simChainID, run.time
	}
	after := cfg
	after.Seed = cfg.Seed + 1
	afterRun := runSimulation(t, c, after, importedStateFn, io.Discard)
	t.Logf("simulated %d more blocks after import (height %d), app hash %X", after.NumBlocks, afterRun.height, c.LastCommitID().Hash)
}

func countKeys(s storetypes.KVStore) int {
	it := s.Iterator(nil, nil)
	defer func() { _ = it.Close() }()
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	return n
}
