package workloads

import (
	"fmt"
	"sync/atomic"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// study-enroll: a patient enrolls in a recruiting, IRB-approved study. The
// handler checks the study, creates the research consent in x/consent
// (through CreateManagedConsent, with its per-grantee cap check), pays the
// $1 incentive from escrow and records the participation.
//
// A patient enrolls in a study once, and a sender sends many transactions,
// so sender s's i-th message enrolls it in study i (of enrollStudies). Each
// study has its own sponsor organization: a patient's research consents to
// one sponsor would otherwise pile up against x/consent's
// max_active_consents_per_grantee, and each enrollment costs what a
// patient's enrollment with a sponsor usually costs (no earlier consent to
// that sponsor to count). Every study's target is the number of senders, its
// escrow target x incentive, minted into the research module account.
const enrollStudies = 4096

var (
	enrollIncentive = sdk.NewCoin(app.SettlementDenom, usd(1))
	// enrollFirstStudyID is the id of the workload's first study (Genesis
	// sets it); study i of the workload has id first + i.
	enrollFirstStudyID atomic.Uint64
)

func init() {
	loadgen.Register(&loadgen.Workload{
		Name:       "study-enroll",
		MsgType:    sdk.MsgTypeURL(&researchtypes.MsgEnroll{}),
		Healthcare: true,
		Gas:        300_000,
		Genesis: func(g *loadgen.Genesis) error {
			at, err := genesisTime(g)
			if err != nil {
				return err
			}
			_, admin := loadgen.Address("study-enroll-sponsor-admin", 0)
			irb := g.Addr(devnet.IRBAdmin)
			var reg registrytypes.GenesisState
			err = g.Edit(registrytypes.ModuleName, &reg, func() error {
				for i := 0; i < enrollStudies; i++ {
					reg.Organizations = append(reg.Organizations, registrytypes.Organization{
						Id: enrollSponsor(i), Name: fmt.Sprintf("Benchmark Sponsor %d", i), Admin: admin,
						Roles: []registrytypes.Role{registrytypes.RoleResearchSponsor}, Status: registrytypes.OrgStatusActive,
						PayoutAddress: admin,
					})
				}
				return nil
			})
			if err != nil {
				return err
			}
			target := uint32(len(g.Senders))
			escrow, err := researchtypes.EscrowFor(enrollIncentive, target)
			if err != nil {
				return err
			}
			var gs researchtypes.GenesisState
			err = g.Edit(researchtypes.ModuleName, &gs, func() error {
				first := max(gs.NextStudyId, 1)
				endsAt := at.AddDate(1, 0, 0)
				cats := []string{"Observation"}
				for i := 0; i < enrollStudies; i++ {
					id := first + uint64(i)
					hash := hexHash("study-protocol", enrollSponsor(i), id)
					uri := fmt.Sprintf("https://sponsor.example/protocols/%d-v1.pdf", id)
					gs.Studies = append(gs.Studies, researchtypes.Study{
						Id: id, SponsorOrg: enrollSponsor(i), Title: fmt.Sprintf("Benchmark registry study %d", i),
						ProtocolHash: hash, ProtocolVersion: 1, ProtocolUri: uri, IrbOrg: devnet.OrgIRB, ApprovedVersion: 1,
						RequestedCategories: cats, TargetEnrollment: target, Incentive: enrollIncentive,
						Status: researchtypes.StudyStatusRecruiting, EndsAt: endsAt, Escrow: escrow,
						RegisteredBy: admin, RegisteredAt: at,
					})
					approvedAt := at
					gs.ProtocolVersions = append(gs.ProtocolVersions, researchtypes.ProtocolVersion{
						StudyId: id, Version: 1, ProtocolHash: hash, ProtocolUri: uri, RequestedCategories: cats, EndsAt: endsAt,
						SubmittedBy: admin, SubmittedAt: at, ApprovedBy: irb, ApprovedAt: &approvedAt,
					})
				}
				gs.NextStudyId = first + enrollStudies
				enrollFirstStudyID.Store(first)
				return nil
			})
			if err != nil {
				return err
			}
			total := sdk.NewCoin(escrow.Denom, escrow.Amount.Mul(sdkmath.NewInt(enrollStudies)))
			return mintToModule(g, researchtypes.ModuleName, sdk.NewCoins(total))
		},
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			first := enrollFirstStudyID.Load()
			if first == 0 {
				panic("study-enroll: Msg called before its Genesis")
			}
			// Beyond enrollStudies transactions per sender the enrollment
			// fails (and is reported): make enrollStudies larger.
			return &researchtypes.MsgEnroll{Patient: s.Address, StudyId: first + i}
		},
	})
}

// enrollSponsor is the id of the sponsor organization of the workload's
// study i.
func enrollSponsor(i int) string { return fmt.Sprintf("bench-sponsor-%04d", i) }
