package simulation

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/records/keeper"
	"github.com/carechain/carechain/x/records/types"
)

// CheckState asserts the records invariants (it walks every record,
// envelope and access event: for tests and audits, never for handlers):
//
//   - every record is stored under its id, below the next id, and is in
//     every index (ciphertext hash, patient, category, status, versions);
//     the indexes hold nothing else;
//   - version chains are consistent: a record that supersedes another is
//     named by it as superseded_by, a superseded record is SUPERSEDED (or
//     since marked ENTERED_IN_ERROR) and its successor supersedes it, and a
//     CURRENT record has no successor;
//   - each record's envelope count equals its envelopes, and every
//     envelope names an existing record;
//   - every access event names an existing record and its patient, and is
//     in the patient's access log, which holds nothing else.
func CheckState(ctx context.Context, k keeper.Keeper) error {
	ac := k.AddressCodec()
	next, err := k.RecordSeq.Peek(ctx)
	if err != nil {
		return err
	}
	records := 0
	err = k.Records.Walk(ctx, nil, func(id uint64, r types.Record) (bool, error) {
		records++
		if id != r.Id || id == 0 || id >= max(next, 1) {
			return true, fmt.Errorf("record stored under %d has id %d; the sequence is at %d", id, r.Id, next)
		}
		patient, err := ac.StringToBytes(r.Patient)
		if err != nil {
			return true, fmt.Errorf("record %d: patient %q: %w", id, r.Patient, err)
		}
		hash, err := types.HashBytes(r.CiphertextHash)
		if err != nil {
			return true, fmt.Errorf("record %d: %w", id, err)
		}
		if byHash, err := k.RecordsByHash.Get(ctx, hash); err != nil || byHash != id {
			return true, fmt.Errorf("record %d: the hash index names %d (%v)", id, byHash, err)
		}
		p := sdk.AccAddress(patient)
		for _, idx := range []struct {
			name string
			has  func() (bool, error)
		}{
			{"patient", func() (bool, error) { return k.RecordsByPatient.Has(ctx, collections.Join(p, id)) }},
			{"patient-category", func() (bool, error) { return k.RecordsByPatientCategory.Has(ctx, collections.Join3(p, r.Category, id)) }},
			{"patient-status", func() (bool, error) {
				return k.RecordsByPatientStatus.Has(ctx, collections.Join3(p, int32(r.Status), id))
			}},
			{"patient-category-status", func() (bool, error) {
				return k.RecordsByPatientCategoryStatus.Has(ctx, collections.Join4(p, r.Category, int32(r.Status), id))
			}},
			{"versions", func() (bool, error) { return k.Versions.Has(ctx, collections.Join(r.FirstVersionId, id)) }},
		} {
			if ok, err := idx.has(); err != nil || !ok {
				return true, fmt.Errorf("record %d is missing from the %s index (%v)", id, idx.name, err)
			}
		}
		if r.Supersedes != 0 {
			prev, err := k.GetRecord(ctx, r.Supersedes)
			if err != nil || prev.SupersededBy != id || prev.FirstVersionId != r.FirstVersionId || prev.Version+1 != r.Version {
				return true, fmt.Errorf("record %d supersedes %d, which does not name it as its successor (%+v, %v)", id, r.Supersedes, prev, err)
			}
		}
		switch {
		case r.Status == types.RecordStatusCurrent && r.SupersededBy != 0:
			return true, fmt.Errorf("CURRENT record %d is superseded by %d", id, r.SupersededBy)
		case r.Status == types.RecordStatusSuperseded && r.SupersededBy == 0:
			return true, fmt.Errorf("SUPERSEDED record %d names no successor", id)
		case r.SupersededBy != 0:
			succ, err := k.GetRecord(ctx, r.SupersededBy)
			if err != nil || succ.Supersedes != id {
				return true, fmt.Errorf("record %d is superseded by %d, which does not supersede it (%v)", id, r.SupersededBy, err)
			}
		}
		var n uint32
		err = k.Envelopes.Walk(ctx, collections.NewPrefixedPairRange[uint64, sdk.AccAddress](id), func(key collections.Pair[uint64, sdk.AccAddress], e types.KeyEnvelope) (bool, error) {
			n++
			recipient, err := ac.BytesToString(key.K2())
			if err != nil || e.RecordId != id || e.Recipient != recipient {
				return true, fmt.Errorf("record %d: envelope stored for %s names record %d, recipient %s", id, key.K2(), e.RecordId, e.Recipient)
			}
			return false, nil
		})
		if err != nil {
			return true, err
		}
		count, err := k.EnvelopeCounts.Get(ctx, id)
		if errors.Is(err, collections.ErrNotFound) {
			count, err = 0, nil
		}
		if err != nil || count != n {
			return true, fmt.Errorf("record %d: envelope count %d, %d envelopes (%v)", id, count, n, err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		walk func(func()) error
	}{
		{"hash", func(inc func()) error {
			return k.RecordsByHash.Walk(ctx, nil, func([]byte, uint64) (bool, error) { inc(); return false, nil })
		}},
		{"patient", func(inc func()) error {
			return k.RecordsByPatient.Walk(ctx, nil, func(collections.Pair[sdk.AccAddress, uint64]) (bool, error) { inc(); return false, nil })
		}},
		{"patient-category", func(inc func()) error {
			return k.RecordsByPatientCategory.Walk(ctx, nil, func(collections.Triple[sdk.AccAddress, string, uint64]) (bool, error) { inc(); return false, nil })
		}},
		{"patient-status", func(inc func()) error {
			return k.RecordsByPatientStatus.Walk(ctx, nil, func(collections.Triple[sdk.AccAddress, int32, uint64]) (bool, error) { inc(); return false, nil })
		}},
		{"patient-category-status", func(inc func()) error {
			return k.RecordsByPatientCategoryStatus.Walk(ctx, nil, func(collections.Quad[sdk.AccAddress, string, int32, uint64]) (bool, error) { inc(); return false, nil })
		}},
		{"versions", func(inc func()) error {
			return k.Versions.Walk(ctx, nil, func(collections.Pair[uint64, uint64]) (bool, error) { inc(); return false, nil })
		}},
	} {
		n := 0
		if err := c.walk(func() { n++ }); err != nil {
			return err
		}
		if n != records {
			return fmt.Errorf("the %s index holds %d entries for %d records", c.name, n, records)
		}
	}
	err = k.EnvelopeCounts.Walk(ctx, nil, func(id uint64, _ uint32) (bool, error) {
		if has, err := k.Records.Has(ctx, id); err != nil || !has {
			return true, fmt.Errorf("envelope count for unknown record %d (%v)", id, err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	nextEvent, err := k.AccessEventSeq.Peek(ctx)
	if err != nil {
		return err
	}
	events := 0
	err = k.AccessEvents.Walk(ctx, nil, func(id uint64, ev types.AccessEvent) (bool, error) {
		events++
		if id != ev.Id || id == 0 || id >= max(nextEvent, 1) {
			return true, fmt.Errorf("access event stored under %d has id %d; the sequence is at %d", id, ev.Id, nextEvent)
		}
		r, err := k.GetRecord(ctx, ev.RecordId)
		if err != nil {
			return true, fmt.Errorf("access event %d names record %d: %w", id, ev.RecordId, err)
		}
		if ev.Patient != r.Patient {
			return true, fmt.Errorf("access event %d names patient %s, record %d is %s's", id, ev.Patient, r.Id, r.Patient)
		}
		patient, err := ac.StringToBytes(ev.Patient)
		if err != nil {
			return true, err
		}
		if has, err := k.AccessLog.Has(ctx, collections.Join3(sdk.AccAddress(patient), ev.Time.UnixNano(), id)); err != nil || !has {
			return true, fmt.Errorf("access event %d is not in %s's access log (%v)", id, ev.Patient, err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	logged := 0
	err = k.AccessLog.Walk(ctx, nil, func(collections.Triple[sdk.AccAddress, int64, uint64]) (bool, error) {
		logged++
		return false, nil
	})
	if err != nil {
		return err
	}
	if logged != events {
		return fmt.Errorf("the access log holds %d entries for %d access events", logged, events)
	}
	return nil
}
