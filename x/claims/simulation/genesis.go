package simulation

import (
	"math/rand"

	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/carechain/carechain/x/claims/types"
)

// RandomParams returns valid parameters, small enough that the simulated
// messages reach their limits. The operations read the parameters in force
// and stay inside them.
func RandomParams(r *rand.Rand) types.Params {
	return types.Params{
		MaxRulesPerPlan:             uint32(simtypes.RandIntBetween(r, maxRulesPerPlan, 200)),
		MaxLinesPerClaim:            uint32(simtypes.RandIntBetween(r, 1, 51)),
		MaxDiagnosisCodesPerLine:    uint32(simtypes.RandIntBetween(r, 1, 13)),
		MaxUnitsPerLine:             uint32(simtypes.RandIntBetween(r, 1, 1000)),
		MaxEvidenceRecordsPerClaim:  uint32(simtypes.RandIntBetween(r, 1, 21)),
		MaxClaimsReleasedPerFunding: uint32(simtypes.RandIntBetween(r, 1, 11)),
	}
}
