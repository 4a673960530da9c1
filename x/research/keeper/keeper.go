// Package keeper implements x/research: studies registered before they
// recruit, IRB approval of protocol versions, enrollment tied to a consent
// in x/consent, withdrawal, re-consent after amendments, de-identified
// dataset anchors, results, and the incentive escrow.
package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/types"
)

// ParticipationKey is (study id, patient).
type ParticipationKey = collections.Pair[uint64, sdk.AccAddress]

// Keeper holds the research state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority may change parameters: the governance module account.
	authority string

	registry types.RegistryKeeper
	consent  types.ConsentKeeper
	bank     types.BankKeeper
	accounts types.AccountKeeper

	Schema   collections.Schema
	Params   collections.Item[types.Params]
	StudySeq collections.Sequence
	Studies  collections.Map[uint64, types.Study]
	// StudiesByStatus, StudiesBySponsor and StudiesBySponsorStatus serve the
	// filtered Studies listings with exact pagination.
	StudiesByStatus        collections.KeySet[collections.Pair[int32, uint64]]
	StudiesBySponsor       collections.KeySet[collections.Pair[string, uint64]]
	StudiesBySponsorStatus collections.KeySet[collections.Triple[string, int32, uint64]]
	// ProtocolVersions is keyed by (study id, version).
	ProtocolVersions collections.Map[collections.Pair[uint64, uint32], types.ProtocolVersion]
	Participations   collections.Map[ParticipationKey, types.Participation]
	// ParticipationByConsent maps the id of each participant's current
	// research consent to its participation: the consent guard's one
	// lookup. Withdrawn participations have no entry.
	ParticipationByConsent collections.Map[uint64, ParticipationKey]
	// Datasets is keyed by (study id, index).
	Datasets collections.Map[collections.Pair[uint64, uint32], types.Dataset]
	// DatasetHashes holds (study id, dataset hash) to refuse duplicates.
	DatasetHashes collections.KeySet[collections.Pair[uint64, string]]
}

// NewKeeper returns a research keeper. consent is x/consent's keeper seen
// through types.ConsentKeeper (see NewConsentKeeper).
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	authority string,
	registry types.RegistryKeeper,
	consent types.ConsentKeeper,
	bank types.BankKeeper,
	accounts types.AccountKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid research authority %q: %w", authority, err))
	}
	if accounts.GetModuleAddress(types.ModuleName) == nil {
		panic("the research module account is not in the module account permissions")
	}
	participationKey := collections.PairKeyCodec(collections.Uint64Key, sdk.AccAddressKey)
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		registry:     registry,
		consent:      consent,
		bank:         bank,
		accounts:     accounts,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		StudySeq:     collections.NewSequence(sb, types.StudySeqKey, "study_seq"),
		Studies: collections.NewMap(sb, types.StudiesKey, "studies",
			collections.Uint64Key, codec.CollValue[types.Study](cdc)),
		StudiesByStatus: collections.NewKeySet(sb, types.StudiesByStatusKey, "studies_by_status",
			collections.PairKeyCodec(collections.Int32Key, collections.Uint64Key)),
		StudiesBySponsor: collections.NewKeySet(sb, types.StudiesBySponsorKey, "studies_by_sponsor",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		StudiesBySponsorStatus: collections.NewKeySet(sb, types.StudiesBySponsorStatusKey, "studies_by_sponsor_status",
			collections.TripleKeyCodec(collections.StringKey, collections.Int32Key, collections.Uint64Key)),
		ProtocolVersions: collections.NewMap(sb, types.ProtocolVersionsKey, "protocol_versions",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key), codec.CollValue[types.ProtocolVersion](cdc)),
		Participations: collections.NewMap(sb, types.ParticipationsKey, "participations",
			participationKey, codec.CollValue[types.Participation](cdc)),
		ParticipationByConsent: collections.NewMap(sb, types.ParticipationByConsentKey, "participation_by_consent",
			collections.Uint64Key, collcodec.KeyToValueCodec(participationKey)),
		Datasets: collections.NewMap(sb, types.DatasetsKey, "datasets",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key), codec.CollValue[types.Dataset](cdc)),
		DatasetHashes: collections.NewKeySet(sb, types.DatasetHashesKey, "dataset_hashes",
			collections.PairKeyCodec(collections.Uint64Key, collections.StringKey)),
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

// ModuleAddress is the address of the module account that holds escrow.
func (k Keeper) ModuleAddress() sdk.AccAddress { return k.accounts.GetModuleAddress(types.ModuleName) }

// GetStudy returns the study with id, or ErrStudyNotFound.
func (k Keeper) GetStudy(ctx context.Context, id uint64) (types.Study, error) {
	s, err := k.Studies.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return s, errorsmod.Wrapf(types.ErrStudyNotFound, "study %d", id)
	}
	return s, err
}

// GetParticipation returns a patient's participation in a study, or
// ErrParticipationNotFound.
func (k Keeper) GetParticipation(ctx context.Context, studyID uint64, patient sdk.AccAddress) (types.Participation, error) {
	p, err := k.Participations.Get(ctx, collections.Join(studyID, patient))
	if errors.Is(err, collections.ErrNotFound) {
		return p, errorsmod.Wrapf(types.ErrParticipationNotFound, "%s in study %d", patient, studyID)
	}
	return p, err
}

// ParticipationStatus returns a patient's status in a study at the block
// time of ctx, with the reason research access is suspended ("" if it is
// not).
func (k Keeper) ParticipationStatus(ctx context.Context, studyID uint64, patient sdk.AccAddress) (types.ParticipationStatus, string, error) {
	s, err := k.GetStudy(ctx, studyID)
	if err != nil {
		return types.ParticipationStatusUnspecified, "", err
	}
	p, err := k.GetParticipation(ctx, studyID, patient)
	if err != nil {
		return types.ParticipationStatusUnspecified, "", err
	}
	st, reason := types.ParticipationStatusAt(s, p, sdk.UnwrapSDKContext(ctx).BlockTime())
	return st, reason, nil
}

var _ consenttypes.ConsentGuard = Keeper{}

// ConsentSuspended is the ConsentGuard x/consent asks about every research
// consent that would otherwise decide an access. It costs three reads
// whatever the number of participants: the consent id leads to the
// participation, which leads to the study, and the participation's
// consented_version is compared with the study's versions. It suspends the
// consent while the participant must re-consent (reason
// "reconsent_required") and once the study has ended ("study_ended"); a
// research consent that backs no current participation is suspended too
// ("no_participation"), so that access fails closed.
func (k Keeper) ConsentSuspended(ctx context.Context, c consenttypes.Consent) (bool, string, error) {
	key, err := k.ParticipationByConsent.Get(ctx, c.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return true, types.ReasonNoParticipation, nil
	}
	if err != nil {
		return false, "", err
	}
	p, err := k.Participations.Get(ctx, key)
	if err != nil {
		return false, "", err
	}
	s, err := k.Studies.Get(ctx, key.K1())
	if err != nil {
		return false, "", err
	}
	_, reason := types.ParticipationStatusAt(s, p, sdk.UnwrapSDKContext(ctx).BlockTime())
	return reason != "", reason, nil
}

// insertStudy writes a new study and its indexes.
func (k Keeper) insertStudy(ctx context.Context, s types.Study) error {
	if err := k.StudiesBySponsor.Set(ctx, collections.Join(s.SponsorOrg, s.Id)); err != nil {
		return err
	}
	if err := k.setStatusIndexes(ctx, s); err != nil {
		return err
	}
	return k.Studies.Set(ctx, s.Id, s)
}

// updateStudy writes a study whose status may have changed from old.
func (k Keeper) updateStudy(ctx context.Context, old types.StudyStatus, s types.Study) error {
	if old != s.Status {
		if err := k.StudiesByStatus.Remove(ctx, collections.Join(int32(old), s.Id)); err != nil {
			return err
		}
		if err := k.StudiesBySponsorStatus.Remove(ctx, collections.Join3(s.SponsorOrg, int32(old), s.Id)); err != nil {
			return err
		}
		if err := k.setStatusIndexes(ctx, s); err != nil {
			return err
		}
	}
	return k.Studies.Set(ctx, s.Id, s)
}

func (k Keeper) setStatusIndexes(ctx context.Context, s types.Study) error {
	if err := k.StudiesByStatus.Set(ctx, collections.Join(int32(s.Status), s.Id)); err != nil {
		return err
	}
	return k.StudiesBySponsorStatus.Set(ctx, collections.Join3(s.SponsorOrg, int32(s.Status), s.Id))
}

// createResearchConsent creates, through x/consent, the participant's
// research consent: PERMIT the sponsor organization READ for HRESCH over
// the study's requested categories, until the study's ends_at or block
// time + x/consent's max_consent_duration, whichever is first.
//
// sponsor, when not nil, is the study's sponsor organization as the caller
// read it in this transaction (x/consent then does not read it again).
// x/consent caps the study's ends_at at block time + its
// max_consent_duration (CreateManagedConsentWith with capExpiry).
func (k Keeper) createResearchConsent(ctx context.Context, s types.Study, patient string, sponsor *registrytypes.Organization) (uint64, error) {
	return k.consent.CreateManagedConsentWith(ctx, types.ModuleName, consenttypes.Consent{
		Patient:    patient,
		GranteeOrg: s.SponsorOrg,
		Decision:   consenttypes.DecisionPermit,
		Actions:    []consenttypes.Action{consenttypes.ActionRead},
		Purposes:   []consenttypes.Purpose{consenttypes.PurposeHresch},
		Categories: s.RequestedCategories,
		ExpiresAt:  s.EndsAt,
	}, sponsor, true)
}

// revokeResearchConsent revokes a participant's research consent. A
// consent that already ended (expired with the study) counts as revoked.
func (k Keeper) revokeResearchConsent(ctx context.Context, id uint64) error {
	err := k.consent.RevokeManagedConsent(ctx, types.ModuleName, id)
	if errors.Is(err, consenttypes.ErrConsentNotActive) {
		return nil
	}
	return err
}
