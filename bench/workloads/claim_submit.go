package workloads

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	claimstypes "github.com/carechain/carechain/x/claims/types"
)

// claim-submit: a billing clerk of mercy-general submits a claim for one
// office visit (CPT 99213, $100 charged) of a patient enrolled in a
// well-funded acme-health plan. It is adjudicated in the transaction
// (allowed $100, 20% coinsurance, payer share $80, under the annual limit)
// and paid from escrow to mercy-general's payout address: status PAID.
//
// No two claims share a fingerprint (provider, patient, date, code, units):
// sender s bills its own claimPatientsPerSender patients in turn, one day
// further back each round. The annual limit ($100,000) stays far away: a
// patient gets at most one $80 payment a day.
//
// Genesis: the senders are members of mercy-general; a plan of acme-health
// with escrow minted into the claims module account; the patients enrolled
// from ten years before genesis to a year after.
const claimPatientsPerSender = 16

// Genesis sets these: the plan's id and the latest service date (the day
// before genesis).
var (
	claimPlanID   atomic.Uint64
	claimLastDate atomic.Int64 // Unix seconds
)

var (
	claimCharge       = usd(100)
	claimPlanEscrow   = usd(100_000_000)
	claimAnnualLimit  = usd(100_000)
	claimMaxPerOffice = usd(130)
)

// claimPatient is the address of the k-th claim patient.
func claimPatient(k int) string { _, a := loadgen.Address("claim-patient", k); return a }

var claimPatients = sync.Map{} // sender address -> []string

func claimPatientsOf(s *loadgen.Sender) []string {
	if v, ok := claimPatients.Load(s.Address); ok {
		return v.([]string)
	}
	ps := make([]string, claimPatientsPerSender)
	for k := range ps {
		ps[k] = claimPatient(s.Index*claimPatientsPerSender + k)
	}
	v, _ := claimPatients.LoadOrStore(s.Address, ps)
	return v.([]string)
}

func init() {
	loadgen.Register(&loadgen.Workload{
		Name:       "claim-submit",
		MsgType:    sdk.MsgTypeURL(&claimstypes.MsgSubmitClaim{}),
		Healthcare: true,
		Gas:        300_000,
		Item:       "claim",
		Store:      claimstypes.StoreKey,
		// Auto-adjudicated and paid in the transaction: a claim that
		// committed but was not paid is a failure.
		MustEmit: proto.MessageName(&claimstypes.EventClaimPaid{}),
		Genesis: func(g *loadgen.Genesis) error {
			at, err := genesisTime(g)
			if err != nil {
				return err
			}
			if err := addMembers(g, devnet.OrgMercy, g.Senders); err != nil {
				return err
			}
			var gs claimstypes.GenesisState
			err = g.Edit(claimstypes.ModuleName, &gs, func() error {
				id := max(gs.NextPlanId, 1)
				gs.Plans = append(gs.Plans, claimstypes.Plan{
					Id: id, PayerOrg: devnet.OrgAcme, Name: "Acme Benchmark PPO", Denom: app.SettlementDenom,
					Rules: []claimstypes.CoverageRule{{
						ProcedureCode: "99213", MaxAllowedPerUnit: claimMaxPerOffice, CoinsuranceBps: 2000,
					}},
					AnnualLimitPerMember: claimAnnualLimit, Status: claimstypes.PlanStatusActive,
					Escrow: claimPlanEscrow, Reserved: usd(0), CreatedAt: at,
				})
				gs.NextPlanId = id + 1
				start, end := at.AddDate(-10, 0, 0), at.AddDate(1, 0, 0)
				for _, s := range g.Senders {
					for _, p := range claimPatientsOf(s) {
						gs.Enrollments = append(gs.Enrollments, claimstypes.Enrollment{PlanId: id, Patient: p, CoverageStart: start, CoverageEnd: end})
					}
				}
				claimPlanID.Store(id)
				return nil
			})
			if err != nil {
				return err
			}
			day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
			claimLastDate.Store(day.Unix())
			return mintToModule(g, claimstypes.ModuleName, sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, claimPlanEscrow)))
		},
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			plan := claimPlanID.Load()
			if plan == 0 {
				panic("claim-submit: Msg called before its Genesis")
			}
			date := time.Unix(claimLastDate.Load(), 0).UTC().AddDate(0, 0, -int(i/claimPatientsPerSender))
			return &claimstypes.MsgSubmitClaim{
				Submitter:   s.Address,
				ProviderOrg: devnet.OrgMercy,
				PlanId:      plan,
				Patient:     claimPatientsOf(s)[i%claimPatientsPerSender],
				Lines: []claimstypes.ClaimLine{{
					ProcedureCode: "99213", DiagnosisCodes: []string{"J06.9"}, Units: 1, Charge: claimCharge, ServiceDate: date,
				}},
			}
		},
	})
}
