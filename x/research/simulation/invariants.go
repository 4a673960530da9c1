package simulation

import (
	"context"
	"fmt"
	"slices"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/research/keeper"
	"github.com/carechain/carechain/x/research/types"
)

// CheckState asserts the research invariants (it walks every study and
// participation: for tests and audits, never for handlers):
//
//   - keeper.CheckInvariants: per denom, the research module account holds
//     exactly the sum of the study escrows; each running study holds
//     incentive × (target − enrolled), a COMPLETED or TERMINATED one
//     nothing; every study's enrolled, withdrawn and current-version counts
//     agree with its participations, and the consent index maps exactly the
//     current participations' consents back to them;
//   - every participation's consent is the research consent x/research
//     created for it: managed by research, the participant's, PERMIT READ
//     for HRESCH to the sponsor organization, over the study's categories
//     when the participant consented to the current version; ACTIVE (or
//     EXPIRED once past expires_at) while the participant takes part, never
//     ACTIVE after a withdrawal.
func CheckState(ctx context.Context, k keeper.Keeper, ck consentkeeper.Keeper) error {
	if err := k.CheckInvariants(ctx); err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	return k.Participations.Walk(ctx, nil, func(key keeper.ParticipationKey, p types.Participation) (bool, error) {
		s, err := k.GetStudy(ctx, key.K1())
		if err != nil {
			return true, err
		}
		c, err := ck.GetConsent(ctx, p.ConsentId)
		if err != nil {
			return true, fmt.Errorf("study %d participant %s: consent %d: %w", s.Id, p.Patient, p.ConsentId, err)
		}
		switch {
		case c.ManagedBy != types.ModuleName || c.Patient != p.Patient || c.GranteeOrg != s.SponsorOrg ||
			c.Decision != consenttypes.DecisionPermit ||
			!slices.Equal(c.Actions, []consenttypes.Action{consenttypes.ActionRead}) ||
			!slices.Equal(c.Purposes, []consenttypes.Purpose{consenttypes.PurposeHresch}):
			return true, fmt.Errorf("study %d participant %s: consent %d is not its research consent: %+v", s.Id, p.Patient, c.Id, c)
		case p.ConsentedVersion == s.ProtocolVersion && !p.IsWithdrawn() && !slices.Equal(c.Categories, s.RequestedCategories):
			return true, fmt.Errorf("study %d participant %s: consent %d covers %v, the study requests %v", s.Id, p.Patient, c.Id, c.Categories, s.RequestedCategories)
		case p.IsWithdrawn() && c.Status == consenttypes.ConsentStatusActive:
			return true, fmt.Errorf("study %d: a withdrawn participant's consent %d is still ACTIVE", s.Id, c.Id)
		case !p.IsWithdrawn() && c.Status == consenttypes.ConsentStatusRevoked:
			return true, fmt.Errorf("study %d: participant %s's consent %d is REVOKED", s.Id, p.Patient, c.Id)
		case !p.IsWithdrawn() && c.Status == consenttypes.ConsentStatusExpired && now.Before(c.ExpiresAt):
			return true, fmt.Errorf("study %d: participant %s's consent %d EXPIRED before expires_at", s.Id, p.Patient, c.Id)
		}
		return false, nil
	})
}
