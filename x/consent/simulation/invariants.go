package simulation

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
)

// CheckState checks the consent state against the grants and revocations
// it records. It walks every consent, so it is for simulations and tests,
// never for message handlers:
//
//   - every consent id was issued by the sequence, and every index (by
//     patient, by patient and status, by grantee) lists it;
//   - a consent is in the active index and the expiry queue exactly when it
//     is ACTIVE; a REVOKED consent records who revoked it and when, and no
//     other consent does; an EXPIRED consent's expires_at has passed;
//   - the decision agrees: CheckAccess never cites a REVOKED or EXPIRED
//     consent; an ACTIVE PERMIT in effect permits its grantee (unless an
//     ACTIVE DENY in effect covers the same request); an ACTIVE DENY in
//     effect denies (unless an open break-glass grant permits ETREAT);
//   - representatives and their reverse index agree; every break-glass
//     grant is indexed by patient and organization, and the latest-grant
//     pointer of its (patient, accessor) is at least its id.
func CheckState(ctx context.Context, k keeper.Keeper, rk registrykeeper.Keeper) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := sdkCtx.BlockTime()
	ac := k.AddressCodec()
	next, err := k.ConsentSeq.Peek(ctx)
	if err != nil {
		return err
	}
	active := 0
	err = k.Consents.Walk(ctx, nil, func(id uint64, c types.Consent) (bool, error) {
		if id != c.Id || id == 0 || id >= next {
			return true, fmt.Errorf("consent stored under %d has id %d; the sequence is at %d", id, c.Id, next)
		}
		patient, err := ac.StringToBytes(c.Patient)
		if err != nil {
			return true, fmt.Errorf("consent %d: patient %q: %w", id, c.Patient, err)
		}
		gk := types.OrganizationGranteeKey(c.GranteeOrg)
		if c.GranteeOrg == "" {
			grantee, err := ac.StringToBytes(c.Grantee)
			if err != nil {
				return true, fmt.Errorf("consent %d: grantee %q: %w", id, c.Grantee, err)
			}
			gk = types.AccountGranteeKey(grantee)
		}
		checks := []struct {
			name string
			has  func() (bool, error)
			want bool
		}{
			{"by-patient index", func() (bool, error) {
				return k.ConsentsByPatient.Has(ctx, collections.Join(sdk.AccAddress(patient), id))
			}, true},
			{"by-patient-status index", func() (bool, error) {
				return k.ConsentsByPatientStatus.Has(ctx, collections.Join3(sdk.AccAddress(patient), int32(c.Status), id))
			}, true},
			{"by-grantee index", func() (bool, error) { return k.ConsentsByGrantee.Has(ctx, collections.Join(gk, id)) }, true},
			{"active index", func() (bool, error) {
				return k.ActiveConsents.Has(ctx, collections.Join3(sdk.AccAddress(patient), gk, id))
			}, c.Status == types.ConsentStatusActive},
			{"expiry queue", func() (bool, error) { return k.ExpiryQueue.Has(ctx, collections.Join(c.ExpiresAt.UnixNano(), id)) }, c.Status == types.ConsentStatusActive},
		}
		for _, ch := range checks {
			has, err := ch.has()
			if err != nil {
				return true, err
			}
			if has != ch.want {
				return true, fmt.Errorf("consent %d (%s): in %s = %v, want %v", id, c.Status, ch.name, has, ch.want)
			}
		}
		switch c.Status {
		case types.ConsentStatusActive:
			active++
			if c.RevokedAt != nil || c.RevokedBy != "" {
				return true, fmt.Errorf("ACTIVE consent %d records a revocation", id)
			}
		case types.ConsentStatusRevoked:
			if c.RevokedAt == nil || c.RevokedBy == "" {
				return true, fmt.Errorf("REVOKED consent %d does not record who revoked it and when", id)
			}
		case types.ConsentStatusExpired:
			if c.RevokedAt != nil || c.RevokedBy != "" {
				return true, fmt.Errorf("EXPIRED consent %d records a revocation", id)
			}
			if now.Before(c.ExpiresAt) {
				return true, fmt.Errorf("consent %d is EXPIRED before its expires_at %s (block time %s)", id, c.ExpiresAt, now)
			}
		default:
			return true, fmt.Errorf("consent %d has status %s", id, c.Status)
		}
		return false, checkDecision(ctx, k, rk, c, sdk.AccAddress(patient))
	})
	if err != nil {
		return err
	}
	indexed := 0
	err = k.ActiveConsents.Walk(ctx, nil, func(collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
		indexed++
		return false, nil
	})
	if err != nil {
		return err
	}
	if indexed != active {
		return fmt.Errorf("active index holds %d consents, %d consents are ACTIVE", indexed, active)
	}
	if err := checkRepresentatives(ctx, k); err != nil {
		return err
	}
	return checkBreakGlass(ctx, k)
}

// checkDecision asks CheckAccess about a request the consent covers.
func checkDecision(ctx context.Context, k keeper.Keeper, rk registrykeeper.Keeper, c types.Consent, patient sdk.AccAddress) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	var accessor sdk.AccAddress
	if c.GranteeOrg == "" {
		accessor, _ = k.AddressCodec().StringToBytes(c.Grantee)
	} else {
		org, err := rk.GetOrganization(ctx, c.GranteeOrg)
		if err != nil {
			return fmt.Errorf("consent %d names unknown organization %q", c.Id, c.GranteeOrg)
		}
		if !org.IsActive() {
			return nil // a suspended organization's members get nothing from it
		}
		rng := collections.NewPrefixedPairRange[string, sdk.AccAddress](org.Id)
		_ = rk.Members.Walk(ctx, rng, func(m collections.Pair[string, sdk.AccAddress]) (bool, error) {
			if !m.K2().Equals(patient) {
				accessor = m.K2()
				return true, nil
			}
			return false, nil
		})
		if accessor == nil {
			return nil
		}
	}
	req := types.AccessRequest{Accessor: accessor, Patient: patient, Action: c.Actions[0], Purpose: c.Purposes[0], Category: "Observation"}
	if len(c.Categories) > 0 {
		req.Category = c.Categories[0]
	}
	if len(c.RecordIds) > 0 {
		req.RecordID = c.RecordIds[0]
	}
	d, err := k.CheckAccess(ctx, req)
	if err != nil {
		return fmt.Errorf("consent %d: CheckAccess: %w", c.Id, err)
	}
	if c.Status != types.ConsentStatusActive {
		if d.ConsentID == c.Id {
			return fmt.Errorf("CheckAccess cites %s consent %d: %+v", c.Status, c.Id, d)
		}
		return nil
	}
	if now.Before(c.ValidFrom) || !now.Before(c.ExpiresAt) {
		if d.Permitted() && d.ConsentID == c.Id {
			return fmt.Errorf("CheckAccess permits on consent %d outside its validity: %+v", c.Id, d)
		}
		return nil
	}
	if c.Decision == types.DecisionDeny {
		switch {
		case !d.Permitted() && d.ConsentID != 0 && d.Reason == types.ReasonDeniedByConsent:
		case d.Permitted() && d.BreakGlassID != 0 && req.Purpose == types.PurposeEtreat:
		default:
			return fmt.Errorf("ACTIVE DENY consent %d in effect, CheckAccess says %+v", c.Id, d)
		}
		return nil
	}
	if d.Permitted() {
		return nil
	}
	if d.Reason != types.ReasonDeniedByConsent || d.ConsentID == 0 {
		return fmt.Errorf("ACTIVE PERMIT consent %d in effect, CheckAccess says %+v", c.Id, d)
	}
	deny, err := k.GetConsent(ctx, d.ConsentID)
	if err != nil || deny.Decision != types.DecisionDeny || deny.Status != types.ConsentStatusActive {
		return fmt.Errorf("consent %d denied by consent %d, which is not an ACTIVE DENY (%+v, %v)", c.Id, d.ConsentID, deny, err)
	}
	return nil
}

func checkRepresentatives(ctx context.Context, k keeper.Keeper) error {
	n := 0
	err := k.Representatives.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, sdk.AccAddress], _ types.Representative) (bool, error) {
		n++
		has, err := k.RepresentedPatients.Has(ctx, collections.Join(key.K2(), key.K1()))
		if err != nil || !has {
			return true, fmt.Errorf("representative %s of %s is missing from the reverse index (%v)", key.K2(), key.K1(), err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	m := 0
	if err := k.RepresentedPatients.Walk(ctx, nil, func(collections.Pair[sdk.AccAddress, sdk.AccAddress]) (bool, error) {
		m++
		return false, nil
	}); err != nil {
		return err
	}
	if n != m {
		return fmt.Errorf("%d representatives, %d reverse index entries", n, m)
	}
	return nil
}

func checkBreakGlass(ctx context.Context, k keeper.Keeper) error {
	ac := k.AddressCodec()
	return k.BreakGlassGrants.Walk(ctx, nil, func(id uint64, g types.BreakGlassGrant) (bool, error) {
		patient, err := ac.StringToBytes(g.Patient)
		if err != nil {
			return true, err
		}
		accessor, err := ac.StringToBytes(g.Accessor)
		if err != nil {
			return true, err
		}
		if has, err := k.BreakGlassByPatient.Has(ctx, collections.Join(sdk.AccAddress(patient), id)); err != nil || !has {
			return true, fmt.Errorf("break-glass %d is not indexed by patient (%v)", id, err)
		}
		if has, err := k.BreakGlassByOrg.Has(ctx, collections.Join(g.OrganizationId, id)); err != nil || !has {
			return true, fmt.Errorf("break-glass %d is not indexed by organization (%v)", id, err)
		}
		latest, err := k.LatestBreakGlass.Get(ctx, collections.Join(sdk.AccAddress(patient), sdk.AccAddress(accessor)))
		if err != nil || latest < id {
			return true, fmt.Errorf("break-glass %d: latest pointer is %d (%v)", id, latest, err)
		}
		return false, nil
	})
}
