package simulation

import (
	"math/rand"

	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/carechain/carechain/x/records/types"
)

// RandomParams returns valid parameters, small enough that the simulated
// records reach their envelope limits. The operations read the parameters
// in force and stay inside them.
func RandomParams(r *rand.Rand) types.Params {
	perRecord := uint32(simtypes.RandIntBetween(r, 2, 12))
	return types.Params{
		MaxSizeBytes:          uint64(simtypes.RandIntBetween(r, 1<<20, 1<<32)),
		MaxInitialEnvelopes:   uint32(simtypes.RandIntBetween(r, 1, int(perRecord)+1)),
		MaxEnvelopesPerRecord: perRecord,
	}
}
