package workloads

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"google.golang.org/grpc"

	"github.com/carechain/carechain/bench/loadgen"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// encryption-key: look up one account's published key, a single point read
// on a keeper map: the floor of what a query costs, next to CheckAccess and
// the record list. Over gRPC (carechain.registry.v1.Query/EncryptionKey) and
// REST (GET /carechain/registry/v1/encryption_keys/{address}). Genesis holds
// g.Size/10 keys (object i is key i modulo that).
const encryptionKeyLabel = "query-encryption-key"

var (
	// encryptionKeys is how many keys the genesis holds.
	encryptionKeys      atomic.Int64
	encryptionKeyOwners = &queryAddresses{label: encryptionKeyLabel}
)

func encryptionKeyOwner(i int) string {
	if n := int(encryptionKeys.Load()); n > 0 && i >= 0 {
		i %= n
	}
	return encryptionKeyOwners.at(i)
}

func init() {
	loadgen.RegisterQuery(&loadgen.Query{
		Name: "encryption-key",
		Genesis: func(g *loadgen.Genesis) error {
			n := max(g.Size/10, 1)
			encryptionKeys.Store(int64(n))
			encryptionKeyOwners.fill(n)
			var gs registrytypes.GenesisState
			return g.Edit(registrytypes.ModuleName, &gs, func() error {
				for i := 0; i < n; i++ {
					owner := encryptionKeyOwner(i)
					gs.EncryptionKeys = append(gs.EncryptionKeys, registrytypes.EncryptionKey{Owner: owner, X25519PublicKey: benchX25519Key(owner, 0)})
				}
				return nil
			})
		},
		GRPC: func(ctx context.Context, conn grpc.ClientConnInterface, i int) error {
			owner := encryptionKeyOwner(i)
			res, err := registrytypes.NewQueryClient(conn).EncryptionKey(ctx, &registrytypes.QueryEncryptionKeyRequest{Address: owner})
			if err != nil {
				return err
			}
			if !bytes.Equal(res.EncryptionKey.X25519PublicKey, benchX25519Key(owner, 0)) {
				return fmt.Errorf("wrong key for %s", owner)
			}
			return nil
		},
		REST: func(ctx context.Context, client *http.Client, base string, i int) error {
			owner := encryptionKeyOwner(i)
			var res struct {
				EncryptionKey struct {
					X25519PublicKey []byte `json:"x25519_public_key"` // base64 in JSON
				} `json:"encryption_key"`
			}
			if err := getJSON(ctx, client, base+"/carechain/registry/v1/encryption_keys/"+owner, &res); err != nil {
				return err
			}
			if !bytes.Equal(res.EncryptionKey.X25519PublicKey, benchX25519Key(owner, 0)) {
				return fmt.Errorf("wrong key for %s", owner)
			}
			return nil
		},
	})
}

// getJSON GETs url and decodes a 200 response into out.
func getJSON(ctx context.Context, client *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d: %s", url, resp.StatusCode, bytes.TrimSpace(body))
	}
	return json.Unmarshal(body, out)
}
