package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app/devnet"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/research/types"
)

// populate builds state that exercises every collection: studies in
// several statuses, an amendment with a partial re-consent, a withdrawal,
// datasets and results.
func populate(f *fixture) {
	f.t.Helper()
	f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	f.mustEnroll(demoStudy, f.addr(devnet.Bob))
	f.mustEnroll(demoStudy, f.addr(devnet.Carol))
	require.NoError(f.t, f.withdraw(demoStudy, f.addr(devnet.Carol)))
	_, err := f.amend(demoStudy, hashV2)
	require.NoError(f.t, err)
	f.approve(demoStudy)
	_, err = f.reconsent(demoStudy, f.addr(devnet.Alice))
	require.NoError(f.t, err)
	_, err = f.msg.AnchorDataset(f.ctx, &types.MsgAnchorDataset{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: demoStudy, DatasetHash: hashV3, RecordCount: 42})
	require.NoError(f.t, err)

	done := f.recruiting(f.registerMsg())
	f.mustEnroll(done, f.addr(devnet.Alice))
	_, err = f.setStatus(done, types.StudyStatusCompleted)
	require.NoError(f.t, err)
	_, err = f.msg.PublishResults(f.ctx, &types.MsgPublishResults{Sponsor: f.addr(devnet.NorthwindAdmin), StudyId: done, ResultsHash: hashOut, ResultsUri: "https://northwind.example/r"})
	require.NoError(f.t, err)
	f.register(f.registerMsg())
}

func TestGenesisRoundTripInKeeper(t *testing.T) {
	f := newFixture(t)
	populate(f)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate(f.k.AddressCodec()))
	require.Len(t, gs.Studies, 3)
	require.Len(t, gs.Participations, 4)
	require.Len(t, gs.ProtocolVersions, 4)
	require.Len(t, gs.Datasets, 1)
	require.EqualValues(t, 4, gs.NextStudyId)

	// Import into a fresh chain whose bank and consent state are the same
	// (the genesis of a cache context over the same stores would collide),
	// by clearing research state and importing again.
	g := newFixture(t)
	populateConsentsAndBank(t, f, g)
	require.NoError(t, g.k.InitGenesis(g.ctx, gs))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	g.requireInvariants()

	// Indexes were rebuilt: the guard and the filtered listings work.
	st, reason := g.status(demoStudy, g.accAddr(devnet.Bob))
	require.Equal(t, types.ParticipationStatusReconsentRequired, st)
	requireDeny(t, g.research(g.accAddr(devnet.Bob), "Observation"), reason)
	p, err := g.k.GetParticipation(g.ctx, demoStudy, g.accAddr(devnet.Alice))
	require.NoError(t, err)
	requirePermit(t, g.research(g.accAddr(devnet.Alice), "Observation"), p.ConsentId)
	res, err := g.q.Studies(g.ctx, &types.QueryStudiesRequest{Status: types.StudyStatusCompleted})
	require.NoError(t, err)
	require.Len(t, res.Studies, 1)
	_, err = g.msg.AnchorDataset(g.ctx, &types.MsgAnchorDataset{Sponsor: g.addr(devnet.NorthwindAdmin), StudyId: demoStudy, DatasetHash: hashV3, RecordCount: 1})
	requireErr(t, err, types.ErrDuplicateDataset)
	id := g.register(g.registerMsg())
	require.EqualValues(t, 4, id, "the id sequence continues")
}

// populateConsentsAndBank replays into g the consent and bank state that
// f's research state relies on, by running the same messages.
func populateConsentsAndBank(t *testing.T, f, g *fixture) {
	t.Helper()
	populate(g)
	// Drop g's research state so that importing f's export starts clean;
	// consent and bank state now match f's (same messages, same order).
	for _, clear := range []func() error{
		func() error { return g.k.Studies.Clear(g.ctx, nil) },
		func() error { return g.k.StudiesByStatus.Clear(g.ctx, nil) },
		func() error { return g.k.StudiesBySponsor.Clear(g.ctx, nil) },
		func() error { return g.k.StudiesBySponsorStatus.Clear(g.ctx, nil) },
		func() error { return g.k.ProtocolVersions.Clear(g.ctx, nil) },
		func() error { return g.k.Participations.Clear(g.ctx, nil) },
		func() error { return g.k.ParticipationByConsent.Clear(g.ctx, nil) },
		func() error { return g.k.Datasets.Clear(g.ctx, nil) },
		func() error { return g.k.DatasetHashes.Clear(g.ctx, nil) },
	} {
		require.NoError(t, clear())
	}
	require.Equal(t, f.now(), g.now())
}

func TestInitGenesisChecksEscrowAgainstTheBank(t *testing.T) {
	f := newFixture(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	// Coins that no study holds arrive in the module account.
	require.NoError(t, f.h.App.BankKeeper.SendCoins(f.ctx, f.accAddr(devnet.Alice), f.k.ModuleAddress(), sdkCoins(usdCoin(1))))
	require.ErrorContains(t, f.k.InitGenesis(f.ctx, gs), "escrow of uusd")
}

func TestInitGenesisChecksParticipationConsents(t *testing.T) {
	f := newFixture(t)
	f.mustEnroll(demoStudy, f.addr(devnet.Alice))
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	// Alice's own (unmanaged) consent is not a research consent.
	own, err := consentMsg(f).GrantConsent(f.ctx, &consenttypes.MsgGrantConsent{
		Signer: f.addr(devnet.Alice), Patient: f.addr(devnet.Alice), Decision: consenttypes.DecisionPermit, GranteeOrg: devnet.OrgNorthwind,
		Actions: []consenttypes.Action{consenttypes.ActionRead}, Purposes: []consenttypes.Purpose{consenttypes.PurposeHresch},
		ExpiresAt: f.now().Add(24 * time.Hour),
	})
	require.NoError(t, err)
	gs.Participations[0].ConsentId = own.ConsentId
	require.ErrorContains(t, f.k.InitGenesis(f.ctx, gs), "is not the research consent")
	gs.Participations[0].ConsentId = 999
	require.ErrorContains(t, f.k.InitGenesis(f.ctx, gs), "consent 999")
}

func TestGenesisValidateRejectsInconsistentState(t *testing.T) {
	f := newFixture(t)
	populate(f)
	good, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, good.Validate(f.k.AddressCodec()))

	cases := map[string]func(gs *types.GenesisState){
		"next id not above every study":  func(gs *types.GenesisState) { gs.NextStudyId = 3 },
		"duplicate study":                func(gs *types.GenesisState) { gs.Studies = append(gs.Studies, gs.Studies[0]) },
		"escrow off by one":              func(gs *types.GenesisState) { gs.Studies[0].Escrow.Amount = gs.Studies[0].Escrow.Amount.AddRaw(1) },
		"escrow left in a final study":   func(gs *types.GenesisState) { gs.Studies[1].Escrow.Amount = usd(1) },
		"enrollment count off":           func(gs *types.GenesisState) { gs.Studies[0].EnrollmentCount++ },
		"withdrawal count off":           func(gs *types.GenesisState) { gs.Studies[0].WithdrawalCount = 0 },
		"current-version consents off":   func(gs *types.GenesisState) { gs.Studies[0].CurrentVersionConsents = 2 },
		"approved beyond the version":    func(gs *types.GenesisState) { gs.Studies[0].ApprovedVersion = 3 },
		"unsorted categories":            func(gs *types.GenesisState) { gs.Studies[2].RequestedCategories = []string{"Observation", "Condition"} },
		"bad title":                      func(gs *types.GenesisState) { gs.Studies[0].Title = "Study <script>" },
		"sponsor reviews itself":         func(gs *types.GenesisState) { gs.Studies[0].IrbOrg = gs.Studies[0].SponsorOrg },
		"results without a uri":          func(gs *types.GenesisState) { gs.Studies[1].ResultsUri = "" },
		"draft with an approved version": func(gs *types.GenesisState) { gs.Studies[2].ApprovedVersion = 1 },
		"missing protocol version":       func(gs *types.GenesisState) { gs.ProtocolVersions = gs.ProtocolVersions[1:] },
		"current version differs":        func(gs *types.GenesisState) { gs.ProtocolVersions[1].ProtocolHash = hashV3 },
		"approval of an unapproved version": func(gs *types.GenesisState) {
			gs.ProtocolVersions[len(gs.ProtocolVersions)-1].ApprovedBy = gs.Studies[0].RegisteredBy
			now := time.Unix(1, 0)
			gs.ProtocolVersions[len(gs.ProtocolVersions)-1].ApprovedAt = &now
		},
		"duplicate participant":         func(gs *types.GenesisState) { gs.Participations = append(gs.Participations, gs.Participations[0]) },
		"consent id shared":             func(gs *types.GenesisState) { gs.Participations[1].ConsentId = gs.Participations[0].ConsentId },
		"consented to a future version": func(gs *types.GenesisState) { gs.Participations[0].ConsentedVersion = 9 },
		"participant of no study":       func(gs *types.GenesisState) { gs.Participations[0].StudyId = 99 },
		"incentive paid differs":        func(gs *types.GenesisState) { gs.Participations[0].IncentivePaid.Amount = usd(1) },
		"dataset index beyond count":    func(gs *types.GenesisState) { gs.Datasets[0].Index = 2 },
		"dataset with no records":       func(gs *types.GenesisState) { gs.Datasets[0].RecordCount = 0 },
		"bad params":                    func(gs *types.GenesisState) { gs.Params.MaxTargetEnrollment = 0 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			gs, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			mutate(gs)
			require.Error(t, gs.Validate(f.k.AddressCodec()))
		})
	}
}

func TestInvariantsDetectBrokenEscrowAndCounts(t *testing.T) {
	t.Run("coins added to the module account", func(t *testing.T) {
		f := newFixture(t)
		require.NoError(t, f.h.App.BankKeeper.SendCoins(f.ctx, f.accAddr(devnet.Alice), f.k.ModuleAddress(), sdkCoins(usdCoin(1))))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "escrow of uusd")
		_, broken := keeperEscrowInvariant(f)(f.ctx)
		require.True(t, broken)
	})
	t.Run("a foreign denom in the module account", func(t *testing.T) {
		f := newFixture(t)
		require.NoError(t, f.h.App.BankKeeper.SendCoins(f.ctx, f.accAddr(devnet.Alice), f.k.ModuleAddress(), sdkCoins(sdk.NewInt64Coin("ucare", 1))))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "no study holds it")
	})
	t.Run("a study's escrow tampered", func(t *testing.T) {
		f := newFixture(t)
		s := f.study(demoStudy)
		s.Escrow.Amount = s.Escrow.Amount.Sub(usd(50))
		require.NoError(t, f.k.Studies.Set(f.ctx, s.Id, s))
		require.Error(t, f.k.CheckInvariants(f.ctx))
	})
	t.Run("counts tampered", func(t *testing.T) {
		f := newFixture(t)
		f.mustEnroll(demoStudy, f.addr(devnet.Alice))
		s := f.study(demoStudy)
		s.CurrentVersionConsents = 0
		require.NoError(t, f.k.Studies.Set(f.ctx, s.Id, s))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "counts")
	})
	t.Run("consent index lost", func(t *testing.T) {
		f := newFixture(t)
		id := f.mustEnroll(demoStudy, f.addr(devnet.Alice))
		require.NoError(t, f.k.ParticipationByConsent.Remove(f.ctx, id))
		require.ErrorContains(t, f.k.CheckInvariants(f.ctx), "not indexed")
		requireDeny(t, f.research(f.accAddr(devnet.Alice), "Observation"), types.ReasonNoParticipation)
	})
	t.Run("holds", func(t *testing.T) {
		f := newFixture(t)
		populate(f)
		_, broken := keeperEscrowInvariant(f)(f.ctx)
		require.False(t, broken)
	})
}
