package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the research module's name; it also names the module
	// account that holds every study's escrow and the managed_by of the
	// research consents it creates in x/consent.
	ModuleName = "research"
	// StoreKey is the research module's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes. A number is never reused, even after a collection is
// removed.
var (
	ParamsKey                 = collections.NewPrefix(0)
	StudySeqKey               = collections.NewPrefix(1)
	StudiesKey                = collections.NewPrefix(2)
	StudiesByStatusKey        = collections.NewPrefix(3)
	StudiesBySponsorKey       = collections.NewPrefix(4)
	StudiesBySponsorStatusKey = collections.NewPrefix(5)
	ProtocolVersionsKey       = collections.NewPrefix(6)
	ParticipationsKey         = collections.NewPrefix(7)
	ParticipationByConsentKey = collections.NewPrefix(8)
	DatasetsKey               = collections.NewPrefix(9)
	DatasetHashesKey          = collections.NewPrefix(10)
)
