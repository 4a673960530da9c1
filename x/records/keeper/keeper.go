// Package keeper implements x/records: the index of medical records stored
// encrypted off chain (hash, commitment, locator, versions), the data keys
// wrapped to each permitted reader, and the patient's accounting of
// disclosures. Every write and every logged read asks x/consent first.
package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
)

// Keeper holds the records state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority may change parameters: the governance module account.
	authority string
	registry  types.RegistryKeeper
	consent   types.ConsentKeeper

	Schema collections.Schema
	Params collections.Item[types.Params]
	// RecordSeq holds the id the next record receives.
	RecordSeq collections.Sequence
	Records   collections.Map[uint64, types.Record]
	// RecordsByHash is the unique index of ciphertext hashes (the 32 digest
	// bytes) to record ids.
	RecordsByHash collections.Map[[]byte, uint64]
	// The patient indexes serve the filtered listing of one patient's
	// records with a prefix scan whatever the filter; they are keyed by the
	// patient first, so other patients' records cost nothing.
	RecordsByPatient               collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	RecordsByPatientCategory       collections.KeySet[collections.Triple[sdk.AccAddress, string, uint64]]
	RecordsByPatientStatus         collections.KeySet[collections.Triple[sdk.AccAddress, int32, uint64]]
	RecordsByPatientCategoryStatus collections.KeySet[collections.Quad[sdk.AccAddress, string, int32, uint64]]
	// Versions holds (first_version_id, id): a document's version history
	// is one prefix scan, in id (= version) order.
	Versions collections.KeySet[collections.Pair[uint64, uint64]]
	// Envelopes holds each record's key envelopes by recipient.
	Envelopes collections.Map[collections.Pair[uint64, sdk.AccAddress], types.KeyEnvelope]
	// EnvelopeCounts holds how many envelopes a record has (absent = 0).
	EnvelopeCounts collections.Map[uint64, uint32]
	// AccessEventSeq holds the id the next access event receives.
	AccessEventSeq collections.Sequence
	AccessEvents   collections.Map[uint64, types.AccessEvent]
	// AccessLog holds (patient, block time in Unix nanoseconds, event id):
	// a patient's disclosures in time order, for time-range queries.
	AccessLog collections.KeySet[collections.Triple[sdk.AccAddress, int64, uint64]]
}

// NewKeeper returns a records keeper.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, addressCodec address.Codec, authority string,
	registry types.RegistryKeeper, consent types.ConsentKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid records authority %q: %w", authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		registry:     registry,
		consent:      consent,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		RecordSeq:    collections.NewSequence(sb, types.RecordSeqKey, "record_seq"),
		Records: collections.NewMap(sb, types.RecordsKey, "records",
			collections.Uint64Key, codec.CollValue[types.Record](cdc)),
		RecordsByHash: collections.NewMap(sb, types.RecordsByHashKey, "records_by_hash",
			collections.BytesKey, collections.Uint64Value),
		RecordsByPatient: collections.NewKeySet(sb, types.RecordsByPatientKey, "records_by_patient",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		RecordsByPatientCategory: collections.NewKeySet(sb, types.RecordsByPatientCategoryKey, "records_by_patient_category",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.StringKey, collections.Uint64Key)),
		RecordsByPatientStatus: collections.NewKeySet(sb, types.RecordsByPatientStatusKey, "records_by_patient_status",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.Int32Key, collections.Uint64Key)),
		RecordsByPatientCategoryStatus: collections.NewKeySet(sb, types.RecordsByPatientCategoryStatusKey, "records_by_patient_category_status",
			collections.QuadKeyCodec(sdk.AccAddressKey, collections.StringKey, collections.Int32Key, collections.Uint64Key)),
		Versions: collections.NewKeySet(sb, types.VersionsKey, "versions",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
		Envelopes: collections.NewMap(sb, types.EnvelopesKey, "envelopes",
			collections.PairKeyCodec(collections.Uint64Key, sdk.AccAddressKey), codec.CollValue[types.KeyEnvelope](cdc)),
		EnvelopeCounts: collections.NewMap(sb, types.EnvelopeCountsKey, "envelope_counts",
			collections.Uint64Key, collections.Uint32Value),
		AccessEventSeq: collections.NewSequence(sb, types.AccessEventSeqKey, "access_event_seq"),
		AccessEvents: collections.NewMap(sb, types.AccessEventsKey, "access_events",
			collections.Uint64Key, codec.CollValue[types.AccessEvent](cdc)),
		AccessLog: collections.NewKeySet(sb, types.AccessLogKey, "access_log",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.Int64Key, collections.Uint64Key)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority returns the governance authority address.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// GetRecord returns the record with id, or ErrRecordNotFound.
func (k Keeper) GetRecord(ctx context.Context, id uint64) (types.Record, error) {
	r, err := k.Records.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return r, errorsmod.Wrapf(types.ErrRecordNotFound, "record %d", id)
	}
	return r, err
}

// RecordPatient returns the patient of record id; the error wraps
// ErrRecordNotFound when there is no such record. (x/claims checks claim
// evidence with it.)
func (k Keeper) RecordPatient(ctx context.Context, id uint64) (sdk.AccAddress, error) {
	r, err := k.GetRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	return k.addressCodec.StringToBytes(r.Patient)
}

// RecordByCiphertextHash returns the record anchoring the blob whose SHA-256
// is hash (64 lowercase hex characters), or ErrRecordNotFound (ErrInvalidHash
// for a malformed hash).
func (k Keeper) RecordByCiphertextHash(ctx context.Context, hash string) (types.Record, error) {
	key, err := types.HashBytes(hash)
	if err != nil {
		return types.Record{}, err
	}
	id, err := k.RecordsByHash.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Record{}, errorsmod.Wrapf(types.ErrRecordNotFound, "no record with ciphertext_hash %s", hash)
	}
	if err != nil {
		return types.Record{}, err
	}
	return k.GetRecord(ctx, id)
}

// CheckRecordAccess looks the record up and asks x/consent whether accessor
// may perform action on it for purpose at the block time, passing the
// record's patient, category and id. It returns ErrRecordNotFound for an
// unknown record and x/consent's ErrInvalidAccessRequest for an unspecified
// action or purpose; a refusal is a DENY decision, not an error.
func (k Keeper) CheckRecordAccess(ctx context.Context, accessor sdk.AccAddress, recordID uint64, action consenttypes.Action, purpose consenttypes.Purpose) (consenttypes.AccessDecision, error) {
	r, err := k.GetRecord(ctx, recordID)
	if err != nil {
		return consenttypes.AccessDecision{}, err
	}
	return k.checkAccess(ctx, r, accessor, action, purpose)
}

func (k Keeper) checkAccess(ctx context.Context, r types.Record, accessor sdk.AccAddress, action consenttypes.Action, purpose consenttypes.Purpose) (consenttypes.AccessDecision, error) {
	req, err := k.accessRequest(r, accessor, action, purpose)
	if err != nil {
		return consenttypes.AccessDecision{}, err
	}
	return k.consent.CheckAccess(ctx, req)
}

// checkAccessWithConsent is checkAccess that also returns the consent the
// decision names (zero when none).
func (k Keeper) checkAccessWithConsent(ctx context.Context, r types.Record, accessor sdk.AccAddress, action consenttypes.Action, purpose consenttypes.Purpose) (consenttypes.AccessDecision, consenttypes.Consent, error) {
	req, err := k.accessRequest(r, accessor, action, purpose)
	if err != nil {
		return consenttypes.AccessDecision{}, consenttypes.Consent{}, err
	}
	return k.consent.CheckAccessWithConsent(ctx, req)
}

func (k Keeper) accessRequest(r types.Record, accessor sdk.AccAddress, action consenttypes.Action, purpose consenttypes.Purpose) (consenttypes.AccessRequest, error) {
	patient, err := k.addressCodec.StringToBytes(r.Patient)
	if err != nil {
		return consenttypes.AccessRequest{}, err
	}
	return consenttypes.AccessRequest{
		Accessor: accessor,
		Patient:  patient,
		Action:   action,
		Purpose:  purpose,
		Category: r.Category,
		RecordID: r.Id,
	}, nil
}

// GetAccessEvent returns the logged access with id, or
// ErrAccessEventNotFound. (The off-chain store checks with it that a
// download was logged before it serves the blob.)
func (k Keeper) GetAccessEvent(ctx context.Context, id uint64) (types.AccessEvent, error) {
	ev, err := k.AccessEvents.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return ev, errorsmod.Wrapf(types.ErrAccessEventNotFound, "access event %d", id)
	}
	return ev, err
}

// GetKeyEnvelope returns the record's envelope for recipient, or
// collections.ErrNotFound.
func (k Keeper) GetKeyEnvelope(ctx context.Context, recordID uint64, recipient sdk.AccAddress) (types.KeyEnvelope, error) {
	return k.Envelopes.Get(ctx, collections.Join(recordID, recipient))
}

// setNewRecord stores a record with every index.
func (k Keeper) setNewRecord(ctx context.Context, r types.Record) error {
	patient, err := k.addressCodec.StringToBytes(r.Patient)
	if err != nil {
		return err
	}
	hash, err := types.HashBytes(r.CiphertextHash)
	if err != nil {
		return err
	}
	if err := k.RecordsByHash.Set(ctx, hash, r.Id); err != nil {
		return err
	}
	if err := k.RecordsByPatient.Set(ctx, collections.Join(sdk.AccAddress(patient), r.Id)); err != nil {
		return err
	}
	if err := k.RecordsByPatientCategory.Set(ctx, collections.Join3(sdk.AccAddress(patient), r.Category, r.Id)); err != nil {
		return err
	}
	if err := k.Versions.Set(ctx, collections.Join(r.FirstVersionId, r.Id)); err != nil {
		return err
	}
	if err := k.setStatusIndexes(ctx, patient, r); err != nil {
		return err
	}
	return k.Records.Set(ctx, r.Id, r)
}

func (k Keeper) setStatusIndexes(ctx context.Context, patient sdk.AccAddress, r types.Record) error {
	if err := k.RecordsByPatientStatus.Set(ctx, collections.Join3(patient, int32(r.Status), r.Id)); err != nil {
		return err
	}
	return k.RecordsByPatientCategoryStatus.Set(ctx, collections.Join4(patient, r.Category, int32(r.Status), r.Id))
}

// setStatus moves a stored record to a new status, keeping the status
// indexes in step, and stores it (with any other changes the caller made).
func (k Keeper) setStatus(ctx context.Context, r types.Record, old types.RecordStatus) error {
	patient, err := k.addressCodec.StringToBytes(r.Patient)
	if err != nil {
		return err
	}
	if err := k.RecordsByPatientStatus.Remove(ctx, collections.Join3(sdk.AccAddress(patient), int32(old), r.Id)); err != nil {
		return err
	}
	if err := k.RecordsByPatientCategoryStatus.Remove(ctx, collections.Join4(sdk.AccAddress(patient), r.Category, int32(old), r.Id)); err != nil {
		return err
	}
	if err := k.setStatusIndexes(ctx, patient, r); err != nil {
		return err
	}
	return k.Records.Set(ctx, r.Id, r)
}

// setEnvelope stores an envelope and counts it.
func (k Keeper) setEnvelope(ctx context.Context, recipient sdk.AccAddress, e types.KeyEnvelope) error {
	n, err := k.envelopeCount(ctx, e.RecordId)
	if err != nil {
		return err
	}
	if err := k.EnvelopeCounts.Set(ctx, e.RecordId, n+1); err != nil {
		return err
	}
	return k.Envelopes.Set(ctx, collections.Join(e.RecordId, recipient), e)
}

func (k Keeper) envelopeCount(ctx context.Context, recordID uint64) (uint32, error) {
	n, err := k.EnvelopeCounts.Get(ctx, recordID)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// setAccessEvent stores an access event and its place in the patient's log.
func (k Keeper) setAccessEvent(ctx context.Context, ev types.AccessEvent) error {
	patient, err := k.addressCodec.StringToBytes(ev.Patient)
	if err != nil {
		return err
	}
	if err := k.AccessLog.Set(ctx, collections.Join3(sdk.AccAddress(patient), ev.Time.UnixNano(), ev.Id)); err != nil {
		return err
	}
	return k.AccessEvents.Set(ctx, ev.Id, ev)
}

// peekID returns the id a sequence hands out next (ids start at 1).
func peekID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	id, err := seq.Peek(ctx)
	if err != nil {
		return 0, err
	}
	return max(id, 1), nil
}

// takeID hands out the id peekID returned.
func takeID(ctx context.Context, seq collections.Sequence, id uint64) error {
	return seq.Set(ctx, id+1)
}

// parseAddress decodes an address and insists on its canonical form, so
// that addresses stored and compared as strings are unique.
func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	bz, err := k.addressCodec.StringToBytes(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q: %s", field, s, err)
	}
	if canonical, err := k.addressCodec.BytesToString(bz); err != nil || canonical != s {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q is not in canonical (lower-case) form", field, s)
	}
	return bz, nil
}

func (k Keeper) checkAuthority(signer string) error {
	if signer != k.authority {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
}

// isCustodian reports whether signer is an active member of the record's
// custodian organization (never, for a record the patient wrote).
func (k Keeper) isCustodian(ctx context.Context, r types.Record, signer sdk.AccAddress) (bool, error) {
	if r.CustodianOrg == "" {
		return false, nil
	}
	return k.registry.IsActiveMember(ctx, r.CustodianOrg, signer)
}
