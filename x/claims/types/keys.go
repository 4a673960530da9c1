package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the claims module's name; it also names the module
	// account that holds every plan's escrow.
	ModuleName = "claims"
	// StoreKey is the claims module's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes. A number is never reused, even after a collection is
// removed.
var (
	ParamsKey           = collections.NewPrefix(0)
	PlanSeqKey          = collections.NewPrefix(1)
	PlansKey            = collections.NewPrefix(2)
	PlansByPayerKey     = collections.NewPrefix(3)
	EnrollmentsKey      = collections.NewPrefix(4)
	ClaimSeqKey         = collections.NewPrefix(5)
	ClaimsKey           = collections.NewPrefix(6)
	ClaimsByProviderKey = collections.NewPrefix(7)
	ClaimsByPatientKey  = collections.NewPrefix(8)
	ClaimsByPlanKey     = collections.NewPrefix(9)
	ClaimsByStatusKey   = collections.NewPrefix(10)
	LiveFingerprintsKey = collections.NewPrefix(11)
	AwaitingFundsKey    = collections.NewPrefix(12)
	BenefitUsageKey     = collections.NewPrefix(13)
)
