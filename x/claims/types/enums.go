package types

import "github.com/carechain/carechain/x/internal/restenum"

func init() {
	restenum.Register("carechain.claims.v1.ClaimStatus", "CLAIM_STATUS_", ClaimStatus_value)
	restenum.Register("carechain.claims.v1.PlanStatus", "PLAN_STATUS_", PlanStatus_value)
	restenum.Register("carechain.claims.v1.LineStatus", "LINE_STATUS_", LineStatus_value)
	restenum.Register("carechain.claims.v1.AdjudicationReason", "ADJUDICATION_REASON_", AdjudicationReason_value)
}
