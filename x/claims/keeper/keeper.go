// Package keeper implements x/claims: coverage plans with escrow, member
// enrollment, claim submission with deterministic auto-adjudication, payer
// review, appeals and payout from escrow.
package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/claims/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// BenefitKey is (plan id, patient, benefit year).
type BenefitKey = collections.Triple[uint64, sdk.AccAddress, int32]

// Keeper holds the claims state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority may change parameters: the governance module account.
	authority string

	registry types.RegistryKeeper
	records  types.RecordsKeeper
	bank     types.BankKeeper
	accounts types.AccountKeeper

	Schema           collections.Schema
	Params           collections.Item[types.Params]
	PlanSeq          collections.Sequence
	Plans            collections.Map[uint64, types.Plan]
	PlansByPayer     collections.KeySet[collections.Pair[string, uint64]]
	Enrollments      collections.Map[collections.Pair[uint64, sdk.AccAddress], types.Enrollment]
	ClaimSeq         collections.Sequence
	Claims           collections.Map[uint64, types.Claim]
	ClaimsByProvider collections.KeySet[collections.Pair[string, uint64]]
	ClaimsByPatient  collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	ClaimsByPlan     collections.KeySet[collections.Pair[uint64, uint64]]
	ClaimsByStatus   collections.KeySet[collections.Pair[int32, uint64]]
	// LiveFingerprints maps the fingerprint of every claim that holds it
	// (types.Claim.HoldsFingerprint) to the claim id.
	LiveFingerprints collections.Map[string, uint64]
	// AwaitingFunds queues AWAITING_FUNDS claims per plan in claim-id order.
	AwaitingFunds collections.KeySet[collections.Pair[uint64, uint64]]
	// BenefitUsage is what each member's claims have paid, reserved or await
	// per plan and benefit year (calendar year of the service date, UTC).
	BenefitUsage collections.Map[BenefitKey, math.Int]
}

// NewKeeper returns a claims keeper.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	authority string,
	registry types.RegistryKeeper,
	records types.RecordsKeeper,
	bank types.BankKeeper,
	accounts types.AccountKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid claims authority %q: %w", authority, err))
	}
	if accounts.GetModuleAddress(types.ModuleName) == nil {
		panic("the claims module account is not in the module account permissions")
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		registry:     registry,
		records:      records,
		bank:         bank,
		accounts:     accounts,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		PlanSeq:      collections.NewSequence(sb, types.PlanSeqKey, "plan_seq"),
		Plans: collections.NewMap(sb, types.PlansKey, "plans",
			collections.Uint64Key, codec.CollValue[types.Plan](cdc)),
		PlansByPayer: collections.NewKeySet(sb, types.PlansByPayerKey, "plans_by_payer",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		Enrollments: collections.NewMap(sb, types.EnrollmentsKey, "enrollments",
			collections.PairKeyCodec(collections.Uint64Key, sdk.AccAddressKey), codec.CollValue[types.Enrollment](cdc)),
		ClaimSeq: collections.NewSequence(sb, types.ClaimSeqKey, "claim_seq"),
		Claims: collections.NewMap(sb, types.ClaimsKey, "claims",
			collections.Uint64Key, codec.CollValue[types.Claim](cdc)),
		ClaimsByProvider: collections.NewKeySet(sb, types.ClaimsByProviderKey, "claims_by_provider",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		ClaimsByPatient: collections.NewKeySet(sb, types.ClaimsByPatientKey, "claims_by_patient",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		ClaimsByPlan: collections.NewKeySet(sb, types.ClaimsByPlanKey, "claims_by_plan",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
		ClaimsByStatus: collections.NewKeySet(sb, types.ClaimsByStatusKey, "claims_by_status",
			collections.PairKeyCodec(collections.Int32Key, collections.Uint64Key)),
		LiveFingerprints: collections.NewMap(sb, types.LiveFingerprintsKey, "live_fingerprints",
			collections.StringKey, collections.Uint64Value),
		AwaitingFunds: collections.NewKeySet(sb, types.AwaitingFundsKey, "awaiting_funds",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
		BenefitUsage: collections.NewMap(sb, types.BenefitUsageKey, "benefit_usage",
			collections.TripleKeyCodec(collections.Uint64Key, sdk.AccAddressKey, collections.Int32Key), sdk.IntValue),
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

// GetPlan returns the plan with id, or ErrPlanNotFound.
func (k Keeper) GetPlan(ctx context.Context, id uint64) (types.Plan, error) {
	p, err := k.Plans.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return p, errorsmod.Wrapf(types.ErrPlanNotFound, "plan %d", id)
	}
	return p, err
}

// GetClaim returns the claim with id, or ErrClaimNotFound.
func (k Keeper) GetClaim(ctx context.Context, id uint64) (types.Claim, error) {
	c, err := k.Claims.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return c, errorsmod.Wrapf(types.ErrClaimNotFound, "claim %d", id)
	}
	return c, err
}

// GetEnrollment returns a patient's enrollment in a plan, or ErrNotEnrolled.
func (k Keeper) GetEnrollment(ctx context.Context, planID uint64, patient sdk.AccAddress) (types.Enrollment, error) {
	e, err := k.Enrollments.Get(ctx, collections.Join(planID, patient))
	if errors.Is(err, collections.ErrNotFound) {
		return e, errorsmod.Wrapf(types.ErrNotEnrolled, "%s in plan %d", patient, planID)
	}
	return e, err
}

// BenefitUsed returns what a member's claims have paid, reserved or await
// in a plan for services dated in year.
func (k Keeper) BenefitUsed(ctx context.Context, planID uint64, patient sdk.AccAddress, year int32) (math.Int, error) {
	v, err := k.BenefitUsage.Get(ctx, collections.Join3(planID, patient, year))
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return v, err
}

func (k Keeper) addBenefitUsage(ctx context.Context, planID uint64, patient sdk.AccAddress, year int32, delta math.Int) error {
	if delta.IsZero() {
		return nil
	}
	used, err := k.BenefitUsed(ctx, planID, patient, year)
	if err != nil {
		return err
	}
	return k.setBenefitUsage(ctx, planID, patient, year, used, delta)
}

// setBenefitUsage is addBenefitUsage for a caller that has just read the
// usage (used) with BenefitUsed.
func (k Keeper) setBenefitUsage(ctx context.Context, planID uint64, patient sdk.AccAddress, year int32, used, delta math.Int) error {
	if delta.IsZero() {
		return nil
	}
	used = used.Add(delta)
	if used.IsNegative() {
		return fmt.Errorf("benefit usage of plan %d year %d would become negative", planID, year)
	}
	key := collections.Join3(planID, patient, year)
	if used.IsZero() {
		return k.BenefitUsage.Remove(ctx, key)
	}
	return k.BenefitUsage.Set(ctx, key, used)
}

// commitBenefits adds (sign +1) or releases (sign −1) the payer amounts of
// the given lines of a claim against the member's annual limit.
func (k Keeper) commitBenefits(ctx context.Context, c types.Claim, patient sdk.AccAddress, lines []int, sign int64) error {
	for _, i := range lines {
		a := c.Adjudication[i]
		if a.Status == types.LineStatusDenied {
			continue
		}
		if err := k.addBenefitUsage(ctx, c.PlanId, patient, types.BenefitYear(c.Lines[i].ServiceDate), a.PayerPaid.MulRaw(sign)); err != nil {
			return err
		}
	}
	return nil
}

func allLines(c types.Claim) []int {
	out := make([]int, len(c.Lines))
	for i := range out {
		out[i] = i
	}
	return out
}

// insertClaim writes a new claim and its indexes.
func (k Keeper) insertClaim(ctx context.Context, c types.Claim, patient sdk.AccAddress) error {
	if err := k.ClaimsByProvider.Set(ctx, collections.Join(c.ProviderOrg, c.Id)); err != nil {
		return err
	}
	if err := k.ClaimsByPatient.Set(ctx, collections.Join(patient, c.Id)); err != nil {
		return err
	}
	if err := k.ClaimsByPlan.Set(ctx, collections.Join(c.PlanId, c.Id)); err != nil {
		return err
	}
	if err := k.ClaimsByStatus.Set(ctx, collections.Join(int32(c.Status), c.Id)); err != nil {
		return err
	}
	if c.HoldsFingerprint() {
		if err := k.LiveFingerprints.Set(ctx, c.Fingerprint, c.Id); err != nil {
			return err
		}
	}
	if c.Status == types.ClaimStatusAwaitingFunds {
		if err := k.AwaitingFunds.Set(ctx, collections.Join(c.PlanId, c.Id)); err != nil {
			return err
		}
	}
	return k.Claims.Set(ctx, c.Id, c)
}

// updateClaim writes a claim whose status may have changed from old and
// keeps the status, fingerprint and awaiting-funds indexes in step.
func (k Keeper) updateClaim(ctx context.Context, old priorState, c types.Claim) error {
	if old.status != c.Status {
		if err := k.ClaimsByStatus.Remove(ctx, collections.Join(int32(old.status), c.Id)); err != nil {
			return err
		}
		if err := k.ClaimsByStatus.Set(ctx, collections.Join(int32(c.Status), c.Id)); err != nil {
			return err
		}
	}
	if old.holdsFingerprint && !c.HoldsFingerprint() {
		if err := k.LiveFingerprints.Remove(ctx, c.Fingerprint); err != nil {
			return err
		}
	}
	wasAwaiting, isAwaiting := old.status == types.ClaimStatusAwaitingFunds, c.Status == types.ClaimStatusAwaitingFunds
	switch {
	case wasAwaiting && !isAwaiting:
		if err := k.AwaitingFunds.Remove(ctx, collections.Join(c.PlanId, c.Id)); err != nil {
			return err
		}
	case !wasAwaiting && isAwaiting:
		if err := k.AwaitingFunds.Set(ctx, collections.Join(c.PlanId, c.Id)); err != nil {
			return err
		}
	}
	return k.Claims.Set(ctx, c.Id, c)
}

// payClaim moves the claim's payer total from the plan's escrow to the
// provider organization's payout address and marks it PAID. The caller has
// checked that the amount is available (or was reserved and released).
// provider, when not nil, is the claim's provider organization as the
// caller read it in this transaction.
func (k Keeper) payClaim(ctx context.Context, plan *types.Plan, c *types.Claim, provider *registrytypes.Organization) error {
	amount := c.PayerTotal()
	var org registrytypes.Organization
	if provider != nil && provider.Id == c.ProviderOrg {
		org = *provider
	} else {
		var err error
		if org, err = k.registry.GetOrganization(ctx, c.ProviderOrg); err != nil {
			return err
		}
	}
	recipient, err := k.addressCodec.StringToBytes(org.PayoutAddress)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "payout address of %q: %s", org.Id, err)
	}
	if amount.GT(plan.Escrow) {
		return errorsmod.Wrapf(types.ErrInsufficientAvailable, "claim %d needs %s%s, escrow holds %s", c.Id, amount, plan.Denom, plan.Escrow)
	}
	if amount.IsPositive() {
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, sdk.NewCoins(sdk.NewCoin(plan.Denom, amount))); err != nil {
			return err
		}
	}
	plan.Escrow = plan.Escrow.Sub(amount)
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	c.Status = types.ClaimStatusPaid
	c.PaidAt = &now
	c.PaidTo = org.PayoutAddress
	return emit(ctx, &types.EventClaimPaid{
		ClaimId:     c.Id,
		PlanId:      plan.Id,
		ProviderOrg: c.ProviderOrg,
		Recipient:   org.PayoutAddress,
		Amount:      amount,
		Denom:       plan.Denom,
	})
}

// settle moves a claim whose lines have all been adjudicated by the plan
// (auto or review) and that holds no reservation to its next status: DENIED
// when every line is denied, APPROVED or PARTIALLY_APPROVED when the payer
// owes nothing, PAID when the available escrow covers the payer total, and
// AWAITING_FUNDS otherwise. When review is still needed it reserves the
// payer total (PENDING_REVIEW, or APPEALED for an appealed claim) or, if the
// escrow cannot cover it, AWAITING_FUNDS.
func (k Keeper) settle(ctx context.Context, plan *types.Plan, c *types.Claim) error {
	return k.settleWith(ctx, plan, c, nil)
}

// settleWith is settle for a caller that has read the claim's provider
// organization (provider) in this transaction; payClaim uses it instead of
// reading it again.
func (k Keeper) settleWith(ctx context.Context, plan *types.Plan, c *types.Claim, provider *registrytypes.Organization) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	total := c.PayerTotal()
	if c.HasPendingLines() {
		c.DecidedAt = nil
		if total.GT(plan.Available()) {
			c.Status = types.ClaimStatusAwaitingFunds
			return nil
		}
		plan.Reserved = plan.Reserved.Add(total)
		c.Status = reviewStatus(*c)
		return nil
	}
	if c.DecidedAt == nil {
		c.DecidedAt = &now
	}
	approved, denied := 0, 0
	for _, a := range c.Adjudication {
		if a.Status == types.LineStatusApproved {
			approved++
		} else {
			denied++
		}
	}
	switch {
	case approved == 0:
		c.Status = types.ClaimStatusDenied
	case total.IsZero() && denied == 0:
		c.Status = types.ClaimStatusApproved
	case total.IsZero():
		c.Status = types.ClaimStatusPartiallyApproved
	case total.GT(plan.Available()):
		c.Status = types.ClaimStatusAwaitingFunds
	default:
		return k.payClaim(ctx, plan, c, provider)
	}
	return nil
}

func reviewStatus(c types.Claim) types.ClaimStatus {
	if c.Appealed {
		return types.ClaimStatusAppealed
	}
	return types.ClaimStatusPendingReview
}

// releaseAwaiting pays, or reserves for review, the plan's AWAITING_FUNDS
// claims in claim-id order while the available escrow covers the next one,
// at most max_claims_released_per_funding of them. It stops at the first
// claim that does not fit, so a claim is never overtaken by a later one.
// The caller writes the plan afterwards.
func (k Keeper) releaseAwaiting(ctx context.Context, plan *types.Plan) ([]uint64, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	var queued []uint64
	rng := collections.NewPrefixedPairRange[uint64, uint64](plan.Id)
	err = k.AwaitingFunds.Walk(ctx, rng, func(key collections.Pair[uint64, uint64]) (bool, error) {
		queued = append(queued, key.K2())
		return uint32(len(queued)) >= params.MaxClaimsReleasedPerFunding, nil
	})
	if err != nil {
		return nil, err
	}
	var released []uint64
	for _, id := range queued {
		c, err := k.GetClaim(ctx, id)
		if err != nil {
			return nil, err
		}
		total := c.PayerTotal()
		if total.GT(plan.Available()) {
			break
		}
		old := statusOf(c)
		if err := k.settle(ctx, plan, &c); err != nil {
			return nil, err
		}
		if c.HoldsReservation() {
			if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimFundsReserved{
				ClaimId: c.Id, PlanId: plan.Id, Status: c.Status, Amount: total,
			}); err != nil {
				return nil, err
			}
		}
		if err := k.updateClaim(ctx, old, c); err != nil {
			return nil, err
		}
		released = append(released, id)
	}
	return released, nil
}

// statusOf snapshots what updateClaim needs to know of a claim before it
// changes.
func statusOf(c types.Claim) priorState {
	return priorState{status: c.Status, holdsFingerprint: c.HoldsFingerprint()}
}

type priorState struct {
	status           types.ClaimStatus
	holdsFingerprint bool
}

func zero() math.Int { return math.ZeroInt() }
