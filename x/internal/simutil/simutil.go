// Package simutil holds what the custom modules' simulation operations
// share: delivering a signed transaction from a simulation account, finding
// the simulation accounts that act for organizations of a role, and random
// values in the forms Carechain's messages take.
package simutil

import (
	"encoding/hex"
	"fmt"
	"math/rand"
	"time"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"cosmossdk.io/collections"

	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Keepers are what every simulation operation needs to sign and pay for a
// transaction.
type Keepers struct {
	AK simulation.AccountKeeper
	BK simulation.BankKeeper
}

// Deliver signs msg from acc with random fees (leaving spent for the
// message itself), delivers it and reports the operation. A message that
// fails is an error: every operation only sends messages that must succeed,
// so a failure is a bug in the module or in the operation.
func Deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, txGen client.TxConfig, k Keepers,
	module string, acc simtypes.Account, msg sdk.Msg, spent sdk.Coins,
) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simulation.GenAndDeliverTxWithRandFees(simulation.OperationInput{
		R:               r,
		App:             app,
		TxGen:           txGen,
		Msg:             msg,
		CoinsSpentInMsg: spent,
		Context:         ctx,
		SimAccount:      acc,
		AccountKeeper:   k.AK,
		Bankkeeper:      k.BK,
		ModuleName:      module,
	})
}

// NoOp reports an operation that found nothing to do.
func NoOp(module string, msg sdk.Msg, comment string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simtypes.NoOpMsg(module, sdk.MsgTypeURL(msg), comment), nil, nil
}

// Actor is a simulation account acting for an organization.
type Actor struct {
	Org     registrytypes.Organization
	Account simtypes.Account
}

// maxScan bounds how many organizations and members a lookup reads, so an
// operation's cost does not grow with the simulated state.
const maxScan = 200

// ActiveActors returns the simulation accounts that are members of ACTIVE
// organizations holding role, in store order (organization id, then member
// address): deterministic for a given state.
func ActiveActors(ctx sdk.Context, rk registrykeeper.Keeper, role registrytypes.Role, accs []simtypes.Account) []Actor {
	var out []Actor
	scanned := 0
	rng := collections.NewPrefixedPairRange[int32, string](int32(role))
	_ = rk.OrgsByRole.Walk(ctx, rng, func(key collections.Pair[int32, string]) (bool, error) {
		org, err := rk.GetOrganization(ctx, key.K2())
		if err != nil || !org.IsActive() {
			return false, nil
		}
		members := collections.NewPrefixedPairRange[string, sdk.AccAddress](org.Id)
		_ = rk.Members.Walk(ctx, members, func(m collections.Pair[string, sdk.AccAddress]) (bool, error) {
			scanned++
			if acc, ok := simtypes.FindAccount(accs, m.K2()); ok {
				out = append(out, Actor{Org: org, Account: acc})
			}
			return scanned >= maxScan, nil
		})
		return scanned >= maxScan, nil
	})
	return out
}

// MembersOf returns the simulation accounts that are members of org.
func MembersOf(ctx sdk.Context, rk registrykeeper.Keeper, orgID string, accs []simtypes.Account) []simtypes.Account {
	var out []simtypes.Account
	members := collections.NewPrefixedPairRange[string, sdk.AccAddress](orgID)
	_ = rk.Members.Walk(ctx, members, func(m collections.Pair[string, sdk.AccAddress]) (bool, error) {
		if acc, ok := simtypes.FindAccount(accs, m.K2()); ok {
			out = append(out, acc)
		}
		return len(out) >= maxScan, nil
	})
	return out
}

// Pick returns a random element of xs; xs must not be empty.
func Pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// RandomOtherAccount returns an account other than not, and false if there
// is none.
func RandomOtherAccount(r *rand.Rand, accs []simtypes.Account, not sdk.AccAddress) (simtypes.Account, bool) {
	for range 10 {
		acc, _ := simtypes.RandomAcc(r, accs)
		if !acc.Address.Equals(not) {
			return acc, true
		}
	}
	return simtypes.Account{}, false
}

// RandomHash returns a random SHA-256-shaped value: 64 lowercase hex
// characters.
func RandomHash(r *rand.Rand) string {
	b := make([]byte, 32)
	_, _ = r.Read(b)
	return hex.EncodeToString(b)
}

// RandomDuration returns a duration in [lo, hi), whole seconds.
func RandomDuration(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int63n(int64((hi-lo)/time.Second)))*time.Second
}

// Subset returns a random non-empty subset of xs in their original order.
func Subset[T any](r *rand.Rand, xs []T) []T {
	var out []T
	for len(out) == 0 {
		for _, x := range xs {
			if r.Intn(2) == 0 {
				out = append(out, x)
			}
		}
	}
	return out
}

// Weight reads an operation's weight from the simulation parameters file,
// or uses def.
func Weight(appParams simtypes.AppParams, key string, def int) int {
	var w int
	appParams.GetOrGenerate(key, &w, nil, func(*rand.Rand) { w = def })
	return w
}

// GovExec returns an operation that executes a governance message the way
// x/gov runs a passed proposal: through the message router, as the
// authority, in a cached context written only if the handler succeeds. The
// gov module's own simulation also submits these messages in proposals,
// but random votes rarely pass one within a run, so this operation is what
// exercises their handlers. A message the handler refuses (an organization
// id already taken, say) is reported as a no-op, as a failed proposal is.
func GovExec(module string, gen simtypes.MsgSimulatorFn) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := gen(r, ctx, accs)
		if msg == nil {
			return simtypes.NoOpMsg(module, "governance", "nothing to propose"), nil, nil
		}
		handler := app.MsgServiceRouter().Handler(msg)
		if handler == nil {
			return simtypes.NoOpMsg(module, sdk.MsgTypeURL(msg), "no handler"), nil, fmt.Errorf("no handler for %s", sdk.MsgTypeURL(msg))
		}
		cacheCtx, write := ctx.CacheContext()
		if _, err := handler(cacheCtx, msg); err != nil {
			return simtypes.NoOpMsg(module, sdk.MsgTypeURL(msg), "refused: "+err.Error()), nil, nil
		}
		write()
		return simtypes.NewOperationMsg(msg, true, "executed as a passed proposal"), nil, nil
	}
}

// GovExecOperations returns a GovExec operation for each proposal message,
// with weight w.
func GovExecOperations(module string, w int, msgs []simtypes.WeightedProposalMsg) []simtypes.WeightedOperation {
	out := make([]simtypes.WeightedOperation, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, simulation.NewWeightedOperation(w, GovExec(module, m.MsgSimulatorFn())))
	}
	return out
}
