package e2e

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
)

// ConsentTerm is how far ahead of the wall clock the load's consents
// expire: well beyond any scenario, well within x/consent's
// max_consent_duration.
const ConsentTerm = 30 * 24 * time.Hour

// GrantConsent has patients manage their consents (x/consent): each patient
// first permits Org to READ and WRITE for TREAT (what a provider needs to
// write records), then grants READ for TREAT to fresh individual accounts
// (some DENY), sometimes grants Org again (up to MaxOrgGrants per patient:
// x/consent caps a patient's active consents per grantee), and revokes
// individual consents it granted. It remembers every consent committed and
// checks the chain holds exactly those, with their status.
type GrantConsent struct {
	// Org is the organization the patients consent to (mercy-general).
	Org string
	// MaxOrgGrants bounds the grants to Org one patient sends (default 3,
	// far below max_active_consents_per_grantee = 32).
	MaxOrgGrants int
	// Member is an account acting for Org (bech32): CheckState asks
	// x/consent whether it may write for each patient.
	Member string

	mu       sync.Mutex
	orgSent  map[string]int               // patient -> grants to Org sent
	consents map[uint64]*committedConsent // id -> committed grant
	revoking map[uint64]bool              // revocations sent
}

type committedConsent struct {
	id     uint64
	msg    *consenttypes.MsgGrantConsent
	height int64
	// revokedAt is the height of the committed revocation (0: none).
	revokedAt int64
}

// Kind implements Generator (grants; revocations are "consent-revoke").
func (g *GrantConsent) Kind() string { return "consent-grant" }

func (g *GrantConsent) init() {
	if g.orgSent == nil {
		g.orgSent = map[string]int{}
		g.consents = map[uint64]*committedConsent{}
		g.revoking = map[uint64]bool{}
	}
	if g.MaxOrgGrants == 0 {
		g.MaxOrgGrants = 3
	}
}

// Next implements Generator.
func (g *GrantConsent) Next(s *Sender) (Op, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	patient := s.Address()
	expires := time.Now().UTC().Add(ConsentTerm).Truncate(time.Second)
	grant := func(m *consenttypes.MsgGrantConsent) (Op, bool) {
		m.Signer, m.Patient, m.ExpiresAt = patient, patient, expires
		return Op{Msgs: []sdk.Msg{m}}, true
	}
	// The first grant lets Org write; it is sent again until one is
	// committed (the sender's last transaction was refused otherwise).
	if _, ok := g.orgConsentLocked(patient, 1<<62); !ok && g.orgSent[patient] < g.MaxOrgGrants {
		g.orgSent[patient]++
		return grant(&consenttypes.MsgGrantConsent{
			Decision: consenttypes.DecisionPermit, GranteeOrg: g.Org,
			Actions:  []consenttypes.Action{consenttypes.ActionRead, consenttypes.ActionWrite},
			Purposes: []consenttypes.Purpose{consenttypes.PurposeTreat},
		})
	}
	switch r := s.Rand.IntN(8); {
	case r == 0 && g.orgSent[patient] < g.MaxOrgGrants:
		g.orgSent[patient]++
		return grant(&consenttypes.MsgGrantConsent{
			Decision: consenttypes.DecisionPermit, GranteeOrg: g.Org,
			Actions:  []consenttypes.Action{consenttypes.ActionRead},
			Purposes: []consenttypes.Purpose{consenttypes.PurposeTreat, consenttypes.PurposeHoperat},
		})
	case r <= 2:
		// Revoke one of this patient's active individual consents.
		var ids []uint64
		for id, c := range g.consents {
			if c.msg.Patient == patient && c.msg.Grantee != "" && c.revokedAt == 0 && !g.revoking[id] {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			slices.Sort(ids)
			id := ids[s.Rand.IntN(len(ids))]
			g.revoking[id] = true
			return Op{Kind: "consent-revoke", Msgs: []sdk.Msg{&consenttypes.MsgRevokeConsent{Signer: patient, Patient: patient, ConsentId: id}}}, true
		}
	}
	// An individual account (a fresh address: a clinician outside the
	// consortium, a relative) may read some categories for treatment; one
	// in four is a DENY.
	decision := consenttypes.DecisionPermit
	if s.Rand.IntN(4) == 0 {
		decision = consenttypes.DecisionDeny
	}
	categories := [][]string{nil, {"Observation"}, {"Condition", "Observation"}, {"mental-health"}}[s.Rand.IntN(4)]
	return grant(&consenttypes.MsgGrantConsent{
		Decision: decision, Grantee: randomAddress(s),
		Actions:    []consenttypes.Action{consenttypes.ActionRead},
		Purposes:   []consenttypes.Purpose{consenttypes.PurposeTreat},
		Categories: categories,
	})
}

// Committed implements Generator.
func (g *GrantConsent) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	switch m := op.Msgs[0].(type) {
	case *consenttypes.MsgGrantConsent:
		var resp consenttypes.MsgGrantConsentResponse
		if err := inc.MsgResponse(0, &resp); err != nil {
			return
		}
		g.consents[resp.ConsentId] = &committedConsent{id: resp.ConsentId, msg: m, height: inc.Height}
	case *consenttypes.MsgRevokeConsent:
		if c := g.consents[m.ConsentId]; c != nil {
			c.revokedAt = inc.Height
		}
	}
}

// orgConsentLocked returns the lowest id of patient's committed consents
// permitting Org to write for treatment, committed at or below height.
func (g *GrantConsent) orgConsentLocked(patient string, height int64) (uint64, bool) {
	var best uint64
	for id, c := range g.consents {
		if c.msg.Patient == patient && c.msg.GranteeOrg == g.Org && c.height <= height &&
			slices.Contains(c.msg.Actions, consenttypes.ActionWrite) && (best == 0 || id < best) {
			best = id
		}
	}
	return best, best != 0
}

// WritablePatients lists the patients (bech32, sorted) whose consent
// letting Org write for treatment has been committed.
func (g *GrantConsent) WritablePatients() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	set := map[string]bool{}
	for _, c := range g.consents {
		if c.msg.GranteeOrg == g.Org && slices.Contains(c.msg.Actions, consenttypes.ActionWrite) {
			set[c.msg.Patient] = true
		}
	}
	return sortedKeys(set)
}

// OrgConsents returns the ids of patient's committed consents to Org.
func (g *GrantConsent) OrgConsents(patient string) map[uint64]bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[uint64]bool{}
	for id, c := range g.consents {
		if c.msg.Patient == patient && c.msg.GranteeOrg == g.Org {
			out[id] = true
		}
	}
	return out
}

// CheckState implements StateChecker: each patient's consents (except
// those a module manages, such as x/research's) are exactly the grants
// committed, with their terms and status (REVOKED if a revocation was
// committed, else ACTIVE), and x/consent lets Org's member write for every
// patient who consented to Org.
func (g *GrantConsent) CheckState(ctx context.Context, n *Node, height int64) error {
	g.mu.Lock()
	byPatient := map[string]map[uint64]committedConsent{}
	for id, c := range g.consents {
		if c.height > height {
			continue
		}
		cc := *c
		if cc.revokedAt > height {
			cc.revokedAt = 0
		}
		if byPatient[c.msg.Patient] == nil {
			byPatient[c.msg.Patient] = map[uint64]committedConsent{}
		}
		byPatient[c.msg.Patient][id] = cc
	}
	g.mu.Unlock()

	for _, patient := range sortedKeys(byPatient) {
		want := byPatient[patient]
		got := map[uint64]consenttypes.Consent{}
		err := queryPages(ctx, n, "/carechain.consent.v1.Query/PatientConsents", height, 200,
			func(p *query.PageRequest) gogoproto.Message {
				return &consenttypes.QueryPatientConsentsRequest{Patient: patient, Pagination: p}
			},
			func(resp *consenttypes.QueryPatientConsentsResponse) {
				for _, c := range resp.Consents {
					if c.ManagedBy == "" {
						got[c.Id] = c
					}
				}
			})
		if err != nil {
			return err
		}
		if len(got) != len(want) {
			return fmt.Errorf("%s: patient %s holds %d consents at height %d, %d were committed (chain %v, committed %v)",
				n.Name, patient, len(got), height, len(want), sortedIDs(got), sortedIDs(want))
		}
		for id, w := range want {
			c, ok := got[id]
			if !ok {
				return fmt.Errorf("%s: consent %d of %s committed at height %d is missing at height %d", n.Name, id, patient, w.height, height)
			}
			wantStatus := consenttypes.ConsentStatusActive
			if w.revokedAt != 0 {
				wantStatus = consenttypes.ConsentStatusRevoked
			}
			m := w.msg
			if c.Status != wantStatus || c.Grantee != m.Grantee || c.GranteeOrg != m.GranteeOrg || c.Decision != m.Decision ||
				!slices.Equal(c.Actions, m.Actions) || !slices.Equal(c.Purposes, m.Purposes) || !slices.Equal(c.Categories, m.Categories) ||
				!c.ExpiresAt.Equal(m.ExpiresAt) || c.GrantedBy != patient {
				return fmt.Errorf("%s: consent %d at height %d is %s to %q/%q %s %v %v %v until %s granted by %s; committed: %s to %q/%q %s %v %v %v until %s",
					n.Name, id, height, c.Status, c.Grantee, c.GranteeOrg, c.Decision, c.Actions, c.Purposes, c.Categories, c.ExpiresAt, c.GrantedBy,
					wantStatus, m.Grantee, m.GranteeOrg, m.Decision, m.Actions, m.Purposes, m.Categories, m.ExpiresAt)
			}
		}
		g.mu.Lock()
		orgID, writable := g.orgConsentLocked(patient, height)
		g.mu.Unlock()
		if writable && g.Member != "" {
			var resp consenttypes.QueryCheckAccessResponse
			req := &consenttypes.QueryCheckAccessRequest{Accessor: g.Member, Patient: patient, Action: consenttypes.ActionWrite, Purpose: consenttypes.PurposeTreat}
			if err := Query(ctx, n, "/carechain.consent.v1.Query/CheckAccess", req, &resp, height); err != nil {
				return err
			}
			if resp.Decision != consenttypes.DecisionPermit || resp.ConsentId != orgID {
				return fmt.Errorf("%s: CheckAccess(%s member, %s, WRITE, TREAT) at height %d: %s by consent %d (%s), want PERMIT by consent %d",
					n.Name, g.Org, patient, height, resp.Decision, resp.ConsentId, resp.Reason, orgID)
			}
		}
	}
	return nil
}

func sortedIDs[V any](m map[uint64]V) []uint64 {
	out := make([]uint64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// randomAddress is a fresh account address drawn from the sender's
// random source.
func randomAddress(s *Sender) string {
	addr := make([]byte, 20)
	for i := range addr {
		addr[i] = byte(s.Rand.UintN(256))
	}
	return sdk.AccAddress(addr).String()
}

// randomHex is n random bytes from the sender's source, as lower-case hex.
func randomHex(s *Sender, n int) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*n)
	for i := 0; i < n; i++ {
		b := s.Rand.UintN(256)
		out[2*i], out[2*i+1] = digits[b>>4], digits[b&15]
	}
	return string(out)
}
