package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/claims/types"
)

// These checks walk every plan and every claim under review: they are for
// tests (after every block), genesis import and offline audits, never for
// message handlers.

// CheckEscrowBalances checks the escrow invariant: for each denom, the
// claims module account's balance equals the sum of the escrows of the plans
// in that denom (and the account holds no other denom); and each plan's
// reserved amount is between zero and its escrow.
func (k Keeper) CheckEscrowBalances(ctx context.Context) error {
	sums := make(map[string]math.Int)
	err := k.Plans.Walk(ctx, nil, func(id uint64, p types.Plan) (bool, error) {
		if p.Escrow.IsNegative() || p.Reserved.IsNegative() || p.Reserved.GT(p.Escrow) {
			return true, fmt.Errorf("plan %d: escrow %s, reserved %s", id, p.Escrow, p.Reserved)
		}
		if s, ok := sums[p.Denom]; ok {
			sums[p.Denom] = s.Add(p.Escrow)
		} else {
			sums[p.Denom] = p.Escrow
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	balances := k.bank.GetAllBalances(ctx, k.ModuleAddress())
	denoms := make([]string, 0, len(sums))
	for d := range sums {
		denoms = append(denoms, d)
	}
	slices.Sort(denoms)
	for _, d := range denoms {
		if got := balances.AmountOf(d); !got.Equal(sums[d]) {
			return fmt.Errorf("escrow of %s: module account holds %s, plans hold %s", d, got, sums[d])
		}
	}
	for _, c := range balances {
		if _, ok := sums[c.Denom]; !ok && c.Amount.IsPositive() {
			return fmt.Errorf("escrow of %s: module account holds %s, no plan holds it", c.Denom, c.Amount)
		}
	}
	return nil
}

// CheckReservations checks that each plan's reserved amount equals the
// payer totals of its claims under review (PENDING_REVIEW or APPEALED),
// and that the awaiting-funds queue holds exactly the AWAITING_FUNDS claims.
func (k Keeper) CheckReservations(ctx context.Context) error {
	held := make(map[uint64]math.Int)
	for _, st := range []types.ClaimStatus{types.ClaimStatusPendingReview, types.ClaimStatusAppealed} {
		rng := collections.NewPrefixedPairRange[int32, uint64](int32(st))
		err := k.ClaimsByStatus.Walk(ctx, rng, func(key collections.Pair[int32, uint64]) (bool, error) {
			c, err := k.GetClaim(ctx, key.K2())
			if err != nil {
				return true, err
			}
			if c.Status != st {
				return true, fmt.Errorf("claim %d indexed as %s is %s", c.Id, st, c.Status)
			}
			if h, ok := held[c.PlanId]; ok {
				held[c.PlanId] = h.Add(c.PayerTotal())
			} else {
				held[c.PlanId] = c.PayerTotal()
			}
			return false, nil
		})
		if err != nil {
			return err
		}
	}
	err := k.Plans.Walk(ctx, nil, func(id uint64, p types.Plan) (bool, error) {
		want, ok := held[id]
		if !ok {
			want = math.ZeroInt()
		}
		if !p.Reserved.Equal(want) {
			return true, fmt.Errorf("plan %d: reserved %s, its claims under review hold %s", id, p.Reserved, want)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	awaiting := 0
	rng := collections.NewPrefixedPairRange[int32, uint64](int32(types.ClaimStatusAwaitingFunds))
	err = k.ClaimsByStatus.Walk(ctx, rng, func(key collections.Pair[int32, uint64]) (bool, error) {
		c, err := k.GetClaim(ctx, key.K2())
		if err != nil {
			return true, err
		}
		queued, err := k.AwaitingFunds.Has(ctx, collections.Join(c.PlanId, c.Id))
		if err != nil || !queued {
			return true, fmt.Errorf("AWAITING_FUNDS claim %d is not queued (err %v)", c.Id, err)
		}
		awaiting++
		return false, nil
	})
	if err != nil {
		return err
	}
	queued := 0
	err = k.AwaitingFunds.Walk(ctx, nil, func(collections.Pair[uint64, uint64]) (bool, error) {
		queued++
		return false, nil
	})
	if err != nil {
		return err
	}
	if queued != awaiting {
		return fmt.Errorf("awaiting-funds queue holds %d claims, %d claims are AWAITING_FUNDS", queued, awaiting)
	}
	return nil
}

// CheckInvariants runs every check above.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	if err := k.CheckEscrowBalances(ctx); err != nil {
		return err
	}
	return k.CheckReservations(ctx)
}

// EscrowInvariant is the escrow invariant in the SDK's invariant form.
func EscrowInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		if err := k.CheckInvariants(ctx); err != nil {
			return sdk.FormatInvariant(types.ModuleName, "escrow", err.Error()), true
		}
		return sdk.FormatInvariant(types.ModuleName, "escrow", "module account balance equals the sum of plan escrows"), false
	}
}

// RegisterInvariants registers the claims invariants.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "escrow", EscrowInvariant(k))
}
