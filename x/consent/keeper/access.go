package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// CheckAccess decides whether req.Accessor may perform req.Action on
// req.Patient's data of req.Category (and record req.RecordID) for
// req.Purpose at the current block time. It returns an error only for a
// malformed request or a store failure; a refusal is Decision = DENY with a
// reason. The algorithm (README.md, "The access decision"):
//
//  1. The patient is always permitted (reason "patient").
//  2. Candidates are the patient's ACTIVE consents naming the accessor's
//     address or any ACTIVE organization the accessor acts for.
//  3. A candidate matches when it covers the request (action, purpose,
//     category, record), valid_from <= now < expires_at, and the module
//     managing it (if any) does not suspend it.
//  4. Any matching DENY beats any matching PERMIT.
//  5. A matching PERMIT, with no matching DENY, permits (reason "consent").
//  6. Otherwise, for purpose ETREAT, an open break-glass grant of this
//     accessor for this patient permits (reason "break_glass"), overriding
//     DENY provisions.
//  7. Otherwise DENY.
//
// The work is bounded by (1 + memberships) × max_active_consents_per_grantee
// consent reads, all under this patient's keys: other patients' consents
// cost nothing.
func (k Keeper) CheckAccess(ctx context.Context, req types.AccessRequest) (types.AccessDecision, error) {
	d, _, err := k.decide(ctx, req, nil, false)
	return d, err
}

// CheckAccessWithConsent is CheckAccess that also returns the consent
// the decision names (d.ConsentID), as read during the decision, so that
// the caller need not read it again; the zero Consent when the decision
// names none.
func (k Keeper) CheckAccessWithConsent(ctx context.Context, req types.AccessRequest) (types.AccessDecision, types.Consent, error) {
	return k.decide(ctx, req, nil, false)
}

// CheckAccessWithOrganizations is CheckAccessWithConsent for a caller that
// has already read the ACTIVE organizations req.Accessor acts for with
// x/registry's ActiveOrganizations (in id order, in this transaction): the
// decision uses activeOrgs instead of reading the accessor's memberships
// and organizations again. Passing anything else than that list changes
// the decision; organizations in it that are not ACTIVE are skipped.
func (k Keeper) CheckAccessWithOrganizations(ctx context.Context, req types.AccessRequest, activeOrgs []registrytypes.Organization) (types.AccessDecision, types.Consent, error) {
	return k.decide(ctx, req, activeOrgs, true)
}

// decide is CheckAccess; with orgsKnown, activeOrgs are the accessor's
// ACTIVE organizations (else they are read from x/registry).
func (k Keeper) decide(ctx context.Context, req types.AccessRequest, activeOrgs []registrytypes.Organization, orgsKnown bool) (types.AccessDecision, types.Consent, error) {
	if err := validateAccessRequest(req); err != nil {
		return types.AccessDecision{}, types.Consent{}, errorsmod.Wrap(types.ErrInvalidAccessRequest, err.Error())
	}
	if bytes.Equal(req.Accessor, req.Patient) {
		return types.AccessDecision{Decision: types.DecisionPermit, Reason: types.ReasonPatient}, types.Consent{}, nil
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()

	var keys [][]byte
	if orgsKnown {
		keys = granteeKeysOf(req.Accessor, activeOrgs)
	} else {
		var err error
		if keys, err = k.accessorGranteeKeys(ctx, req.Accessor); err != nil {
			return types.AccessDecision{}, types.Consent{}, err
		}
	}
	ev := evaluation{now: now, req: req}
	for _, gk := range keys {
		done, err := k.evaluateGrantee(ctx, &ev, req.Patient, gk)
		if err != nil {
			return types.AccessDecision{}, types.Consent{}, err
		}
		if done {
			break
		}
	}

	if ev.deny.Id == 0 && ev.permit.Id != 0 {
		return types.AccessDecision{Decision: types.DecisionPermit, ConsentID: ev.permit.Id, Reason: types.ReasonConsent}, ev.permit, nil
	}
	if req.Purpose == types.PurposeEtreat {
		bgID, err := k.openBreakGlass(ctx, req.Patient, req.Accessor, now)
		if err != nil {
			return types.AccessDecision{}, types.Consent{}, err
		}
		if bgID != 0 {
			return types.AccessDecision{Decision: types.DecisionPermit, BreakGlassID: bgID, Reason: types.ReasonBreakGlass}, types.Consent{}, nil
		}
	}
	if ev.deny.Id != 0 {
		return types.AccessDecision{Decision: types.DecisionDeny, ConsentID: ev.deny.Id, Reason: types.ReasonDeniedByConsent}, ev.deny, nil
	}
	reason := ev.missReason
	if reason == "" {
		reason = types.ReasonNoConsent
	}
	return types.AccessDecision{Decision: types.DecisionDeny, ConsentID: ev.missed.Id, Reason: reason}, ev.missed, nil
}

func validateAccessRequest(req types.AccessRequest) error {
	if len(req.Accessor) == 0 {
		return fmt.Errorf("accessor is required")
	}
	if len(req.Patient) == 0 {
		return fmt.Errorf("patient is required")
	}
	if err := types.ValidateAction(req.Action); err != nil {
		return err
	}
	if err := types.ValidatePurpose(req.Purpose); err != nil {
		return err
	}
	if req.Category != "" {
		if err := types.ValidateCategory(req.Category); err != nil {
			return err
		}
	}
	return nil
}

// accessorGranteeKeys returns the grantee keys a consent may name to reach
// the accessor: their own address, then every ACTIVE organization they act
// for, in organization id order. Memberships are bounded by the registry's
// max_memberships_per_account.
func (k Keeper) accessorGranteeKeys(ctx context.Context, accessor sdk.AccAddress) ([][]byte, error) {
	orgIDs, err := k.registry.MemberOrganizationIDs(ctx, accessor)
	if err != nil {
		return nil, err
	}
	keys := make([][]byte, 0, 1+len(orgIDs))
	keys = append(keys, types.AccountGranteeKey(accessor))
	for _, id := range orgIDs {
		org, err := k.registry.GetOrganization(ctx, id)
		if err != nil {
			return nil, err
		}
		if org.IsActive() {
			keys = append(keys, types.OrganizationGranteeKey(id))
		}
	}
	return keys, nil
}

// granteeKeysOf is accessorGranteeKeys for an accessor whose ACTIVE
// organizations the caller has read.
func granteeKeysOf(accessor sdk.AccAddress, activeOrgs []registrytypes.Organization) [][]byte {
	keys := make([][]byte, 0, 1+len(activeOrgs))
	keys = append(keys, types.AccountGranteeKey(accessor))
	for _, org := range activeOrgs {
		if org.IsActive() {
			keys = append(keys, types.OrganizationGranteeKey(org.Id))
		}
	}
	return keys
}

// evaluation accumulates what the candidate consents say.
type evaluation struct {
	now time.Time
	req types.AccessRequest

	// deny and permit are the first matching DENY and PERMIT (zero
	// Consent when none).
	deny   types.Consent
	permit types.Consent
	// missed and missReason explain a DENY when a PERMIT covered the
	// request but was not in effect.
	missed     types.Consent
	missReason string
	missRank   int
}

// Ranks of "almost permitted" reasons: the highest explains the DENY.
const (
	rankNotYetValid = 1
	rankExpired     = 2
	rankSuspended   = 3
)

// evaluateGrantee reads the patient's ACTIVE consents for one grantee key.
// It reports done once a DENY matched: nothing can outweigh it but
// break-glass, which is checked separately.
func (k Keeper) evaluateGrantee(ctx context.Context, ev *evaluation, patient sdk.AccAddress, granteeKey []byte) (done bool, err error) {
	rng := collections.NewSuperPrefixedTripleRange[sdk.AccAddress, []byte, uint64](patient, granteeKey)
	iter, err := k.ActiveConsents.Iterate(ctx, rng)
	if err != nil {
		return false, err
	}
	defer iter.Close()
	for ; iter.Valid(); iter.Next() {
		key, err := iter.Key()
		if err != nil {
			return false, err
		}
		c, err := k.Consents.Get(ctx, key.K3())
		if err != nil {
			return false, err
		}
		if !c.Covers(ev.req.Action, ev.req.Purpose, ev.req.Category, ev.req.RecordID) {
			continue
		}
		switch {
		case ev.now.Before(c.ValidFrom):
			ev.miss(c, rankNotYetValid, types.ReasonConsentNotYetValid)
			continue
		case !ev.now.Before(c.ExpiresAt):
			ev.miss(c, rankExpired, types.ReasonConsentExpired)
			continue
		}
		suspended, reason, err := k.suspended(ctx, c)
		if err != nil {
			return false, err
		}
		if suspended {
			if reason == "" {
				reason = types.ReasonConsentSuspended
			}
			ev.miss(c, rankSuspended, reason)
			continue
		}
		if c.Decision == types.DecisionDeny {
			ev.deny = c
			return true, nil
		}
		if ev.permit.Id == 0 {
			ev.permit = c
		}
	}
	return false, nil
}

func (ev *evaluation) miss(c types.Consent, rank int, reason string) {
	if c.Decision != types.DecisionPermit || rank <= ev.missRank {
		return
	}
	ev.missed, ev.missRank, ev.missReason = c, rank, reason
}

// suspended asks the guard of the module managing c, if any.
func (k Keeper) suspended(ctx context.Context, c types.Consent) (bool, string, error) {
	if !c.IsManaged() {
		return false, "", nil
	}
	g, ok := k.guards.guards[c.ManagedBy]
	if !ok {
		return false, "", nil
	}
	suspended, reason, err := g.ConsentSuspended(ctx, c)
	if err != nil {
		return false, "", fmt.Errorf("guard of %q on consent %d: %w", c.ManagedBy, c.Id, err)
	}
	return suspended, reason, nil
}

// openBreakGlass returns the id of the accessor's open break-glass grant
// for the patient, or 0. A grant stops permitting when it expires, when it
// is reviewed as unjustified, or when the accessor no longer acts for an
// ACTIVE PROVIDER organization it was opened under.
func (k Keeper) openBreakGlass(ctx context.Context, patient, accessor sdk.AccAddress, now time.Time) (uint64, error) {
	id, err := k.LatestBreakGlass.Get(ctx, collections.Join(patient, accessor))
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	g, err := k.BreakGlassGrants.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if !g.OpenAt(now) {
		return 0, nil
	}
	member, err := k.registry.IsActiveMember(ctx, g.OrganizationId, accessor)
	if err != nil || !member {
		return 0, err
	}
	org, err := k.registry.GetOrganization(ctx, g.OrganizationId)
	if err != nil {
		return 0, err
	}
	if !org.HasRole(registrytypes.RoleProvider) {
		return 0, nil
	}
	return id, nil
}
