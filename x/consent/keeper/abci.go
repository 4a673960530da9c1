package keeper

import (
	"context"
	"math"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// EndBlocker moves consents whose expires_at has passed to EXPIRED, at most
// max_expirations_per_block of them per block, oldest first; the rest wait
// for the next block. Correctness never depends on it: the access decision
// compares expires_at with the block time itself. It returns how many
// consents it expired.
func (k Keeper) EndBlocker(ctx context.Context) (int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[int64, uint64]]).
		EndInclusive(collections.Join(now.UnixNano(), uint64(math.MaxUint64)))
	var due []uint64
	err = k.ExpiryQueue.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		due = append(due, key.K2())
		return uint32(len(due)) >= params.MaxExpirationsPerBlock, nil
	})
	if err != nil {
		return 0, err
	}
	// Mutate only after the walk: no writes under an open iterator.
	for _, id := range due {
		c, err := k.Consents.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		if err := k.expireConsent(ctx, c); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}
