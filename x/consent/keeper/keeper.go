// Package keeper implements x/consent: patient-controlled consent
// provisions, representatives, break-glass emergency access, and the access
// decision every other module asks before it acts.
package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/typedevent"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Keeper holds the consent state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority may change parameters: the governance module account.
	authority string
	registry  types.RegistryKeeper
	// guards is shared by every copy of the keeper, so that a guard set
	// during app wiring is seen by keepers already handed to other modules.
	guards *guardRegistry

	Schema collections.Schema
	Params collections.Item[types.Params]
	// ConsentSeq holds the id the next consent receives.
	ConsentSeq collections.Sequence
	Consents   collections.Map[uint64, types.Consent]
	// ConsentsByPatient lists every consent of a patient, whatever its status.
	ConsentsByPatient collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	// ConsentsByPatientStatus serves ?status= listings.
	ConsentsByPatientStatus collections.KeySet[collections.Triple[sdk.AccAddress, int32, uint64]]
	// ConsentsByGrantee lists every consent naming a grantee key (see
	// types.AccountGranteeKey and types.OrganizationGranteeKey).
	ConsentsByGrantee collections.KeySet[collections.Pair[[]byte, uint64]]
	// ActiveConsents holds (patient, grantee key, id) of ACTIVE consents
	// only: the one index an access decision reads.
	ActiveConsents collections.KeySet[collections.Triple[sdk.AccAddress, []byte, uint64]]
	// ExpiryQueue holds (expires_at in Unix nanoseconds, id) of ACTIVE
	// consents, drained by EndBlock.
	ExpiryQueue collections.KeySet[collections.Pair[int64, uint64]]
	// Representatives is keyed by (patient, representative).
	Representatives collections.Map[collections.Pair[sdk.AccAddress, sdk.AccAddress], types.Representative]
	// RepresentedPatients is the reverse index (representative, patient).
	RepresentedPatients collections.KeySet[collections.Pair[sdk.AccAddress, sdk.AccAddress]]
	// BreakGlassSeq holds the id the next break-glass grant receives.
	BreakGlassSeq       collections.Sequence
	BreakGlassGrants    collections.Map[uint64, types.BreakGlassGrant]
	BreakGlassByPatient collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	BreakGlassByOrg     collections.KeySet[collections.Pair[string, uint64]]
	// LatestBreakGlass is the newest grant id per (patient, accessor). An
	// accessor has at most one open grant per patient, so the decision reads
	// one entry.
	LatestBreakGlass collections.Map[collections.Pair[sdk.AccAddress, sdk.AccAddress], uint64]
}

type guardRegistry struct {
	guards map[string]types.ConsentGuard
}

// NewKeeper returns a consent keeper.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, addressCodec address.Codec, authority string, registry types.RegistryKeeper) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid consent authority %q: %w", authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		registry:     registry,
		guards:       &guardRegistry{guards: make(map[string]types.ConsentGuard)},
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		ConsentSeq:   collections.NewSequence(sb, types.ConsentSeqKey, "consent_seq"),
		Consents: collections.NewMap(sb, types.ConsentsKey, "consents",
			collections.Uint64Key, codec.CollValue[types.Consent](cdc)),
		ConsentsByPatient: collections.NewKeySet(sb, types.ConsentsByPatientKey, "consents_by_patient",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		ConsentsByPatientStatus: collections.NewKeySet(sb, types.ConsentsByPatientStatusKey, "consents_by_patient_status",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.Int32Key, collections.Uint64Key)),
		ConsentsByGrantee: collections.NewKeySet(sb, types.ConsentsByGranteeKey, "consents_by_grantee",
			collections.PairKeyCodec(collections.BytesKey, collections.Uint64Key)),
		ActiveConsents: collections.NewKeySet(sb, types.ActiveConsentsKey, "active_consents",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.BytesKey, collections.Uint64Key)),
		ExpiryQueue: collections.NewKeySet(sb, types.ExpiryQueueKey, "expiry_queue",
			collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		Representatives: collections.NewMap(sb, types.RepresentativesKey, "representatives",
			collections.PairKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey), codec.CollValue[types.Representative](cdc)),
		RepresentedPatients: collections.NewKeySet(sb, types.RepresentedPatientsKey, "represented_patients",
			collections.PairKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey)),
		BreakGlassSeq: collections.NewSequence(sb, types.BreakGlassSeqKey, "break_glass_seq"),
		BreakGlassGrants: collections.NewMap(sb, types.BreakGlassKey, "break_glass",
			collections.Uint64Key, codec.CollValue[types.BreakGlassGrant](cdc)),
		BreakGlassByPatient: collections.NewKeySet(sb, types.BreakGlassByPatientKey, "break_glass_by_patient",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		BreakGlassByOrg: collections.NewKeySet(sb, types.BreakGlassByOrgKey, "break_glass_by_org",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		LatestBreakGlass: collections.NewMap(sb, types.LatestBreakGlassKey, "latest_break_glass",
			collections.PairKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey), collections.Uint64Value),
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

// SetConsentGuard registers the guard CheckAccess asks about consents
// managed by moduleName. Call it during app wiring, once per module.
func (k *Keeper) SetConsentGuard(moduleName string, g types.ConsentGuard) {
	if moduleName == "" || g == nil {
		panic("consent: SetConsentGuard needs a module name and a guard")
	}
	if _, dup := k.guards.guards[moduleName]; dup {
		panic(fmt.Sprintf("consent: a guard for %q is already set", moduleName))
	}
	k.guards.guards[moduleName] = g
}

// GetConsent returns the consent with id, or ErrConsentNotFound.
func (k Keeper) GetConsent(ctx context.Context, id uint64) (types.Consent, error) {
	c, err := k.Consents.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return c, errorsmod.Wrapf(types.ErrConsentNotFound, "consent %d", id)
	}
	return c, err
}

// GetBreakGlass returns the break-glass grant with id, or
// ErrBreakGlassNotFound.
func (k Keeper) GetBreakGlass(ctx context.Context, id uint64) (types.BreakGlassGrant, error) {
	g, err := k.BreakGlassGrants.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return g, errorsmod.Wrapf(types.ErrBreakGlassNotFound, "break-glass %d", id)
	}
	return g, err
}

// CreateManagedConsent creates a consent on behalf of a module (x/research
// creates a participant's research consent at enrolment). It validates
// exactly like MsgGrantConsent, including max_consent_duration and the
// per-grantee cap, but checks no signer: the calling module has already
// authenticated the patient. The consent is recorded with managed_by =
// managedBy, granted_by = the patient and status ACTIVE; only that module
// can revoke it (RevokeManagedConsent).
func (k Keeper) CreateManagedConsent(ctx context.Context, managedBy string, c types.Consent) (uint64, error) {
	if managedBy == "" {
		return 0, errorsmod.Wrap(types.ErrInvalidConsent, "managed_by (the module name) is required")
	}
	c.ManagedBy = managedBy
	c.GrantedBy = c.Patient
	return k.grantConsent(ctx, c, grantKnown{})
}

// CreateManagedConsentWith is CreateManagedConsent for a module that has
// already, in this transaction, read what the grant needs:
//
//   - granteeOrg, when not nil, is c.GranteeOrg's organization: its
//     existence is not read again (an organization with another id is
//     ignored and the grantee organization is read as usual);
//   - with capExpiry, expires_at is capped at the block time +
//     max_consent_duration instead of failing with ErrConsentTooLong (the
//     caller would otherwise read that parameter first to cap it).
//
// Everything else is validated exactly as CreateManagedConsent does.
func (k Keeper) CreateManagedConsentWith(ctx context.Context, managedBy string, c types.Consent, granteeOrg *registrytypes.Organization, capExpiry bool) (uint64, error) {
	if managedBy == "" {
		return 0, errorsmod.Wrap(types.ErrInvalidConsent, "managed_by (the module name) is required")
	}
	c.ManagedBy = managedBy
	c.GrantedBy = c.Patient
	return k.grantConsent(ctx, c, grantKnown{granteeOrg: granteeOrg, capExpiry: capExpiry})
}

// grantKnown is what the caller of grantConsent has already read or parsed
// in this transaction, so that grantConsent does not do it again.
type grantKnown struct {
	// patient is c.Patient's address (parsed and checked canonical).
	patient sdk.AccAddress
	// granteeOrg is c.GranteeOrg's organization.
	granteeOrg *registrytypes.Organization
	// capExpiry caps expires_at at now + max_consent_duration.
	capExpiry bool
}

// RevokeManagedConsent revokes, at once, a consent that managedBy created.
// It fails with ErrNotManager for another module's (or a patient's)
// consent and with ErrConsentNotActive when the consent already ended
// (revoked or expired); callers that only need the consent gone may treat
// the latter as success.
func (k Keeper) RevokeManagedConsent(ctx context.Context, managedBy string, id uint64) error {
	c, err := k.GetConsent(ctx, id)
	if err != nil {
		return err
	}
	if managedBy == "" || c.ManagedBy != managedBy {
		return errorsmod.Wrapf(types.ErrNotManager, "consent %d is managed by %q, not %q", id, c.ManagedBy, managedBy)
	}
	if c.Status != types.ConsentStatusActive {
		return errorsmod.Wrapf(types.ErrConsentNotActive, "consent %d is %s", id, c.Status)
	}
	return k.revokeConsent(ctx, c, "module:"+managedBy)
}

// grantConsent validates a new consent against the block time and the
// parameters, stores it ACTIVE with its indexes and emits
// EventConsentGranted. The caller sets GrantedBy and ManagedBy.
func (k Keeper) grantConsent(ctx context.Context, c types.Consent, known grantKnown) (uint64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := sdkCtx.BlockTime()
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	patient := known.patient
	if patient == nil {
		if patient, err = k.parseAddress("patient", c.Patient); err != nil {
			return 0, err
		}
	}
	c, err = types.NormalizeTerms(c)
	if err != nil {
		return 0, errorsmod.Wrap(types.ErrInvalidConsent, err.Error())
	}
	granteeKey, err := k.newGranteeKey(ctx, patient, c, known.granteeOrg)
	if err != nil {
		return 0, err
	}
	if c.ValidFrom.Before(now) {
		c.ValidFrom = now
	}
	if limit := now.Add(params.MaxConsentDuration); known.capExpiry && limit.Before(c.ExpiresAt) {
		c.ExpiresAt = limit
	}
	if err := types.ValidateTimes(c.ValidFrom, c.ExpiresAt); err != nil {
		return 0, errorsmod.Wrap(types.ErrInvalidConsent, err.Error())
	}
	if c.ExpiresAt.Sub(now) > params.MaxConsentDuration {
		return 0, errorsmod.Wrapf(types.ErrConsentTooLong, "expires_at %s is more than %s after %s",
			c.ExpiresAt.UTC().Format(time.RFC3339), params.MaxConsentDuration, now.UTC().Format(time.RFC3339))
	}
	active, err := k.activeConsentCount(ctx, patient, granteeKey, now)
	if err != nil {
		return 0, err
	}
	if active >= params.MaxActiveConsentsPerGrantee {
		return 0, errorsmod.Wrapf(types.ErrTooManyConsents, "%d active consents for this grantee; revoke one first", active)
	}

	id, err := k.nextID(ctx, k.ConsentSeq)
	if err != nil {
		return 0, err
	}
	c.Id = id
	c.Status = types.ConsentStatusActive
	c.GrantedAt = now
	c.RevokedAt = nil
	c.RevokedBy = ""
	if err := k.setNewConsent(ctx, patient, granteeKey, c); err != nil {
		return 0, err
	}
	return id, typedevent.Emit(ctx, &types.EventConsentGranted{
		ConsentId:  id,
		Patient:    c.Patient,
		Grantee:    c.Grantee,
		GranteeOrg: c.GranteeOrg,
		Decision:   c.Decision,
		GrantedBy:  c.GrantedBy,
		ManagedBy:  c.ManagedBy,
		ExpiresAt:  c.ExpiresAt,
	})
}

// newGranteeKey checks the grantee of a new consent (exactly one of an
// account other than the patient, or an existing organization) and returns
// its index key.
// granteeOrg, when not nil and named c.GranteeOrg, is that organization as
// the caller read it: it is not read again.
func (k Keeper) newGranteeKey(ctx context.Context, patient sdk.AccAddress, c types.Consent, granteeOrg *registrytypes.Organization) ([]byte, error) {
	switch {
	case c.Grantee != "" && c.GranteeOrg != "":
		return nil, errorsmod.Wrap(types.ErrInvalidConsent, "set either grantee or grantee_org, not both")
	case c.Grantee != "":
		grantee, err := k.parseAddress("grantee", c.Grantee)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(grantee, patient) {
			return nil, errorsmod.Wrap(types.ErrInvalidConsent, "a patient always has access to their own data; the grantee must be someone else")
		}
		return types.AccountGranteeKey(grantee), nil
	case c.GranteeOrg != "":
		if granteeOrg != nil && granteeOrg.Id == c.GranteeOrg {
			return types.OrganizationGranteeKey(c.GranteeOrg), nil
		}
		if _, err := k.registry.GetOrganization(ctx, c.GranteeOrg); err != nil {
			return nil, errorsmod.Wrapf(types.ErrUnknownOrganization, "%q: %s", c.GranteeOrg, err)
		}
		return types.OrganizationGranteeKey(c.GranteeOrg), nil
	default:
		return nil, errorsmod.Wrap(types.ErrInvalidConsent, "a grantee (account) or grantee_org (organization id) is required")
	}
}

// granteeKey returns the index key of a stored consent's grantee.
func (k Keeper) granteeKey(c types.Consent) ([]byte, error) {
	if c.GranteeOrg != "" {
		return types.OrganizationGranteeKey(c.GranteeOrg), nil
	}
	addr, err := k.addressCodec.StringToBytes(c.Grantee)
	if err != nil {
		return nil, err
	}
	return types.AccountGranteeKey(addr), nil
}

// activeConsentCount counts the patient's ACTIVE consents for one grantee,
// first expiring those already past expires_at (at most the cap of them),
// so that a lagging EndBlock never blocks a new grant.
func (k Keeper) activeConsentCount(ctx context.Context, patient sdk.AccAddress, granteeKey []byte, now time.Time) (uint32, error) {
	var ids []uint64
	rng := collections.NewSuperPrefixedTripleRange[sdk.AccAddress, []byte, uint64](patient, granteeKey)
	err := k.ActiveConsents.Walk(ctx, rng, func(key collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
		ids = append(ids, key.K3())
		return false, nil
	})
	if err != nil {
		return 0, err
	}
	var n uint32
	for _, id := range ids {
		c, err := k.Consents.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		if !now.Before(c.ExpiresAt) {
			if err := k.expireConsent(ctx, c); err != nil {
				return 0, err
			}
			continue
		}
		n++
	}
	return n, nil
}

func (k Keeper) setNewConsent(ctx context.Context, patient sdk.AccAddress, granteeKey []byte, c types.Consent) error {
	if err := k.Consents.Set(ctx, c.Id, c); err != nil {
		return err
	}
	if err := k.ConsentsByPatient.Set(ctx, collections.Join(patient, c.Id)); err != nil {
		return err
	}
	if err := k.ConsentsByPatientStatus.Set(ctx, collections.Join3(patient, int32(c.Status), c.Id)); err != nil {
		return err
	}
	if err := k.ConsentsByGrantee.Set(ctx, collections.Join(granteeKey, c.Id)); err != nil {
		return err
	}
	if c.Status != types.ConsentStatusActive {
		return nil
	}
	if err := k.ActiveConsents.Set(ctx, collections.Join3(patient, granteeKey, c.Id)); err != nil {
		return err
	}
	return k.ExpiryQueue.Set(ctx, collections.Join(c.ExpiresAt.UnixNano(), c.Id))
}

// endConsent moves an ACTIVE consent to REVOKED or EXPIRED and drops it
// from the decision index and the expiry queue.
func (k Keeper) endConsent(ctx context.Context, c types.Consent, status types.ConsentStatus, revokedBy string) (types.Consent, error) {
	patient, err := k.addressCodec.StringToBytes(c.Patient)
	if err != nil {
		return c, err
	}
	granteeKey, err := k.granteeKey(c)
	if err != nil {
		return c, err
	}
	if err := k.ActiveConsents.Remove(ctx, collections.Join3(sdk.AccAddress(patient), granteeKey, c.Id)); err != nil {
		return c, err
	}
	if err := k.ExpiryQueue.Remove(ctx, collections.Join(c.ExpiresAt.UnixNano(), c.Id)); err != nil {
		return c, err
	}
	if err := k.ConsentsByPatientStatus.Remove(ctx, collections.Join3(sdk.AccAddress(patient), int32(c.Status), c.Id)); err != nil {
		return c, err
	}
	c.Status = status
	if status == types.ConsentStatusRevoked {
		now := sdk.UnwrapSDKContext(ctx).BlockTime()
		c.RevokedAt = &now
		c.RevokedBy = revokedBy
	}
	if err := k.ConsentsByPatientStatus.Set(ctx, collections.Join3(sdk.AccAddress(patient), int32(c.Status), c.Id)); err != nil {
		return c, err
	}
	return c, k.Consents.Set(ctx, c.Id, c)
}

func (k Keeper) revokeConsent(ctx context.Context, c types.Consent, revokedBy string) error {
	c, err := k.endConsent(ctx, c, types.ConsentStatusRevoked, revokedBy)
	if err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConsentRevoked{
		ConsentId: c.Id,
		Patient:   c.Patient,
		RevokedBy: revokedBy,
	})
}

func (k Keeper) expireConsent(ctx context.Context, c types.Consent) error {
	c, err := k.endConsent(ctx, c, types.ConsentStatusExpired, "")
	if err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConsentExpired{
		ConsentId: c.Id,
		Patient:   c.Patient,
	})
}

// nextID returns the next id of a sequence; ids start at 1.
func (k Keeper) nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	id, err := seq.Next(ctx)
	if err != nil {
		return 0, err
	}
	if id == 0 { // genesis never ran for this store: skip id 0
		return seq.Next(ctx)
	}
	return id, nil
}

// authorizeForPatient checks that signer may act for patient: the patient
// themselves or a representative whose appointment is in force at the
// block time. It returns the patient's address.
func (k Keeper) authorizeForPatient(ctx context.Context, signer, patient string) (sdk.AccAddress, error) {
	signerAddr, err := k.parseAddress("signer", signer)
	if err != nil {
		return nil, err
	}
	patientAddr, err := k.parseAddress("patient", patient)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(signerAddr, patientAddr) {
		return patientAddr, nil
	}
	rep, err := k.Representatives.Get(ctx, collections.Join(patientAddr, signerAddr))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNotPatientOrRepresentative, "%s may not act for %s", signer, patient)
	}
	if err != nil {
		return nil, err
	}
	if !rep.ActiveAt(sdk.UnwrapSDKContext(ctx).BlockTime()) {
		return nil, errorsmod.Wrapf(types.ErrRepresentativeExpired, "%s's appointment for %s ended at %s",
			signer, patient, rep.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return patientAddr, nil
}

func (k Keeper) checkAuthority(signer string) error {
	if signer != k.authority {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
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
