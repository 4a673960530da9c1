package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/claims/types"
)

// InitGenesis loads the claims state and rebuilds every index, the
// annual-limit usage and the awaiting-funds queue from the plans and claims.
// It runs after x/bank and fails unless the module account holds exactly
// the plans' escrows.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return fmt.Errorf("claims genesis: %w", err)
	}
	// Creates the module account if the genesis does not list it.
	k.accounts.GetModuleAccount(ctx, types.ModuleName)
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.PlanSeq.Set(ctx, gs.NextPlanId); err != nil {
		return err
	}
	if err := k.ClaimSeq.Set(ctx, gs.NextClaimId); err != nil {
		return err
	}
	for _, p := range gs.Plans {
		if err := k.Plans.Set(ctx, p.Id, p); err != nil {
			return err
		}
		if err := k.PlansByPayer.Set(ctx, collections.Join(p.PayerOrg, p.Id)); err != nil {
			return err
		}
	}
	for _, e := range gs.Enrollments {
		patient, _ := k.addressCodec.StringToBytes(e.Patient)
		if err := k.Enrollments.Set(ctx, collections.Join(e.PlanId, sdk.AccAddress(patient)), e); err != nil {
			return err
		}
	}
	for _, c := range gs.Claims {
		patient, _ := k.addressCodec.StringToBytes(c.Patient)
		if err := k.insertClaim(ctx, c, patient); err != nil {
			return err
		}
		if c.CommitsBenefits() {
			if err := k.commitBenefits(ctx, c, patient, allLines(c), 1); err != nil {
				return err
			}
		}
	}
	if err := k.CheckEscrowBalances(ctx); err != nil {
		return fmt.Errorf("claims genesis: %w", err)
	}
	return nil
}

// ExportGenesis writes out the whole claims state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	nextPlan, err := k.PlanSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	nextClaim, err := k.ClaimSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextPlanId: nextPlan, NextClaimId: nextClaim}
	err = k.Plans.Walk(ctx, nil, func(_ uint64, p types.Plan) (bool, error) {
		gs.Plans = append(gs.Plans, p)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Enrollments.Walk(ctx, nil, func(_ collections.Pair[uint64, sdk.AccAddress], e types.Enrollment) (bool, error) {
		gs.Enrollments = append(gs.Enrollments, e)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Claims.Walk(ctx, nil, func(_ uint64, c types.Claim) (bool, error) {
		gs.Claims = append(gs.Claims, c)
		return false, nil
	})
	return gs, err
}
