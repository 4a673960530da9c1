package e2e

import (
	"context"
	"fmt"
	"sync"

	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// ResearchStudy is what the research generator knows of the study patients
// join: the devnet's NW-204 (app/devnet/research.go), RECRUITING from
// genesis with its incentives in escrow.
type ResearchStudy struct {
	ID        uint64
	Target    uint32
	Incentive sdk.Coin
	// Category is one of the study's requested categories; Sponsor is a
	// member of the sponsor organization (bech32): CheckState asks
	// x/consent whether it may read that category of each participant for
	// research.
	Category, Sponsor string
}

// EnrollStudy has each patient enroll in the study once (x/research
// MsgEnroll): x/research creates the research consent and pays the
// incentive from the research module account (the study's escrow) to the
// patient; a third of them later withdraw (MsgWithdraw). It checks each participation, the study's count and escrow,
// x/research's invariant (module account = sum of the studies' escrows)
// and that the sponsor may read the participant's data for research.
type EnrollStudy struct {
	Study ResearchStudy

	mu       sync.Mutex
	sent     map[string]bool
	enrolled map[string]committedParticipation
	// decided: patients whose withdrawal was decided (sent or not).
	decided map[string]bool
}

type committedParticipation struct {
	consentID uint64
	height    int64
	// withdrawnAt is the height of the committed withdrawal (0: none).
	withdrawnAt int64
}

// Kind implements Generator.
func (g *EnrollStudy) Kind() string { return "research-enroll" }

// Next implements Generator. Once a patient's enrollment is committed,
// one patient in three withdraws (x/research MsgWithdraw: the research
// consent is revoked, the incentive stays with the patient).
func (g *EnrollStudy) Next(s *Sender) (Op, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sent == nil {
		g.sent, g.decided = map[string]bool{}, map[string]bool{}
	}
	patient := s.Address()
	if g.sent[patient] {
		if _, ok := g.enrolled[patient]; !ok || g.decided[patient] {
			return Op{}, false
		}
		g.decided[patient] = true
		if s.Rand.IntN(3) != 0 {
			return Op{}, false
		}
		return Op{Kind: "research-withdraw", Msgs: []sdk.Msg{&researchtypes.MsgWithdraw{Patient: patient, StudyId: g.Study.ID}}}, true
	}
	g.sent[patient] = true
	escrow := authtypes.NewModuleAddress(researchtypes.ModuleName).String()
	return Op{
		Msgs:  []sdk.Msg{&researchtypes.MsgEnroll{Patient: patient, StudyId: g.Study.ID}},
		Moves: []Move{{From: escrow, To: patient, Coins: sdk.NewCoins(g.Study.Incentive)}},
	}, true
}

// Committed implements Generator.
func (g *EnrollStudy) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.enrolled == nil {
		g.enrolled = map[string]committedParticipation{}
	}
	switch m := op.Msgs[0].(type) {
	case *researchtypes.MsgEnroll:
		var resp researchtypes.MsgEnrollResponse
		if err := inc.MsgResponse(0, &resp); err != nil {
			return
		}
		g.enrolled[m.Patient] = committedParticipation{consentID: resp.ConsentId, height: inc.Height}
	case *researchtypes.MsgWithdraw:
		if p, ok := g.enrolled[m.Patient]; ok {
			p.withdrawnAt = inc.Height
			g.enrolled[m.Patient] = p
		}
	}
}

// CheckState implements StateChecker.
func (g *EnrollStudy) CheckState(ctx context.Context, n *Node, height int64) error {
	g.mu.Lock()
	enrolled := map[string]committedParticipation{}
	withdrawn := 0
	for p, c := range g.enrolled {
		if c.height <= height {
			if c.withdrawnAt > height {
				c.withdrawnAt = 0
			}
			if c.withdrawnAt != 0 {
				withdrawn++
			}
			enrolled[p] = c
		}
	}
	g.mu.Unlock()
	st := g.Study
	for _, patient := range sortedKeys(enrolled) {
		w := enrolled[patient]
		var resp researchtypes.QueryParticipationResponse
		if err := Query(ctx, n, "/carechain.research.v1.Query/Participation", &researchtypes.QueryParticipationRequest{StudyId: st.ID, Patient: patient}, &resp, height); err != nil {
			return err
		}
		pp := resp.Participation
		wantStatus, withdrawn := researchtypes.ParticipationStatusEnrolled, w.withdrawnAt != 0
		if withdrawn {
			wantStatus = researchtypes.ParticipationStatusWithdrawn
		}
		if resp.Status != wantStatus || pp.ConsentId != w.consentID || !pp.IncentivePaid.Equal(st.Incentive) || (pp.WithdrawnAt != nil) != withdrawn {
			return fmt.Errorf("%s: participation of %s in study %d at height %d is %+v (%s); committed at height %d with consent %d and incentive %s, want %s (withdrawal committed at height %d)",
				n.Name, patient, st.ID, height, pp, resp.Status, w.height, w.consentID, st.Incentive, wantStatus, w.withdrawnAt)
		}
		var access consenttypes.QueryCheckAccessResponse
		req := &consenttypes.QueryCheckAccessRequest{Accessor: st.Sponsor, Patient: patient, Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeHresch, Category: st.Category}
		if err := Query(ctx, n, "/carechain.consent.v1.Query/CheckAccess", req, &access, height); err != nil {
			return err
		}
		switch {
		case withdrawn && access.Decision == consenttypes.DecisionPermit:
			return fmt.Errorf("%s: sponsor reading %s of %s for research at height %d: PERMIT by consent %d, but the patient withdrew at height %d",
				n.Name, st.Category, patient, height, access.ConsentId, w.withdrawnAt)
		case !withdrawn && (access.Decision != consenttypes.DecisionPermit || access.ConsentId != w.consentID):
			return fmt.Errorf("%s: sponsor reading %s of %s for research at height %d: %s by consent %d (%s), want PERMIT by the research consent %d",
				n.Name, st.Category, patient, height, access.Decision, access.ConsentId, access.Reason, w.consentID)
		}
	}

	var study researchtypes.QueryStudyResponse
	if err := Query(ctx, n, "/carechain.research.v1.Query/Study", &researchtypes.QueryStudyRequest{Id: st.ID}, &study, height); err != nil {
		return err
	}
	wantEscrow := sdk.NewCoin(st.Incentive.Denom, st.Incentive.Amount.MulRaw(int64(st.Target)-int64(len(enrolled))))
	if study.Study.EnrollmentCount != uint32(len(enrolled)) || study.Study.WithdrawalCount != uint32(withdrawn) || !study.Study.Escrow.Equal(wantEscrow) {
		return fmt.Errorf("%s: study %d at height %d has %d participants, %d withdrawals and escrow %s; %d enrollments and %d withdrawals were committed: want escrow %s",
			n.Name, st.ID, height, study.Study.EnrollmentCount, study.Study.WithdrawalCount, study.Study.Escrow, len(enrolled), withdrawn, wantEscrow)
	}

	// x/research's invariant: the module account holds exactly the sum of
	// the studies' escrows.
	sum := sdk.NewCoins()
	err := queryPages(ctx, n, "/carechain.research.v1.Query/Studies", height, 200,
		func(page *query.PageRequest) gogoproto.Message {
			return &researchtypes.QueryStudiesRequest{Pagination: page}
		},
		func(resp *researchtypes.QueryStudiesResponse) {
			for _, s := range resp.Studies {
				sum = sum.Add(s.Escrow)
			}
		})
	if err != nil {
		return err
	}
	var bal banktypes.QueryAllBalancesResponse
	escrow := authtypes.NewModuleAddress(researchtypes.ModuleName).String()
	if err := Query(ctx, n, "/cosmos.bank.v1beta1.Query/AllBalances", &banktypes.QueryAllBalancesRequest{Address: escrow}, &bal, height); err != nil {
		return err
	}
	if !bal.Balances.Equal(sum) {
		return fmt.Errorf("%s: research module account holds %s at height %d, the studies' escrows sum to %s", n.Name, bal.Balances, height, sum)
	}
	return nil
}
