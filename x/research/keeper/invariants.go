package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/research/types"
)

// These checks walk every study and participation: they are for tests
// (after every block), genesis import and offline audits, never for
// message handlers.

// CheckEscrowBalances checks the escrow invariant: for each denom, the
// research module account's balance equals the sum of the escrows of the
// studies in that denom (and the account holds no other denom); and each
// study holds exactly (target_enrollment - enrollment_count) × incentive
// while it runs, nothing once COMPLETED or TERMINATED.
func (k Keeper) CheckEscrowBalances(ctx context.Context) error {
	sums := make(map[string]math.Int)
	err := k.Studies.Walk(ctx, nil, func(id uint64, s types.Study) (bool, error) {
		want, err := s.ExpectedEscrow()
		if err != nil {
			return true, err
		}
		if s.Escrow.Denom != want.Denom || !s.Escrow.Amount.Equal(want.Amount) {
			return true, fmt.Errorf("study %d: escrow %s, expected %s", id, s.Escrow, want)
		}
		if sum, ok := sums[s.Escrow.Denom]; ok {
			sums[s.Escrow.Denom] = sum.Add(s.Escrow.Amount)
		} else {
			sums[s.Escrow.Denom] = s.Escrow.Amount
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	balances := k.bank.GetAllBalances(ctx, k.ModuleAddress())
	denoms := make([]string, 0, len(sums))
	for d := range sums {
		denoms = append(denoms, d)
	}
	slices.Sort(denoms)
	for _, d := range denoms {
		if got := balances.AmountOf(d); !got.Equal(sums[d]) {
			return fmt.Errorf("escrow of %s: module account holds %s, studies hold %s", d, got, sums[d])
		}
	}
	for _, c := range balances {
		if _, ok := sums[c.Denom]; !ok && c.Amount.IsPositive() {
			return fmt.Errorf("escrow of %s: module account holds %s, no study holds it", c.Denom, c.Amount)
		}
	}
	return nil
}

// CheckParticipations checks each study's counts against its
// participations and that the consent index maps exactly the current
// (not withdrawn) participations' consents back to them.
func (k Keeper) CheckParticipations(ctx context.Context) error {
	type counts struct{ enrolled, withdrawn, current uint32 }
	per := make(map[uint64]*counts)
	indexed := 0
	err := k.Participations.Walk(ctx, nil, func(key ParticipationKey, p types.Participation) (bool, error) {
		s, err := k.Studies.Get(ctx, key.K1())
		if err != nil {
			return true, fmt.Errorf("participation in study %d: %w", key.K1(), err)
		}
		c, ok := per[s.Id]
		if !ok {
			c = &counts{}
			per[s.Id] = c
		}
		c.enrolled++
		if p.IsWithdrawn() {
			c.withdrawn++
			return false, nil
		}
		if p.ConsentedVersion == s.ProtocolVersion {
			c.current++
		}
		back, err := k.ParticipationByConsent.Get(ctx, p.ConsentId)
		if err != nil || back.K1() != key.K1() || !back.K2().Equals(key.K2()) {
			return true, fmt.Errorf("study %d: consent %d of a participant is not indexed back to it (%v)", s.Id, p.ConsentId, err)
		}
		indexed++
		return false, nil
	})
	if err != nil {
		return err
	}
	err = k.Studies.Walk(ctx, nil, func(id uint64, s types.Study) (bool, error) {
		c, ok := per[id]
		if !ok {
			c = &counts{}
		}
		if c.enrolled != s.EnrollmentCount || c.withdrawn != s.WithdrawalCount || c.current != s.CurrentVersionConsents {
			return true, fmt.Errorf("study %d: counts %d/%d/%d (enrolled/withdrawn/current version), participations say %d/%d/%d",
				id, s.EnrollmentCount, s.WithdrawalCount, s.CurrentVersionConsents, c.enrolled, c.withdrawn, c.current)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	entries := 0
	err = k.ParticipationByConsent.Walk(ctx, nil, func(uint64, ParticipationKey) (bool, error) {
		entries++
		return false, nil
	})
	if err != nil {
		return err
	}
	if entries != indexed {
		return fmt.Errorf("the consent index holds %d entries for %d current participations", entries, indexed)
	}
	return nil
}

// CheckInvariants runs every check above.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	if err := k.CheckEscrowBalances(ctx); err != nil {
		return err
	}
	return k.CheckParticipations(ctx)
}

// EscrowInvariant is the escrow invariant in the SDK's invariant form, for
// chains that still run x/crisis-style invariant checks.
//
//nolint:staticcheck // the SDK's invariant types are deprecated with x/crisis; CheckInvariants is the primary API.
func EscrowInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		if err := k.CheckInvariants(ctx); err != nil {
			return sdk.FormatInvariant(types.ModuleName, "escrow", err.Error()), true
		}
		return sdk.FormatInvariant(types.ModuleName, "escrow", "module account balance equals the sum of study escrows"), false
	}
}

// RegisterInvariants registers the research invariants.
//
//nolint:staticcheck // see EscrowInvariant.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "escrow", EscrowInvariant(k))
}
