package workloads

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"

	"google.golang.org/grpc"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	consenttypes "github.com/carechain/carechain/x/consent/types"
)

// check-access: the access decision every module and the vault ask for,
// x/consent's CheckAccess, over gRPC (carechain.consent.v1.Query/CheckAccess)
// and REST (GET /carechain/consent/v1/check_access). Genesis holds g.Size
// patients, each with an ACTIVE consent letting mercy-general READ for
// TREAT; object i is "may mercy-admin (a member of mercy-general) read
// patient i's Observations for treatment?", and the answer must be PERMIT
// by patient i's consent. A patient without a consent gets DENY, which is
// an error here.
const checkAccessLabel = "query-check-access-patient"

var (
	checkAccessFirstConsent atomic.Uint64
	checkAccessAccessor     atomic.Value // string: mercy-admin's address
	checkAccessPatients     = &queryAddresses{label: checkAccessLabel}
)

func checkAccessPatient(i int) string { return checkAccessPatients.at(i) }

func init() {
	loadgen.RegisterQuery(&loadgen.Query{
		Name: "check-access",
		Genesis: func(g *loadgen.Genesis) error {
			first, err := addOrgConsents(g, devnet.OrgMercy, checkAccessPatients.fill(g.Size),
				[]consenttypes.Action{consenttypes.ActionRead}, []consenttypes.Purpose{consenttypes.PurposeTreat})
			checkAccessFirstConsent.Store(first)
			checkAccessAccessor.Store(g.Addr(devnet.MercyAdmin))
			return err
		},
		GRPC: func(ctx context.Context, conn grpc.ClientConnInterface, i int) error {
			res, err := consenttypes.NewQueryClient(conn).CheckAccess(ctx, &consenttypes.QueryCheckAccessRequest{
				Accessor: checkAccessAccessor.Load().(string), Patient: checkAccessPatient(i),
				Action: consenttypes.ActionRead, Purpose: consenttypes.PurposeTreat, Category: "Observation",
			})
			if err != nil {
				return err
			}
			return checkAccessAnswer(i, res.Decision.String(), res.ConsentId)
		},
		REST: func(ctx context.Context, client *http.Client, base string, i int) error {
			q := url.Values{}
			q.Set("accessor", checkAccessAccessor.Load().(string))
			q.Set("patient", checkAccessPatient(i))
			q.Set("action", "ACTION_READ")
			q.Set("purpose", "PURPOSE_TREAT")
			q.Set("category", "Observation")
			var res struct {
				Decision  string `json:"decision"`
				ConsentID string `json:"consent_id"`
			}
			if err := getJSON(ctx, client, base+"/carechain/consent/v1/check_access?"+q.Encode(), &res); err != nil {
				return err
			}
			id, err := strconv.ParseUint(res.ConsentID, 10, 64)
			if err != nil {
				return fmt.Errorf("consent_id %q: %w", res.ConsentID, err)
			}
			return checkAccessAnswer(i, res.Decision, id)
		},
	})
}

func checkAccessAnswer(i int, decision string, consentID uint64) error {
	want := checkAccessFirstConsent.Load() + uint64(i)
	if decision != consenttypes.DecisionPermit.String() || consentID != want {
		return fmt.Errorf("patient %d: %s by consent %d, want PERMIT by consent %d", i, decision, consentID, want)
	}
	return nil
}
