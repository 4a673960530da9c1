package keeper_test

import (
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/x/claims/types"
)

// TestPropertyEscrowIsConserved drives random streams of plan creations,
// fundings, withdrawals, enrollments, claims, adjudications, claim
// withdrawals, appeals and plan closings through the msg server (each in its
// own cache, kept only on success, as a transaction would be) and checks
// after every step that
//   - the module account holds exactly the plans' escrows per denom, each
//     plan's reservation matches its claims under review, and the
//     awaiting-funds queue matches the AWAITING_FUNDS claims;
//   - no coin is created or lost: total supply is unchanged, the demo
//     accounts plus the module account hold the same total per denom, and
//     the escrows equal funded − withdrawn − paid;
//   - mercy-general's payout address received exactly the payer totals of
//     the PAID claims.
//
// Streams average 100 steps unless -rapid.steps says otherwise (rapid's
// default of 30 rarely reaches appeals of claims that awaited funds).
func TestPropertyEscrowIsConserved(t *testing.T) {
	if fl := flag.Lookup("rapid.steps"); fl != nil && fl.Value.String() == fl.DefValue {
		require.NoError(t, fl.Value.Set("100"))
		defer func() { _ = fl.Value.Set(fl.DefValue) }()
	}
	f := newFixture(t)
	base := f.h.Ctx()
	denoms := []string{app.SettlementDenom, app.BondDenom}
	accounts := []string{devnet.Validator, devnet.Consortium, devnet.MercyAdmin, devnet.AcmeAdmin,
		devnet.NorthwindAdmin, devnet.IRBAdmin, devnet.Alice, devnet.Bob, devnet.Carol}
	codes := []string{"99213", "99214", "80053", "85025", "71046", "J3490"}
	payers := []string{devnet.AcmeAdmin, devnet.AcmeAdmin, devnet.AcmeAdmin, devnet.MercyAdmin}
	providers := []string{devnet.MercyAdmin, devnet.Validator, devnet.Validator, devnet.AcmeAdmin}
	patients := []string{devnet.Alice, devnet.Bob, devnet.Carol}
	start := day(2025, 12, 1)
	denials := []types.AdjudicationReason{types.ReasonNotCovered, types.ReasonNotMedicallyNecessary,
		types.ReasonInsufficientDocumentation, types.ReasonDuplicateService, types.ReasonDiagnosisMismatch,
		types.ReasonUnspecified, types.ReasonCovered} // the last two are refused

	holdings := func(ctx sdk.Context, denom string) math.Int {
		sum := f.h.App.BankKeeper.GetBalance(ctx, f.k.ModuleAddress(), denom).Amount
		for _, a := range accounts {
			sum = sum.Add(f.h.App.BankKeeper.GetBalance(ctx, f.accAddr(a), denom).Amount)
		}
		return sum
	}

	rapid.Check(t, func(rt *rapid.T) {
		ctx, _ := base.CacheContext()
		f.ctx = ctx
		supply0 := map[string]math.Int{}
		held0 := map[string]math.Int{}
		escrow := map[string]math.Int{} // funded − withdrawn − paid, per denom
		for _, d := range denoms {
			supply0[d] = f.h.App.BankKeeper.GetSupply(ctx, d).Amount
			held0[d] = holdings(ctx, d)
			escrow[d] = math.ZeroInt()
		}
		escrow[app.SettlementDenom] = devnet.AcmeGoldEscrow
		mercy0 := map[string]math.Int{}
		for _, d := range denoms {
			mercy0[d] = f.h.App.BankKeeper.GetBalance(ctx, f.accAddr(devnet.MercyAdmin), d).Amount
		}
		pick := func(label string, xs []uint64) uint64 {
			return xs[rapid.IntRange(0, len(xs)-1).Draw(rt, label)]
		}
		planIDs := []uint64{acmeGold}
		var claimIDs []uint64
		type member struct {
			plan    uint64
			patient string
		}
		enrolled := []member{{acmeGold, devnet.Alice}}
		// claimIn picks, most of the time, a claim in one of the statuses an
		// action applies to, so that streams reach deep states.
		claimIn := func(label string, statuses ...types.ClaimStatus) uint64 {
			var fit []uint64
			for _, id := range claimIDs {
				for _, st := range statuses {
					if f.claim(id).Status == st {
						fit = append(fit, id)
					}
				}
			}
			if len(fit) > 0 && rapid.IntRange(0, 9).Draw(rt, label+" fits") > 0 {
				return pick(label, fit)
			}
			return pick(label, claimIDs)
		}

		// run executes a message as a transaction would: its writes are kept
		// only if it succeeds.
		run := func(op func(sdk.Context) error) error {
			cctx, write := f.ctx.CacheContext()
			err := op(cctx)
			if err == nil {
				write()
			}
			return err
		}
		amount := func(label string, maxUSD int64) math.Int {
			return math.NewInt(rapid.Int64Range(1, maxUSD*1_000_000).Draw(rt, label))
		}
		planDenom := func(id uint64) string {
			p, err := f.k.GetPlan(f.ctx, id)
			require.NoError(rt, err)
			return p.Denom
		}

		actions := map[string]func(*rapid.T){
			"create plan": func(rt *rapid.T) {
				var rules []types.CoverageRule
				for _, c := range codes[:5] {
					if rapid.Bool().Draw(rt, "cover "+c) {
						rules = append(rules, types.CoverageRule{
							ProcedureCode:     c,
							MaxAllowedPerUnit: amount("max", 300),
							CoinsuranceBps:    uint32(rapid.IntRange(0, 10000).Draw(rt, "bps")),
							RequiresReview:    rapid.Bool().Draw(rt, "review"),
						})
					}
				}
				limit := math.ZeroInt()
				if rapid.Bool().Draw(rt, "limited") {
					limit = amount("limit", 500)
				}
				msg := &types.MsgCreatePlan{Payer: f.addr(rapid.SampledFrom(payers).Draw(rt, "payer")), Name: "Random",
					Denom: rapid.SampledFrom(denoms).Draw(rt, "denom"), Rules: rules, AnnualLimitPerMember: limit}
				var id uint64
				if run(func(c sdk.Context) error {
					res, err := f.msg.CreatePlan(c, msg)
					if err == nil {
						id = res.PlanId
					}
					return err
				}) == nil {
					planIDs = append(planIDs, id)
				}
			},
			"fund": func(rt *rapid.T) {
				id := pick("plan", planIDs)
				amt := amount("amount", 150)
				msg := &types.MsgFundPlan{Payer: f.addr(rapid.SampledFrom(payers).Draw(rt, "payer")), PlanId: id, Amount: amt}
				paidBefore := paidTotal(rt, f, claimIDs)
				if run(func(c sdk.Context) error { _, err := f.msg.FundPlan(c, msg); return err }) == nil {
					d := planDenom(id)
					escrow[d] = escrow[d].Add(amt)
					subtractNewPayments(rt, f, escrow, paidBefore, claimIDs)
				}
			},
			"withdraw funds": func(rt *rapid.T) {
				id := pick("plan", planIDs)
				amt := amount("amount", 300)
				msg := &types.MsgWithdrawPlanFunds{Payer: f.addr(rapid.SampledFrom(payers).Draw(rt, "payer")), PlanId: id, Amount: amt}
				if run(func(c sdk.Context) error { _, err := f.msg.WithdrawPlanFunds(c, msg); return err }) == nil {
					d := planDenom(id)
					escrow[d] = escrow[d].Sub(amt)
				}
			},
			"enroll": func(rt *rapid.T) {
				from := start.AddDate(0, 0, rapid.IntRange(0, 35).Draw(rt, "from"))
				m := member{pick("plan", planIDs), rapid.SampledFrom(patients).Draw(rt, "patient")}
				msg := &types.MsgEnrollMember{Payer: f.addr(rapid.SampledFrom(payers).Draw(rt, "payer")), PlanId: m.plan,
					Patient: f.addr(m.patient), CoverageStart: from,
					CoverageEnd: from.AddDate(0, 0, rapid.IntRange(1, 90).Draw(rt, "days"))}
				if run(func(c sdk.Context) error { _, err := f.msg.EnrollMember(c, msg); return err }) == nil {
					enrolled = append(enrolled, m)
				}
			},
			"submit claim": func(rt *rapid.T) {
				n := rapid.IntRange(1, 3).Draw(rt, "lines")
				var lines []types.ClaimLine
				for i := 0; i < n; i++ {
					l := line(rapid.SampledFrom(codes).Draw(rt, "code"), amount("charge", 250),
						start.AddDate(0, 0, rapid.IntRange(20, 35).Draw(rt, "service day")))
					l.Units = uint32(rapid.IntRange(1, 3).Draw(rt, "units"))
					lines = append(lines, l)
				}
				m := member{pick("plan", planIDs), rapid.SampledFrom(patients).Draw(rt, "patient")}
				if rapid.IntRange(0, 4).Draw(rt, "enrolled member") > 0 {
					m = rapid.SampledFrom(enrolled).Draw(rt, "member")
				}
				msg := &types.MsgSubmitClaim{Submitter: f.addr(rapid.SampledFrom(providers).Draw(rt, "provider")), PlanId: m.plan,
					Patient: f.addr(m.patient), Lines: lines}
				paidBefore := paidTotal(rt, f, claimIDs)
				var id uint64
				if run(func(c sdk.Context) error {
					res, err := f.msg.SubmitClaim(c, msg)
					if err == nil {
						id = res.ClaimId
					}
					return err
				}) == nil {
					claimIDs = append(claimIDs, id)
					subtractNewPayments(rt, f, escrow, paidBefore, claimIDs)
				}
			},
			"adjudicate": func(rt *rapid.T) {
				if len(claimIDs) == 0 {
					rt.Skip("no claims")
				}
				c := f.claim(claimIn("claim", types.ClaimStatusPendingReview, types.ClaimStatusAppealed))
				var ds []types.LineDecision
				for i, a := range c.Adjudication {
					if a.Status != types.LineStatusPendingReview && !rapid.Bool().Draw(rt, "stray decision") {
						continue
					}
					if rapid.Bool().Draw(rt, "approve") {
						ds = append(ds, approve(uint32(i)))
					} else {
						ds = append(ds, deny(uint32(i), rapid.SampledFrom(denials).Draw(rt, "reason")))
					}
				}
				msg := &types.MsgAdjudicateClaim{Payer: f.addr(rapid.SampledFrom(payers).Draw(rt, "payer")), ClaimId: c.Id, Decisions: ds}
				paidBefore := paidTotal(rt, f, claimIDs)
				if run(func(ctx sdk.Context) error { _, err := f.msg.AdjudicateClaim(ctx, msg); return err }) == nil {
					subtractNewPayments(rt, f, escrow, paidBefore, claimIDs)
				}
			},
			"withdraw claim": func(rt *rapid.T) {
				if len(claimIDs) == 0 {
					rt.Skip("no claims")
				}
				msg := &types.MsgWithdrawClaim{Submitter: f.addr(rapid.SampledFrom(providers).Draw(rt, "provider")), ClaimId: claimIn("claim", types.ClaimStatusPendingReview, types.ClaimStatusAppealed, types.ClaimStatusAwaitingFunds)}
				paidBefore := paidTotal(rt, f, claimIDs)
				if run(func(c sdk.Context) error { _, err := f.msg.WithdrawClaim(c, msg); return err }) == nil {
					subtractNewPayments(rt, f, escrow, paidBefore, claimIDs)
				}
			},
			"appeal": func(rt *rapid.T) {
				if len(claimIDs) == 0 {
					rt.Skip("no claims")
				}
				msg := &types.MsgAppealClaim{Submitter: f.addr(rapid.SampledFrom(providers).Draw(rt, "provider")), ClaimId: claimIn("claim", types.ClaimStatusDenied)}
				_ = run(func(c sdk.Context) error { _, err := f.msg.AppealClaim(c, msg); return err })
			},
			"close plan": func(rt *rapid.T) {
				if rapid.IntRange(0, 4).Draw(rt, "rarely") > 0 {
					rt.Skip("plans close rarely")
				}
				msg := &types.MsgClosePlan{Payer: f.addr(rapid.SampledFrom(payers).Draw(rt, "payer")), PlanId: pick("plan", planIDs)}
				_ = run(func(c sdk.Context) error { _, err := f.msg.ClosePlan(c, msg); return err })
			},
			"next day": func(rt *rapid.T) {
				f.ctx = f.ctx.WithBlockTime(f.ctx.BlockTime().Add(24 * time.Hour))
			},
		}
		// Claims and decisions are the interesting part: draw them more often.
		actions["submit claim again"] = actions["submit claim"]
		actions["submit one more claim"] = actions["submit claim"]
		actions["adjudicate again"] = actions["adjudicate"]
		actions["appeal again"] = actions["appeal"]
		actions["fund again"] = actions["fund"]
		actions[""] = func(rt *rapid.T) {
			if err := f.k.CheckInvariants(f.ctx); err != nil {
				rt.Fatalf("invariant: %v", err)
			}
			for _, d := range denoms {
				if s := f.h.App.BankKeeper.GetSupply(f.ctx, d).Amount; !s.Equal(supply0[d]) {
					rt.Fatalf("supply of %s changed: %s → %s", d, supply0[d], s)
				}
				if h := holdings(f.ctx, d); !h.Equal(held0[d]) {
					rt.Fatalf("coins of %s created or lost: %s → %s", d, held0[d], h)
				}
			}
			sums := map[string]math.Int{}
			for _, d := range denoms {
				sums[d] = math.ZeroInt()
			}
			for _, id := range planIDs {
				p := f.plan(id)
				sums[p.Denom] = sums[p.Denom].Add(p.Escrow)
			}
			paid := paidByDenom(rt, f, claimIDs)
			for _, d := range denoms {
				if !sums[d].Equal(escrow[d]) {
					rt.Fatalf("escrow of %s is %s; funded − withdrawn − paid is %s", d, sums[d], escrow[d])
				}
				got := f.h.App.BankKeeper.GetBalance(f.ctx, f.accAddr(devnet.MercyAdmin), d).Amount
				// mercy-admin also funds nothing and withdraws nothing: its
				// balance moves only by payments to mercy-general.
				if want := mercy0[d].Add(paid[d]); !got.Equal(want) {
					rt.Fatalf("mercy payout of %s: have %s, paid claims total %s", d, got.Sub(mercy0[d]), paid[d])
				}
			}
		}
		rt.Repeat(actions)
	})
}

// paidTotal maps each claim id to whether it is PAID, to find new payments.
func paidTotal(rt *rapid.T, f *fixture, ids []uint64) map[uint64]bool {
	out := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		c, err := f.k.GetClaim(f.ctx, id)
		require.NoError(rt, err)
		out[id] = c.Status == types.ClaimStatusPaid
	}
	return out
}

// subtractNewPayments takes from the model escrow what claims that became
// PAID since paidBefore were paid.
func subtractNewPayments(rt *rapid.T, f *fixture, escrow map[string]math.Int, paidBefore map[uint64]bool, ids []uint64) {
	for _, id := range ids {
		if paidBefore[id] {
			continue
		}
		c, err := f.k.GetClaim(f.ctx, id)
		require.NoError(rt, err)
		if c.Status == types.ClaimStatusPaid {
			p, err := f.k.GetPlan(f.ctx, c.PlanId)
			require.NoError(rt, err)
			escrow[p.Denom] = escrow[p.Denom].Sub(c.PayerTotal())
		}
	}
}

func paidByDenom(rt *rapid.T, f *fixture, ids []uint64) map[string]math.Int {
	out := map[string]math.Int{app.SettlementDenom: math.ZeroInt(), app.BondDenom: math.ZeroInt()}
	for _, id := range ids {
		c, err := f.k.GetClaim(f.ctx, id)
		require.NoError(rt, err)
		if c.Status != types.ClaimStatusPaid {
			continue
		}
		p, err := f.k.GetPlan(f.ctx, c.PlanId)
		require.NoError(rt, err)
		out[p.Denom] = out[p.Denom].Add(c.PayerTotal())
	}
	return out
}
