package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the consent module's name.
	ModuleName = "consent"
	// StoreKey is the consent module's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes. A number is never reused, even after a collection is
// removed.
var (
	ParamsKey                  = collections.NewPrefix(0)
	ConsentSeqKey              = collections.NewPrefix(1)
	ConsentsKey                = collections.NewPrefix(2)
	ConsentsByPatientKey       = collections.NewPrefix(3)
	ConsentsByPatientStatusKey = collections.NewPrefix(4)
	ConsentsByGranteeKey       = collections.NewPrefix(5)
	ActiveConsentsKey          = collections.NewPrefix(6)
	ExpiryQueueKey             = collections.NewPrefix(7)
	RepresentativesKey         = collections.NewPrefix(8)
	RepresentedPatientsKey     = collections.NewPrefix(9)
	BreakGlassSeqKey           = collections.NewPrefix(10)
	BreakGlassKey              = collections.NewPrefix(11)
	BreakGlassByPatientKey     = collections.NewPrefix(12)
	BreakGlassByOrgKey         = collections.NewPrefix(13)
	LatestBreakGlassKey        = collections.NewPrefix(14)
)

// Grantee key kinds: the first byte of a grantee key tells an account from
// an organization, so that an org id can never collide with an address.
const (
	granteeKindAccount      byte = 0x01
	granteeKindOrganization byte = 0x02
)

// AccountGranteeKey is the index key of a consent naming an account.
func AccountGranteeKey(addr []byte) []byte {
	return append([]byte{granteeKindAccount}, addr...)
}

// OrganizationGranteeKey is the index key of a consent naming an
// organization.
func OrganizationGranteeKey(orgID string) []byte {
	return append([]byte{granteeKindOrganization}, orgID...)
}

// OrganizationOfGranteeKey returns the organization id a grantee key
// names, or false for a key naming an account.
func OrganizationOfGranteeKey(key []byte) (string, bool) {
	if len(key) == 0 || key[0] != granteeKindOrganization {
		return "", false
	}
	return string(key[1:]), true
}
