package simulation

import (
	"fmt"
	"math/rand"
	"slices"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/claims/keeper"
	"github.com/carechain/carechain/x/claims/types"
	"github.com/carechain/carechain/x/internal/simutil"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Operation weights (keys in a simulation params file) and their defaults.
const (
	OpWeightMsgCreatePlan        = "op_weight_msg_claims_create_plan"
	OpWeightMsgClosePlan         = "op_weight_msg_claims_close_plan"
	OpWeightMsgFundPlan          = "op_weight_msg_claims_fund_plan"
	OpWeightMsgWithdrawPlanFunds = "op_weight_msg_claims_withdraw_plan_funds"
	OpWeightMsgEnrollMember      = "op_weight_msg_claims_enroll_member"
	OpWeightMsgSubmitClaim       = "op_weight_msg_claims_submit_claim"
	OpWeightMsgAdjudicateClaim   = "op_weight_msg_claims_adjudicate_claim"
	OpWeightMsgWithdrawClaim     = "op_weight_msg_claims_withdraw_claim"
	OpWeightMsgAppealClaim       = "op_weight_msg_claims_appeal_claim"

	DefaultWeightMsgCreatePlan        = 15
	DefaultWeightMsgClosePlan         = 5
	DefaultWeightMsgFundPlan          = 25
	DefaultWeightMsgWithdrawPlanFunds = 20
	DefaultWeightMsgEnrollMember      = 40
	DefaultWeightMsgSubmitClaim       = 80
	DefaultWeightMsgAdjudicateClaim   = 40
	DefaultWeightMsgWithdrawClaim     = 8
	DefaultWeightMsgAppealClaim       = 30
)

// maxRulesPerPlan is the most rules a simulated plan has.
const maxRulesPerPlan = 4

// Codes the simulation bills: CPT/HCPCS procedure codes and ICD-10
// diagnosis codes.
var (
	ProcedureCodes = []string{"99213", "99214", "99203", "80053", "85025", "71046", "J3490", "0001U", "93000", "36415"}
	DiagnosisCodes = []string{"J06.9", "E11.9", "I10", "M54.5", "R51", "Z00.00", "C4A.0", "S52.521A"}
	reviewDenials  = []types.AdjudicationReason{types.ReasonNotMedicallyNecessary, types.ReasonInsufficientDocumentation,
		types.ReasonDuplicateService, types.ReasonDiagnosisMismatch}
)

// WeightedOperations returns an operation for every claims message an
// account signs. MsgUpdateParams is simulated as a governance proposal
// message (ProposalMsgs).
func WeightedOperations(appParams simtypes.AppParams, txGen client.TxConfig, k keeper.Keeper, rk registrykeeper.Keeper, ks simutil.Keepers) []simtypes.WeightedOperation {
	w := func(key string, def int) int { return simutil.Weight(appParams, key, def) }
	s := sim{txGen: txGen, k: k, rk: rk, ks: ks}
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(w(OpWeightMsgCreatePlan, DefaultWeightMsgCreatePlan), s.createPlan),
		simulation.NewWeightedOperation(w(OpWeightMsgClosePlan, DefaultWeightMsgClosePlan), s.closePlan),
		simulation.NewWeightedOperation(w(OpWeightMsgFundPlan, DefaultWeightMsgFundPlan), s.fundPlan),
		simulation.NewWeightedOperation(w(OpWeightMsgWithdrawPlanFunds, DefaultWeightMsgWithdrawPlanFunds), s.withdrawPlanFunds),
		simulation.NewWeightedOperation(w(OpWeightMsgEnrollMember, DefaultWeightMsgEnrollMember), s.enrollMember),
		simulation.NewWeightedOperation(w(OpWeightMsgSubmitClaim, DefaultWeightMsgSubmitClaim), s.submitClaim),
		simulation.NewWeightedOperation(w(OpWeightMsgAdjudicateClaim, DefaultWeightMsgAdjudicateClaim), s.adjudicateClaim),
		simulation.NewWeightedOperation(w(OpWeightMsgWithdrawClaim, DefaultWeightMsgWithdrawClaim), s.withdrawClaim),
		simulation.NewWeightedOperation(w(OpWeightMsgAppealClaim, DefaultWeightMsgAppealClaim), s.appealClaim),
	}
}

type sim struct {
	txGen client.TxConfig
	k     keeper.Keeper
	rk    registrykeeper.Keeper
	ks    simutil.Keepers
}

func noop(msg sdk.Msg, comment string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simutil.NoOp(types.ModuleName, msg, comment)
}

func (s sim) deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, acc simtypes.Account, msg sdk.Msg, spent sdk.Coins) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simutil.Deliver(r, app, ctx, s.txGen, s.ks, types.ModuleName, acc, msg, spent)
}

// actorFor returns a simulation account acting for orgID, which must be
// ACTIVE and hold role.
func (s sim) actorFor(r *rand.Rand, ctx sdk.Context, orgID string, role registrytypes.Role, accs []simtypes.Account) (simtypes.Account, bool) {
	org, err := s.rk.GetOrganization(ctx, orgID)
	if err != nil || !org.IsActive() || !org.HasRole(role) {
		return simtypes.Account{}, false
	}
	members := simutil.MembersOf(ctx, s.rk, orgID, accs)
	if len(members) == 0 {
		return simtypes.Account{}, false
	}
	return simutil.Pick(r, members), true
}

// randomPlan returns a random plan.
func (s sim) randomPlan(r *rand.Rand, ctx sdk.Context) (types.Plan, bool) {
	next, err := s.k.PlanSeq.Peek(ctx)
	if err != nil || next <= 1 {
		return types.Plan{}, false
	}
	p, err := s.k.GetPlan(ctx, 1+uint64(r.Int63n(int64(next-1))))
	return p, err == nil
}

// claimsWithStatus returns up to 50 claims in one of the statuses.
func (s sim) claimsWithStatus(ctx sdk.Context, statuses ...types.ClaimStatus) []types.Claim {
	var out []types.Claim
	for _, st := range statuses {
		rng := collections.NewPrefixedPairRange[int32, uint64](int32(st))
		_ = s.k.ClaimsByStatus.Walk(ctx, rng, func(key collections.Pair[int32, uint64]) (bool, error) {
			if c, err := s.k.GetClaim(ctx, key.K2()); err == nil {
				out = append(out, c)
			}
			return len(out) >= 50, nil
		})
	}
	return out
}

func (s sim) createPlan(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgCreatePlan{}
	actors := simutil.ActiveActors(ctx, s.rk, registrytypes.RolePayer, accs)
	if len(actors) == 0 {
		return noop(msg, "no payer members")
	}
	actor := simutil.Pick(r, actors)
	codes := simutil.Subset(r, ProcedureCodes)
	if len(codes) > maxRulesPerPlan {
		codes = codes[:maxRulesPerPlan]
	}
	for _, code := range codes {
		msg.Rules = append(msg.Rules, types.CoverageRule{
			ProcedureCode:     code,
			MaxAllowedPerUnit: math.NewInt(int64(simtypes.RandIntBetween(r, 1, 50_000))),
			CoinsuranceBps:    uint32(r.Intn(types.BasisPoints + 1)),
			RequiresReview:    r.Intn(3) == 0,
		})
	}
	msg.Payer, msg.PayerOrg = actor.Account.Address.String(), actor.Org.Id
	msg.Name = fmt.Sprintf("Simulated plan %d", r.Intn(1_000_000))
	msg.Denom = sdk.DefaultBondDenom
	msg.AnnualLimitPerMember = math.ZeroInt()
	if r.Intn(2) == 0 {
		msg.AnnualLimitPerMember = math.NewInt(int64(simtypes.RandIntBetween(r, 1, 200_000)))
	}
	return s.deliver(r, app, ctx, actor.Account, msg, nil)
}

func (s sim) closePlan(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgClosePlan{}
	plan, ok := s.randomPlan(r, ctx)
	if !ok || !plan.IsActive() {
		return noop(msg, "no active plan")
	}
	payer, ok := s.actorFor(r, ctx, plan.PayerOrg, registrytypes.RolePayer, accs)
	if !ok {
		return noop(msg, "no payer member")
	}
	msg.Payer, msg.PlanId = payer.Address.String(), plan.Id
	return s.deliver(r, app, ctx, payer, msg, nil)
}

func (s sim) fundPlan(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgFundPlan{}
	plan, ok := s.randomPlan(r, ctx)
	if !ok {
		return noop(msg, "no plan")
	}
	payer, ok := s.actorFor(r, ctx, plan.PayerOrg, registrytypes.RolePayer, accs)
	if !ok {
		return noop(msg, "no payer member")
	}
	spendable := s.ks.BK.SpendableCoins(ctx, payer.Address).AmountOf(plan.Denom)
	if spendable.LT(math.NewInt(100)) {
		return noop(msg, "payer has too little to fund")
	}
	amount, err := simtypes.RandPositiveInt(r, spendable.QuoRaw(10))
	if err != nil {
		return noop(msg, err.Error())
	}
	msg.Payer, msg.PlanId, msg.Amount = payer.Address.String(), plan.Id, amount
	return s.deliver(r, app, ctx, payer, msg, sdk.NewCoins(sdk.NewCoin(plan.Denom, amount)))
}

func (s sim) withdrawPlanFunds(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgWithdrawPlanFunds{}
	var plans []types.Plan
	_ = s.k.Plans.Walk(ctx, nil, func(_ uint64, p types.Plan) (bool, error) {
		if p.Available().IsPositive() {
			plans = append(plans, p)
		}
		return len(plans) >= 50, nil
	})
	if len(plans) == 0 {
		return noop(msg, "no plan with unreserved escrow")
	}
	plan := simutil.Pick(r, plans)
	payer, ok := s.actorFor(r, ctx, plan.PayerOrg, registrytypes.RolePayer, accs)
	if !ok {
		return noop(msg, "no payer member")
	}
	amount, err := simtypes.RandPositiveInt(r, plan.Available())
	if err != nil {
		return noop(msg, err.Error())
	}
	msg.Payer, msg.PlanId, msg.Amount = payer.Address.String(), plan.Id, amount
	return s.deliver(r, app, ctx, payer, msg, nil)
}

func midnight(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}

func (s sim) enrollMember(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgEnrollMember{}
	plan, ok := s.randomPlan(r, ctx)
	if !ok || !plan.IsActive() {
		return noop(msg, "no active plan")
	}
	payer, ok := s.actorFor(r, ctx, plan.PayerOrg, registrytypes.RolePayer, accs)
	if !ok {
		return noop(msg, "no payer member")
	}
	patient, _ := simtypes.RandomAcc(r, accs)
	start := midnight(ctx.BlockTime()).AddDate(0, 0, -r.Intn(365))
	msg.Payer, msg.PlanId, msg.Patient = payer.Address.String(), plan.Id, patient.Address.String()
	msg.CoverageStart = start
	msg.CoverageEnd = start.AddDate(0, 0, simtypes.RandIntBetween(r, 30, 730))
	return s.deliver(r, app, ctx, payer, msg, nil)
}

func (s sim) submitClaim(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgSubmitClaim{}
	plan, ok := s.randomPlan(r, ctx)
	if !ok || !plan.IsActive() {
		return noop(msg, "no active plan")
	}
	if payerOrg, err := s.rk.GetOrganization(ctx, plan.PayerOrg); err != nil || !payerOrg.IsActive() || !payerOrg.HasRole(registrytypes.RolePayer) {
		return noop(msg, "plan's payer is not active")
	}
	var enrollments []types.Enrollment
	rng := collections.NewPrefixedPairRange[uint64, sdk.AccAddress](plan.Id)
	_ = s.k.Enrollments.Walk(ctx, rng, func(_ collections.Pair[uint64, sdk.AccAddress], e types.Enrollment) (bool, error) {
		enrollments = append(enrollments, e)
		return len(enrollments) >= 50, nil
	})
	if len(enrollments) == 0 {
		return noop(msg, "plan has no members")
	}
	e := simutil.Pick(r, enrollments)
	providers := simutil.ActiveActors(ctx, s.rk, registrytypes.RoleProvider, accs)
	if len(providers) == 0 {
		return noop(msg, "no provider members")
	}
	provider := simutil.Pick(r, providers)
	params, err := s.k.Params.Get(ctx)
	if err != nil {
		return noop(msg, err.Error())
	}
	// Service dates are calendar days in the coverage period, not after
	// the block time.
	first := midnight(e.CoverageStart)
	if first.Before(e.CoverageStart) {
		first = first.AddDate(0, 0, 1)
	}
	last := midnight(ctx.BlockTime())
	if end := midnight(e.CoverageEnd.Add(-time.Nanosecond)); end.Before(last) {
		last = end
	}
	if last.Before(first) {
		return noop(msg, "coverage has not started")
	}
	days := int(last.Sub(first)/(24*time.Hour)) + 1
	n := simtypes.RandIntBetween(r, 1, 4)
	if uint32(n) > params.MaxLinesPerClaim {
		n = int(params.MaxLinesPerClaim)
	}
	seen := map[string]bool{}
	for range n {
		code := simutil.Pick(r, ProcedureCodes)
		if r.Intn(10) < 7 {
			code = simutil.Pick(r, plan.Rules).ProcedureCode
		}
		date := first.AddDate(0, 0, r.Intn(days))
		key := date.Format(types.ServiceDateLayout) + code
		if seen[key] {
			continue
		}
		seen[key] = true
		dx := simutil.Subset(r, DiagnosisCodes)
		if uint32(len(dx)) > params.MaxDiagnosisCodesPerLine {
			dx = dx[:params.MaxDiagnosisCodesPerLine]
		}
		units := simtypes.RandIntBetween(r, 1, 6)
		if uint32(units) > params.MaxUnitsPerLine {
			units = int(params.MaxUnitsPerLine)
		}
		msg.Lines = append(msg.Lines, types.ClaimLine{
			ProcedureCode:  code,
			DiagnosisCodes: dx,
			Units:          uint32(units),
			Charge:         math.NewInt(int64(simtypes.RandIntBetween(r, 1, 100_000))),
			ServiceDate:    date,
		})
	}
	patient, err := s.k.AddressCodec().StringToBytes(e.Patient)
	if err != nil {
		return noop(msg, err.Error())
	}
	if has, _ := s.k.LiveFingerprints.Has(ctx, types.Fingerprint(provider.Org.Id, patient, msg.Lines)); has {
		return noop(msg, "duplicate claim")
	}
	msg.Submitter, msg.ProviderOrg, msg.PlanId, msg.Patient = provider.Account.Address.String(), provider.Org.Id, plan.Id, e.Patient
	return s.deliver(r, app, ctx, provider.Account, msg, nil)
}

func (s sim) adjudicateClaim(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgAdjudicateClaim{}
	claims := s.claimsWithStatus(ctx, types.ClaimStatusPendingReview, types.ClaimStatusAppealed)
	if len(claims) == 0 {
		return noop(msg, "no claims under review")
	}
	c := simutil.Pick(r, claims)
	plan, err := s.k.GetPlan(ctx, c.PlanId)
	if err != nil {
		return noop(msg, err.Error())
	}
	payer, ok := s.actorFor(r, ctx, plan.PayerOrg, registrytypes.RolePayer, accs)
	if !ok {
		return noop(msg, "no payer member")
	}
	for i, a := range c.Adjudication {
		if a.Status != types.LineStatusPendingReview {
			continue
		}
		d := types.LineDecision{LineIndex: uint32(i), Approve: r.Intn(2) == 0}
		if _, covered := plan.RuleFor(c.Lines[i].ProcedureCode); !covered {
			d.Approve = false
		}
		if !d.Approve {
			d.ReasonCode = simutil.Pick(r, reviewDenials)
		}
		msg.Decisions = append(msg.Decisions, d)
	}
	// Decisions may come in any order.
	r.Shuffle(len(msg.Decisions), func(i, j int) { msg.Decisions[i], msg.Decisions[j] = msg.Decisions[j], msg.Decisions[i] })
	msg.Payer, msg.ClaimId = payer.Address.String(), c.Id
	return s.deliver(r, app, ctx, payer, msg, nil)
}

func (s sim) withdrawClaim(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgWithdrawClaim{}
	claims := s.claimsWithStatus(ctx, types.ClaimStatusPendingReview, types.ClaimStatusAppealed, types.ClaimStatusAwaitingFunds)
	if len(claims) == 0 {
		return noop(msg, "no open claims")
	}
	c := simutil.Pick(r, claims)
	submitter, ok := s.actorFor(r, ctx, c.ProviderOrg, registrytypes.RoleProvider, accs)
	if !ok {
		return noop(msg, "no provider member")
	}
	msg.Submitter, msg.ClaimId = submitter.Address.String(), c.Id
	return s.deliver(r, app, ctx, submitter, msg, nil)
}

func (s sim) appealClaim(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgAppealClaim{}
	claims := slices.DeleteFunc(s.claimsWithStatus(ctx, types.ClaimStatusDenied), func(c types.Claim) bool { return !c.Appealable() })
	if len(claims) == 0 {
		return noop(msg, "no appealable claims")
	}
	c := simutil.Pick(r, claims)
	submitter, ok := s.actorFor(r, ctx, c.ProviderOrg, registrytypes.RoleProvider, accs)
	if !ok {
		return noop(msg, "no provider member")
	}
	msg.Submitter, msg.ClaimId = submitter.Address.String(), c.Id
	return s.deliver(r, app, ctx, submitter, msg, nil)
}
