package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	claimstypes "github.com/carechain/carechain/x/claims/types"
)

// ClaimsPlan is what the claims generators know of the plan they bill:
// the devnet's "Acme Gold" (app/devnet/claims.go), as its genesis sets it.
type ClaimsPlan struct {
	ID       uint64
	PayerOrg string
	Denom    string
	// Procedure is the code billed (99213: paid without review), with the
	// plan's maximum per unit and coinsurance for it.
	Procedure      string
	MaxAllowed     sdkmath.Int
	CoinsuranceBps int64
	AnnualLimit    sdkmath.Int
	// Escrow is the plan's escrow at genesis.
	Escrow sdkmath.Int
	// Enrolled are the patients (bech32) enrolled at genesis; Coverage is
	// their coverage period, which the load gives every patient it enrolls.
	Enrolled                   []string
	CoverageStart, CoverageEnd time.Time
	// ProviderOrg bills the plan; its payout address (bech32) receives the
	// payments.
	ProviderOrg, Payout string

	diagnoses      []string
	escrowAddr     string
	mu             sync.Mutex
	enrolled       map[string]int64 // patient -> height committed (0: genesis)
	fundings       []committedFunding
	enrollmentSent map[string]bool
	claims         map[uint64]*committedClaim
	used           map[string]map[string]bool // patient -> service dates sent
	sentPay        map[string]sdkmath.Int     // patient -> payments sent
	sentTotal      sdkmath.Int
	problems       []string
}

type committedFunding struct {
	amount sdkmath.Int
	height int64
}

// fundedLocked sums the fundings committed up to height.
func (p *ClaimsPlan) fundedLocked(height int64) sdkmath.Int {
	sum := sdkmath.ZeroInt()
	for _, f := range p.fundings {
		if f.height <= height {
			sum = sum.Add(f.amount)
		}
	}
	return sum
}

type committedClaim struct {
	id       uint64
	msg      *claimstypes.MsgSubmitClaim
	expected sdkmath.Int
	height   int64
}

func (p *ClaimsPlan) init() {
	if p.enrolled == nil {
		p.enrolled = map[string]int64{}
		for _, a := range p.Enrolled {
			p.enrolled[a] = 0
		}
		p.enrollmentSent = map[string]bool{}
		p.claims = map[uint64]*committedClaim{}
		p.used = map[string]map[string]bool{}
		p.sentPay = map[string]sdkmath.Int{}
		p.sentTotal = sdkmath.ZeroInt()
		p.diagnoses = []string{"J06.9", "I10", "E11.9", "M54.5", "Z00.00"}
		p.escrowAddr = authtypes.NewModuleAddress(claimstypes.ModuleName).String()
	}
}

// payerPays is the plan's share of a one-unit line of charge: the
// allowed amount (charge capped at MaxAllowed) less the coinsurance,
// truncated (x/claims README, "Adjudication arithmetic"), below the annual
// limit.
func (p *ClaimsPlan) payerPays(charge sdkmath.Int) sdkmath.Int {
	allowed := sdkmath.MinInt(charge, p.MaxAllowed)
	return allowed.MulRaw(10_000 - p.CoinsuranceBps).QuoRaw(10_000)
}

// EnrollMember has the payer enroll each of Patients (account names) in
// the plan once (x/claims MsgEnrollMember), for the plan's coverage
// period; claims for a patient wait until the enrollment is committed.
type EnrollMember struct {
	Plan     *ClaimsPlan
	Patients []string
}

// Kind implements Generator.
func (g *EnrollMember) Kind() string { return "claims-enroll" }

// Next implements Generator.
func (g *EnrollMember) Next(s *Sender) (Op, bool) {
	p := g.Plan
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	for _, name := range g.Patients {
		addr := s.Network.Accounts.Ensure(name).Address
		if _, ok := p.enrolled[addr]; ok || p.enrollmentSent[addr] {
			continue
		}
		p.enrollmentSent[addr] = true
		return Op{Msgs: []sdk.Msg{&claimstypes.MsgEnrollMember{
			Payer: s.Address(), PlanId: p.ID, Patient: addr, CoverageStart: p.CoverageStart, CoverageEnd: p.CoverageEnd,
		}}}, true
	}
	return Op{}, false
}

// Committed implements Generator.
func (g *EnrollMember) Committed(op *Op, inc Inclusion) {
	p := g.Plan
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	m := op.Msgs[0].(*claimstypes.MsgEnrollMember)
	if inc.Code != 0 {
		delete(p.enrollmentSent, m.Patient) // try again
		return
	}
	if _, ok := p.enrolled[m.Patient]; !ok {
		p.enrolled[m.Patient] = inc.Height
	}
}

// FundPlan has the payer add a random amount (up to $1,000) to the plan's
// escrow (x/claims MsgFundPlan): payer -> claims module account.
type FundPlan struct {
	Plan *ClaimsPlan
}

// Kind implements Generator.
func (g *FundPlan) Kind() string { return "claims-fund-plan" }

// Next implements Generator.
func (g *FundPlan) Next(s *Sender) (Op, bool) {
	p := g.Plan
	p.mu.Lock()
	p.init()
	escrow := p.escrowAddr
	p.mu.Unlock()
	amount := sdkmath.NewInt(1 + s.Rand.Int64N(1_000_000_000))
	return Op{
		Msgs:  []sdk.Msg{&claimstypes.MsgFundPlan{Payer: s.Address(), PlanId: p.ID, Amount: amount}},
		Moves: []Move{{From: s.Address(), To: escrow, Coins: sdk.NewCoins(sdk.NewCoin(p.Denom, amount))}},
	}, true
}

// Committed implements Generator.
func (g *FundPlan) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	p := g.Plan
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.fundings = append(p.fundings, committedFunding{op.Msgs[0].(*claimstypes.MsgFundPlan).Amount, inc.Height})
}

// SubmitClaim has members of the provider organization bill the plan for
// an office visit (one line of Procedure, one unit, a random charge of
// $50-$190) of an enrolled patient on a service date not billed before for
// that patient (the fingerprint would refuse it), citing one of the
// patient's committed records as evidence half the time. The claim is
// adjudicated and paid in its transaction: the payment moves from the
// claims module account (the plan's escrow) to the provider's payout
// address, computed here from the plan's rule. The generator keeps each
// patient under the annual limit and the payments under the escrow, so
// every claim is PAID in full; it checks each claim on chain, the plan's
// escrow, the members' benefit usage and x/claims' invariant (the module
// account holds exactly the sum of the plans' escrows).
type SubmitClaim struct {
	Plan    *ClaimsPlan
	Records *CreateRecord
}

// Kind implements Generator.
func (g *SubmitClaim) Kind() string { return "claims-submit" }

// Next implements Generator. It waits until a patient is enrolled.
func (g *SubmitClaim) Next(s *Sender) (Op, bool) {
	p := g.Plan
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	patients := sortedKeys(p.enrolled)
	if len(patients) == 0 {
		return Op{}, false
	}
	patient := patients[s.Rand.IntN(len(patients))]

	// Service dates: the coverage period up to yesterday (a service date
	// may not be after the block time).
	last := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	if end := p.CoverageEnd.AddDate(0, 0, -1); last.After(end) {
		last = end
	}
	days := int(last.Sub(p.CoverageStart).Hours()/24) + 1
	if days <= 0 {
		return Op{}, false
	}
	if p.used[patient] == nil {
		p.used[patient] = map[string]bool{}
	}
	var date time.Time
	for try := 0; try < 20; try++ {
		d := p.CoverageStart.AddDate(0, 0, s.Rand.IntN(days))
		if !p.used[patient][d.Format(time.DateOnly)] {
			date = d
			break
		}
	}
	if date.IsZero() {
		return Op{}, false
	}
	charge := sdkmath.NewInt(50_000_000 + s.Rand.Int64N(140_000_001))
	pays := p.payerPays(charge)
	sent := p.sentPay[patient]
	if sent.IsNil() {
		sent = sdkmath.ZeroInt()
	}
	if sent.Add(pays).GT(p.AnnualLimit) || p.sentTotal.Add(pays).GT(p.Escrow.Add(p.fundedLocked(1<<62))) {
		return Op{}, false
	}
	p.used[patient][date.Format(time.DateOnly)] = true
	p.sentPay[patient] = sent.Add(pays)
	p.sentTotal = p.sentTotal.Add(pays)

	diagnoses := []string{p.diagnoses[s.Rand.IntN(len(p.diagnoses))]}
	msg := &claimstypes.MsgSubmitClaim{
		Submitter: s.Address(), ProviderOrg: p.ProviderOrg, PlanId: p.ID, Patient: patient,
		Lines: []claimstypes.ClaimLine{{ProcedureCode: p.Procedure, DiagnosisCodes: diagnoses, Units: 1, Charge: charge, ServiceDate: date}},
	}
	if g.Records != nil && s.Rand.IntN(2) == 0 {
		if id, ok := g.Records.pick(s, patient); ok {
			msg.EvidenceRecordIds = []uint64{id}
		}
	}
	return Op{
		Msgs:  []sdk.Msg{msg},
		Moves: []Move{{From: p.escrowAddr, To: p.Payout, Coins: sdk.NewCoins(sdk.NewCoin(p.Denom, pays))}},
	}, true
}

// Committed implements Generator.
func (g *SubmitClaim) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	p := g.Plan
	m := op.Msgs[0].(*claimstypes.MsgSubmitClaim)
	var resp claimstypes.MsgSubmitClaimResponse
	err := inc.MsgResponse(0, &resp)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	expected := p.payerPays(m.Lines[0].Charge)
	switch {
	case err != nil:
		p.problems = append(p.problems, fmt.Sprintf("claim tx %s at height %d: %v", op.Hash, inc.Height, err))
		return
	case resp.Status != claimstypes.ClaimStatusPaid || !resp.PayerAmount.Equal(expected):
		p.problems = append(p.problems, fmt.Sprintf("claim %d (tx %s, height %d, charge %s): %s paying %s, want PAID paying %s",
			resp.ClaimId, op.Hash, inc.Height, m.Lines[0].Charge, resp.Status, resp.PayerAmount, expected))
	}
	p.claims[resp.ClaimId] = &committedClaim{id: resp.ClaimId, msg: m, expected: expected, height: inc.Height}
}

// CheckState implements StateChecker.
func (g *SubmitClaim) CheckState(ctx context.Context, n *Node, height int64) error {
	p := g.Plan
	p.mu.Lock()
	p.init()
	if len(p.problems) > 0 {
		defer p.mu.Unlock()
		return fmt.Errorf("claims answered otherwise than the plan's rules say: %v", p.problems)
	}
	claims := map[uint64]committedClaim{}
	paid := sdkmath.ZeroInt()
	usage := map[string]sdkmath.Int{}
	for id, c := range p.claims {
		if c.height > height {
			continue
		}
		claims[id] = *c
		paid = paid.Add(c.expected)
		if u, ok := usage[c.msg.Patient]; ok {
			usage[c.msg.Patient] = u.Add(c.expected)
		} else {
			usage[c.msg.Patient] = c.expected
		}
	}
	funded := p.fundedLocked(height)
	wantEscrow := p.Escrow.Add(funded).Sub(paid)
	enrolled := map[string]int64{}
	for a, h := range p.enrolled {
		if h <= height {
			enrolled[a] = h
		}
	}
	p.mu.Unlock()

	// Every claim of the plan is one the load committed, PAID as computed.
	got := map[uint64]claimstypes.Claim{}
	err := queryPages(ctx, n, "/carechain.claims.v1.Query/Claims", height, 200,
		func(page *query.PageRequest) gogoproto.Message {
			return &claimstypes.QueryClaimsRequest{PlanId: p.ID, Pagination: page}
		},
		func(resp *claimstypes.QueryClaimsResponse) {
			for _, c := range resp.Claims {
				got[c.Id] = c
			}
		})
	if err != nil {
		return err
	}
	if len(got) != len(claims) {
		return fmt.Errorf("%s: plan %d has %d claims at height %d, %d were committed (chain %v, committed %v)", n.Name, p.ID, len(got), height, len(claims), sortedIDs(got), sortedIDs(claims))
	}
	for _, id := range sortedIDs(claims) {
		w := claims[id]
		c, ok := got[id]
		if !ok {
			return fmt.Errorf("%s: claim %d committed at height %d is missing at height %d", n.Name, id, w.height, height)
		}
		line := w.msg.Lines[0]
		allowed := sdkmath.MinInt(line.Charge, p.MaxAllowed)
		if c.Status != claimstypes.ClaimStatusPaid || c.PaidTo != p.Payout || c.Patient != w.msg.Patient || c.Submitter != w.msg.Submitter ||
			c.ProviderOrg != p.ProviderOrg || len(c.Lines) != 1 || !c.Lines[0].ServiceDate.Equal(line.ServiceDate) || !c.Lines[0].Charge.Equal(line.Charge) ||
			len(c.Adjudication) != 1 || !c.Adjudication[0].PayerPaid.Equal(w.expected) || !c.Adjudication[0].Allowed.Equal(allowed) ||
			!c.Adjudication[0].PatientResponsibility.Equal(allowed.Sub(w.expected)) || len(c.EvidenceRecordIds) != len(w.msg.EvidenceRecordIds) {
			return fmt.Errorf("%s: claim %d at height %d is %+v; committed at height %d: %+v paying %s to %s", n.Name, id, height, c, w.height, w.msg, w.expected, p.Payout)
		}
	}

	// The plan's escrow: genesis + fundings - payments, nothing reserved.
	var plan claimstypes.QueryPlanResponse
	if err := Query(ctx, n, "/carechain.claims.v1.Query/Plan", &claimstypes.QueryPlanRequest{Id: p.ID}, &plan, height); err != nil {
		return err
	}
	if !plan.Plan.Escrow.Equal(wantEscrow) || !plan.Plan.Reserved.IsZero() || !plan.Available.Equal(wantEscrow) {
		return fmt.Errorf("%s: plan %d at height %d holds escrow %s (reserved %s, available %s); genesis %s + funded %s - paid %s = %s",
			n.Name, p.ID, height, plan.Plan.Escrow, plan.Plan.Reserved, plan.Available, p.Escrow, funded, paid, wantEscrow)
	}
	// The same over REST.
	var rest struct {
		Plan struct {
			Escrow string `json:"escrow"`
		} `json:"plan"`
	}
	if err := RESTGet(ctx, n, fmt.Sprintf("/carechain/claims/v1/plans/%d", p.ID), height, &rest); err != nil {
		return err
	}
	if rest.Plan.Escrow != wantEscrow.String() {
		return fmt.Errorf("%s: REST plan %d at height %d: escrow %q, want %s", n.Name, p.ID, height, rest.Plan.Escrow, wantEscrow)
	}

	// x/claims' invariant: the module account holds exactly the sum of the
	// plans' escrows, per denom, and nothing else.
	sum := sdk.NewCoins()
	err = queryPages(ctx, n, "/carechain.claims.v1.Query/PayerPlans", height, 200,
		func(page *query.PageRequest) gogoproto.Message {
			return &claimstypes.QueryPayerPlansRequest{OrgId: p.PayerOrg, Pagination: page}
		},
		func(resp *claimstypes.QueryPayerPlansResponse) {
			for _, pl := range resp.Plans {
				sum = sum.Add(sdk.NewCoin(pl.Denom, pl.Escrow))
			}
		})
	if err != nil {
		return err
	}
	var bal banktypes.QueryAllBalancesResponse
	if err := Query(ctx, n, "/cosmos.bank.v1beta1.Query/AllBalances", &banktypes.QueryAllBalancesRequest{Address: p.escrowAddr}, &bal, height); err != nil {
		return err
	}
	if !bal.Balances.Equal(sum) {
		return fmt.Errorf("%s: claims module account holds %s at height %d, the plans' escrows sum to %s", n.Name, bal.Balances, height, sum)
	}

	// Enrollments and the benefit usage of the coverage year.
	for _, patient := range sortedKeys(enrolled) {
		var resp claimstypes.QueryEnrollmentResponse
		if err := Query(ctx, n, "/carechain.claims.v1.Query/Enrollment", &claimstypes.QueryEnrollmentRequest{PlanId: p.ID, Patient: patient}, &resp, height); err != nil {
			return err
		}
		e := resp.Enrollment
		if !e.CoverageStart.Equal(p.CoverageStart) || !e.CoverageEnd.Equal(p.CoverageEnd) {
			return fmt.Errorf("%s: enrollment of %s at height %d covers [%s, %s), want [%s, %s)", n.Name, patient, height, e.CoverageStart, e.CoverageEnd, p.CoverageStart, p.CoverageEnd)
		}
		want := usage[patient]
		if want.IsNil() {
			want = sdkmath.ZeroInt()
		}
		if int(resp.BenefitYear) == p.CoverageStart.Year() && !resp.BenefitUsed.Equal(want) {
			return fmt.Errorf("%s: %s has used %s of the annual limit in %d at height %d; the committed claims paid %s", n.Name, patient, resp.BenefitUsed, resp.BenefitYear, height, want)
		}
	}
	return nil
}

// RESTGet GETs path from the node's REST server at height and decodes the
// JSON body into out (HTTP 200 required).
func RESTGet(ctx context.Context, n *Node, path string, height int64, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.RESTAddr()+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("x-cosmos-block-height", fmt.Sprint(height))
	var lastErr error
	// The REST server starts a moment after the RPC server; retry briefly.
	for i := 0; i < 20; i++ {
		resp, err := (&http.Client{Timeout: rpcTimeout}).Do(req)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if rerr == nil && resp.StatusCode == http.StatusOK {
				return json.Unmarshal(body, out)
			}
			lastErr = fmt.Errorf("%s %s: HTTP %d: %s (%v)", n.Name, path, resp.StatusCode, body, rerr)
		} else {
			lastErr = err
		}
		if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
	return lastErr
}
