package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/records/types"
)

// InitGenesis loads the records state and rebuilds every index from it.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return fmt.Errorf("records genesis: %w", err)
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.RecordSeq.Set(ctx, gs.NextRecordId); err != nil {
		return err
	}
	if err := k.AccessEventSeq.Set(ctx, gs.NextAccessEventId); err != nil {
		return err
	}
	for _, r := range gs.Records {
		if err := k.setNewRecord(ctx, r); err != nil {
			return err
		}
	}
	for _, e := range gs.Envelopes {
		recipient, err := k.addressCodec.StringToBytes(e.Recipient)
		if err != nil {
			return err
		}
		if err := k.setEnvelope(ctx, recipient, e); err != nil {
			return err
		}
	}
	for _, ev := range gs.AccessEvents {
		if err := k.setAccessEvent(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis writes out the whole records state (indexes and counts are
// derived).
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	nextRecord, err := k.RecordSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	nextEvent, err := k.AccessEventSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextRecordId: max(nextRecord, 1), NextAccessEventId: max(nextEvent, 1)}
	err = k.Records.Walk(ctx, nil, func(_ uint64, r types.Record) (bool, error) {
		gs.Records = append(gs.Records, r)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Envelopes.Walk(ctx, nil, func(_ collections.Pair[uint64, sdk.AccAddress], e types.KeyEnvelope) (bool, error) {
		gs.Envelopes = append(gs.Envelopes, e)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.AccessEvents.Walk(ctx, nil, func(_ uint64, ev types.AccessEvent) (bool, error) {
		gs.AccessEvents = append(gs.AccessEvents, ev)
		return false, nil
	})
	return gs, err
}
