package types

import "github.com/carechain/carechain/x/internal/restenum"

// REST query parameters take enum names (ACTION_READ or READ).
func init() {
	restenum.Register("carechain.consent.v1.Action", "ACTION_", Action_value)
	restenum.Register("carechain.consent.v1.Purpose", "PURPOSE_", Purpose_value)
	restenum.Register("carechain.consent.v1.ConsentStatus", "CONSENT_STATUS_", ConsentStatus_value)
	restenum.Register("carechain.consent.v1.Decision", "DECISION_", Decision_value)
}
