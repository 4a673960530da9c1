package vault

import (
	"context"
	"time"
)

// Chain is everything the vault asks the chain. The vault keeps no access
// rules of its own: each answer comes from committed chain state (x/records,
// which asks x/consent; x/registry for uploaders). Implementations query a
// node over gRPC; tests use vaulttest.Chain.
//
// Errors mean "could not ask" (node down, timeout); the vault answers 503
// and never treats them as a permit.
type Chain interface {
	// RecordByHash returns the record anchoring ciphertextHash (x/records
	// query "record by ciphertext hash"); found is false if no record does.
	RecordByHash(ctx context.Context, ciphertextHash string) (rec Record, found bool, err error)

	// Record returns record id (x/records query "record by id"); found is
	// false if there is none.
	Record(ctx context.Context, id uint64) (rec Record, found bool, err error)

	// AccessEvent returns the committed access event id (x/records query
	// "access event"); found is false if there is none.
	AccessEvent(ctx context.Context, id uint64) (ev AccessEvent, found bool, err error)

	// CheckRead asks whether accessor may READ the record for purpose now
	// (x/records CheckRecordAccess{accessor, record_id, ACTION_READ,
	// purpose}, which looks the record up and asks x/consent).
	CheckRead(ctx context.Context, accessor string, rec Record, purpose string) (Decision, error)

	// AccessEvents returns committed disclosure events (x/records
	// AccessEvent, written by MsgRecordAccess) whose accessor is accessor
	// and whose record is rec, with time at or after since, newest first,
	// at most limit of them. rec.Patient is given so that an
	// implementation can page the patient's access log by time range.
	AccessEvents(ctx context.Context, accessor string, rec Record, since time.Time, limit int) ([]AccessEvent, error)

	// MayUpload reports whether uploader may store blobs (suggested rule:
	// a member of an ACTIVE PROVIDER organization, or an account that has
	// published an encryption key in x/registry, so that patients can
	// store self-reported documents).
	MayUpload(ctx context.Context, uploader string) (Decision, error)
}

// Record is the part of an x/records Record the vault needs.
type Record struct {
	ID             uint64
	Patient        string
	CiphertextHash string
	SizeBytes      uint64
}

// Decision is a chain answer with its reason (for logs and the 403 body).
type Decision struct {
	Permitted bool
	Reason    string
}

// AccessEvent is the part of an x/records AccessEvent the vault needs.
type AccessEvent struct {
	ID       uint64
	Accessor string
	RecordID uint64
	Purpose  string // e.g. "PURPOSE_TREAT"
	Time     time.Time
	Height   int64
}
