package workloads

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"

	"google.golang.org/grpc"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	recordstypes "github.com/carechain/carechain/x/records/types"
)

// patient-records: a patient's record list (the first page), x/records'
// PatientRecords over gRPC (carechain.records.v1.Query/PatientRecords) and
// REST (GET /carechain/records/v1/patients/{patient}/records). Genesis holds
// g.Size/listedPatientsDivisor patients with recordsPerListedPatient records
// each (30,000 records for 100,000 objects: the genesis stays small enough
// to start in a minute), written by mercy-admin for mercy-general; object i
// is patient i's list (i modulo the number of patients), which must hold
// exactly those records in id order. A patient without records gets an
// empty list, which is an error here.
const (
	patientRecordsLabel     = "query-patient-records-patient"
	recordsPerListedPatient = 3
	listedPatientsDivisor   = 10
)

var (
	patientRecordsFirstID atomic.Uint64
	// listedPatients is how many patients the genesis gave records.
	listedPatients         atomic.Int64
	listedPatientAddresses = &queryAddresses{label: patientRecordsLabel}
)

func listedPatient(i int) string {
	if n := int(listedPatients.Load()); n > 0 && i >= 0 {
		i %= n
	}
	return listedPatientAddresses.at(i)
}

func init() {
	loadgen.RegisterQuery(&loadgen.Query{
		Name: "patient-records",
		Genesis: func(g *loadgen.Genesis) error {
			author := g.Addr(devnet.MercyAdmin)
			n := max(g.Size/listedPatientsDivisor, 1)
			listedPatients.Store(int64(n))
			listedPatientAddresses.fill(n)
			rs := make([]genesisRecord, 0, n*recordsPerListedPatient)
			for i := 0; i < n; i++ {
				p := listedPatient(i)
				for k := 0; k < recordsPerListedPatient; k++ {
					rs = append(rs, genesisRecord{patient: p, author: author, label: "patient-records/" + strconv.Itoa(k)})
				}
			}
			first, err := addRecords(g, rs)
			patientRecordsFirstID.Store(first)
			return err
		},
		GRPC: func(ctx context.Context, conn grpc.ClientConnInterface, i int) error {
			res, err := recordstypes.NewQueryClient(conn).PatientRecords(ctx, &recordstypes.QueryPatientRecordsRequest{Patient: listedPatient(i)})
			if err != nil {
				return err
			}
			ids := make([]uint64, len(res.Records))
			for k, r := range res.Records {
				ids[k] = r.Id
			}
			return patientRecordsAnswer(i, ids)
		},
		REST: func(ctx context.Context, client *http.Client, base string, i int) error {
			var res struct {
				Records []struct {
					ID string `json:"id"`
				} `json:"records"`
			}
			if err := getJSON(ctx, client, base+"/carechain/records/v1/patients/"+listedPatient(i)+"/records", &res); err != nil {
				return err
			}
			ids := make([]uint64, len(res.Records))
			for k, r := range res.Records {
				id, err := strconv.ParseUint(r.ID, 10, 64)
				if err != nil {
					return fmt.Errorf("record id %q: %w", r.ID, err)
				}
				ids[k] = id
			}
			return patientRecordsAnswer(i, ids)
		},
	})
}

func patientRecordsAnswer(i int, ids []uint64) error {
	if n := int(listedPatients.Load()); n > 0 {
		i %= n
	}
	first := patientRecordsFirstID.Load() + uint64(i*recordsPerListedPatient)
	if len(ids) != recordsPerListedPatient {
		return fmt.Errorf("patient %d: %d records, want %d", i, len(ids), recordsPerListedPatient)
	}
	for k, id := range ids {
		if id != first+uint64(k) {
			return fmt.Errorf("patient %d: records %v, want %d records from %d", i, ids, recordsPerListedPatient, first)
		}
	}
	return nil
}
