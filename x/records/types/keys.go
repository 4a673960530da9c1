package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the records module's name.
	ModuleName = "records"
	// StoreKey is the records module's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes. A number is never reused, even after a collection is
// removed.
var (
	ParamsKey                         = collections.NewPrefix(0)
	RecordSeqKey                      = collections.NewPrefix(1)
	RecordsKey                        = collections.NewPrefix(2)
	RecordsByHashKey                  = collections.NewPrefix(3)
	RecordsByPatientKey               = collections.NewPrefix(4)
	RecordsByPatientCategoryKey       = collections.NewPrefix(5)
	RecordsByPatientStatusKey         = collections.NewPrefix(6)
	RecordsByPatientCategoryStatusKey = collections.NewPrefix(7)
	VersionsKey                       = collections.NewPrefix(8)
	EnvelopesKey                      = collections.NewPrefix(9)
	EnvelopeCountsKey                 = collections.NewPrefix(10)
	AccessEventSeqKey                 = collections.NewPrefix(11)
	AccessEventsKey                   = collections.NewPrefix(12)
	AccessLogKey                      = collections.NewPrefix(13)
)
