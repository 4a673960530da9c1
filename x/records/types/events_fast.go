package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/typedevent"
)

// The events below build their sdk.Event directly (typedevent.Fast): the
// same event EmitTypedEvent builds (events_fast_test.go compares them),
// without its reflection-driven JSON round trip.

// ToEvent implements typedevent.Fast.
func (e *EventRecordCreated) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 9).
		Uint64("record_id", e.RecordId).
		String("patient", e.Patient).
		String("author", e.Author).
		String("custodian_org", e.CustodianOrg).
		String("category", e.Category).
		String("ciphertext_hash", e.CiphertextHash).
		Uint64("supersedes", e.Supersedes).
		Uint32("version", e.Version).
		Uint64("consent_id", e.ConsentId).
		Event()
}

// ToEvent implements typedevent.Fast.
func (e *EventKeyEnvelopeAdded) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 6).
		Uint64("record_id", e.RecordId).
		String("patient", e.Patient).
		String("recipient", e.Recipient).
		String("added_by", e.AddedBy).
		Uint64("consent_id", e.ConsentId).
		Uint64("break_glass_id", e.BreakGlassId).
		Event()
}

// ToEvent implements typedevent.Fast.
func (e *EventRecordAccessed) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 8).
		Uint64("access_event_id", e.AccessEventId).
		Uint64("record_id", e.RecordId).
		String("patient", e.Patient).
		String("accessor", e.Accessor).
		String("accessor_org", e.AccessorOrg).
		Enum("purpose", int32(e.Purpose), consenttypes.Purpose_name).
		Uint64("consent_id", e.ConsentId).
		Uint64("break_glass_id", e.BreakGlassId).
		Event()
}
