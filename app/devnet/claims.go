package devnet

import (
	"encoding/json"
	"fmt"
	"time"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	claimstypes "github.com/carechain/carechain/x/claims/types"
)

// Demo plan "Acme Gold" (plan 1) of acme-health, in uusd (1 USD = 1_000000 uusd).
const (
	AcmeGoldPlanID   = 1
	AcmeGoldPlanName = "Acme Gold"
)

// Amounts of the demo plan.
var (
	// AcmeGoldEscrow is what the plan holds at genesis: $100,000.
	AcmeGoldEscrow = sdkmath.NewInt(100_000 * million)
	// AcmeGoldAnnualLimit caps what the plan pays per member per year: $10,000.
	AcmeGoldAnnualLimit = sdkmath.NewInt(10_000 * million)
)

// AcmeGoldRules are the demo plan's rules, sorted by procedure code. Office
// visits and a blood count are paid automatically at 20% coinsurance; a
// metabolic panel needs the payer's review.
func AcmeGoldRules() []claimstypes.CoverageRule {
	rule := func(code string, maxUSD int64, review bool) claimstypes.CoverageRule {
		return claimstypes.CoverageRule{
			ProcedureCode:     code,
			MaxAllowedPerUnit: sdkmath.NewInt(maxUSD * million),
			CoinsuranceBps:    2000,
			RequiresReview:    review,
		}
	}
	return []claimstypes.CoverageRule{
		rule("80053", 40, true),   // comprehensive metabolic panel
		rule("85025", 25, false),  // complete blood count
		rule("99213", 130, false), // office visit, established patient, low complexity
		rule("99214", 190, false), // office visit, established patient, moderate complexity
	}
}

// CoverageYear returns [1 January, next 1 January) UTC of t's year.
func CoverageYear(t time.Time) (time.Time, time.Time) {
	start := time.Date(t.UTC().Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(1, 0, 0)
}

// applyClaimsDemo adds the Acme Gold plan, funded in genesis (the escrow is
// minted into the claims module account, so bank supply includes it), and
// enrolls alice for the calendar year of the genesis time.
func applyClaimsDemo(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *Network) error {
	var gs claimstypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[claimstypes.ModuleName], &gs); err != nil {
		return fmt.Errorf("claims genesis: %w", err)
	}
	alice, ok := net.Account(Alice)
	if !ok {
		return fmt.Errorf("no account %s", Alice)
	}
	start, end := CoverageYear(net.GenesisTime)
	gs.Plans = append(gs.Plans, claimstypes.Plan{
		Id:                   AcmeGoldPlanID,
		PayerOrg:             OrgAcme,
		Name:                 AcmeGoldPlanName,
		Denom:                app.SettlementDenom,
		Rules:                AcmeGoldRules(),
		AnnualLimitPerMember: AcmeGoldAnnualLimit,
		Status:               claimstypes.PlanStatusActive,
		Escrow:               AcmeGoldEscrow,
		Reserved:             sdkmath.ZeroInt(),
		CreatedAt:            net.GenesisTime,
	})
	gs.Enrollments = append(gs.Enrollments, claimstypes.Enrollment{
		PlanId: AcmeGoldPlanID, Patient: alice.Address, CoverageStart: start, CoverageEnd: end,
	})
	if gs.NextPlanId <= AcmeGoldPlanID {
		gs.NextPlanId = AcmeGoldPlanID + 1
	}
	genState[claimstypes.ModuleName] = cdc.MustMarshalJSON(&gs)

	var bankGen banktypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[banktypes.ModuleName], &bankGen); err != nil {
		return fmt.Errorf("bank genesis: %w", err)
	}
	escrow := sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, AcmeGoldEscrow))
	bankGen.Balances = append(bankGen.Balances, banktypes.Balance{
		Address: authtypes.NewModuleAddress(claimstypes.ModuleName).String(),
		Coins:   escrow,
	})
	bankGen.Balances = banktypes.SanitizeGenesisBalances(bankGen.Balances)
	bankGen.Supply = bankGen.Supply.Add(escrow...)
	genState[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	return nil
}
