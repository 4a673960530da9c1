package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
)

// InitGenesis loads the consent state and rebuilds every index from it.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return fmt.Errorf("consent genesis: %w", err)
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.ConsentSeq.Set(ctx, gs.NextConsentId); err != nil {
		return err
	}
	if err := k.BreakGlassSeq.Set(ctx, gs.NextBreakGlassId); err != nil {
		return err
	}
	for _, c := range gs.Consents {
		patient, _ := k.addressCodec.StringToBytes(c.Patient)
		granteeKey, err := k.granteeKey(c)
		if err != nil {
			return err
		}
		if err := k.setNewConsent(ctx, patient, granteeKey, c); err != nil {
			return err
		}
	}
	for _, r := range gs.Representatives {
		patient, _ := k.addressCodec.StringToBytes(r.Patient)
		rep, _ := k.addressCodec.StringToBytes(r.Representative)
		if err := k.Representatives.Set(ctx, collections.Join(sdk.AccAddress(patient), sdk.AccAddress(rep)), r); err != nil {
			return err
		}
		if err := k.RepresentedPatients.Set(ctx, collections.Join(sdk.AccAddress(rep), sdk.AccAddress(patient))); err != nil {
			return err
		}
	}
	for _, g := range gs.BreakGlassGrants {
		patient, _ := k.addressCodec.StringToBytes(g.Patient)
		accessor, _ := k.addressCodec.StringToBytes(g.Accessor)
		if err := k.setBreakGlass(ctx, g, patient, accessor); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis writes out the whole consent state (indexes are derived).
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	nextConsent, err := k.ConsentSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	nextBreakGlass, err := k.BreakGlassSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextConsentId: max(nextConsent, 1), NextBreakGlassId: max(nextBreakGlass, 1)}
	err = k.Consents.Walk(ctx, nil, func(_ uint64, c types.Consent) (bool, error) {
		gs.Consents = append(gs.Consents, c)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Representatives.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], r types.Representative) (bool, error) {
		gs.Representatives = append(gs.Representatives, r)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.BreakGlassGrants.Walk(ctx, nil, func(_ uint64, g types.BreakGlassGrant) (bool, error) {
		gs.BreakGlassGrants = append(gs.BreakGlassGrants, g)
		return false, nil
	})
	return gs, err
}
