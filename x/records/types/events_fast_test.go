package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/internal/typedevent"
	"github.com/carechain/carechain/x/records/types"
)

// Every event that builds its own sdk.Event must build exactly the one
// EmitTypedEvent builds: same type, keys, order and values, for any field
// values.
func TestFastEventsEqualTypedEvents(t *testing.T) {
	for _, newEv := range []func() typedevent.Fast{
		func() typedevent.Fast { return &types.EventRecordCreated{} },
		func() typedevent.Fast { return &types.EventKeyEnvelopeAdded{} },
		func() typedevent.Fast { return &types.EventRecordAccessed{} },
	} {
		require.NoError(t, typedevent.CheckRandom(newEv, 2000, 1))
	}
}
