package workloads

import (
	"fmt"
	"sync"
	"sync/atomic"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
)

// record-access: a clinician of mercy-general logs a read of a patient's
// record for treatment (MsgRecordAccess, what the vault sends before it
// serves a download). The handler looks the record up, asks x/consent
// (READ/TREAT for the record's category and id) and appends an access event
// to the patient's accounting of disclosures.
//
// Genesis: the senders are members of mercy-general; recordAccessPatients
// patients hold an ACTIVE READ/TREAT consent to mercy-general; every sender
// authored recordsPerAccessor records of those patients, so the record ids
// are known before the chain starts.
const (
	recordAccessPatients = 256
	recordsPerAccessor   = 8
)

var recordAccessPatientAddrs = sync.OnceValue(func() []string { return addresses("record-access-patient", recordAccessPatients) })

// recordAccessFirstID is the id of the first record the workload's genesis
// added (sender s's k-th record is first + s.Index*recordsPerAccessor + k).
var recordAccessFirstID atomic.Uint64

func init() {
	loadgen.Register(&loadgen.Workload{
		Name:       "record-access",
		MsgType:    sdk.MsgTypeURL(&recordstypes.MsgRecordAccess{}),
		Healthcare: true,
		Gas:        200_000,
		Genesis: func(g *loadgen.Genesis) error {
			if err := addMembers(g, devnet.OrgMercy, g.Senders); err != nil {
				return err
			}
			patients := recordAccessPatientAddrs()
			if _, err := addOrgConsents(g, devnet.OrgMercy, patients,
				[]consenttypes.Action{consenttypes.ActionRead}, []consenttypes.Purpose{consenttypes.PurposeTreat}); err != nil {
				return err
			}
			var authored []genesisRecord
			for _, s := range g.Senders {
				for k := 0; k < recordsPerAccessor; k++ {
					authored = append(authored, genesisRecord{
						patient: patients[(s.Index*recordsPerAccessor+k)%recordAccessPatients],
						author:  s.Address, label: fmt.Sprintf("record-access/%d", k),
					})
				}
			}
			first, err := addRecords(g, authored)
			recordAccessFirstID.Store(first)
			return err
		},
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			first := recordAccessFirstID.Load()
			if first == 0 {
				panic("record-access: Msg called before its Genesis")
			}
			return &recordstypes.MsgRecordAccess{
				Accessor: s.Address,
				RecordId: first + uint64(s.Index)*recordsPerAccessor + i%recordsPerAccessor,
				Purpose:  consenttypes.PurposeTreat,
			}
		},
	})
}

// genesisRecord is a record to put in the records genesis: an Observation
// of patient written by author for mercy-general (or by the patient).
type genesisRecord struct {
	patient, author string
	// label makes the record's hashes unique.
	label string
}

// addRecords appends records to the records genesis, CURRENT, created at
// genesis, and returns the id of the first (the others follow in order).
func addRecords(g *loadgen.Genesis, rs []genesisRecord) (uint64, error) {
	at, err := genesisTime(g)
	if err != nil {
		return 0, err
	}
	var gs recordstypes.GenesisState
	var first uint64
	err = g.Edit(recordstypes.ModuleName, &gs, func() error {
		first = max(gs.NextRecordId, 1)
		for k, r := range rs {
			id := first + uint64(k)
			hash := hexHash("genesis-record-ciphertext/"+r.label, r.patient, id)
			custodian := devnet.OrgMercy
			if r.author == r.patient {
				custodian = ""
			}
			gs.Records = append(gs.Records, recordstypes.Record{
				Id: id, Patient: r.patient, CustodianOrg: custodian, Author: r.author, Category: "Observation",
				CiphertextHash: hash, ContentCommitment: hexHash("genesis-record-content/"+r.label, r.patient, id),
				SizeBytes: 4096, Locator: vaultLocator(hash), Status: recordstypes.RecordStatusCurrent,
				CreatedAt: at, FirstVersionId: id, Version: 1,
			})
		}
		gs.NextRecordId = first + uint64(len(rs))
		return nil
	})
	return first, err
}
