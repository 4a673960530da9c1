package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the registry module's name.
	ModuleName = "registry"
	// StoreKey is the registry's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes. A number is never reused, even after a collection is
// removed.
var (
	ParamsKey              = collections.NewPrefix(0)
	OrganizationsKey       = collections.NewPrefix(1)
	OrganizationsByRoleKey = collections.NewPrefix(2)
	MembersKey             = collections.NewPrefix(3)
	MembershipsKey         = collections.NewPrefix(4)
	EncryptionKeysKey      = collections.NewPrefix(5)
	MemberCountsKey        = collections.NewPrefix(6)
)
