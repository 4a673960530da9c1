package claims_test

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/testutil/catalog"
	"github.com/carechain/carechain/x/claims/types"
)

// TestBadInputCatalog delivers malformed and unauthorized claims
// transactions; each must fail with its specific registered error and
// change nothing but the signer's fee and sequence (in particular no coin
// moves in or out of the escrow).
func TestBadInputCatalog(t *testing.T) {
	h := apptest.New(t)
	const payer, provider, plan = devnet.AcmeAdmin, devnet.MercyAdmin, uint64(devnet.AcmeGoldPlanID)
	usd := func(n int64) math.Int { return math.NewInt(n * 1_000_000) }
	today := func(h *apptest.Harness) time.Time {
		u := h.Time().UTC()
		return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	}
	line := func(h *apptest.Harness) types.ClaimLine {
		return types.ClaimLine{ProcedureCode: "99213", DiagnosisCodes: []string{"J06.9"}, Units: 1, Charge: usd(100), ServiceDate: today(h)}
	}
	submit := func(change func(h *apptest.Harness, m *types.MsgSubmitClaim)) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			m := &types.MsgSubmitClaim{Submitter: h.Addr(provider), ProviderOrg: devnet.OrgMercy, PlanId: plan, Patient: h.Addr(devnet.Alice),
				Lines: []types.ClaimLine{line(h)}}
			if change != nil {
				change(h, m)
			}
			return []sdk.Msg{m}
		}
	}
	createPlan := func(change func(h *apptest.Harness, m *types.MsgCreatePlan)) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			m := &types.MsgCreatePlan{Payer: h.Addr(payer), PayerOrg: devnet.OrgAcme, Name: "Acme Silver", Denom: app.SettlementDenom,
				Rules:                []types.CoverageRule{{ProcedureCode: "99213", MaxAllowedPerUnit: usd(100), CoinsuranceBps: 3000}},
				AnnualLimitPerMember: usd(5_000)}
			if change != nil {
				change(h, m)
			}
			return []sdk.Msg{m}
		}
	}
	fund := func(signer string, planID uint64, amount math.Int) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgFundPlan{Payer: h.Addr(signer), PlanId: planID, Amount: amount}}
		}
	}
	escrow := authtypes.NewModuleAddress(types.ModuleName).String()
	var paidClaim, foreignPlan uint64
	// 2^260: more than math.Int's 256 bits, so it can only be hand-encoded.
	tooBig := new(big.Int).Lsh(big.NewInt(1), 260).String()

	cases := []catalog.Case{
		{Name: "create a plan as an account that acts for no payer", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return createPlan(func(h *apptest.Harness, m *types.MsgCreatePlan) { m.Payer = h.Addr(devnet.Bob) })(h)
			}, Want: types.ErrNotPayerMember},
		{Name: "create a plan for a provider organization", Kind: catalog.Unauthorized, Signer: provider,
			Msgs: createPlan(func(h *apptest.Harness, m *types.MsgCreatePlan) {
				m.Payer, m.PayerOrg = h.Addr(provider), devnet.OrgMercy
			}),
			Want: types.ErrNotPayerMember},
		{Name: "create a plan signed with another key", Kind: catalog.WrongSigner, Signer: devnet.Bob, Msgs: createPlan(nil), Want: sdkerrors.ErrInvalidPubKey},
		{Name: "create a plan with an empty name", Kind: catalog.Empty, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Name = "" }), Want: types.ErrInvalidPlan},
		{Name: "create a plan with a 129-character name", Kind: catalog.Oversized, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Name = strings.Repeat("n", 129) }), Want: types.ErrInvalidPlan},
		{Name: "create a plan in a malformed denom", Kind: catalog.UnknownDenom, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Denom = "u$d" }), Want: types.ErrInvalidPlan},
		{Name: "create a plan with no rules", Kind: catalog.Empty, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Rules = nil }), Want: types.ErrInvalidPlan},
		{Name: "create a plan with two rules for one code", Kind: catalog.Duplicate, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Rules = append(m.Rules, m.Rules[0]) }), Want: types.ErrInvalidPlan},
		{Name: "create a plan with a negative maximum", Kind: catalog.BadAmount, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Rules[0].MaxAllowedPerUnit = math.NewInt(-1) }), Want: types.ErrInvalidPlan},
		{Name: "create a plan with coinsurance above 100%", Kind: catalog.BadAmount, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Rules[0].CoinsuranceBps = 10_001 }), Want: types.ErrInvalidPlan},
		{Name: "create a plan with 201 rules", Kind: catalog.Oversized, Signer: payer,
			Msgs: createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) {
				m.Rules = nil
				for i := range 201 {
					m.Rules = append(m.Rules, types.CoverageRule{ProcedureCode: "9" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i), MaxAllowedPerUnit: usd(1)})
				}
			}), Want: types.ErrInvalidPlan},
		{Name: "fund a plan with zero", Kind: catalog.BadAmount, Signer: payer, Msgs: fund(payer, plan, math.ZeroInt()), Want: types.ErrInvalidAmount},
		{Name: "fund a plan with a negative amount", Kind: catalog.BadAmount, Signer: payer, Msgs: fund(payer, plan, math.NewInt(-5)), Want: types.ErrInvalidAmount},
		{Name: "fund a plan with more than the amount limit", Kind: catalog.BadAmount, Signer: payer,
			Msgs: fund(payer, plan, types.MaxAmount.AddRaw(1)), Want: types.ErrInvalidAmount},
		{Name: "fund a plan with an amount above 256 bits", Kind: catalog.BadAmount, Signer: payer,
			Tx: func(t *testing.T, h *apptest.Harness) []byte {
				return catalog.SignRaw(t, h, payer, catalog.RawMsg("/carechain.claims.v1.MsgFundPlan",
					catalog.RawField{Num: 1, Bytes: []byte(h.Addr(payer))}, catalog.RawField{Num: 2, Uint: plan}, catalog.RawField{Num: 3, Bytes: []byte(tooBig)}))
			}, Want: sdkerrors.ErrTxDecode},
		{Name: "fund a plan with more than the payer holds", Kind: catalog.BadAmount, Signer: payer,
			Msgs: fund(payer, plan, types.MaxAmount), Want: sdkerrors.ErrInsufficientFunds},
		{Name: "fund a plan in a denom nobody holds", Kind: catalog.UnknownDenom, Signer: payer,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, payer, createPlan(func(_ *apptest.Harness, m *types.MsgCreatePlan) { m.Denom = "ufoo" })(h)...)
				next, err := h.App.ClaimsKeeper.PlanSeq.Peek(h.Ctx())
				if err != nil {
					t.Fatal(err)
				}
				foreignPlan = next - 1
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg { return fund(payer, foreignPlan, usd(1))(h) }, Want: sdkerrors.ErrInsufficientFunds},
		{Name: "fund a plan that does not exist", Kind: catalog.NotFound, Signer: payer, Msgs: fund(payer, 9_999, usd(1)), Want: types.ErrPlanNotFound},
		{Name: "fund a plan as an account outside its payer", Kind: catalog.Unauthorized, Signer: devnet.Alice,
			Msgs: fund(devnet.Alice, plan, usd(1)), Want: types.ErrNotPayerMember},
		{Name: "withdraw more than the unreserved escrow", Kind: catalog.BadAmount, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgWithdrawPlanFunds{Payer: h.Addr(payer), PlanId: plan, Amount: devnet.AcmeGoldEscrow.Add(usd(1))}}
			}, Want: types.ErrInsufficientAvailable},
		{Name: "withdraw escrow as a provider", Kind: catalog.Unauthorized, Signer: provider,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgWithdrawPlanFunds{Payer: h.Addr(provider), PlanId: plan, Amount: usd(1)}}
			}, Want: types.ErrNotPayerMember},
		{Name: "coins sent straight to the claims escrow account", Kind: catalog.EscrowSend, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&banktypes.MsgSend{FromAddress: h.Addr(payer), ToAddress: escrow, Amount: sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, usd(1)))}}
			}, Want: sdkerrors.ErrUnauthorized},
		{Name: "coins multi-sent to the claims escrow account", Kind: catalog.EscrowSend, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				coins := sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, usd(1)))
				return []sdk.Msg{&banktypes.MsgMultiSend{
					Inputs:  []banktypes.Input{{Address: h.Addr(payer), Coins: coins}},
					Outputs: []banktypes.Output{{Address: escrow, Coins: coins}},
				}}
			}, Want: sdkerrors.ErrUnauthorized},
		{Name: "enroll with coverage ending before it starts", Kind: catalog.Malformed, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgEnrollMember{Payer: h.Addr(payer), PlanId: plan, Patient: h.Addr(devnet.Bob), CoverageStart: h.Time(), CoverageEnd: h.Time().Add(-time.Hour)}}
			}, Want: types.ErrInvalidEnrollment},
		{Name: "enroll with an empty coverage period", Kind: catalog.Empty, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgEnrollMember{Payer: h.Addr(payer), PlanId: plan, Patient: h.Addr(devnet.Bob)}}
			}, Want: types.ErrInvalidEnrollment},
		{Name: "enroll a malformed patient address", Kind: catalog.BadAddress, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgEnrollMember{Payer: h.Addr(payer), PlanId: plan, Patient: "care1patient", CoverageStart: h.Time(), CoverageEnd: h.Time().AddDate(1, 0, 0)}}
			}, Want: types.ErrInvalidAddress},
		{Name: "enroll as a provider", Kind: catalog.Unauthorized, Signer: provider,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgEnrollMember{Payer: h.Addr(provider), PlanId: plan, Patient: h.Addr(devnet.Bob), CoverageStart: h.Time(), CoverageEnd: h.Time().AddDate(1, 0, 0)}}
			}, Want: types.ErrNotPayerMember},
		{Name: "submit a claim as an account that acts for no provider", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: submit(func(h *apptest.Harness, m *types.MsgSubmitClaim) { m.Submitter, m.ProviderOrg = h.Addr(devnet.Bob), "" }),
			Want: types.ErrNotProviderMember},
		{Name: "submit a claim for a patient who is not enrolled", Kind: catalog.NotFound, Signer: provider,
			Msgs: submit(func(h *apptest.Harness, m *types.MsgSubmitClaim) { m.Patient = h.Addr(devnet.Bob) }), Want: types.ErrNotEnrolled},
		{Name: "submit a claim with a malformed patient address", Kind: catalog.BadAddress, Signer: provider,
			Msgs: submit(func(_ *apptest.Harness, m *types.MsgSubmitClaim) { m.Patient = "care1" }), Want: types.ErrInvalidAddress},
		{Name: "submit a claim dated before the coverage", Kind: catalog.Malformed, Signer: provider,
			Msgs: submit(func(h *apptest.Harness, m *types.MsgSubmitClaim) { m.Lines[0].ServiceDate = today(h).AddDate(-1, 0, 0) }),
			Want: types.ErrServiceDateNotCovered},
		{Name: "submit a claim dated in the future", Kind: catalog.Malformed, Signer: provider,
			Msgs: submit(func(h *apptest.Harness, m *types.MsgSubmitClaim) { m.Lines[0].ServiceDate = today(h).AddDate(0, 0, 2) }),
			Want: types.ErrInvalidClaim},
		{Name: "submit a claim with a malformed procedure code", Kind: catalog.Malformed, Signer: provider,
			Msgs: submit(func(_ *apptest.Harness, m *types.MsgSubmitClaim) { m.Lines[0].ProcedureCode = "office visit" }), Want: types.ErrInvalidClaim},
		{Name: "submit a claim with no lines", Kind: catalog.Empty, Signer: provider,
			Msgs: submit(func(_ *apptest.Harness, m *types.MsgSubmitClaim) { m.Lines = nil }), Want: types.ErrInvalidClaim},
		{Name: "submit a claim with zero units", Kind: catalog.BadAmount, Signer: provider,
			Msgs: submit(func(_ *apptest.Harness, m *types.MsgSubmitClaim) { m.Lines[0].Units = 0 }), Want: types.ErrInvalidClaim},
		{Name: "submit a claim with a zero charge", Kind: catalog.BadAmount, Signer: provider,
			Msgs: submit(func(_ *apptest.Harness, m *types.MsgSubmitClaim) { m.Lines[0].Charge = math.ZeroInt() }), Want: types.ErrInvalidClaim},
		{Name: "submit a claim with 51 lines", Kind: catalog.Oversized, Signer: provider,
			Msgs: submit(func(h *apptest.Harness, m *types.MsgSubmitClaim) {
				for i := range 50 {
					l := line(h)
					l.ServiceDate = today(h).AddDate(0, 0, -i-1)
					m.Lines = append(m.Lines, l)
				}
			}), Want: types.ErrInvalidClaim},
		{Name: "submit a claim citing evidence that does not exist", Kind: catalog.NotFound, Signer: provider,
			Msgs: submit(func(_ *apptest.Harness, m *types.MsgSubmitClaim) { m.EvidenceRecordIds = []uint64{77} }), Want: types.ErrEvidenceNotFound},
		{Name: "submit the same claim twice", Kind: catalog.Duplicate, Signer: provider,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, provider, submit(nil)(h)...)
				next, err := h.App.ClaimsKeeper.ClaimSeq.Peek(h.Ctx())
				if err != nil {
					t.Fatal(err)
				}
				paidClaim = next - 1
			},
			Msgs: submit(nil), Want: types.ErrDuplicateClaim},
		{Name: "adjudicate a claim that was paid", Kind: catalog.BadState, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAdjudicateClaim{Payer: h.Addr(payer), ClaimId: paidClaim, Decisions: []types.LineDecision{{LineIndex: 0, Approve: true}}}}
			}, Want: types.ErrInvalidClaimStatus},
		{Name: "adjudicate a claim that does not exist", Kind: catalog.NotFound, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAdjudicateClaim{Payer: h.Addr(payer), ClaimId: 5_000}}
			}, Want: types.ErrClaimNotFound},
		{Name: "adjudicate a claim as its provider", Kind: catalog.Unauthorized, Signer: provider,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAdjudicateClaim{Payer: h.Addr(provider), ClaimId: paidClaim, Decisions: []types.LineDecision{{LineIndex: 0, Approve: true}}}}
			}, Want: types.ErrNotPayerMember},
		{Name: "withdraw a paid claim", Kind: catalog.BadState, Signer: provider,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgWithdrawClaim{Submitter: h.Addr(provider), ClaimId: paidClaim}}
			}, Want: types.ErrInvalidClaimStatus},
		{Name: "withdraw a claim as the payer", Kind: catalog.Unauthorized, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgWithdrawClaim{Submitter: h.Addr(payer), ClaimId: paidClaim}}
			}, Want: types.ErrNotProviderMember},
		{Name: "appeal a claim that was paid", Kind: catalog.BadState, Signer: provider,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgAppealClaim{Submitter: h.Addr(provider), ClaimId: paidClaim}}
			}, Want: types.ErrInvalidClaimStatus},
		{Name: "close a plan as a provider", Kind: catalog.Unauthorized, Signer: provider,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgClosePlan{Payer: h.Addr(provider), PlanId: plan}}
			}, Want: types.ErrNotPayerMember},
		{Name: "change parameters without governance", Kind: catalog.Unauthorized, Signer: payer,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgUpdateParams{Authority: h.Addr(payer), Params: types.DefaultParams()}}
			}, Want: types.ErrInvalidAuthority},
		{Name: "escrow withdrawal through authz without the payer's grant", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				exec := authz.NewMsgExec(h.AccAddr(devnet.Bob), []sdk.Msg{&types.MsgWithdrawPlanFunds{Payer: h.Addr(payer), PlanId: plan, Amount: usd(1)}})
				return []sdk.Msg{&exec}
			}, Want: authz.ErrNoAuthorizationFound},
		catalog.ReplayCase("replayed funding transaction", payer, fund(payer, plan, usd(1))),
	}
	catalog.RequireKinds(t, cases, catalog.Empty, catalog.Oversized, catalog.BadAddress, catalog.WrongSigner,
		catalog.Unauthorized, catalog.Duplicate, catalog.BadAmount, catalog.UnknownDenom, catalog.EscrowSend, catalog.Replayed)
	catalog.Run(t, h, cases)
	t.Logf("%d claims bad-input cases", len(cases))
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }
