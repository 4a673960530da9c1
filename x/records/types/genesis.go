package types

import (
	"fmt"

	"cosmossdk.io/core/address"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// DefaultGenesis returns the default genesis: no records.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextRecordId: 1, NextAccessEventId: 1}
}

// Validate checks the genesis state, including everything InitGenesis
// relies on to rebuild its indexes: unique ids below the next ids, unique
// ciphertext hashes, consistent version histories, envelopes and access
// events naming existing records.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if gs.NextRecordId == 0 || gs.NextAccessEventId == 0 {
		return fmt.Errorf("next_record_id and next_access_event_id must be at least 1")
	}
	records := make(map[uint64]Record, len(gs.Records))
	hashes := make(map[string]uint64, len(gs.Records))
	for _, r := range gs.Records {
		if err := ValidateStoredRecord(r, ac); err != nil {
			return fmt.Errorf("record %d: %w", r.Id, err)
		}
		if r.Id >= gs.NextRecordId {
			return fmt.Errorf("record %d is not below next_record_id %d", r.Id, gs.NextRecordId)
		}
		if _, dup := records[r.Id]; dup {
			return fmt.Errorf("record %d is listed twice", r.Id)
		}
		if other, dup := hashes[r.CiphertextHash]; dup {
			return fmt.Errorf("records %d and %d have the same ciphertext_hash", other, r.Id)
		}
		records[r.Id] = r
		hashes[r.CiphertextHash] = r.Id
	}
	for _, r := range gs.Records {
		if err := validateVersionLinks(r, records); err != nil {
			return fmt.Errorf("record %d: %w", r.Id, err)
		}
	}
	envelopes := make(map[string]bool, len(gs.Envelopes))
	for _, e := range gs.Envelopes {
		if _, ok := records[e.RecordId]; !ok {
			return fmt.Errorf("key envelope for %s names unknown record %d", e.Recipient, e.RecordId)
		}
		if err := validateStoredEnvelope(e, ac); err != nil {
			return fmt.Errorf("key envelope of record %d for %s: %w", e.RecordId, e.Recipient, err)
		}
		key := fmt.Sprintf("%d/%s", e.RecordId, e.Recipient)
		if envelopes[key] {
			return fmt.Errorf("key envelope of record %d for %s is listed twice", e.RecordId, e.Recipient)
		}
		envelopes[key] = true
	}
	events := make(map[uint64]bool, len(gs.AccessEvents))
	for _, ev := range gs.AccessEvents {
		r, ok := records[ev.RecordId]
		if !ok {
			return fmt.Errorf("access event %d names unknown record %d", ev.Id, ev.RecordId)
		}
		if ev.Patient != r.Patient {
			return fmt.Errorf("access event %d: patient %s is not record %d's patient", ev.Id, ev.Patient, r.Id)
		}
		if err := validateAccessEvent(ev, ac); err != nil {
			return fmt.Errorf("access event %d: %w", ev.Id, err)
		}
		if ev.Id >= gs.NextAccessEventId {
			return fmt.Errorf("access event %d is not below next_access_event_id %d", ev.Id, gs.NextAccessEventId)
		}
		if events[ev.Id] {
			return fmt.Errorf("access event %d is listed twice", ev.Id)
		}
		events[ev.Id] = true
	}
	return nil
}

// ValidateStoredRecord checks one record as it is kept in state, apart from
// the links between versions.
func ValidateStoredRecord(r Record, ac address.Codec) error {
	if r.Id == 0 {
		return fmt.Errorf("id must be at least 1")
	}
	if _, err := ac.StringToBytes(r.Patient); err != nil {
		return fmt.Errorf("patient %q: %w", r.Patient, err)
	}
	if _, err := ac.StringToBytes(r.Author); err != nil {
		return fmt.Errorf("author %q: %w", r.Author, err)
	}
	switch {
	case r.Author == r.Patient && r.CustodianOrg != "":
		return fmt.Errorf("a record the patient wrote has no custodian organization")
	case r.Author != r.Patient && r.CustodianOrg == "":
		return fmt.Errorf("a record written by another account than the patient needs a custodian organization")
	case r.CustodianOrg != "":
		if err := registrytypes.ValidateOrganizationID(r.CustodianOrg); err != nil {
			return err
		}
	}
	if err := ValidateCategory(r.Category); err != nil {
		return err
	}
	if err := ValidateSHA256Hex("ciphertext_hash", r.CiphertextHash); err != nil {
		return err
	}
	if err := ValidateSHA256Hex("content_commitment", r.ContentCommitment); err != nil {
		return err
	}
	if r.SizeBytes == 0 {
		return fmt.Errorf("size_bytes must be positive")
	}
	if err := ValidateLocator(r.Locator); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		return fmt.Errorf("created_at is required")
	}
	if r.FirstVersionId == 0 || r.FirstVersionId > r.Id || r.Version == 0 {
		return fmt.Errorf("first_version_id and version must be set")
	}
	switch r.Status {
	case RecordStatusCurrent:
		if r.SupersededBy != 0 {
			return fmt.Errorf("a CURRENT record has no superseded_by")
		}
	case RecordStatusSuperseded:
		if r.SupersededBy == 0 {
			return fmt.Errorf("a SUPERSEDED record needs superseded_by")
		}
	case RecordStatusEnteredInError:
	default:
		return fmt.Errorf("status %s is not a stored status", r.Status)
	}
	if r.Status == RecordStatusEnteredInError {
		if _, err := ac.StringToBytes(r.EnteredInErrorBy); err != nil {
			return fmt.Errorf("entered_in_error_by %q: %w", r.EnteredInErrorBy, err)
		}
		if r.EnteredInErrorAt == nil {
			return fmt.Errorf("an ENTERED_IN_ERROR record needs entered_in_error_at")
		}
	} else if r.EnteredInErrorBy != "" || r.EnteredInErrorAt != nil {
		return fmt.Errorf("entered_in_error_by and entered_in_error_at are only set on ENTERED_IN_ERROR records")
	}
	return nil
}

// validateVersionLinks checks a record's place in its version history
// against the other records.
func validateVersionLinks(r Record, records map[uint64]Record) error {
	if r.Supersedes == 0 {
		if r.FirstVersionId != r.Id || r.Version != 1 {
			return fmt.Errorf("a first version has first_version_id = its id and version 1")
		}
	} else {
		prev, ok := records[r.Supersedes]
		if !ok || prev.Id >= r.Id {
			return fmt.Errorf("supersedes %d: no earlier record with that id", r.Supersedes)
		}
		if prev.Patient != r.Patient || prev.Category != r.Category {
			return fmt.Errorf("supersedes %d of another patient or category", r.Supersedes)
		}
		if prev.SupersededBy != r.Id {
			return fmt.Errorf("record %d it supersedes names superseded_by %d", prev.Id, prev.SupersededBy)
		}
		if r.FirstVersionId != prev.FirstVersionId || r.Version != prev.Version+1 {
			return fmt.Errorf("first_version_id and version do not follow record %d", prev.Id)
		}
	}
	if r.SupersededBy != 0 {
		next, ok := records[r.SupersededBy]
		if !ok || next.Supersedes != r.Id {
			return fmt.Errorf("superseded_by %d does not name a record superseding it", r.SupersededBy)
		}
	}
	return nil
}

func validateStoredEnvelope(e KeyEnvelope, ac address.Codec) error {
	if _, err := ac.StringToBytes(e.Recipient); err != nil {
		return fmt.Errorf("recipient %q: %w", e.Recipient, err)
	}
	if _, err := ac.StringToBytes(e.AddedBy); err != nil {
		return fmt.Errorf("added_by %q: %w", e.AddedBy, err)
	}
	if e.ConsentId != 0 && e.BreakGlassId != 0 {
		return fmt.Errorf("consent_id and break_glass_id are exclusive")
	}
	return ValidateEnvelopeKeys(e.Scheme, e.EphemeralPublicKey, e.WrappedKey)
}

func validateAccessEvent(ev AccessEvent, ac address.Codec) error {
	if ev.Id == 0 {
		return fmt.Errorf("id must be at least 1")
	}
	if _, err := ac.StringToBytes(ev.Accessor); err != nil {
		return fmt.Errorf("accessor %q: %w", ev.Accessor, err)
	}
	if ev.AccessorOrg != "" {
		if err := registrytypes.ValidateOrganizationID(ev.AccessorOrg); err != nil {
			return err
		}
	}
	if err := consenttypes.ValidatePurpose(ev.Purpose); err != nil {
		return err
	}
	if ev.ConsentId != 0 && ev.BreakGlassId != 0 {
		return fmt.Errorf("consent_id and break_glass_id are exclusive")
	}
	if ev.Accessor != ev.Patient && ev.ConsentId == 0 && ev.BreakGlassId == 0 {
		return fmt.Errorf("an access by another account than the patient names its consent or break-glass grant")
	}
	if ev.Time.IsZero() || ev.Time.UnixNano() <= 0 {
		return fmt.Errorf("time is required")
	}
	return nil
}
