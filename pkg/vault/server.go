package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/pkg/vaultauth"
)

// Config tunes a Server. Zero fields take the defaults below.
type Config struct {
	// MaxBlobSize bounds an upload (default 256 MiB).
	MaxBlobSize int64
	// AccessMaxAge is how recent the requester's committed MsgRecordAccess
	// must be for a download (default 5 minutes).
	AccessMaxAge time.Duration
	// SweepAfter is how long an upload may stay unanchored before the
	// sweeper deletes it (default 24 h).
	SweepAfter time.Duration
	// SweepInterval is how often the sweeper runs (default 10 minutes).
	SweepInterval time.Duration
	// SweepBatch bounds the chain queries of one sweep (default 1000).
	SweepBatch int
	// ChainTimeout bounds each request's chain queries (default 10 s).
	ChainTimeout time.Duration
	// Logger receives one structured line per request; never bodies, keys
	// or signatures (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Defaults.
const (
	DefaultMaxBlobSize   = 256 << 20
	DefaultAccessMaxAge  = 5 * time.Minute
	DefaultSweepAfter    = 24 * time.Hour
	DefaultSweepInterval = 10 * time.Minute
	DefaultSweepBatch    = 1000
	DefaultChainTimeout  = 10 * time.Second

	// accessEventsLimit is how many recent events of one accessor on one
	// record a download looks through for an unused one.
	accessEventsLimit = 100
	// maxConsumedEvents bounds the memory of served events.
	maxConsumedEvents = 1_000_000
)

func (c *Config) setDefaults() {
	if c.MaxBlobSize <= 0 {
		c.MaxBlobSize = DefaultMaxBlobSize
	}
	if c.AccessMaxAge <= 0 {
		c.AccessMaxAge = DefaultAccessMaxAge
	}
	if c.SweepAfter <= 0 {
		c.SweepAfter = DefaultSweepAfter
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.SweepBatch <= 0 {
		c.SweepBatch = DefaultSweepBatch
	}
	if c.ChainTimeout <= 0 {
		c.ChainTimeout = DefaultChainTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Server is the vault's HTTP service. See README.md for the protocol.
type Server struct {
	store *Store
	chain Chain
	auth  *vaultauth.Verifier
	cfg   Config
	log   *slog.Logger
}

// NewServer returns a vault server over store, asking chain, and
// authenticating requests with auth.
func NewServer(store *Store, chain Chain, auth *vaultauth.Verifier, cfg Config) *Server {
	cfg.setDefaults()
	return &Server{store: store, chain: chain, auth: auth, cfg: cfg, log: cfg.Logger}
}

// Handler returns the HTTP routes:
//
//	PUT /v1/blobs/{ciphertext_hash}   store a blob (signed; uploader allowed by the chain)
//	GET /v1/records/{id}/blob[?purpose=PURPOSE_TREAT][&access_event_id=N]
//	                                  fetch a record's blob (signed; the patient, or
//	                                  a READ permitted and logged on chain)
//	GET /v1/blobs/{ciphertext_hash}   the same, by the blob's hash
//	GET /healthz                      liveness
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/blobs/{hash}", s.handlePut)
	mux.HandleFunc("GET /v1/records/{id}/blob", s.handleRecordBlob)
	mux.HandleFunc("GET /v1/blobs/{hash}", s.handleBlob)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	return mux
}

// Error codes of the JSON error body {"error": code, "message": text}.
const (
	CodeUnauthenticated     = "unauthenticated"
	CodeBusy                = "busy"
	CodeInvalidHash         = "invalid_hash"
	CodeInvalidPurpose      = "invalid_purpose"
	CodeContentHashMismatch = "content_hash_mismatch"
	CodeBodyHashMismatch    = "body_hash_mismatch"
	CodeTooLarge            = "too_large"
	CodeUploadNotPermitted  = "upload_not_permitted"
	CodeRecordNotFound      = "record_not_found"
	CodeAccessDenied        = "access_denied"
	CodeAccessNotLogged     = "access_not_logged"
	CodeBlobNotFound        = "blob_not_found"
	CodeChainUnavailable    = "chain_unavailable"
	CodeMethodNotAllowed    = "method_not_allowed"
	CodeInvalidRecordID     = "invalid_record_id"
	CodeInvalidAccessEvent  = "invalid_access_event_id"
	CodeAccessEventUsed     = "access_event_used"
	CodeInternal            = "internal"
)

// Response headers of a download.
const (
	HeaderRecordID       = "X-Carechain-Record-Id"
	HeaderAccessEventID  = "X-Carechain-Access-Event-Id"
	HeaderCiphertextHash = "X-Carechain-Ciphertext-Hash"
)

type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// reqLog accumulates the one log line of a request.
type reqLog struct {
	start time.Time
	attrs []any
}

func (s *Server) begin(r *http.Request) *reqLog {
	l := &reqLog{start: time.Now(), attrs: []any{"method", r.Method}}
	if h := r.PathValue("hash"); h != "" {
		l.add("hash", h)
	}
	return l
}

func (l *reqLog) add(kv ...any) { l.attrs = append(l.attrs, kv...) }

func (s *Server) fail(w http.ResponseWriter, l *reqLog, status int, code, msg string) {
	l.add("status", status, "error", code, "reason", msg, "duration_ms", time.Since(l.start).Milliseconds())
	s.log.Warn("request refused", l.attrs...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(apiError{Error: code, Message: msg})
}

// authenticate verifies the request signature; on failure it answers.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, l *reqLog) (vaultauth.Caller, bool) {
	c, err := s.auth.Verify(r)
	if err != nil {
		if errors.Is(err, vaultauth.ErrBusy) {
			w.Header().Set("Retry-After", "5")
			s.fail(w, l, http.StatusServiceUnavailable, CodeBusy, err.Error())
		} else {
			s.fail(w, l, http.StatusUnauthorized, CodeUnauthenticated, err.Error())
		}
		return c, false
	}
	l.add("signer", c.Address)
	return c, true
}

func (s *Server) chainCtx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.ChainTimeout)
}

func (s *Server) handlePut(w http.ResponseWriter, r *http.Request) {
	l := s.begin(r)
	caller, ok := s.authenticate(w, r, l)
	if !ok {
		return
	}
	hash := r.PathValue("hash")
	if !carecrypto.IsHash(hash) {
		s.fail(w, l, http.StatusBadRequest, CodeInvalidHash, ErrInvalidHash.Error())
		return
	}
	if caller.ContentSHA256 != hash {
		s.fail(w, l, http.StatusBadRequest, CodeContentHashMismatch, "the signed body hash must equal the ciphertext hash in the path")
		return
	}
	if r.ContentLength > s.cfg.MaxBlobSize {
		s.fail(w, l, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("blob exceeds the limit of %d bytes", s.cfg.MaxBlobSize))
		return
	}
	ctx, cancel := s.chainCtx(r)
	dec, err := s.chain.MayUpload(ctx, caller.Address)
	cancel()
	if err != nil {
		s.fail(w, l, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: "+err.Error())
		return
	}
	if !dec.Permitted {
		s.fail(w, l, http.StatusForbidden, CodeUploadNotPermitted, dec.Reason)
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBlobSize+1)
	created, n, err := s.store.Put(hash, body, s.cfg.MaxBlobSize)
	switch {
	case errors.Is(err, ErrTooLarge), isMaxBytes(err):
		s.fail(w, l, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("blob exceeds the limit of %d bytes", s.cfg.MaxBlobSize))
		return
	case errors.Is(err, ErrHashMismatch):
		s.fail(w, l, http.StatusBadRequest, CodeBodyHashMismatch, err.Error())
		return
	case err != nil:
		s.log.Error("storing blob", "hash", hash, "err", err)
		s.fail(w, l, http.StatusInternalServerError, CodeInternal, "could not store the blob")
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	l.add("status", status, "bytes", n, "created", created, "duration_ms", time.Since(l.start).Milliseconds())
	s.log.Info("blob stored", l.attrs...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct {
		CiphertextHash string `json:"ciphertext_hash"`
		SizeBytes      int64  `json:"size_bytes"`
		Created        bool   `json:"created"`
	}{hash, n, created})
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// NormalizePurpose accepts "PURPOSE_TREAT" or "TREAT" and returns the
// enum name ("PURPOSE_TREAT"); ok is false for anything else.
func NormalizePurpose(p string) (string, bool) {
	p = strings.TrimPrefix(p, "PURPOSE_")
	if p == "" || len(p) > 32 || p == "UNSPECIFIED" {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return "", false
		}
	}
	return "PURPOSE_" + p, true
}

// handleRecordBlob serves GET /v1/records/{id}/blob.
func (s *Server) handleRecordBlob(w http.ResponseWriter, r *http.Request) {
	l := s.begin(r)
	l.add("record_id", r.PathValue("id"))
	caller, purpose, eventID, ok := s.downloadRequest(w, r, l)
	if !ok {
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		s.fail(w, l, http.StatusBadRequest, CodeInvalidRecordID, "the record id must be a positive decimal integer")
		return
	}
	ctx, cancel := s.chainCtx(r)
	defer cancel()
	rec, found, err := s.chain.Record(ctx, id)
	if err != nil {
		s.fail(w, l, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: "+err.Error())
		return
	}
	if !found {
		s.fail(w, l, http.StatusNotFound, CodeRecordNotFound, fmt.Sprintf("no record %d on chain", id))
		return
	}
	l.add("hash", rec.CiphertextHash)
	s.serveRecord(ctx, w, l, caller, rec, purpose, eventID)
}

// handleBlob serves GET /v1/blobs/{ciphertext_hash}: the same rule as
// /v1/records/{id}/blob, for the record that anchors the hash.
func (s *Server) handleBlob(w http.ResponseWriter, r *http.Request) {
	l := s.begin(r)
	caller, purpose, eventID, ok := s.downloadRequest(w, r, l)
	if !ok {
		return
	}
	hash := r.PathValue("hash")
	if !carecrypto.IsHash(hash) {
		s.fail(w, l, http.StatusBadRequest, CodeInvalidHash, ErrInvalidHash.Error())
		return
	}
	ctx, cancel := s.chainCtx(r)
	defer cancel()
	rec, found, err := s.chain.RecordByHash(ctx, hash)
	if err != nil {
		s.fail(w, l, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: "+err.Error())
		return
	}
	if !found {
		s.fail(w, l, http.StatusNotFound, CodeRecordNotFound, "no record anchors this ciphertext hash")
		return
	}
	l.add("record_id", rec.ID)
	s.serveRecord(ctx, w, l, caller, rec, purpose, eventID)
}

// downloadRequest authenticates a download and reads its optional
// ?purpose= and ?access_event_id=.
func (s *Server) downloadRequest(w http.ResponseWriter, r *http.Request, l *reqLog) (caller vaultauth.Caller, purpose string, eventID uint64, ok bool) {
	if r.Method != http.MethodGet { // the GET pattern also matches HEAD
		s.fail(w, l, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use GET")
		return caller, "", 0, false
	}
	caller, ok = s.authenticate(w, r, l)
	if !ok {
		return caller, "", 0, false
	}
	if caller.ContentSHA256 != vaultauth.EmptySHA256 || r.ContentLength > 0 {
		s.fail(w, l, http.StatusBadRequest, CodeContentHashMismatch, "a download has no body; sign the SHA-256 of the empty string")
		return caller, "", 0, false
	}
	q := r.URL.Query()
	if p := q.Get("purpose"); p != "" {
		if purpose, ok = NormalizePurpose(p); !ok {
			s.fail(w, l, http.StatusBadRequest, CodeInvalidPurpose, "?purpose= must name a purpose of use, e.g. PURPOSE_TREAT")
			return caller, "", 0, false
		}
		l.add("purpose", purpose)
	}
	if e := q.Get("access_event_id"); e != "" {
		var err error
		if eventID, err = strconv.ParseUint(e, 10, 64); err != nil || eventID == 0 {
			s.fail(w, l, http.StatusBadRequest, CodeInvalidAccessEvent, "?access_event_id= must be a positive decimal integer")
			return caller, "", 0, false
		}
	}
	return caller, purpose, eventID, true
}

// serveRecord applies the download rule to rec and streams its blob:
//
//   - the record's patient is served (x/consent permits the patient);
//   - anyone else needs a committed AccessEvent (MsgRecordAccess) of their
//     own on this record, no older than AccessMaxAge and not yet spent on a
//     download (the one named by ?access_event_id=, or the newest unused
//     one, of ?purpose= if given), and CheckRecordAccess must still permit
//     READ for the event's purpose;
//   - the event is marked spent, durably, before the first byte is sent.
//
// A patient who names an access event spends it like anyone else.
func (s *Server) serveRecord(ctx context.Context, w http.ResponseWriter, l *reqLog, caller vaultauth.Caller, rec Record, purpose string, eventID uint64) {
	var ev AccessEvent
	useEvent := caller.Address != rec.Patient || eventID != 0
	since := s.cfg.Now().Add(-s.cfg.AccessMaxAge)
	checked := ""
	check := func(p string) bool {
		checked = p
		dec, err := s.chain.CheckRead(ctx, caller.Address, rec, p)
		if err != nil {
			s.fail(w, l, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: "+err.Error())
			return false
		}
		if !dec.Permitted {
			s.fail(w, l, http.StatusForbidden, CodeAccessDenied, "the chain does not permit READ for "+p+": "+dec.Reason)
			return false
		}
		return true
	}
	if purpose != "" && !check(purpose) {
		return
	}
	if useEvent {
		var status int
		var code, msg string
		ev, status, code, msg = s.findAccessEvent(ctx, caller.Address, rec, purpose, eventID, since)
		if status != 0 {
			s.fail(w, l, status, code, msg)
			return
		}
		purpose = ev.Purpose
		l.add("access_event_id", ev.ID)
	} else {
		l.add("basis", "patient")
		if purpose == "" {
			purpose = "PURPOSE_TREAT"
		}
	}
	// The consent may have been revoked since the event was logged.
	if purpose != checked && !check(purpose) {
		return
	}

	f, size, err := s.store.Open(rec.CiphertextHash)
	if errors.Is(err, ErrNotFound) {
		s.fail(w, l, http.StatusNotFound, CodeBlobNotFound, "this vault does not hold the blob")
		return
	}
	if err != nil {
		s.log.Error("opening blob", "hash", rec.CiphertextHash, "err", err)
		s.fail(w, l, http.StatusInternalServerError, CodeInternal, "could not read the blob")
		return
	}
	defer f.Close()

	if useEvent {
		now := s.cfg.Now()
		ok, err := s.store.spent.trySpend(ev.ID, ev.Time, since, now)
		switch {
		case errors.Is(err, ErrSpentFull):
			w.Header().Set("Retry-After", "60")
			s.fail(w, l, http.StatusServiceUnavailable, CodeBusy, err.Error())
			return
		case err != nil:
			s.log.Error("recording spent access event", "err", err)
			s.fail(w, l, http.StatusInternalServerError, CodeInternal, "could not record the download")
			return
		case !ok: // another request spent it meanwhile
			s.fail(w, l, http.StatusConflict, CodeAccessEventUsed, fmt.Sprintf("access event %d has already released a download; log a new access", ev.ID))
			return
		}
	}
	// The record exists on chain: the blob is no longer the sweeper's.
	if err := s.store.MarkAnchored(rec.CiphertextHash); err != nil {
		s.log.Error("marking blob anchored", "hash", rec.CiphertextHash, "err", err)
	}

	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(HeaderRecordID, strconv.FormatUint(rec.ID, 10))
	w.Header().Set(HeaderCiphertextHash, rec.CiphertextHash)
	if useEvent {
		w.Header().Set(HeaderAccessEventID, strconv.FormatUint(ev.ID, 10))
	}
	w.WriteHeader(http.StatusOK)
	n, err := io.Copy(w, f)
	l.add("status", http.StatusOK, "bytes", n, "duration_ms", time.Since(l.start).Milliseconds())
	if err != nil {
		l.add("err", err.Error())
		s.log.Warn("blob download interrupted", l.attrs...)
		return
	}
	s.log.Info("blob served", l.attrs...)
}

// findAccessEvent picks the access event that pays for a download; on
// refusal it returns the HTTP status, code and message.
func (s *Server) findAccessEvent(ctx context.Context, accessor string, rec Record, purpose string, eventID uint64, since time.Time) (AccessEvent, int, string, string) {
	notLogged := fmt.Sprintf("no unused access event on chain: commit MsgRecordAccess{accessor: %s, record_id: %d, purpose} and download within %s",
		accessor, rec.ID, s.cfg.AccessMaxAge)
	if eventID != 0 {
		ev, found, err := s.chain.AccessEvent(ctx, eventID)
		switch {
		case err != nil:
			return ev, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: " + err.Error()
		case !found:
			return ev, http.StatusForbidden, CodeAccessNotLogged, fmt.Sprintf("access event %d is not on chain (yet); %s", eventID, notLogged)
		case ev.Accessor != accessor || ev.RecordID != rec.ID:
			return ev, http.StatusForbidden, CodeAccessNotLogged, fmt.Sprintf("access event %d is not an access of %s to record %d", eventID, accessor, rec.ID)
		case purpose != "" && ev.Purpose != purpose:
			return ev, http.StatusForbidden, CodeAccessNotLogged, fmt.Sprintf("access event %d is for %s, not %s", eventID, ev.Purpose, purpose)
		case ev.Time.Before(since):
			return ev, http.StatusForbidden, CodeAccessNotLogged, fmt.Sprintf("access event %d is older than %s; %s", eventID, s.cfg.AccessMaxAge, notLogged)
		case s.store.spent.spent(ev.ID, ev.Time):
			return ev, http.StatusConflict, CodeAccessEventUsed, fmt.Sprintf("access event %d has already released a download; log a new access", eventID)
		}
		return ev, 0, "", ""
	}
	events, err := s.chain.AccessEvents(ctx, accessor, rec, since, accessEventsLimit)
	if err != nil {
		return AccessEvent{}, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: " + err.Error()
	}
	sawSpent := false
	for _, ev := range events {
		if ev.Accessor != accessor || ev.RecordID != rec.ID || ev.Time.Before(since) || (purpose != "" && ev.Purpose != purpose) {
			continue
		}
		if s.store.spent.spent(ev.ID, ev.Time) {
			sawSpent = true
			continue
		}
		return ev, 0, "", ""
	}
	if sawSpent {
		return AccessEvent{}, http.StatusConflict, CodeAccessEventUsed, "every recent access event of yours on this record has released a download; log a new access"
	}
	return AccessEvent{}, http.StatusForbidden, CodeAccessNotLogged, notLogged
}

// SweepOnce deletes blobs left unanchored for longer than SweepAfter and
// files anchored ones away from the sweeper, asking the chain about at most
// SweepBatch blobs.
func (s *Server) SweepOnce(ctx context.Context) (anchored, deleted int, err error) {
	cutoff := s.cfg.Now().Add(-s.cfg.SweepAfter)
	hashes, err := s.store.pendingOlderThan(cutoff, s.cfg.SweepBatch)
	if err != nil {
		return 0, 0, err
	}
	for _, h := range hashes {
		qctx, cancel := context.WithTimeout(ctx, s.cfg.ChainTimeout)
		_, found, err := s.chain.RecordByHash(qctx, h)
		cancel()
		if err != nil {
			return anchored, deleted, err // ask again next time; never delete on doubt
		}
		if found {
			if err := s.store.MarkAnchored(h); err != nil && !errors.Is(err, ErrNotFound) {
				return anchored, deleted, err
			}
			anchored++
			continue
		}
		ok, err := s.store.deletePendingIfOlder(h, cutoff)
		if err != nil {
			return anchored, deleted, err
		}
		if ok {
			deleted++
			s.log.Info("unanchored blob swept", "hash", h)
		}
	}
	return anchored, deleted, nil
}

// Serve runs the HTTP service on ln and the sweeper until ctx is done, then
// shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	anchored, pending, err := s.store.Stats()
	if err != nil {
		return err
	}
	s.log.Info("vault serving", "addr", ln.Addr().String(), "dir", s.store.Dir(),
		"anchored_blobs", anchored, "pending_blobs", pending, "max_blob_size", s.cfg.MaxBlobSize,
		"sweep_after", s.cfg.SweepAfter.String(), "access_max_age", s.cfg.AccessMaxAge.String())
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		t := time.NewTicker(s.cfg.SweepInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a, d, err := s.SweepOnce(ctx)
				if err != nil {
					s.log.Warn("sweep incomplete", "err", err.Error(), "anchored", a, "deleted", d)
				} else if a+d > 0 {
					s.log.Info("sweep done", "anchored", a, "deleted", d)
				}
			}
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		<-errc //nolint:errcheck // after Shutdown the server returns http.ErrServerClosed
		return err
	}
}
