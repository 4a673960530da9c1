package simulation

import (
	"math/rand"
	"time"

	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/carechain/carechain/x/research/types"
)

const day = 24 * time.Hour

// RandomParams returns valid parameters. The operations read the
// parameters in force and stay inside them.
func RandomParams(r *rand.Rand) types.Params {
	return types.Params{
		MaxStudyDuration:    time.Duration(simtypes.RandIntBetween(r, 30, 5*365)) * day,
		MaxTargetEnrollment: uint32(simtypes.RandIntBetween(r, 5, 1000)),
	}
}
