package e2e

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
)

// recordCategories are the categories the load files records under.
var recordCategories = []string{"Observation", "Condition", "DocumentReference", "11506-3"}

// CreateRecord has members of a provider organization anchor records
// (x/records MsgCreateRecord) for patients whose consent letting the
// organization write has been committed: a fresh random ciphertext hash
// and commitment each time, and, one time in four, a new version of a
// record the same author wrote. It checks every record committed is on
// chain exactly once, with its hash, patient, author, custodian, category
// and version links.
type CreateRecord struct {
	Consents *GrantConsent

	mu      sync.Mutex
	records map[uint64]*committedRecord
	// superseding: records a new version of which has been sent.
	superseding map[uint64]bool
}

type committedRecord struct {
	id           uint64
	msg          *recordstypes.MsgCreateRecord
	height       int64
	supersededBy uint64
	supersededAt int64
}

// Kind implements Generator.
func (g *CreateRecord) Kind() string { return "records-create" }

func (g *CreateRecord) init() {
	if g.records == nil {
		g.records = map[uint64]*committedRecord{}
		g.superseding = map[uint64]bool{}
	}
}

// Next implements Generator. It waits until some patient's consent is
// committed.
func (g *CreateRecord) Next(s *Sender) (Op, bool) {
	patients := g.Consents.WritablePatients()
	if len(patients) == 0 {
		return Op{}, false
	}
	patient := patients[s.Rand.IntN(len(patients))]
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	category := recordCategories[s.Rand.IntN(len(recordCategories))]
	var supersedes uint64
	if s.Rand.IntN(4) == 0 {
		// A new version of one of this author's current records.
		var ids []uint64
		for id, r := range g.records {
			if r.msg.Author == s.Address() && r.msg.Patient == patient && r.supersededBy == 0 && !g.superseding[id] {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			slices.Sort(ids)
			supersedes = ids[s.Rand.IntN(len(ids))]
			g.superseding[supersedes] = true
			category = g.records[supersedes].msg.Category
		}
	}
	hash := randomHex(s, 32)
	return Op{Msgs: []sdk.Msg{&recordstypes.MsgCreateRecord{
		Author:            s.Address(),
		Patient:           patient,
		Category:          category,
		CiphertextHash:    hash,
		ContentCommitment: randomHex(s, 32),
		SizeBytes:         1 + s.Rand.Uint64N(1<<20),
		Locator:           "vault://vault.mercy.example/v1/blobs/" + hash,
		Supersedes:        supersedes,
	}}}, true
}

// Committed implements Generator.
func (g *CreateRecord) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	var resp recordstypes.MsgCreateRecordResponse
	if err := inc.MsgResponse(0, &resp); err != nil {
		return
	}
	m := op.Msgs[0].(*recordstypes.MsgCreateRecord)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.records[resp.RecordId] = &committedRecord{id: resp.RecordId, msg: m, height: inc.Height}
	if prev := g.records[m.Supersedes]; prev != nil {
		prev.supersededBy, prev.supersededAt = resp.RecordId, inc.Height
	}
}

// Record returns a committed record's patient; ok is false for an unknown
// id.
func (g *CreateRecord) recordPatient(id uint64) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.records[id]; r != nil {
		return r.msg.Patient, true
	}
	return "", false
}

// pick returns a random committed record id (of patient, if not empty).
func (g *CreateRecord) pick(s *Sender, patient string) (uint64, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var ids []uint64
	for id, r := range g.records {
		if patient == "" || r.msg.Patient == patient {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, false
	}
	slices.Sort(ids)
	return ids[s.Rand.IntN(len(ids))], true
}

// CheckState implements StateChecker: each patient's records are exactly
// those committed, each found by its ciphertext hash, with the committed
// fields, custodian = the consenting organization, CURRENT or SUPERSEDED
// by the version committed after it.
func (g *CreateRecord) CheckState(ctx context.Context, n *Node, height int64) error {
	g.mu.Lock()
	byPatient := map[string]map[uint64]committedRecord{}
	for id, r := range g.records {
		if r.height > height {
			continue
		}
		rr := *r
		if rr.supersededAt > height {
			rr.supersededBy = 0
		}
		if byPatient[r.msg.Patient] == nil {
			byPatient[r.msg.Patient] = map[uint64]committedRecord{}
		}
		byPatient[r.msg.Patient][id] = rr
	}
	g.mu.Unlock()

	for _, patient := range sortedKeys(byPatient) {
		want := byPatient[patient]
		got := map[uint64]recordstypes.Record{}
		err := queryPages(ctx, n, "/carechain.records.v1.Query/PatientRecords", height, 200,
			func(p *query.PageRequest) gogoproto.Message {
				return &recordstypes.QueryPatientRecordsRequest{Patient: patient, Pagination: p}
			},
			func(resp *recordstypes.QueryPatientRecordsResponse) {
				for _, r := range resp.Records {
					got[r.Id] = r
				}
			})
		if err != nil {
			return err
		}
		if len(got) != len(want) {
			return fmt.Errorf("%s: patient %s has %d records at height %d, %d were committed (chain %v, committed %v)",
				n.Name, patient, len(got), height, len(want), sortedIDs(got), sortedIDs(want))
		}
		for _, id := range sortedIDs(want) {
			w := want[id]
			r, ok := got[id]
			if !ok {
				return fmt.Errorf("%s: record %d of %s committed at height %d is missing at height %d", n.Name, id, patient, w.height, height)
			}
			m := w.msg
			status := recordstypes.RecordStatusCurrent
			if w.supersededBy != 0 {
				status = recordstypes.RecordStatusSuperseded
			}
			if r.CiphertextHash != m.CiphertextHash || r.ContentCommitment != m.ContentCommitment || r.Author != m.Author ||
				r.Category != m.Category || r.SizeBytes != m.SizeBytes || r.Locator != m.Locator || r.Supersedes != m.Supersedes ||
				r.CustodianOrg != g.Consents.Org || r.Status != status || r.SupersededBy != w.supersededBy || r.CreatedHeight != w.height {
				return fmt.Errorf("%s: record %d at height %d is %+v; committed at height %d: %+v, status %s, superseded by %d",
					n.Name, id, height, r, w.height, m, status, w.supersededBy)
			}
			var byHash recordstypes.QueryRecordByHashResponse
			if err := Query(ctx, n, "/carechain.records.v1.Query/RecordByHash", &recordstypes.QueryRecordByHashRequest{CiphertextHash: m.CiphertextHash}, &byHash, height); err != nil {
				return err
			}
			if byHash.Record.Id != id {
				return fmt.Errorf("%s: ciphertext hash %s finds record %d at height %d, want %d", n.Name, m.CiphertextHash, byHash.Record.Id, height, id)
			}
		}
	}
	return nil
}

// ReadRecord has members of the provider organization log reads of
// committed records (x/records MsgRecordAccess, purpose TREAT), as the
// off-chain store requires before it serves a blob. It checks every
// access event committed is on chain, naming the reader, the record, its
// patient, the organization and one of the patient's consents to it.
type ReadRecord struct {
	Records *CreateRecord

	mu     sync.Mutex
	events map[uint64]committedAccess
}

type committedAccess struct {
	msg     *recordstypes.MsgRecordAccess
	patient string
	height  int64
}

// Kind implements Generator.
func (g *ReadRecord) Kind() string { return "records-access" }

// Next implements Generator. It waits until a record is committed.
func (g *ReadRecord) Next(s *Sender) (Op, bool) {
	id, ok := g.Records.pick(s, "")
	if !ok {
		return Op{}, false
	}
	return Op{Msgs: []sdk.Msg{&recordstypes.MsgRecordAccess{Accessor: s.Address(), RecordId: id, Purpose: consenttypes.PurposeTreat}}}, true
}

// Committed implements Generator.
func (g *ReadRecord) Committed(op *Op, inc Inclusion) {
	if inc.Code != 0 {
		return
	}
	var resp recordstypes.MsgRecordAccessResponse
	if err := inc.MsgResponse(0, &resp); err != nil {
		return
	}
	m := op.Msgs[0].(*recordstypes.MsgRecordAccess)
	patient, _ := g.Records.recordPatient(m.RecordId)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.events == nil {
		g.events = map[uint64]committedAccess{}
	}
	g.events[resp.AccessEventId] = committedAccess{msg: m, patient: patient, height: inc.Height}
}

// CheckState implements StateChecker.
func (g *ReadRecord) CheckState(ctx context.Context, n *Node, height int64) error {
	g.mu.Lock()
	events := map[uint64]committedAccess{}
	for id, e := range g.events {
		if e.height <= height {
			events[id] = e
		}
	}
	g.mu.Unlock()
	org := g.Records.Consents.Org
	for _, id := range sortedIDs(events) {
		w := events[id]
		var resp recordstypes.QueryAccessEventResponse
		if err := Query(ctx, n, "/carechain.records.v1.Query/AccessEvent", &recordstypes.QueryAccessEventRequest{Id: id}, &resp, height); err != nil {
			return err
		}
		e := resp.Event
		if e.Accessor != w.msg.Accessor || e.RecordId != w.msg.RecordId || e.Patient != w.patient || e.Purpose != w.msg.Purpose ||
			e.AccessorOrg != org || !g.Records.Consents.OrgConsents(w.patient)[e.ConsentId] || e.BreakGlassId != 0 || e.Height != w.height {
			return fmt.Errorf("%s: access event %d at height %d is %+v; committed at height %d: %+v of a record of %s under a consent to %s",
				n.Name, id, height, e, w.height, w.msg, w.patient, org)
		}
	}
	return nil
}
