package vault

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// GRPCChainConfig locates the node the vault asks.
type GRPCChainConfig struct {
	// GRPCAddress is the node's gRPC endpoint (host:port, e.g. localhost:9090).
	GRPCAddress string
	// Insecure disables TLS (loopback and localnet).
	Insecure bool
	// Timeout bounds the start-up probe (default DefaultChainTimeout). Each
	// request's queries are bounded by the server's Config.ChainTimeout.
	Timeout time.Duration
}

// Bounds of the paginated queries one request may make.
const (
	// accessLogPageSize is the page size of the access-log scan (x/records
	// allows at most 200).
	accessLogPageSize = 200
	// accessLogMaxPages bounds the scan of a patient's recent access log:
	// 2,000 events within --access-max-age. Events are listed newest
	// first, so the requester's just-committed event is on the first page
	// unless the patient's records were read over 2,000 times since.
	accessLogMaxPages = 10
	// membershipPageSize covers x/registry's max_memberships_per_account
	// (at most 256) in two pages.
	membershipPageSize = 128
	membershipMaxPages = 2
)

// GRPCChain is the Chain backed by a node's gRPC queries (x/records, which
// asks x/consent, and x/registry). Queries run against the node's latest
// committed state, so a disclosure event it returns is in a block.
type GRPCChain struct {
	conn     *grpc.ClientConn
	records  recordstypes.QueryClient
	registry registrytypes.QueryClient
}

var _ Chain = (*GRPCChain)(nil)

// NewGRPCChain connects to the node at cfg.GRPCAddress and checks, within
// cfg.Timeout, that it answers x/records and x/registry queries: a vault
// pointed at the wrong address, or at a node without these modules, fails
// at start instead of refusing every request.
func NewGRPCChain(ctx context.Context, cfg GRPCChainConfig) (Chain, error) {
	c, err := DialGRPCChain(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DialGRPCChain is NewGRPCChain returning the concrete type (to Close it).
func DialGRPCChain(ctx context.Context, cfg GRPCChainConfig) (*GRPCChain, error) {
	if cfg.GRPCAddress == "" {
		return nil, errors.New("vault: no gRPC address of a node")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultChainTimeout
	}
	creds := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	if cfg.Insecure {
		creds = insecure.NewCredentials()
	}
	// The SDK's gogoproto codec: the generated query clients send gogoproto
	// messages, which the default gRPC codec cannot marshal.
	grpcCodec := codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).GRPCCodec()
	conn, err := grpc.NewClient(cfg.GRPCAddress,
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(grpcCodec)),
	)
	if err != nil {
		return nil, fmt.Errorf("vault: gRPC client for %s: %w", cfg.GRPCAddress, err)
	}
	c := &GRPCChain{conn: conn, records: recordstypes.NewQueryClient(conn), registry: registrytypes.NewQueryClient(conn)}
	pctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	if _, err := c.records.Params(pctx, &recordstypes.QueryParamsRequest{}); err != nil {
		conn.Close()
		return nil, fmt.Errorf("vault: the node at %s does not answer x/records queries: %w", cfg.GRPCAddress, err)
	}
	if _, err := c.registry.Params(pctx, &registrytypes.QueryParamsRequest{}); err != nil {
		conn.Close()
		return nil, fmt.Errorf("vault: the node at %s does not answer x/registry queries: %w", cfg.GRPCAddress, err)
	}
	return c, nil
}

// Close closes the connection.
func (c *GRPCChain) Close() error { return c.conn.Close() }

// RecordByHash asks x/records for the record anchoring ciphertextHash.
func (c *GRPCChain) RecordByHash(ctx context.Context, ciphertextHash string) (Record, bool, error) {
	res, err := c.records.RecordByHash(ctx, &recordstypes.QueryRecordByHashRequest{CiphertextHash: ciphertextHash})
	if status.Code(err) == codes.NotFound {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("x/records RecordByHash: %w", err)
	}
	r := res.Record
	if r.CiphertextHash != ciphertextHash {
		// Never serve a blob under a record that names another one.
		return Record{}, false, fmt.Errorf("x/records RecordByHash returned record %d with hash %s", r.Id, r.CiphertextHash)
	}
	return Record{ID: r.Id, Patient: r.Patient, CiphertextHash: r.CiphertextHash, SizeBytes: r.SizeBytes}, true, nil
}

// Record asks x/records for record id.
func (c *GRPCChain) Record(ctx context.Context, id uint64) (Record, bool, error) {
	res, err := c.records.Record(ctx, &recordstypes.QueryRecordRequest{Id: id})
	if status.Code(err) == codes.NotFound {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("x/records Record: %w", err)
	}
	r := res.Record
	if r.Id != id {
		return Record{}, false, fmt.Errorf("x/records Record %d returned record %d", id, r.Id)
	}
	return Record{ID: r.Id, Patient: r.Patient, CiphertextHash: r.CiphertextHash, SizeBytes: r.SizeBytes}, true, nil
}

// AccessEvent asks x/records for access event id (committed state).
func (c *GRPCChain) AccessEvent(ctx context.Context, id uint64) (AccessEvent, bool, error) {
	res, err := c.records.AccessEvent(ctx, &recordstypes.QueryAccessEventRequest{Id: id})
	if status.Code(err) == codes.NotFound {
		return AccessEvent{}, false, nil
	}
	if err != nil {
		return AccessEvent{}, false, fmt.Errorf("x/records AccessEvent: %w", err)
	}
	ev := res.Event
	if ev.Id != id {
		return AccessEvent{}, false, fmt.Errorf("x/records AccessEvent %d returned event %d", id, ev.Id)
	}
	return AccessEvent{ID: ev.Id, Accessor: ev.Accessor, RecordID: ev.RecordId, Purpose: ev.Purpose.String(), Time: ev.Time, Height: ev.Height}, true, nil
}

// CheckRead asks x/records CheckRecordAccess{accessor, record, READ,
// purpose}, that is x/consent with the record's patient, category and id,
// at the latest block.
func (c *GRPCChain) CheckRead(ctx context.Context, accessor string, rec Record, purpose string) (Decision, error) {
	p, ok := consenttypes.Purpose_value[purpose]
	if !ok || p == int32(consenttypes.PurposeUnspecified) {
		return Decision{Reason: fmt.Sprintf("unknown purpose %q", purpose)}, nil
	}
	res, err := c.records.CheckRecordAccess(ctx, &recordstypes.QueryCheckRecordAccessRequest{
		Accessor: accessor, RecordId: rec.ID, Action: consenttypes.ActionRead, Purpose: consenttypes.Purpose(p),
	})
	switch status.Code(err) {
	case codes.OK:
	case codes.InvalidArgument, codes.NotFound:
		// A malformed request or a vanished record is a refusal, not an
		// outage.
		return Decision{Reason: status.Convert(err).Message()}, nil
	default:
		return Decision{}, fmt.Errorf("x/records CheckRecordAccess: %w", err)
	}
	if res.Decision != consenttypes.DecisionPermit {
		return Decision{Reason: res.Reason}, nil
	}
	return Decision{Permitted: true, Reason: res.Reason}, nil
}

// AccessEvents pages rec.Patient's access log from since, newest first,
// and keeps the events of accessor on rec.ID, at most limit of them.
func (c *GRPCChain) AccessEvents(ctx context.Context, accessor string, rec Record, since time.Time, limit int) ([]AccessEvent, error) {
	var out []AccessEvent
	var key []byte
	from := since.UTC()
	for page := 0; page < accessLogMaxPages; page++ {
		res, err := c.records.AccessLog(ctx, &recordstypes.QueryAccessLogRequest{
			Patient:    rec.Patient,
			From:       &from,
			Pagination: &query.PageRequest{Key: key, Limit: accessLogPageSize, Reverse: true},
		})
		if err != nil {
			return nil, fmt.Errorf("x/records AccessLog: %w", err)
		}
		for _, ev := range res.Events {
			if ev.Accessor != accessor || ev.RecordId != rec.ID || ev.Patient != rec.Patient {
				continue
			}
			out = append(out, AccessEvent{
				ID: ev.Id, Accessor: ev.Accessor, RecordID: ev.RecordId, Purpose: ev.Purpose.String(),
				Time: ev.Time, Height: ev.Height,
			})
			if len(out) >= limit {
				return out, nil
			}
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			break
		}
		key = res.Pagination.NextKey
	}
	return out, nil
}

// MayUpload permits members of an ACTIVE organization with role PROVIDER
// (record authors) and accounts that have published an encryption key
// (patients storing their own documents; a key is what makes an account
// able to read what it stores).
func (c *GRPCChain) MayUpload(ctx context.Context, uploader string) (Decision, error) {
	var key []byte
	for page := 0; page < membershipMaxPages; page++ {
		res, err := c.registry.MemberOrganizations(ctx, &registrytypes.QueryMemberOrganizationsRequest{
			Address: uploader, Pagination: &query.PageRequest{Key: key, Limit: membershipPageSize},
		})
		if status.Code(err) == codes.InvalidArgument {
			return Decision{Reason: status.Convert(err).Message()}, nil
		}
		if err != nil {
			return Decision{}, fmt.Errorf("x/registry MemberOrganizations: %w", err)
		}
		for _, o := range res.Organizations {
			if o.Status != registrytypes.OrgStatusActive {
				continue
			}
			for _, r := range o.Roles {
				if r == registrytypes.RoleProvider {
					return Decision{Permitted: true, Reason: "member of active provider " + o.OrganizationId}, nil
				}
			}
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			break
		}
		key = res.Pagination.NextKey
	}
	_, err := c.registry.EncryptionKey(ctx, &registrytypes.QueryEncryptionKeyRequest{Address: uploader})
	switch status.Code(err) {
	case codes.OK:
		return Decision{Permitted: true, Reason: "published encryption key"}, nil
	case codes.NotFound:
		return Decision{Reason: "not a member of an active provider organization and no encryption key published"}, nil
	case codes.InvalidArgument:
		return Decision{Reason: status.Convert(err).Message()}, nil
	default:
		return Decision{}, fmt.Errorf("x/registry EncryptionKey: %w", err)
	}
}
