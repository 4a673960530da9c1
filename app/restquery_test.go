package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// TestInProcessQueryConn: the REST gateway of Carechain's modules queries
// through this connection instead of a loopback gRPC hop, so it must answer
// as the gRPC server does: latest committed state, a height header for an
// older one, gRPC status codes from the handlers, unknown methods refused.
func TestInProcessQueryConn(t *testing.T) {
	h := apptest.New(t)
	h.NextBlock(time.Second)
	q := registrytypes.NewQueryClient(h.App.InProcessQueryConn())
	ctx := context.Background()

	res, err := q.Organization(ctx, &registrytypes.QueryOrganizationRequest{Id: devnet.OrgMercy})
	require.NoError(t, err)
	require.Equal(t, devnet.OrgMercy, res.Organization.Id)

	_, err = q.Organization(ctx, &registrytypes.QueryOrganizationRequest{Id: "no-such-org"})
	require.Error(t, err)
	require.NotEqual(t, codes.Unknown, status.Code(err), "handler errors keep their gRPC code: %v", err)

	key := []byte("0123456789abcdef0123456789abcdef")
	h.MustDeliver(devnet.Bob, &registrytypes.MsgSetEncryptionKey{Owner: h.Addr(devnet.Bob), X25519PublicKey: key})
	got, err := q.EncryptionKey(ctx, &registrytypes.QueryEncryptionKeyRequest{Address: h.Addr(devnet.Bob)})
	require.NoError(t, err)
	require.Equal(t, key, got.EncryptionKey.X25519PublicKey, "the latest block's write is seen")

	old := metadata.AppendToOutgoingContext(ctx, grpctypes.GRPCBlockHeightHeader, "2")
	_, err = q.EncryptionKey(old, &registrytypes.QueryEncryptionKeyRequest{Address: h.Addr(devnet.Bob)})
	require.Error(t, err, "at height 2 Bob had no key")

	bad := metadata.AppendToOutgoingContext(ctx, grpctypes.GRPCBlockHeightHeader, "x")
	_, err = q.Organization(bad, &registrytypes.QueryOrganizationRequest{Id: devnet.OrgMercy})
	require.Equal(t, codes.InvalidArgument, status.Code(err))

	err = h.App.InProcessQueryConn().Invoke(ctx, "/carechain.registry.v1.Query/NoSuchQuery", &registrytypes.QueryOrganizationRequest{}, &registrytypes.QueryOrganizationResponse{})
	require.Equal(t, codes.Unimplemented, status.Code(err))
}
