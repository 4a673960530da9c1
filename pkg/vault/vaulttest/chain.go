// Package vaulttest provides an in-memory vault.Chain that behaves like
// x/records and x/consent for the vault's purposes, for tests of the vault
// and of its clients.
package vaulttest

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/carechain/carechain/pkg/vault"
)

// Chain is a fake chain. Its zero value is not usable; use NewChain.
type Chain struct {
	mu        sync.Mutex
	records   map[string]vault.Record // by ciphertext hash
	nextRec   uint64
	permits   map[permitKey]bool
	events    []vault.AccessEvent
	nextEvent uint64
	uploaders map[string]bool
	now       func() time.Time
	err       error
	// Calls counts queries by method name.
	Calls map[string]int
}

type permitKey struct {
	accessor string
	record   uint64
	purpose  string
}

// NewChain returns an empty fake chain whose block time is now().
func NewChain(now func() time.Time) *Chain {
	if now == nil {
		now = time.Now
	}
	return &Chain{
		records: map[string]vault.Record{}, permits: map[permitKey]bool{},
		uploaders: map[string]bool{}, now: now, Calls: map[string]int{},
	}
}

// ErrNotPermitted is returned by LogAccess for an access the chain does
// not permit: x/records refuses MsgRecordAccess then.
var ErrNotPermitted = errors.New("vaulttest: access not permitted; MsgRecordAccess refused")

// Anchor creates a record for a blob (MsgCreateRecord) and returns it.
func (c *Chain) Anchor(patient, ciphertextHash string, size uint64) vault.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextRec++
	r := vault.Record{ID: c.nextRec, Patient: patient, CiphertextHash: ciphertextHash, SizeBytes: size}
	c.records[ciphertextHash] = r
	return r
}

// Permit grants (or with false, revokes) READ on a record for a purpose.
func (c *Chain) Permit(accessor string, recordID uint64, purpose string, permit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.permits[permitKey{accessor, recordID, purpose}] = permit
}

// AllowUpload lets an account upload.
func (c *Chain) AllowUpload(addr string, allow bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.uploaders[addr] = allow
}

// LogAccess commits a disclosure event (MsgRecordAccess) if the access is
// permitted, as x/records does, and returns it.
func (c *Chain) LogAccess(accessor string, recordID uint64, purpose string) (vault.AccessEvent, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.permits[permitKey{accessor, recordID, purpose}] && !c.isPatient(accessor, recordID) {
		return vault.AccessEvent{}, ErrNotPermitted
	}
	c.nextEvent++
	ev := vault.AccessEvent{ID: c.nextEvent, Accessor: accessor, RecordID: recordID, Purpose: purpose, Time: c.now(), Height: int64(c.nextEvent)}
	c.events = append(c.events, ev)
	return ev, nil
}

// Events returns every disclosure event of accessor (all accessors if "").
func (c *Chain) Events(accessor string) []vault.AccessEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []vault.AccessEvent
	for _, e := range c.events {
		if accessor == "" || e.Accessor == accessor {
			out = append(out, e)
		}
	}
	return out
}

// isPatient reports whether addr is the patient of record id (x/consent
// always permits the patient). The caller holds c.mu.
func (c *Chain) isPatient(addr string, id uint64) bool {
	for _, r := range c.records {
		if r.ID == id {
			return r.Patient == addr
		}
	}
	return false
}

// SetError makes every query fail with err (nil to recover).
func (c *Chain) SetError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = err
}

func (c *Chain) enter(name string) error {
	c.mu.Lock()
	c.Calls[name]++
	return c.err
}

func (c *Chain) RecordByHash(_ context.Context, h string) (vault.Record, bool, error) {
	err := c.enter("RecordByHash")
	defer c.mu.Unlock()
	if err != nil {
		return vault.Record{}, false, err
	}
	r, ok := c.records[h]
	return r, ok, nil
}

func (c *Chain) Record(_ context.Context, id uint64) (vault.Record, bool, error) {
	err := c.enter("Record")
	defer c.mu.Unlock()
	if err != nil {
		return vault.Record{}, false, err
	}
	for _, r := range c.records {
		if r.ID == id {
			return r, true, nil
		}
	}
	return vault.Record{}, false, nil
}

func (c *Chain) AccessEvent(_ context.Context, id uint64) (vault.AccessEvent, bool, error) {
	err := c.enter("AccessEvent")
	defer c.mu.Unlock()
	if err != nil {
		return vault.AccessEvent{}, false, err
	}
	for _, e := range c.events {
		if e.ID == id {
			return e, true, nil
		}
	}
	return vault.AccessEvent{}, false, nil
}

func (c *Chain) CheckRead(_ context.Context, accessor string, rec vault.Record, purpose string) (vault.Decision, error) {
	err := c.enter("CheckRead")
	defer c.mu.Unlock()
	if err != nil {
		return vault.Decision{}, err
	}
	if c.isPatient(accessor, rec.ID) {
		return vault.Decision{Permitted: true, Reason: "patient"}, nil
	}
	if c.permits[permitKey{accessor, rec.ID, purpose}] {
		return vault.Decision{Permitted: true, Reason: "consent"}, nil
	}
	return vault.Decision{Reason: "no consent permits this access"}, nil
}

func (c *Chain) AccessEvents(_ context.Context, accessor string, rec vault.Record, since time.Time, limit int) ([]vault.AccessEvent, error) {
	err := c.enter("AccessEvents")
	defer c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var out []vault.AccessEvent
	for _, e := range c.events {
		if e.Accessor == accessor && e.RecordID == rec.ID && !e.Time.Before(since) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (c *Chain) MayUpload(_ context.Context, addr string) (vault.Decision, error) {
	err := c.enter("MayUpload")
	defer c.mu.Unlock()
	if err != nil {
		return vault.Decision{}, err
	}
	if c.uploaders[addr] {
		return vault.Decision{Permitted: true}, nil
	}
	return vault.Decision{Reason: "not a member of an active provider and no encryption key published"}, nil
}

var _ vault.Chain = (*Chain)(nil)
