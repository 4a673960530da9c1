package vault

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/carechain/carechain/pkg/vaultauth"
)

// Client talks to a vault as one account.
type Client struct {
	// BaseURL is the vault's address, e.g. http://127.0.0.1:7070.
	BaseURL string
	// Signer signs every request.
	Signer vaultauth.Signer
	// HTTP is the HTTP client (default http.DefaultClient).
	HTTP *http.Client
	// Now is the clock requests are timestamped with (default time.Now).
	Now func() time.Time
}

// APIError is a refusal from the vault.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("vault: %d %s: %s", e.Status, e.Code, e.Message)
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) newRequest(ctx context.Context, method, hash string, query url.Values, body io.Reader, bodySHA256 string) (*http.Request, error) {
	return c.newRequestPath(ctx, method, "/v1/blobs/"+url.PathEscape(hash), query, body, bodySHA256)
}

func (c *Client) newRequestPath(ctx context.Context, method, path string, query url.Values, body io.Reader, bodySHA256 string) (*http.Request, error) {
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if err := vaultauth.SignRequest(req, c.Signer, bodySHA256, c.now()); err != nil {
		return nil, err
	}
	return req, nil
}

func readAPIError(resp *http.Response) error {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	bz, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(bz, &e) != nil || e.Error == "" {
		e.Error, e.Message = http.StatusText(resp.StatusCode), strings.TrimSpace(string(bz))
	}
	return &APIError{Status: resp.StatusCode, Code: e.Error, Message: e.Message}
}

// Upload stores a blob of size bytes read from body under its SHA-256,
// ciphertextHash. Uploading a blob the vault already holds succeeds.
func (c *Client) Upload(ctx context.Context, ciphertextHash string, body io.Reader, size int64) error {
	req, err := c.newRequest(ctx, http.MethodPut, ciphertextHash, nil, body, ciphertextHash)
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return readAPIError(resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // drain for connection reuse; the upload already succeeded
	return nil
}

// Download describes a served blob.
type Download struct {
	Body          io.ReadCloser // the blob; the caller closes it
	Size          int64
	RecordID      uint64
	AccessEventID uint64
}

// DownloadRecord fetches the blob of record id: GET
// /v1/records/{id}/blob. accessEventID names the committed MsgRecordAccess
// that pays for it (the access_event_id of its response); 0 lets the vault
// pick the newest unused one (of purpose, if not ""), and the record's
// patient needs none. The body is not verified here: check it against the
// chain's ciphertext_hash before use (recordsclient does).
func (c *Client) DownloadRecord(ctx context.Context, id uint64, purpose string, accessEventID uint64) (*Download, error) {
	q := url.Values{}
	if purpose != "" {
		q.Set("purpose", purpose)
	}
	if accessEventID != 0 {
		q.Set("access_event_id", strconv.FormatUint(accessEventID, 10))
	}
	req, err := c.newRequestPath(ctx, http.MethodGet, "/v1/records/"+strconv.FormatUint(id, 10)+"/blob", q, nil, vaultauth.EmptySHA256)
	if err != nil {
		return nil, err
	}
	return c.doDownload(req)
}

// Download fetches the blob anchored under ciphertextHash for purpose
// ("PURPOSE_TREAT"). The account must have committed a MsgRecordAccess for
// the record and purpose first; the vault refuses (403 access_not_logged)
// otherwise. The body is not verified here: check it against the chain's
// ciphertext_hash before use (recordsclient does).
func (c *Client) Download(ctx context.Context, ciphertextHash, purpose string) (*Download, error) {
	q := url.Values{}
	if purpose != "" {
		q.Set("purpose", purpose)
	}
	req, err := c.newRequest(ctx, http.MethodGet, ciphertextHash, q, nil, vaultauth.EmptySHA256)
	if err != nil {
		return nil, err
	}
	return c.doDownload(req)
}

func (c *Client) doDownload(req *http.Request) (*Download, error) {
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, readAPIError(resp)
	}
	d := &Download{Body: resp.Body, Size: resp.ContentLength}
	d.RecordID, _ = strconv.ParseUint(resp.Header.Get(HeaderRecordID), 10, 64)
	d.AccessEventID, _ = strconv.ParseUint(resp.Header.Get(HeaderAccessEventID), 10, 64)
	return d, nil
}
