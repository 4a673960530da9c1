package keeper_test

import (
	"slices"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/consent/types"
)

// byteStream hands out fuzz bytes as small choices (zero once exhausted).
type byteStream struct{ b []byte }

func (s *byteStream) next() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

// intn returns a choice in [0, n).
func (s *byteStream) intn(n int) int { return int(s.next()) % n }

// FuzzCheckAccess grants the consents the fuzz bytes describe (account or
// organization grantees, PERMIT or DENY, any actions, purposes, categories
// and records, validity windows, some revoked, EndBlock sometimes run) and
// compares CheckAccess on the requests the bytes describe with the
// reference model of TestDecisionMatchesReferenceModel (modelApplies):
// DENY wins over PERMIT, PERMIT needs an ACTIVE consent in effect that
// covers the request, and the decision cites one of the deciding consents.
func FuzzCheckAccess(f *testing.F) {
	f.Add([]byte{1, 0, 0, 3, 1, 1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 1, 1})
	f.Add([]byte{3, 0, 1, 1, 2, 3, 0, 1, 3, 0, 1, 0, 2, 2, 7, 1, 0, 1, 0, 6, 0, 2, 1, 1, 3, 2, 2, 2, 2, 2, 1, 1, 0})
	f.Add([]byte{8, 2, 0, 3, 63, 7, 1, 1, 0, 0, 1, 1, 1, 3, 1, 2, 1, 0, 2, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5})
	categories := []string{"Observation", "Condition", "mental-health"}
	purposes := []types.Purpose{types.PurposeTreat, types.PurposeEtreat, types.PurposeHresch, types.PurposeHpaymt}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &byteStream{b: data}
		fx := newFixture(t)
		start := fx.now()
		var granted []types.Consent
		for range 1 + s.intn(8) {
			msg := fx.orgGrant(fx.alice)
			switch s.intn(3) {
			case 1:
				msg.GranteeOrg, msg.Grantee = "", fx.s(fx.doctor)
			case 2:
				msg.GranteeOrg = acme
			}
			if s.intn(3) == 0 {
				msg.Decision = types.DecisionDeny
			}
			bits := 1 + s.intn(3) // non-empty subset of {READ, WRITE}
			msg.Actions = nil
			for i := range 2 {
				if bits&(1<<i) != 0 {
					msg.Actions = append(msg.Actions, types.Action(i+1))
				}
			}
			bits = 1 + s.intn(15)
			msg.Purposes = nil
			for i, p := range purposes {
				if bits&(1<<i) != 0 {
					msg.Purposes = append(msg.Purposes, p)
				}
			}
			bits = s.intn(8)
			for i, c := range categories {
				if bits&(1<<i) != 0 {
					msg.Categories = append(msg.Categories, c)
				}
			}
			if r := s.intn(4); r > 1 {
				msg.RecordIds = []uint64{uint64(r - 1)}
			}
			validFrom := start.Add(time.Duration(s.intn(3)) * time.Hour)
			msg.ValidFrom = &validFrom
			msg.ExpiresAt = validFrom.Add(time.Duration(1+s.intn(5)) * time.Hour)
			id := fx.grant(msg)
			if s.intn(5) == 0 {
				if _, err := fx.msg.RevokeConsent(fx.ctx, &types.MsgRevokeConsent{Signer: fx.s(fx.alice), Patient: fx.s(fx.alice), ConsentId: id}); err != nil {
					t.Fatal(err)
				}
			}
			c, err := fx.k.GetConsent(fx.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			granted = append(granted, c)
		}
		for range 1 + s.intn(16) {
			accessor := []sdk.AccAddress{fx.doctor, fx.admin, fx.clerk, fx.outsider}[s.intn(4)]
			req := types.AccessRequest{
				Accessor: accessor, Patient: fx.alice,
				Action:   types.Action(1 + s.intn(2)),
				Purpose:  purposes[s.intn(len(purposes))],
				RecordID: uint64(s.intn(3)),
			}
			if i := s.intn(len(categories) + 1); i < len(categories) {
				req.Category = categories[i]
			}
			now := start.Add(time.Duration(s.intn(8*60)) * time.Minute)
			if fx.now().After(now) {
				now = fx.now()
			}
			fx.at(now)
			if s.intn(4) == 0 {
				if _, err := fx.k.EndBlocker(fx.ctx); err != nil {
					t.Fatal(err)
				}
			}
			var permits, denies []uint64
			for _, c := range granted {
				if !modelApplies(fx, c, req, now) {
					continue
				}
				if c.Decision == types.DecisionDeny {
					denies = append(denies, c.Id)
				} else {
					permits = append(permits, c.Id)
				}
			}
			got := fx.check(req.Accessor, req.Patient, req.Action, req.Purpose, req.Category, req.RecordID)
			switch {
			case len(denies) > 0:
				if got.Decision != types.DecisionDeny || !slices.Contains(denies, got.ConsentID) {
					t.Fatalf("%+v at %s: want DENY by one of %v, got %+v; consents %+v", req, now, denies, got, granted)
				}
			case len(permits) > 0:
				if got.Decision != types.DecisionPermit || !slices.Contains(permits, got.ConsentID) {
					t.Fatalf("%+v at %s: want PERMIT by one of %v, got %+v; consents %+v", req, now, permits, got, granted)
				}
			default:
				if got.Decision != types.DecisionDeny {
					t.Fatalf("%+v at %s: want DENY, got %+v; consents %+v", req, now, got, granted)
				}
			}
		}
	})
}
