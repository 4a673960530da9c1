package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/internal/typedevent"
)

// The events below build their sdk.Event directly (typedevent.Fast): the
// same event EmitTypedEvent builds (events_fast_test.go compares them),
// without its reflection-driven JSON round trip.

// ToEvent implements typedevent.Fast.
func (e *EventParticipantEnrolled) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 4).
		Uint64("study_id", e.StudyId).
		Uint32("protocol_version", e.ProtocolVersion).
		Uint32("enrollment_count", e.EnrollmentCount).
		Coin("incentive_paid", e.IncentivePaid).
		Event()
}
