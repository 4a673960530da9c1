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
	// BaseURL is the vault's address, e.g. http://localhost:8780.
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
	u := strings.TrimRight(c.BaseURL, "/") + "/v1/blobs/" + url.PathEscape(hash)
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

// Download fetches the blob anchored under ciphertextHash for purpose
// ("PURPOSE_TREAT"). The account must have committed a MsgRecordAccess for
// the record and purpose first; the vault refuses (403 access_not_logged)
// otherwise. The body is not verified here: check it against the chain's
// ciphertext_hash before use (recordsclient does).
func (c *Client) Download(ctx context.Context, ciphertextHash, purpose string) (*Download, error) {
	req, err := c.newRequest(ctx, http.MethodGet, ciphertextHash, url.Values{"purpose": {purpose}}, nil, vaultauth.EmptySHA256)
	if err != nil {
		return nil, err
	}
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
