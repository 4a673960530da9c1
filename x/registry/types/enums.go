package types

import "github.com/carechain/carechain/x/internal/restenum"

func init() {
	restenum.Register("carechain.registry.v1.Role", "ROLE_", Role_value)
	restenum.Register("carechain.registry.v1.OrgStatus", "ORG_STATUS_", OrgStatus_value)
}
