package simulation

import (
	"math/rand"
	"time"

	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/simutil"
)

const day = 24 * time.Hour

// RandomParams returns valid parameters: consents of 30 days to 10 years,
// break-glass of 1 minute to 7 days (simulated blocks are minutes apart, so
// short grants expire within a run), small EndBlock and per-grantee caps
// so that their limits are reached.
func RandomParams(r *rand.Rand) types.Params {
	return types.Params{
		MaxConsentDuration:          simutil.RandomDuration(r, 30*day, 10*365*day),
		BreakGlassDuration:          simutil.RandomDuration(r, time.Minute, 7*day),
		MaxExpirationsPerBlock:      uint32(simtypes.RandIntBetween(r, 1, 50)),
		MaxActiveConsentsPerGrantee: uint32(simtypes.RandIntBetween(r, 1, 16)),
	}
}
