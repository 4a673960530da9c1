package typedevent_test

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/internal/typedevent"
	recordstypes "github.com/carechain/carechain/x/records/types"
)

func newEnvelopeAdded() proto.Message { return &recordstypes.EventKeyEnvelopeAdded{} }

// The checker fails a builder that forgets a field or encodes one
// differently from EmitTypedEvent, and passes the real one.
func TestCheckRandomCatchesWrongEvents(t *testing.T) {
	forgetful := func(m proto.Message) (sdk.Event, error) {
		e := m.(*recordstypes.EventKeyEnvelopeAdded)
		return typedevent.New(e, 5).
			Uint64("record_id", e.RecordId).String("patient", e.Patient).String("recipient", e.Recipient).
			String("added_by", e.AddedBy).Uint64("break_glass_id", e.BreakGlassId).Event()
	}
	unquoted := func(m proto.Message) (sdk.Event, error) {
		e := m.(*recordstypes.EventKeyEnvelopeAdded)
		return typedevent.New(e, 6).
			Uint64("record_id", e.RecordId).String("patient", e.Patient).String("recipient", e.Recipient).
			String("added_by", e.AddedBy).Uint32("consent_id", uint32(e.ConsentId)).Uint64("break_glass_id", e.BreakGlassId).Event()
	}
	actual := func(m proto.Message) (sdk.Event, error) { return m.(typedevent.Fast).ToEvent() }
	require.Error(t, typedevent.CheckRandomWith(newEnvelopeAdded, forgetful, 100, 1))
	require.Error(t, typedevent.CheckRandomWith(newEnvelopeAdded, unquoted, 100, 1))
	require.NoError(t, typedevent.CheckRandomWith(newEnvelopeAdded, actual, 100, 1))
}

// Emit emits what EmitTypedEvent emits, for a Fast event and for any other.
func TestEmitMatchesEmitTypedEvent(t *testing.T) {
	for _, ev := range []proto.Message{
		&recordstypes.EventRecordCreated{RecordId: 7, Patient: "care1x", Author: "care1y", Category: "Observation", Version: 2, ConsentId: 3},
		&recordstypes.EventRecordSuperseded{RecordId: 1, SupersededBy: 2, Patient: "care1x"}, // not Fast
	} {
		want := sdk.NewEventManager()
		require.NoError(t, want.EmitTypedEvent(ev))
		got := sdk.NewEventManager()
		require.NoError(t, typedevent.Emit(sdk.Context{}.WithEventManager(got), ev))
		require.Equal(t, want.Events(), got.Events())
	}
}
