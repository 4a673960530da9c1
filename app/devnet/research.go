package devnet

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// Demo study (study 1) of northwind-research, approved by citizens-irb and
// recruiting from genesis, with its incentives escrowed in uusd.
const (
	NorthwindStudyID          = 1
	NorthwindStudyTitle       = "NW-204 Hypertension outcomes registry"
	NorthwindStudyTarget      = 100
	NorthwindStudyProtocolURI = "https://northwind.example/protocols/nw-204-v1.pdf"
)

var (
	// NorthwindStudyIncentive is paid to each participant at enrollment: $50.
	NorthwindStudyIncentive = sdk.NewCoin(app.SettlementDenom, sdkmath.NewInt(50*million))
	// NorthwindStudyCategories are the data categories its research consent covers.
	NorthwindStudyCategories = []string{"Condition", "Observation"}
	// NorthwindStudyProtocolHash is the SHA-256 of the (imaginary) protocol document.
	NorthwindStudyProtocolHash = sha256Hex("Northwind Research NW-204 protocol, version 1")
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// applyResearchDemo adds the NW-204 study: registered by northwind-admin,
// version 1 approved by irb-admin, RECRUITING, ending a year after genesis.
// Its escrow (target × incentive) is minted into the research module
// account, so bank supply includes it.
func applyResearchDemo(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *Network) error {
	var gs researchtypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[researchtypes.ModuleName], &gs); err != nil {
		return fmt.Errorf("research genesis: %w", err)
	}
	sponsor, ok := net.Account(NorthwindAdmin)
	if !ok {
		return fmt.Errorf("no account %s", NorthwindAdmin)
	}
	irb, ok := net.Account(IRBAdmin)
	if !ok {
		return fmt.Errorf("no account %s", IRBAdmin)
	}
	escrow, err := researchtypes.EscrowFor(NorthwindStudyIncentive, NorthwindStudyTarget)
	if err != nil {
		return err
	}
	at := net.GenesisTime
	endsAt := at.AddDate(1, 0, 0)
	gs.Studies = append(gs.Studies, researchtypes.Study{
		Id:                  NorthwindStudyID,
		SponsorOrg:          OrgNorthwind,
		Title:               NorthwindStudyTitle,
		ProtocolHash:        NorthwindStudyProtocolHash,
		ProtocolVersion:     1,
		ProtocolUri:         NorthwindStudyProtocolURI,
		IrbOrg:              OrgIRB,
		ApprovedVersion:     1,
		RequestedCategories: NorthwindStudyCategories,
		TargetEnrollment:    NorthwindStudyTarget,
		Incentive:           NorthwindStudyIncentive,
		Status:              researchtypes.StudyStatusRecruiting,
		EndsAt:              endsAt,
		Escrow:              escrow,
		RegisteredBy:        sponsor.Address,
		RegisteredAt:        at,
	})
	gs.ProtocolVersions = append(gs.ProtocolVersions, researchtypes.ProtocolVersion{
		StudyId:             NorthwindStudyID,
		Version:             1,
		ProtocolHash:        NorthwindStudyProtocolHash,
		ProtocolUri:         NorthwindStudyProtocolURI,
		RequestedCategories: NorthwindStudyCategories,
		EndsAt:              endsAt,
		SubmittedBy:         sponsor.Address,
		SubmittedAt:         at,
		ApprovedBy:          irb.Address,
		ApprovedAt:          &at,
	})
	if gs.NextStudyId <= NorthwindStudyID {
		gs.NextStudyId = NorthwindStudyID + 1
	}
	genState[researchtypes.ModuleName] = cdc.MustMarshalJSON(&gs)

	var bankGen banktypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[banktypes.ModuleName], &bankGen); err != nil {
		return fmt.Errorf("bank genesis: %w", err)
	}
	coins := sdk.NewCoins(escrow)
	bankGen.Balances = append(bankGen.Balances, banktypes.Balance{
		Address: authtypes.NewModuleAddress(researchtypes.ModuleName).String(),
		Coins:   coins,
	})
	bankGen.Balances = banktypes.SanitizeGenesisBalances(bankGen.Balances)
	bankGen.Supply = bankGen.Supply.Add(coins...)
	genState[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	return nil
}
