package keeper_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
)

// TestDecisionMatchesReferenceModel grants random consent sets and compares
// CheckAccess with a direct reading of the rules on many random requests:
// a consent applies when it names the accessor or an ACTIVE org they act
// for, is ACTIVE, valid_from <= now < expires_at, and covers action,
// purpose, category and record; any applicable DENY beats any applicable
// PERMIT; otherwise DENY.
func TestDecisionMatchesReferenceModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	categories := []string{"Observation", "Condition", "mental-health"}
	pick := func(n int) []int { // a random non-empty subset of 0..n-1
		var out []int
		for len(out) == 0 {
			for i := range n {
				if rng.IntN(2) == 0 {
					out = append(out, i)
				}
			}
		}
		return out
	}
	for trial := range 150 {
		f := newFixture(t)
		start := f.now()
		var granted []types.Consent
		for range 1 + rng.IntN(8) {
			msg := f.orgGrant(f.alice)
			switch rng.IntN(3) {
			case 0:
				msg.GranteeOrg = mercy
			case 1:
				msg.GranteeOrg, msg.Grantee = "", f.s(f.doctor)
			case 2:
				msg.GranteeOrg = acme
			}
			if rng.IntN(3) == 0 {
				msg.Decision = types.DecisionDeny
			}
			msg.Actions = nil
			for _, i := range pick(2) {
				msg.Actions = append(msg.Actions, types.Action(i+1))
			}
			msg.Purposes = nil
			for _, i := range pick(3) {
				msg.Purposes = append(msg.Purposes, []types.Purpose{types.PurposeTreat, types.PurposeEtreat, types.PurposeHresch}[i])
			}
			if rng.IntN(2) == 0 {
				for _, i := range pick(len(categories)) {
					msg.Categories = append(msg.Categories, categories[i])
				}
			}
			if rng.IntN(4) == 0 {
				msg.RecordIds = []uint64{uint64(1 + rng.IntN(2))}
			}
			validFrom := start.Add(time.Duration(rng.IntN(2)) * time.Hour)
			msg.ValidFrom = &validFrom
			msg.ExpiresAt = start.Add(time.Duration(2+rng.IntN(4)) * time.Hour)
			id := f.grant(msg)
			if rng.IntN(5) == 0 {
				_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: id})
				require.NoError(t, err)
			}
			c, err := f.k.GetConsent(f.ctx, id)
			require.NoError(t, err)
			granted = append(granted, c)
		}
		if rng.IntN(3) == 0 { // sometimes let EndBlock catch up first
			f.at(start.Add(4 * time.Hour))
			_, err := f.k.EndBlocker(f.ctx)
			require.NoError(t, err)
		}

		for range 40 {
			accessor := []sdk.AccAddress{f.doctor, f.admin, f.clerk, f.outsider}[rng.IntN(4)]
			req := types.AccessRequest{
				Accessor: accessor, Patient: f.alice,
				Action:   types.Action(1 + rng.IntN(2)),
				Purpose:  []types.Purpose{types.PurposeTreat, types.PurposeEtreat, types.PurposeHresch, types.PurposeHpaymt}[rng.IntN(4)],
				RecordID: uint64(rng.IntN(3)),
			}
			if i := rng.IntN(len(categories) + 1); i < len(categories) {
				req.Category = categories[i]
			}
			now := start.Add(time.Duration(rng.IntN(7*60)) * time.Minute)
			if f.now().After(now) {
				now = f.now() // never go back before an EndBlock that ran
			}
			f.at(now)

			want := types.DecisionDeny
			var permits, denies []uint64
			for _, c := range granted {
				if !modelApplies(f, c, req, now) {
					continue
				}
				if c.Decision == types.DecisionDeny {
					denies = append(denies, c.Id)
				} else {
					permits = append(permits, c.Id)
				}
			}
			if len(denies) == 0 && len(permits) > 0 {
				want = types.DecisionPermit
			}
			got := f.check(req.Accessor, req.Patient, req.Action, req.Purpose, req.Category, req.RecordID)
			require.Equal(t, want, got.Decision, "trial %d: %+v at %s; consents %+v; got %+v", trial, req, now, granted, got)
			switch {
			case len(denies) > 0:
				require.Contains(t, denies, got.ConsentID)
			case len(permits) > 0:
				require.Contains(t, permits, got.ConsentID)
			}
		}
	}
}

// modelApplies is the rule, written independently of the keeper.
func modelApplies(f *fixture, c types.Consent, req types.AccessRequest, now time.Time) bool {
	if c.Status == types.ConsentStatusRevoked {
		return false
	}
	names := c.Grantee == f.s(req.Accessor) ||
		(c.GranteeOrg == mercy && (req.Accessor.Equals(f.doctor) || req.Accessor.Equals(f.admin))) ||
		(c.GranteeOrg == acme && req.Accessor.Equals(f.clerk))
	if !names || now.Before(c.ValidFrom) || !now.Before(c.ExpiresAt) {
		return false
	}
	if !slices.Contains(c.Actions, req.Action) || !slices.Contains(c.Purposes, req.Purpose) {
		return false
	}
	if len(c.Categories) > 0 && !slices.Contains(c.Categories, req.Category) {
		return false
	}
	if len(c.RecordIds) > 0 && !slices.Contains(c.RecordIds, req.RecordID) {
		return false
	}
	return true
}
