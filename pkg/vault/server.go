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
	"sync"
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

	// served remembers the access events that have paid for a download,
	// so that each committed MsgRecordAccess releases the blob once.
	mu        sync.Mutex
	served    map[uint64]time.Time // event id → event time
	lastPrune time.Time
}

// NewServer returns a vault server over store, asking chain, and
// authenticating requests with auth.
func NewServer(store *Store, chain Chain, auth *vaultauth.Verifier, cfg Config) *Server {
	cfg.setDefaults()
	return &Server{store: store, chain: chain, auth: auth, cfg: cfg, log: cfg.Logger, served: map[uint64]time.Time{}}
}

// Handler returns the HTTP routes:
//
//	PUT /v1/blobs/{ciphertext_hash}   store a blob (signed; uploader allowed by the chain)
//	GET /v1/blobs/{ciphertext_hash}?purpose=PURPOSE_TREAT
//	                                  fetch a blob (signed; READ permitted and logged on chain)
//	GET /healthz                      liveness
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/blobs/{hash}", s.handlePut)
	mux.HandleFunc("GET /v1/blobs/{hash}", s.handleGet)
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
	CodeInternal            = "internal"
)

// Response headers of a download.
const (
	HeaderRecordID      = "X-Carechain-Record-Id"
	HeaderAccessEventID = "X-Carechain-Access-Event-Id"
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
	return &reqLog{start: time.Now(), attrs: []any{"method", r.Method, "hash", r.PathValue("hash")}}
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

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	l := s.begin(r)
	if r.Method != http.MethodGet { // the GET pattern also matches HEAD
		s.fail(w, l, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use GET")
		return
	}
	caller, ok := s.authenticate(w, r, l)
	if !ok {
		return
	}
	hash := r.PathValue("hash")
	if !carecrypto.IsHash(hash) {
		s.fail(w, l, http.StatusBadRequest, CodeInvalidHash, ErrInvalidHash.Error())
		return
	}
	if caller.ContentSHA256 != vaultauth.EmptySHA256 || r.ContentLength > 0 {
		s.fail(w, l, http.StatusBadRequest, CodeContentHashMismatch, "a download has no body; sign the SHA-256 of the empty string")
		return
	}
	purpose, ok := NormalizePurpose(r.URL.Query().Get("purpose"))
	if !ok {
		s.fail(w, l, http.StatusBadRequest, CodeInvalidPurpose, "?purpose= must name a purpose of use, e.g. PURPOSE_TREAT")
		return
	}
	l.add("purpose", purpose)

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
	dec, err := s.chain.CheckRead(ctx, caller.Address, rec, purpose)
	if err != nil {
		s.fail(w, l, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: "+err.Error())
		return
	}
	if !dec.Permitted {
		s.fail(w, l, http.StatusForbidden, CodeAccessDenied, "the chain does not permit READ for this purpose: "+dec.Reason)
		return
	}
	since := s.cfg.Now().Add(-s.cfg.AccessMaxAge)
	events, err := s.chain.AccessEvents(ctx, caller.Address, rec, since, accessEventsLimit)
	if err != nil {
		s.fail(w, l, http.StatusServiceUnavailable, CodeChainUnavailable, "cannot ask the chain: "+err.Error())
		return
	}

	f, size, err := s.store.Open(hash)
	if errors.Is(err, ErrNotFound) {
		s.fail(w, l, http.StatusNotFound, CodeBlobNotFound, "this vault does not hold the blob")
		return
	}
	if err != nil {
		s.log.Error("opening blob", "hash", hash, "err", err)
		s.fail(w, l, http.StatusInternalServerError, CodeInternal, "could not read the blob")
		return
	}
	defer f.Close()

	ev, ok, err := s.spendAccessEvent(events, caller.Address, rec.ID, purpose, since)
	if err != nil {
		w.Header().Set("Retry-After", "60")
		s.fail(w, l, http.StatusServiceUnavailable, CodeBusy, err.Error())
		return
	}
	if !ok {
		s.fail(w, l, http.StatusForbidden, CodeAccessNotLogged, fmt.Sprintf(
			"no unused disclosure on chain: commit MsgRecordAccess{accessor: %s, record_id: %d, purpose: %s} and retry within %s",
			caller.Address, rec.ID, purpose, s.cfg.AccessMaxAge))
		return
	}
	// The record exists on chain: the blob is no longer the sweeper's.
	if err := s.store.MarkAnchored(hash); err != nil {
		s.log.Error("marking blob anchored", "hash", hash, "err", err)
	}

	l.add("access_event_id", ev.ID)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(HeaderRecordID, strconv.FormatUint(rec.ID, 10))
	w.Header().Set(HeaderAccessEventID, strconv.FormatUint(ev.ID, 10))
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

// spendAccessEvent picks a committed disclosure event of accessor on
// recordID for purpose, no older than since, that has not yet released a
// download, and marks it spent.
func (s *Server) spendAccessEvent(events []AccessEvent, accessor string, recordID uint64, purpose string, since time.Time) (AccessEvent, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := s.cfg.Now(); now.Sub(s.lastPrune) > time.Minute {
		// Events older than since can no longer be chosen; forget them.
		// The map holds only events of the last AccessMaxAge (+1 min).
		for id, t := range s.served {
			if t.Before(since) {
				delete(s.served, id)
			}
		}
		s.lastPrune = now
	}
	for _, ev := range events {
		if ev.Accessor != accessor || ev.RecordID != recordID || ev.Purpose != purpose || ev.Time.Before(since) {
			continue
		}
		if _, spent := s.served[ev.ID]; spent {
			continue
		}
		if len(s.served) >= maxConsumedEvents {
			return AccessEvent{}, false, errors.New("too many recent downloads; retry later")
		}
		s.served[ev.ID] = ev.Time
		return ev, true, nil
	}
	return AccessEvent{}, false, nil
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
