package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/registry/types"
)

// InitGenesis loads the registry state. It must run before x/genutil so that
// genesis validators' operators are already members of VALIDATOR
// organizations when their gentxs pass the ante handler.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return fmt.Errorf("registry genesis: %w", err)
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, o := range gs.Organizations {
		org, _ := types.ValidateOrganization(o, k.addressCodec)
		org.Status = o.Status
		if err := k.setOrganization(ctx, org); err != nil {
			return err
		}
	}
	for _, m := range gs.Memberships {
		addr, _ := k.addressCodec.StringToBytes(m.Address)
		if err := k.addMember(ctx, m.OrganizationId, addr); err != nil {
			return err
		}
	}
	for _, ek := range gs.EncryptionKeys {
		addr, _ := k.addressCodec.StringToBytes(ek.Owner)
		if err := k.EncryptionKeys.Set(ctx, addr, ek.X25519PublicKey); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis writes out the whole registry state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	err = k.Organizations.Walk(ctx, nil, func(_ string, org types.Organization) (bool, error) {
		gs.Organizations = append(gs.Organizations, org)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Members.Walk(ctx, nil, func(key collections.Pair[string, sdk.AccAddress]) (bool, error) {
		addr, err := k.addressCodec.BytesToString(key.K2())
		if err != nil {
			return true, err
		}
		gs.Memberships = append(gs.Memberships, types.Membership{OrganizationId: key.K1(), Address: addr})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.EncryptionKeys.Walk(ctx, nil, func(owner sdk.AccAddress, key []byte) (bool, error) {
		addr, err := k.addressCodec.BytesToString(owner)
		if err != nil {
			return true, err
		}
		gs.EncryptionKeys = append(gs.EncryptionKeys, types.EncryptionKey{Owner: addr, X25519PublicKey: key})
		return false, nil
	})
	return gs, err
}
