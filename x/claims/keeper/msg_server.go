package keeper

import (
	"context"
	"errors"
	"slices"

	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/claims/types"
	"github.com/carechain/carechain/x/internal/typedevent"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the claims module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

func (k Keeper) checkAuthority(signer string) error {
	if signer != k.authority {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
}

func (k Keeper) parseAddress(field, s string) (sdk.AccAddress, error) {
	bz, err := k.addressCodec.StringToBytes(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q: %s", field, s, err)
	}
	return bz, nil
}

// actingOrg returns the ACTIVE organization holding role that signer acts
// for: orgID when it is set, else the first such organization by id. notErr
// is the error when there is none.
func (k Keeper) actingOrg(ctx context.Context, signer sdk.AccAddress, role registrytypes.Role, orgID string, notErr *errorsmod.Error) (registrytypes.Organization, error) {
	orgs, err := k.registry.ActiveOrganizationsWithRole(ctx, signer, role)
	if err != nil {
		return registrytypes.Organization{}, err
	}
	for _, o := range orgs {
		if orgID == "" || o.Id == orgID {
			return o, nil
		}
	}
	if orgID == "" {
		return registrytypes.Organization{}, errorsmod.Wrapf(notErr, "%s acts for no active %s organization", signer, role)
	}
	return registrytypes.Organization{}, errorsmod.Wrapf(notErr, "%s does not act for %q as an active %s organization", signer, orgID, role)
}

// planForPayer loads a plan and checks the signer acts for its ACTIVE PAYER
// organization.
func (k Keeper) planForPayer(ctx context.Context, payer string, planID uint64) (types.Plan, sdk.AccAddress, error) {
	signer, err := k.parseAddress("payer", payer)
	if err != nil {
		return types.Plan{}, nil, err
	}
	plan, err := k.GetPlan(ctx, planID)
	if err != nil {
		return plan, nil, err
	}
	if _, err := k.actingOrg(ctx, signer, registrytypes.RolePayer, plan.PayerOrg, types.ErrNotPayerMember); err != nil {
		return plan, nil, err
	}
	return plan, signer, nil
}

// claimForProvider loads a claim and checks the signer acts for the claim's
// provider organization, which must be ACTIVE with role PROVIDER.
func (k Keeper) claimForProvider(ctx context.Context, submitter string, claimID uint64) (types.Claim, error) {
	signer, err := k.parseAddress("submitter", submitter)
	if err != nil {
		return types.Claim{}, err
	}
	c, err := k.GetClaim(ctx, claimID)
	if err != nil {
		return c, err
	}
	if _, err := k.actingOrg(ctx, signer, registrytypes.RoleProvider, c.ProviderOrg, types.ErrNotProviderMember); err != nil {
		return c, err
	}
	return c, nil
}

// checkEvidence checks every record exists and belongs to the patient.
func (k Keeper) checkEvidence(ctx context.Context, patient sdk.AccAddress, ids []uint64) error {
	for _, id := range ids {
		owner, err := k.records.RecordPatient(ctx, id)
		if err != nil {
			return errorsmod.Wrapf(types.ErrEvidenceNotFound, "record %d: %s", id, err)
		}
		if !owner.Equals(patient) {
			return errorsmod.Wrapf(types.ErrEvidencePatientMismatch, "record %d is not a record of %s", id, patient)
		}
	}
	return nil
}

// emit emits a typed event exactly as EmitTypedEvent does (through the
// event's own ToEvent when it has one: typedevent.Fast).
func emit(ctx context.Context, ev proto.Message) error {
	return typedevent.Emit(ctx, ev)
}

// CreatePlan creates an ACTIVE plan with an empty escrow.
func (m msgServer) CreatePlan(ctx context.Context, msg *types.MsgCreatePlan) (*types.MsgCreatePlanResponse, error) {
	signer, err := m.parseAddress("payer", msg.Payer)
	if err != nil {
		return nil, err
	}
	org, err := m.actingOrg(ctx, signer, registrytypes.RolePayer, msg.PayerOrg, types.ErrNotPayerMember)
	if err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := types.ValidatePlanTerms(msg.Name, msg.Denom, msg.Rules, msg.AnnualLimitPerMember, params.MaxRulesPerPlan)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidPlan, err.Error())
	}
	id, err := m.PlanSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	plan := types.Plan{
		Id:                   id,
		PayerOrg:             org.Id,
		Name:                 msg.Name,
		Denom:                msg.Denom,
		Rules:                rules,
		AnnualLimitPerMember: msg.AnnualLimitPerMember,
		Status:               types.PlanStatusActive,
		Escrow:               zero(),
		Reserved:             zero(),
		CreatedAt:            sdk.UnwrapSDKContext(ctx).BlockTime(),
	}
	if err := m.Plans.Set(ctx, id, plan); err != nil {
		return nil, err
	}
	if err := m.PlansByPayer.Set(ctx, collections.Join(org.Id, id)); err != nil {
		return nil, err
	}
	return &types.MsgCreatePlanResponse{PlanId: id}, emit(ctx, &types.EventPlanCreated{
		PlanId: id, PayerOrg: org.Id, Denom: plan.Denom, Creator: msg.Payer,
	})
}

// ClosePlan stops new enrollments and claims.
func (m msgServer) ClosePlan(ctx context.Context, msg *types.MsgClosePlan) (*types.MsgClosePlanResponse, error) {
	plan, _, err := m.planForPayer(ctx, msg.Payer, msg.PlanId)
	if err != nil {
		return nil, err
	}
	if !plan.IsActive() {
		return nil, errorsmod.Wrapf(types.ErrPlanClosed, "plan %d", plan.Id)
	}
	plan.Status = types.PlanStatusClosed
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	return &types.MsgClosePlanResponse{}, emit(ctx, &types.EventPlanClosed{PlanId: plan.Id, PayerOrg: plan.PayerOrg})
}

// FundPlan moves coins from the signer into the plan's escrow, then
// releases claims awaiting funds.
func (m msgServer) FundPlan(ctx context.Context, msg *types.MsgFundPlan) (*types.MsgFundPlanResponse, error) {
	plan, signer, err := m.planForPayer(ctx, msg.Payer, msg.PlanId)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateAmount("amount", msg.Amount, true); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidAmount, err.Error())
	}
	if err := m.bank.SendCoinsFromAccountToModule(ctx, signer, types.ModuleName, sdk.NewCoins(sdk.NewCoin(plan.Denom, msg.Amount))); err != nil {
		return nil, err
	}
	plan.Escrow = plan.Escrow.Add(msg.Amount)
	if err := emit(ctx, &types.EventPlanFunded{PlanId: plan.Id, Funder: msg.Payer, Amount: msg.Amount, Denom: plan.Denom}); err != nil {
		return nil, err
	}
	released, err := m.releaseAwaiting(ctx, &plan)
	if err != nil {
		return nil, err
	}
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	return &types.MsgFundPlanResponse{Escrow: plan.Escrow, ReleasedClaimIds: released}, nil
}

// WithdrawPlanFunds sends unreserved escrow to the payer organization's
// payout address.
func (m msgServer) WithdrawPlanFunds(ctx context.Context, msg *types.MsgWithdrawPlanFunds) (*types.MsgWithdrawPlanFundsResponse, error) {
	plan, _, err := m.planForPayer(ctx, msg.Payer, msg.PlanId)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateAmount("amount", msg.Amount, true); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidAmount, err.Error())
	}
	if msg.Amount.GT(plan.Available()) {
		return nil, errorsmod.Wrapf(types.ErrInsufficientAvailable, "plan %d: escrow %s, reserved %s, available %s%s, asked %s",
			plan.Id, plan.Escrow, plan.Reserved, plan.Available(), plan.Denom, msg.Amount)
	}
	org, err := m.registry.GetOrganization(ctx, plan.PayerOrg)
	if err != nil {
		return nil, err
	}
	recipient, err := m.parseAddress("payout_address", org.PayoutAddress)
	if err != nil {
		return nil, err
	}
	if err := m.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, sdk.NewCoins(sdk.NewCoin(plan.Denom, msg.Amount))); err != nil {
		return nil, err
	}
	plan.Escrow = plan.Escrow.Sub(msg.Amount)
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawPlanFundsResponse{Recipient: org.PayoutAddress}, emit(ctx, &types.EventPlanFundsWithdrawn{
		PlanId: plan.Id, Recipient: org.PayoutAddress, Amount: msg.Amount, Denom: plan.Denom, Signer: msg.Payer,
	})
}

// EnrollMember sets (or replaces) a patient's coverage period.
func (m msgServer) EnrollMember(ctx context.Context, msg *types.MsgEnrollMember) (*types.MsgEnrollMemberResponse, error) {
	plan, _, err := m.planForPayer(ctx, msg.Payer, msg.PlanId)
	if err != nil {
		return nil, err
	}
	if !plan.IsActive() {
		return nil, errorsmod.Wrapf(types.ErrPlanClosed, "plan %d takes no new enrollments", plan.Id)
	}
	patient, err := m.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateCoveragePeriod(msg.CoverageStart, msg.CoverageEnd); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidEnrollment, err.Error())
	}
	key := collections.Join(plan.Id, patient)
	renewal, err := m.Enrollments.Has(ctx, key)
	if err != nil {
		return nil, err
	}
	e := types.Enrollment{
		PlanId:        plan.Id,
		Patient:       msg.Patient,
		CoverageStart: msg.CoverageStart.UTC(),
		CoverageEnd:   msg.CoverageEnd.UTC(),
	}
	if err := m.Enrollments.Set(ctx, key, e); err != nil {
		return nil, err
	}
	return &types.MsgEnrollMemberResponse{}, emit(ctx, &types.EventMemberEnrolled{
		PlanId: plan.Id, Patient: msg.Patient, CoverageStart: e.CoverageStart, CoverageEnd: e.CoverageEnd, Renewal: renewal,
	})
}

// SubmitClaim checks a claim, adjudicates every line by the plan's rules,
// and pays it, reserves it for review or queues it for funds.
func (m msgServer) SubmitClaim(ctx context.Context, msg *types.MsgSubmitClaim) (*types.MsgSubmitClaimResponse, error) {
	submitter, err := m.parseAddress("submitter", msg.Submitter)
	if err != nil {
		return nil, err
	}
	provider, err := m.actingOrg(ctx, submitter, registrytypes.RoleProvider, msg.ProviderOrg, types.ErrNotProviderMember)
	if err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := m.GetPlan(ctx, msg.PlanId)
	if err != nil {
		return nil, err
	}
	if !plan.IsActive() {
		return nil, errorsmod.Wrapf(types.ErrPlanClosed, "plan %d takes no new claims", plan.Id)
	}
	payerOrg, err := m.registry.GetOrganization(ctx, plan.PayerOrg)
	if err != nil || !payerOrg.IsActive() || !payerOrg.HasRole(registrytypes.RolePayer) {
		return nil, errorsmod.Wrapf(types.ErrPayerInactive, "plan %d's payer %q", plan.Id, plan.PayerOrg)
	}
	patient, err := m.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := types.ValidateLines(msg.Lines, params, now); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidClaim, err.Error())
	}
	if err := types.ValidateEvidenceIDs(msg.EvidenceRecordIds, params.MaxEvidenceRecordsPerClaim); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidClaim, err.Error())
	}
	enrollment, err := m.GetEnrollment(ctx, plan.Id, patient)
	if err != nil {
		return nil, err
	}
	for i, l := range msg.Lines {
		if !enrollment.Covers(l.ServiceDate) {
			return nil, errorsmod.Wrapf(types.ErrServiceDateNotCovered, "line %d: %s is outside [%s, %s)", i,
				l.ServiceDate.UTC().Format(types.ServiceDateLayout), enrollment.CoverageStart.Format(types.ServiceDateLayout),
				enrollment.CoverageEnd.Format(types.ServiceDateLayout))
		}
	}
	if err := m.checkEvidence(ctx, patient, msg.EvidenceRecordIds); err != nil {
		return nil, err
	}
	fingerprint := types.Fingerprint(provider.Id, patient, msg.Lines)
	existing, err := m.LiveFingerprints.Get(ctx, fingerprint)
	switch {
	case err == nil:
		return nil, errorsmod.Wrapf(types.ErrDuplicateClaim, "claim %d has fingerprint %s", existing, fingerprint)
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}

	id, err := m.ClaimSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	lines := make([]types.ClaimLine, len(msg.Lines))
	for i, l := range msg.Lines {
		l.ServiceDate = l.ServiceDate.UTC()
		lines[i] = l
	}
	c := types.Claim{
		Id:                id,
		PlanId:            plan.Id,
		ProviderOrg:       provider.Id,
		Submitter:         msg.Submitter,
		Patient:           msg.Patient,
		Lines:             lines,
		EvidenceRecordIds: msg.EvidenceRecordIds,
		Fingerprint:       fingerprint,
		Status:            types.ClaimStatusSubmitted,
		Adjudication:      make([]types.LineAdjudication, len(lines)),
		SubmittedAt:       now,
	}
	for i, l := range lines {
		rule, covered := plan.RuleFor(l.ProcedureCode)
		if !covered {
			c.Adjudication[i] = types.DeniedLine(l, types.ReasonNotCovered)
			continue
		}
		a, err := m.termsForLine(ctx, plan, patient, rule, l)
		if err != nil {
			return nil, err
		}
		if rule.RequiresReview {
			a.Status, a.ReasonCode = types.LineStatusPendingReview, types.ReasonReviewRequired
		}
		c.Adjudication[i] = a
	}
	if err := m.settleWith(ctx, &plan, &c, &provider); err != nil {
		return nil, err
	}
	if err := m.insertClaim(ctx, c, patient); err != nil {
		return nil, err
	}
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	total := c.PayerTotal()
	return &types.MsgSubmitClaimResponse{ClaimId: id, Status: c.Status, PayerAmount: total}, emit(ctx, &types.EventClaimSubmitted{
		ClaimId: id, PlanId: plan.Id, ProviderOrg: provider.Id, Patient: msg.Patient, Fingerprint: fingerprint,
		Status: c.Status, PayerAmount: total,
	})
}

// termsForLine applies a covered line's rule against the member's annual
// limit, commits the payer amount to the member's benefit usage, and
// returns the line approved (reason COVERED, or ANNUAL_LIMIT_REACHED when
// the limit reduced the payer share).
func (k Keeper) termsForLine(ctx context.Context, plan types.Plan, patient sdk.AccAddress, rule types.CoverageRule, l types.ClaimLine) (types.LineAdjudication, error) {
	year := types.BenefitYear(l.ServiceDate)
	used, err := k.BenefitUsed(ctx, plan.Id, patient, year)
	if err != nil {
		return types.LineAdjudication{}, err
	}
	t := types.ComputeLineTerms(rule, l, plan.AnnualLimitPerMember, used)
	if err := k.setBenefitUsage(ctx, plan.Id, patient, year, used, t.Payer); err != nil {
		return types.LineAdjudication{}, err
	}
	reason := types.ReasonCovered
	if t.Capped() {
		reason = types.ReasonAnnualLimitReached
	}
	return types.LineAdjudication{
		Status:                types.LineStatusApproved,
		Allowed:               t.Allowed,
		PayerPaid:             t.Payer,
		PatientResponsibility: t.Patient,
		ReasonCode:            reason,
	}, nil
}

// AdjudicateClaim decides every line awaiting review. The reservation is
// released; the approved payer total (never more than what was reserved) is
// paid at once.
func (m msgServer) AdjudicateClaim(ctx context.Context, msg *types.MsgAdjudicateClaim) (*types.MsgAdjudicateClaimResponse, error) {
	c, err := m.GetClaim(ctx, msg.ClaimId)
	if err != nil {
		return nil, err
	}
	plan, _, err := m.planForPayer(ctx, msg.Payer, c.PlanId)
	if err != nil {
		return nil, err
	}
	if !c.HoldsReservation() {
		return nil, errorsmod.Wrapf(types.ErrInvalidClaimStatus, "claim %d is %s; only PENDING_REVIEW or APPEALED claims are adjudicated", c.Id, c.Status)
	}
	pending := 0
	for _, a := range c.Adjudication {
		if a.Status == types.LineStatusPendingReview {
			pending++
		}
	}
	if len(msg.Decisions) != pending {
		return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "claim %d has %d lines awaiting review; got %d decisions", c.Id, pending, len(msg.Decisions))
	}
	patient, err := m.parseAddress("patient", c.Patient)
	if err != nil {
		return nil, err
	}
	old, oldTotal := statusOf(c), c.PayerTotal()
	var decided []uint32
	for _, d := range msg.Decisions {
		i := d.LineIndex
		if int(i) >= len(c.Lines) {
			return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "line %d does not exist", i)
		}
		if slices.Contains(decided, i) {
			return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "line %d is decided twice", i)
		}
		decided = append(decided, i)
		a := c.Adjudication[i]
		if a.Status != types.LineStatusPendingReview {
			return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "line %d is not awaiting review", i)
		}
		line := c.Lines[i]
		if d.Approve {
			if d.ReasonCode != types.ReasonUnspecified {
				return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "line %d: an approval takes no reason code", i)
			}
			rule, covered := plan.RuleFor(line.ProcedureCode)
			if !covered {
				return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "line %d: plan has no rule for %s", i, line.ProcedureCode)
			}
			a.Status, a.ReasonCode = types.LineStatusApproved, types.ReasonApprovedOnReview
			if a.PayerPaid.LT(types.PayerShare(a.Allowed, rule.CoinsuranceBps)) {
				a.ReasonCode = types.ReasonAnnualLimitReached
			}
			c.Adjudication[i] = a
			continue
		}
		if !types.IsReviewDenialReason(d.ReasonCode) {
			return nil, errorsmod.Wrapf(types.ErrInvalidDecision, "line %d: %s is not a denial reason", i, d.ReasonCode)
		}
		if err := m.addBenefitUsage(ctx, c.PlanId, patient, types.BenefitYear(line.ServiceDate), a.PayerPaid.Neg()); err != nil {
			return nil, err
		}
		c.Adjudication[i] = types.DeniedLine(line, d.ReasonCode)
	}
	plan.Reserved = plan.Reserved.Sub(oldTotal)
	c.Reviewer = msg.Payer
	if err := m.settle(ctx, &plan, &c); err != nil {
		return nil, err
	}
	if err := m.updateClaim(ctx, old, c); err != nil {
		return nil, err
	}
	if _, err := m.releaseAwaiting(ctx, &plan); err != nil {
		return nil, err
	}
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	total := c.PayerTotal()
	return &types.MsgAdjudicateClaimResponse{Status: c.Status, PayerAmount: total}, emit(ctx, &types.EventClaimAdjudicated{
		ClaimId: c.Id, PlanId: plan.Id, Reviewer: msg.Payer, Status: c.Status, PayerAmount: total,
	})
}

// WithdrawClaim withdraws a claim that has no final decision yet: its
// reservation and its annual-limit usage are released and its fingerprint
// is freed.
func (m msgServer) WithdrawClaim(ctx context.Context, msg *types.MsgWithdrawClaim) (*types.MsgWithdrawClaimResponse, error) {
	c, err := m.claimForProvider(ctx, msg.Submitter, msg.ClaimId)
	if err != nil {
		return nil, err
	}
	switch c.Status {
	case types.ClaimStatusPendingReview, types.ClaimStatusAppealed, types.ClaimStatusAwaitingFunds:
	default:
		return nil, errorsmod.Wrapf(types.ErrInvalidClaimStatus, "claim %d is %s; only claims awaiting review or funds can be withdrawn", c.Id, c.Status)
	}
	plan, err := m.GetPlan(ctx, c.PlanId)
	if err != nil {
		return nil, err
	}
	patient, err := m.parseAddress("patient", c.Patient)
	if err != nil {
		return nil, err
	}
	old := statusOf(c)
	if c.HoldsReservation() {
		plan.Reserved = plan.Reserved.Sub(c.PayerTotal())
	}
	if err := m.commitBenefits(ctx, c, patient, allLines(c), -1); err != nil {
		return nil, err
	}
	c.Status = types.ClaimStatusWithdrawn
	if err := m.updateClaim(ctx, old, c); err != nil {
		return nil, err
	}
	if _, err := m.releaseAwaiting(ctx, &plan); err != nil {
		return nil, err
	}
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawClaimResponse{}, emit(ctx, &types.EventClaimWithdrawn{ClaimId: c.Id, PlanId: c.PlanId, Submitter: msg.Submitter})
}

// AppealClaim reopens for review, once, the lines of a DENIED claim that
// the plan covers, re-applying the plan's rules against the member's
// current annual-limit usage.
func (m msgServer) AppealClaim(ctx context.Context, msg *types.MsgAppealClaim) (*types.MsgAppealClaimResponse, error) {
	c, err := m.claimForProvider(ctx, msg.Submitter, msg.ClaimId)
	if err != nil {
		return nil, err
	}
	if c.Status != types.ClaimStatusDenied {
		return nil, errorsmod.Wrapf(types.ErrInvalidClaimStatus, "claim %d is %s; only DENIED claims can be appealed", c.Id, c.Status)
	}
	if c.Appealed {
		return nil, errorsmod.Wrapf(types.ErrAlreadyAppealed, "claim %d", c.Id)
	}
	if !c.Appealable() {
		return nil, errorsmod.Wrapf(types.ErrNotAppealable, "claim %d: the plan has no rule for any of its procedure codes", c.Id)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	evidence := append(slices.Clone(c.EvidenceRecordIds), msg.EvidenceRecordIds...)
	if err := types.ValidateEvidenceIDs(evidence, params.MaxEvidenceRecordsPerClaim); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidClaim, err.Error())
	}
	patient, err := m.parseAddress("patient", c.Patient)
	if err != nil {
		return nil, err
	}
	if err := m.checkEvidence(ctx, patient, msg.EvidenceRecordIds); err != nil {
		return nil, err
	}
	plan, err := m.GetPlan(ctx, c.PlanId)
	if err != nil {
		return nil, err
	}
	old := statusOf(c)
	reopened := 0
	for i, l := range c.Lines {
		rule, covered := plan.RuleFor(l.ProcedureCode)
		if !covered {
			continue
		}
		a, err := m.termsForLine(ctx, plan, patient, rule, l)
		if err != nil {
			return nil, err
		}
		a.Status, a.ReasonCode = types.LineStatusPendingReview, types.ReasonReviewRequired
		c.Adjudication[i] = a
		reopened++
	}
	if reopened == 0 { // cannot happen for an Appealable claim; kept as a guard
		return nil, errorsmod.Wrapf(types.ErrNotAppealable, "claim %d", c.Id)
	}
	c.Appealed = true
	c.EvidenceRecordIds = evidence
	if err := m.settle(ctx, &plan, &c); err != nil {
		return nil, err
	}
	if err := m.updateClaim(ctx, old, c); err != nil {
		return nil, err
	}
	if err := m.Plans.Set(ctx, plan.Id, plan); err != nil {
		return nil, err
	}
	return &types.MsgAppealClaimResponse{Status: c.Status}, emit(ctx, &types.EventClaimAppealed{
		ClaimId: c.Id, PlanId: c.PlanId, Submitter: msg.Submitter, Status: c.Status,
	})
}

// UpdateParams replaces the parameters.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, err.Error())
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, emit(ctx, &types.EventParamsUpdated{Params: &msg.Params})
}
