package e2e

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// BankSend sends a random small amount of one of Denoms to one of To
// (account names; never the sender itself).
type BankSend struct {
	To        []string
	Denoms    []string
	MaxAmount int64 // default 10_000
}

// Kind implements Generator.
func (g *BankSend) Kind() string { return "bank-send" }

// Next implements Generator.
func (g *BankSend) Next(s *Sender) (Op, bool) {
	var to []string
	for _, n := range g.To {
		if n != s.Name {
			to = append(to, n)
		}
	}
	if len(to) == 0 || len(g.Denoms) == 0 {
		return Op{}, false
	}
	max := g.MaxAmount
	if max == 0 {
		max = 10_000
	}
	recipient := s.Network.Accounts.Ensure(to[s.Rand.IntN(len(to))]).Address
	coins := sdk.NewCoins(sdk.NewCoin(g.Denoms[s.Rand.IntN(len(g.Denoms))], sdkmath.NewInt(1+s.Rand.Int64N(max))))
	return Op{
		Msgs:  []sdk.Msg{banktypes.NewMsgSend(s.Key.Addr, mustAccAddress(recipient), coins)},
		Moves: []Move{{From: s.Address(), To: recipient, Coins: coins}},
	}, true
}

// Committed implements Generator.
func (g *BankSend) Committed(*Op, Inclusion) {}

// FundAccounts sends Coins to each of To in one MsgMultiSend, once: it
// creates accounts that other senders then use.
type FundAccounts struct {
	To    []string
	Coins sdk.Coins

	mu   sync.Mutex
	sent bool
	done bool
}

// Kind implements Generator.
func (g *FundAccounts) Kind() string { return "bank-multisend" }

// Next implements Generator. After sending once it offers nothing more,
// unless the transaction was refused (then it is offered again).
func (g *FundAccounts) Next(s *Sender) (Op, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done || g.sent {
		return Op{}, false
	}
	g.sent = true
	var outputs []banktypes.Output
	var moves []Move
	total := sdk.NewCoins()
	for _, name := range g.To {
		addr := s.Network.Accounts.Ensure(name).Address
		outputs = append(outputs, banktypes.NewOutput(mustAccAddress(addr), g.Coins))
		moves = append(moves, Move{From: s.Address(), To: addr, Coins: g.Coins})
		total = total.Add(g.Coins...)
	}
	msg := banktypes.NewMsgMultiSend(banktypes.NewInput(s.Key.Addr, total), outputs)
	return Op{Msgs: []sdk.Msg{msg}, Moves: moves}, true
}

// Committed implements Generator.
func (g *FundAccounts) Committed(_ *Op, inc Inclusion) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if inc.Code == 0 {
		g.done = true
	} else {
		g.sent = false
	}
}

// SetEncryptionKey publishes a fresh random X25519 public key for the
// sender (x/registry MsgSetEncryptionKey). It remembers the last key each
// owner committed and checks the chain stores exactly that.
type SetEncryptionKey struct {
	mu   sync.Mutex
	last map[string]committedKey
}

type committedKey struct {
	height int64
	index  int
	key    []byte
}

// Kind implements Generator.
func (g *SetEncryptionKey) Kind() string { return "registry-set-key" }

// Next implements Generator.
func (g *SetEncryptionKey) Next(s *Sender) (Op, bool) {
	key := make([]byte, registrytypes.X25519KeyLength)
	for i := range key {
		key[i] = byte(s.Rand.UintN(256))
	}
	key[0] |= 1 // never all zero
	return Op{Msgs: []sdk.Msg{&registrytypes.MsgSetEncryptionKey{Owner: s.Address(), X25519PublicKey: key}}}, true
}

// Committed implements Generator.
func (g *SetEncryptionKey) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	msg := op.Msgs[0].(*registrytypes.MsgSetEncryptionKey)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil {
		g.last = map[string]committedKey{}
	}
	prev, ok := g.last[msg.Owner]
	if !ok || inc.Height > prev.height || (inc.Height == prev.height && inc.Index > prev.index) {
		g.last[msg.Owner] = committedKey{inc.Height, inc.Index, msg.X25519PublicKey}
	}
}

// CheckState implements StateChecker: every owner's stored key is the last
// one committed.
func (g *SetEncryptionKey) CheckState(ctx context.Context, n *Node, height int64) error {
	g.mu.Lock()
	want := make(map[string][]byte, len(g.last))
	for owner, k := range g.last {
		if k.height <= height {
			want[owner] = k.key
		}
	}
	g.mu.Unlock()
	for _, owner := range sortedKeys(want) {
		var resp registrytypes.QueryEncryptionKeyResponse
		if err := Query(ctx, n, "/carechain.registry.v1.Query/EncryptionKey", &registrytypes.QueryEncryptionKeyRequest{Address: owner}, &resp, height); err != nil {
			return err
		}
		if !bytes.Equal(resp.EncryptionKey.X25519PublicKey, want[owner]) {
			return fmt.Errorf("%s: encryption key of %s at height %d is %X, the last committed is %X", n.Name, owner, height, resp.EncryptionKey.X25519PublicKey, want[owner])
		}
	}
	return nil
}

// AddMember has an organization's admin add a fresh random address as a
// member (x/registry MsgAddMember) and checks every committed addition is
// a membership at the end.
type AddMember struct {
	Org string

	mu      sync.Mutex
	members map[string]int64 // member -> height committed
}

// Kind implements Generator.
func (g *AddMember) Kind() string { return "registry-add-member" }

// Next implements Generator.
func (g *AddMember) Next(s *Sender) (Op, bool) {
	addr := make([]byte, 20)
	for i := range addr {
		addr[i] = byte(s.Rand.UintN(256))
	}
	member := sdk.AccAddress(addr).String()
	return Op{Msgs: []sdk.Msg{&registrytypes.MsgAddMember{Admin: s.Address(), OrganizationId: g.Org, Member: member}}}, true
}

// Committed implements Generator.
func (g *AddMember) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.members == nil {
		g.members = map[string]int64{}
	}
	g.members[op.Msgs[0].(*registrytypes.MsgAddMember).Member] = inc.Height
}

// CheckState implements StateChecker.
func (g *AddMember) CheckState(ctx context.Context, n *Node, height int64) error {
	g.mu.Lock()
	var members []string
	for m, h := range g.members {
		if h <= height {
			members = append(members, m)
		}
	}
	g.mu.Unlock()
	sort.Strings(members)
	for _, m := range members {
		var resp registrytypes.QueryMemberOrganizationsResponse
		if err := Query(ctx, n, "/carechain.registry.v1.Query/MemberOrganizations", &registrytypes.QueryMemberOrganizationsRequest{Address: m}, &resp, height); err != nil {
			return err
		}
		if len(resp.Organizations) != 1 || resp.Organizations[0].OrganizationId != g.Org {
			return fmt.Errorf("%s: member %s added to %s is listed in %v at height %d", n.Name, m, g.Org, resp.Organizations, height)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ExtraPatient is the name of the i-th extra patient account the standard
// mix creates (funded by consortium at the start of the load).
func ExtraPatient(i int) string { return fmt.Sprintf("e2e-patient-%d", i) }

// StandardMix is the transaction mix every scenario runs, from every demo
// account, the first validator's operator (a member of mercy-general) and
// extraPatients new patients that consortium funds first:
//
//   - bank sends in ucare and uusd between payers, providers, patients and
//     the consortium;
//   - x/registry: encryption keys, organization members;
//   - x/consent: patients grant mercy-general READ/WRITE for treatment,
//     grant and revoke individual consents (some DENY);
//   - x/records: mercy members anchor records (and new versions) for
//     patients who consented, and log reads of them;
//   - x/claims: acme-admin enrolls the patients in the Acme Gold plan and
//     funds its escrow; mercy members submit claims that are adjudicated
//     and paid from the escrow to mercy's payout address in the same
//     transaction;
//   - x/research: patients enroll in the NW-204 study (the incentive is
//     paid from the study's escrow) and some withdraw.
//
// The plan, the study, the organizations and alice's enrollment are in the
// devnet genesis (app/devnet). carol, who holds no ucare, has her fees paid
// by consortium's fee allowance.
func StandardMix(net *Network, extraPatients int) []SenderPlan {
	denoms := []string{app.BondDenom, app.SettlementDenom}
	patients := []string{devnet.Alice, devnet.Bob, devnet.Carol}
	var extra []string
	for i := 0; i < extraPatients; i++ {
		extra = append(extra, ExtraPatient(i))
	}
	patients = append(patients, extra...)
	addr := func(name string) string { return net.Accounts.Ensure(name).Address }

	keys := &SetEncryptionKey{}
	consents := &GrantConsent{Org: devnet.OrgMercy, Member: addr(devnet.MercyAdmin)}
	records := &CreateRecord{Consents: consents}
	reads := &ReadRecord{Records: records}
	start, end := devnet.CoverageYear(net.GenesisTime)
	claimsPlan := &ClaimsPlan{
		ID: devnet.AcmeGoldPlanID, PayerOrg: devnet.OrgAcme, Denom: app.SettlementDenom,
		Procedure: "99213", CoinsuranceBps: 2000, AnnualLimit: devnet.AcmeGoldAnnualLimit, Escrow: devnet.AcmeGoldEscrow,
		Enrolled: []string{addr(devnet.Alice)}, CoverageStart: start, CoverageEnd: end,
		ProviderOrg: devnet.OrgMercy, Payout: addr(devnet.MercyAdmin),
	}
	for _, r := range devnet.AcmeGoldRules() {
		if r.ProcedureCode == claimsPlan.Procedure {
			claimsPlan.MaxAllowed, claimsPlan.CoinsuranceBps = r.MaxAllowedPerUnit, int64(r.CoinsuranceBps)
		}
	}
	claims := &SubmitClaim{Plan: claimsPlan, Records: records}
	study := &EnrollStudy{Study: ResearchStudy{
		ID: devnet.NorthwindStudyID, Target: devnet.NorthwindStudyTarget, Incentive: devnet.NorthwindStudyIncentive,
		Category: devnet.NorthwindStudyCategories[0], Sponsor: addr(devnet.NorthwindAdmin),
	}}

	plan := []SenderPlan{
		{Account: devnet.Consortium, Generators: []Generator{
			&FundAccounts{To: extra, Coins: sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000_000), sdk.NewInt64Coin(app.SettlementDenom, 1_000_000_000))},
			&BankSend{To: patients, Denoms: []string{app.BondDenom}},
		}},
		// The payer settles with the provider in the settlement denom,
		// enrolls the patients and tops up the plan's escrow.
		{Account: devnet.AcmeAdmin, Generators: []Generator{
			&EnrollMember{Plan: claimsPlan, Patients: patients},
			&BankSend{To: []string{devnet.MercyAdmin}, Denoms: []string{app.SettlementDenom}, MaxAmount: 100_000},
			&FundPlan{Plan: claimsPlan},
			&AddMember{Org: devnet.OrgAcme},
		}},
		{Account: devnet.MercyAdmin, Generators: []Generator{
			records, claims, reads,
			&AddMember{Org: devnet.OrgMercy},
			&BankSend{To: patients, Denoms: []string{app.SettlementDenom}},
		}},
		{Account: devnet.NorthwindAdmin, Generators: []Generator{
			&AddMember{Org: devnet.OrgNorthwind},
			&BankSend{To: patients, Denoms: []string{app.SettlementDenom}},
		}},
		{Account: devnet.IRBAdmin, Generators: []Generator{
			&AddMember{Org: devnet.OrgIRB},
			keys,
		}},
		{Account: devnet.Carol, FeeGranter: devnet.Consortium, Generators: []Generator{consents, study, keys}},
	}
	// A validator's operator acts for mercy-general too (app/devnet's
	// registry demo state): a second clinician writing records and
	// billing.
	if vals := net.Validators(); len(vals) > 0 && vals[0].Operator != "" {
		plan = append(plan, SenderPlan{Account: vals[0].Operator, Generators: []Generator{records, claims, reads}})
	}
	for _, p := range append([]string{devnet.Alice, devnet.Bob}, extra...) {
		plan = append(plan, SenderPlan{Account: p, Generators: []Generator{
			consents, study,
			&BankSend{To: append(patients, devnet.MercyAdmin), Denoms: denoms},
			keys,
		}})
	}
	return plan
}
