package claims_test

import (
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/x/claims/keeper"
	"github.com/carechain/carechain/x/claims/types"
)

// chain wraps the harness so that the escrow invariants are checked after
// every block.
type chain struct {
	*apptest.Harness
	t *testing.T
}

func newChain(t *testing.T) *chain {
	c := &chain{Harness: apptest.New(t), t: t}
	c.check()
	return c
}

func (c *chain) check() {
	c.t.Helper()
	require.NoError(c.t, c.App.ClaimsKeeper.CheckInvariants(c.Ctx()), "after block %d", c.Height())
}

func (c *chain) deliver(signer string, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.t.Helper()
	res := c.Deliver(signer, msgs...)
	c.check()
	return res
}

func (c *chain) usd(name string) math.Int {
	return c.App.BankKeeper.GetBalance(c.Ctx(), c.AccAddr(name), app.SettlementDenom).Amount
}

func (c *chain) query() keeper.Querier { return keeper.NewQuerier(c.App.ClaimsKeeper) }

func (c *chain) plan() types.Plan {
	res, err := c.query().Plan(c.Ctx(), &types.QueryPlanRequest{Id: devnet.AcmeGoldPlanID})
	require.NoError(c.t, err)
	return res.Plan
}

func serviceLine(code string, usd int64, date time.Time) types.ClaimLine {
	return types.ClaimLine{ProcedureCode: code, DiagnosisCodes: []string{"J06.9"}, Units: 1,
		Charge: math.NewInt(usd * 1_000_000), ServiceDate: date}
}

var today = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // the harness's genesis day

func requireFailed(t *testing.T, res *abci.ExecTxResult, want interface{ ABCICode() uint32 }) {
	t.Helper()
	require.Equal(t, types.ModuleName, res.Codespace, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, res.Log)
}

// Must-show 1 through real transactions: ante handler, fees, message router.
func TestSubmitAndPayInOneTransaction(t *testing.T) {
	c := newChain(t)
	mercyBefore, escrowBefore := c.usd(devnet.MercyAdmin), c.plan().Escrow

	res := c.deliver(devnet.MercyAdmin, &types.MsgSubmitClaim{
		Submitter: c.Addr(devnet.MercyAdmin), PlanId: devnet.AcmeGoldPlanID, Patient: c.Addr(devnet.Alice),
		Lines: []types.ClaimLine{serviceLine("99213", 180, today)},
	})
	require.Zero(t, res.Code, res.Log)

	payer := math.NewInt(104_000_000)
	require.True(t, c.usd(devnet.MercyAdmin).Equal(mercyBefore.Add(payer)), "fees are paid in ucare; uusd rises by the payer share exactly")
	require.True(t, c.plan().Escrow.Equal(escrowBefore.Sub(payer)))

	claim, err := c.query().Claim(c.Ctx(), &types.QueryClaimRequest{Id: 1})
	require.NoError(t, err)
	require.Equal(t, types.ClaimStatusPaid, claim.Claim.Status)
	eob, err := c.query().ExplanationOfBenefits(c.Ctx(), &types.QueryExplanationOfBenefitsRequest{Id: 1})
	require.NoError(t, err)
	l := eob.Eob.Lines[0]
	for name, pair := range map[string][2]math.Int{
		"charge":  {math.NewInt(180_000_000), l.Charge},
		"allowed": {math.NewInt(130_000_000), l.Allowed},
		"payer":   {payer, l.PayerPaid},
		"patient": {math.NewInt(26_000_000), l.PatientResponsibility},
	} {
		require.True(t, pair[0].Equal(pair[1]), "%s: want %s, got %s", name, pair[0], pair[1])
	}
	c.NextBlock(time.Second)
	c.check()
}

// Must-show 2 through real transactions.
func TestReviewThenPayOnChain(t *testing.T) {
	c := newChain(t)
	res := c.deliver(devnet.MercyAdmin, &types.MsgSubmitClaim{
		Submitter: c.Addr(devnet.MercyAdmin), PlanId: devnet.AcmeGoldPlanID, Patient: c.Addr(devnet.Alice),
		Lines: []types.ClaimLine{serviceLine("80053", 55, today)},
	})
	require.Zero(t, res.Code, res.Log)
	p := c.plan()
	require.True(t, p.Reserved.Equal(math.NewInt(32_000_000)))

	res = c.deliver(devnet.AcmeAdmin, &types.MsgWithdrawPlanFunds{Payer: c.Addr(devnet.AcmeAdmin), PlanId: p.Id, Amount: p.Escrow})
	requireFailed(t, res, types.ErrInsufficientAvailable)
	res = c.deliver(devnet.MercyAdmin, &types.MsgAdjudicateClaim{Payer: c.Addr(devnet.MercyAdmin), ClaimId: 1,
		Decisions: []types.LineDecision{{LineIndex: 0, Approve: true}}})
	requireFailed(t, res, types.ErrNotPayerMember)

	mercyBefore := c.usd(devnet.MercyAdmin)
	res = c.deliver(devnet.AcmeAdmin, &types.MsgAdjudicateClaim{Payer: c.Addr(devnet.AcmeAdmin), ClaimId: 1,
		Decisions: []types.LineDecision{{LineIndex: 0, Approve: true}}})
	require.Zero(t, res.Code, res.Log)
	require.True(t, c.usd(devnet.MercyAdmin).Equal(mercyBefore.Add(math.NewInt(32_000_000))))
	require.True(t, c.plan().Reserved.IsZero())
}

// The claims module account takes no plain bank sends: escrow enters only
// through MsgFundPlan, so the invariant cannot be broken from outside.
func TestEscrowAccountRefusesBankSends(t *testing.T) {
	c := newChain(t)
	res := c.deliver(devnet.Alice, &banktypes.MsgSend{FromAddress: c.Addr(devnet.Alice),
		ToAddress: c.App.ClaimsKeeper.ModuleAddress().String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 1))})
	require.NotZero(t, res.Code)
}

// Must-show 7: genesis export then import reproduces plans, enrollments and
// claims on a new chain.
func TestExportImportReproducesClaimsState(t *testing.T) {
	c := newChain(t)
	gold := uint64(devnet.AcmeGoldPlanID)
	require.Zero(t, c.deliver(devnet.AcmeAdmin, &types.MsgEnrollMember{Payer: c.Addr(devnet.AcmeAdmin), PlanId: gold, Patient: c.Addr(devnet.Bob),
		CoverageStart: today.AddDate(0, 0, -4), CoverageEnd: today.AddDate(1, 0, 0)}).Code)
	for _, m := range []*types.MsgSubmitClaim{
		{PlanId: gold, Patient: c.Addr(devnet.Alice), Lines: []types.ClaimLine{serviceLine("99213", 180, today)}},
		{PlanId: gold, Patient: c.Addr(devnet.Alice), Lines: []types.ClaimLine{serviceLine("80053", 55, today)}},
		{PlanId: gold, Patient: c.Addr(devnet.Bob), Lines: []types.ClaimLine{serviceLine("J3490", 70, today)}},
	} {
		m.Submitter = c.Addr(devnet.MercyAdmin)
		res := c.deliver(devnet.MercyAdmin, m)
		require.Zero(t, res.Code, res.Log)
	}
	c.NextBlock(time.Second)

	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	imported := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(apptest.ChainID))
	cp := cmttypes.DefaultConsensusParams().ToProto()
	_, err = imported.InitChain(&abci.RequestInitChain{ChainId: apptest.ChainID, InitialHeight: exported.Height,
		ConsensusParams: &cp, AppStateBytes: exported.AppState, Time: c.Time()})
	require.NoError(t, err)
	_, err = imported.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height, Time: c.Time()})
	require.NoError(t, err)
	_, err = imported.Commit()
	require.NoError(t, err)
	reexported, err := imported.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	var first, second map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &first))
	require.NoError(t, json.Unmarshal(reexported.AppState, &second))
	require.JSONEq(t, string(first[types.ModuleName]), string(second[types.ModuleName]))

	var gs types.GenesisState
	imported.AppCodec().MustUnmarshalJSON(second[types.ModuleName], &gs)
	require.Len(t, gs.Plans, 1)
	require.Len(t, gs.Enrollments, 2)
	require.Len(t, gs.Claims, 3)
	require.EqualValues(t, 4, gs.NextClaimId)

	ctx := imported.NewUncachedContext(false, cmtproto.Header{ChainID: apptest.ChainID, Height: exported.Height, Time: c.Time()})
	require.NoError(t, imported.ClaimsKeeper.CheckInvariants(ctx))
	q := keeper.NewQuerier(imported.ClaimsKeeper)
	pending, err := q.Claims(ctx, &types.QueryClaimsRequest{Patient: c.Addr(devnet.Alice), Status: types.ClaimStatusPendingReview})
	require.NoError(t, err)
	require.Len(t, pending.Claims, 1, "indexes are rebuilt on import")
}
