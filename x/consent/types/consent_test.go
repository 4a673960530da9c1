package types_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/consent/types"
)

func TestDefaultParamsAreValid(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
}

// FuzzNormalizeTerms: whatever goes in, what comes out is sorted, free of
// duplicates and unspecified values, stable under a second normalization,
// and covers exactly the (action, purpose, category, record) combinations
// its lists name.
func FuzzNormalizeTerms(f *testing.F) {
	f.Add(uint8(3), uint8(5), "Observation,mental-health", uint64(7), true)
	f.Add(uint8(1), uint8(1), "", uint64(0), false)
	f.Add(uint8(2), uint8(64), "11488-4,11488-4", uint64(1), true)
	f.Fuzz(func(t *testing.T, actionBits, purposeBits uint8, cats string, record uint64, deny bool) {
		c := types.Consent{Decision: types.DecisionPermit}
		if deny {
			c.Decision = types.DecisionDeny
		}
		for i := range 3 {
			if actionBits&(1<<i) != 0 {
				c.Actions = append([]types.Action{types.Action(i)}, c.Actions...)
			}
		}
		for i := range 8 {
			if purposeBits&(1<<i) != 0 {
				c.Purposes = append([]types.Purpose{types.Purpose(i)}, c.Purposes...)
			}
		}
		if cats != "" {
			start := 0
			for i := 0; i <= len(cats); i++ {
				if i == len(cats) || cats[i] == ',' {
					c.Categories = append(c.Categories, cats[start:i])
					start = i + 1
				}
			}
		}
		if record != 0 {
			c.RecordIds = []uint64{record}
		}
		n, err := types.NormalizeTerms(c)
		if err != nil {
			return
		}
		require.True(t, slices.IsSorted(n.Actions) && slices.IsSorted(n.Purposes) && slices.IsSorted(n.Categories))
		require.NotContains(t, n.Actions, types.ActionUnspecified)
		require.NotContains(t, n.Purposes, types.PurposeUnspecified)
		require.Len(t, slices.Compact(slices.Clone(n.Categories)), len(n.Categories))
		again, err := types.NormalizeTerms(n)
		require.NoError(t, err)
		require.Equal(t, n, again)
		for _, a := range []types.Action{types.ActionRead, types.ActionWrite} {
			for _, p := range []types.Purpose{types.PurposeTreat, types.PurposeHresch, types.PurposePubhlth} {
				for _, cat := range append([]string{"", "Other"}, n.Categories...) {
					for _, rec := range []uint64{0, record, record + 1} {
						want := slices.Contains(n.Actions, a) && slices.Contains(n.Purposes, p) &&
							(len(n.Categories) == 0 || (cat != "" && slices.Contains(n.Categories, cat))) &&
							(len(n.RecordIds) == 0 || (rec != 0 && slices.Contains(n.RecordIds, rec)))
						require.Equal(t, want, n.Covers(a, p, cat, rec))
					}
				}
			}
		}
	})
}

func TestInEffectAtIsHalfOpen(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := types.Consent{Status: types.ConsentStatusActive, ValidFrom: from, ExpiresAt: from.Add(time.Hour)}
	require.False(t, c.InEffectAt(from.Add(-time.Nanosecond)))
	require.True(t, c.InEffectAt(from))
	require.True(t, c.InEffectAt(from.Add(time.Hour-time.Nanosecond)))
	require.False(t, c.InEffectAt(from.Add(time.Hour)))
	c.Status = types.ConsentStatusRevoked
	require.False(t, c.InEffectAt(from))
}
