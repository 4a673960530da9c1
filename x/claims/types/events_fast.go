package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/internal/typedevent"
)

// The events below build their sdk.Event directly (typedevent.Fast): the
// same event EmitTypedEvent builds (events_fast_test.go compares them),
// without its reflection-driven JSON round trip.

// ToEvent implements typedevent.Fast.
func (e *EventClaimSubmitted) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 7).
		Uint64("claim_id", e.ClaimId).
		Uint64("plan_id", e.PlanId).
		String("provider_org", e.ProviderOrg).
		String("patient", e.Patient).
		String("fingerprint", e.Fingerprint).
		Enum("status", int32(e.Status), ClaimStatus_name).
		Int("payer_amount", e.PayerAmount).
		Event()
}

// ToEvent implements typedevent.Fast.
func (e *EventClaimPaid) ToEvent() (sdk.Event, error) {
	return typedevent.New(e, 6).
		Uint64("claim_id", e.ClaimId).
		Uint64("plan_id", e.PlanId).
		String("provider_org", e.ProviderOrg).
		String("recipient", e.Recipient).
		Int("amount", e.Amount).
		String("denom", e.Denom).
		Event()
}
