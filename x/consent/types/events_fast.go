package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/internal/typedevent"
)

// The events below build their sdk.Event directly (typedevent.Fast): the
// same event EmitTypedEvent builds (events_fast_test.go compares them),
// without its reflection-driven JSON round trip.

// ToEvent implements typedevent.Fast.
func (e *EventConsentGranted) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 8).
		Uint64("consent_id", e.ConsentId).
		String("patient", e.Patient).
		String("grantee", e.Grantee).
		String("grantee_org", e.GranteeOrg).
		Enum("decision", int32(e.Decision), Decision_name).
		String("granted_by", e.GrantedBy).
		String("managed_by", e.ManagedBy).
		Time("expires_at", e.ExpiresAt).
		Event()
}
