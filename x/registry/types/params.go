package types

import "fmt"

// DefaultMaxMembershipsPerAccount bounds the organizations one account may
// act for. Real staff rarely act for more than a handful.
const DefaultMaxMembershipsPerAccount = 16

// maxMembershipsCeiling keeps governance from making membership lookups
// unbounded in practice.
const maxMembershipsCeiling = 256

// DefaultParams returns the default parameters.
func DefaultParams() Params {
	return Params{MaxMembershipsPerAccount: DefaultMaxMembershipsPerAccount}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.MaxMembershipsPerAccount == 0 || p.MaxMembershipsPerAccount > maxMembershipsCeiling {
		return fmt.Errorf("max_memberships_per_account must be in [1, %d], got %d", maxMembershipsCeiling, p.MaxMembershipsPerAccount)
	}
	return nil
}
