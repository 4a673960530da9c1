package types

import "github.com/carechain/carechain/x/internal/restenum"

// REST query parameters take enum names (RECORD_STATUS_CURRENT or CURRENT).
// The Action and Purpose enums are x/consent's, registered there.
func init() {
	restenum.Register("carechain.records.v1.RecordStatus", "RECORD_STATUS_", RecordStatus_value)
}
