package keeper

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
// The work is one pass over the keys of this patient's ACTIVE-consent index
// (no consent is read there), one membership check per organization those
// keys name, and at most (1 + memberships) × max_active_consents_per_grantee
// consent reads: other patients' consents cost nothing.
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

	cands, err := k.candidates(ctx, req, activeOrgs, orgsKnown)
	if err != nil {
		return types.AccessDecision{}, types.Consent{}, err
	}
	ev := evaluation{now: now, req: req}
	for _, c := range cands {
		done, err := k.evaluate(ctx, &ev, c.id)
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

// candidate is an ACTIVE consent of the patient naming the accessor
// (org == "") or an ACTIVE organization the accessor acts for.
type candidate struct {
	org string
	id  uint64
}

// candidates returns the patient's ACTIVE consents naming the accessor or
// an ACTIVE organization the accessor acts for, in the order the decision
// weighs them: those naming the accessor's address first, then by
// organization id, each by consent id. It reads only the patient's keys of
// the ACTIVE-consent index, in one pass (one iterator, where a pass per
// grantee and a walk of the accessor's memberships took one each), and
// checks membership only for the organizations those keys name.
func (k Keeper) candidates(ctx context.Context, req types.AccessRequest, activeOrgs []registrytypes.Organization, orgsKnown bool) ([]candidate, error) {
	account := types.AccountGranteeKey(req.Accessor)
	actsFor := map[string]bool{}
	acts := func(orgID string) (bool, error) {
		if ok, seen := actsFor[orgID]; seen {
			return ok, nil
		}
		ok := false
		if orgsKnown {
			for _, org := range activeOrgs {
				if org.Id == orgID {
					ok = org.IsActive()
					break
				}
			}
		} else {
			var err error
			if ok, err = k.registry.IsActiveMember(ctx, orgID, req.Accessor); err != nil {
				return false, err
			}
		}
		actsFor[orgID] = ok
		return ok, nil
	}

	var out []candidate
	rng := collections.NewPrefixedTripleRange[sdk.AccAddress, []byte, uint64](req.Patient)
	iter, err := k.ActiveConsents.Iterate(ctx, rng)
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	for ; iter.Valid(); iter.Next() {
		key, err := iter.Key()
		if err != nil {
			return nil, err
		}
		gk := key.K2()
		c := candidate{id: key.K3()}
		if orgID, isOrg := types.OrganizationOfGranteeKey(gk); isOrg {
			ok, err := acts(orgID)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			c.org = orgID
		} else if !bytes.Equal(gk, account) {
			continue
		}
		out = append(out, c)
	}
	// The index orders grantee keys by length first; the decision weighs
	// them by the accessor's address ("" sorts first), then organization
	// id, then consent id.
	slices.SortFunc(out, func(a, b candidate) int {
		return cmp.Or(strings.Compare(a.org, b.org), cmp.Compare(a.id, b.id))
	})
	return out, nil
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

// evaluate weighs one candidate consent. It reports done once a DENY
// matched: nothing can outweigh it but break-glass, which is checked
// separately.
func (k Keeper) evaluate(ctx context.Context, ev *evaluation, id uint64) (done bool, err error) {
	c, err := k.Consents.Get(ctx, id)
	if err != nil {
		return false, err
	}
	if !c.Covers(ev.req.Action, ev.req.Purpose, ev.req.Category, ev.req.RecordID) {
		return false, nil
	}
	switch {
	case ev.now.Before(c.ValidFrom):
		ev.miss(c, rankNotYetValid, types.ReasonConsentNotYetValid)
		return false, nil
	case !ev.now.Before(c.ExpiresAt):
		ev.miss(c, rankExpired, types.ReasonConsentExpired)
		return false, nil
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
		return false, nil
	}
	if c.Decision == types.DecisionDeny {
		ev.deny = c
		return true, nil
	}
	if ev.permit.Id == 0 {
		ev.permit = c
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
