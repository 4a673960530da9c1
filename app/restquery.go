package app

import (
	"context"
	"fmt"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"github.com/cosmos/gogoproto/proto"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"

	claimstypes "github.com/carechain/carechain/x/claims/types"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// inProcessQueryConn serves the REST gateway's queries of Carechain's own
// modules in process: the request goes straight to the query router on a
// query context, as the gRPC server would run it, instead of being encoded
// again and sent over a loopback HTTP/2 connection to the node's own gRPC
// server (the SDK's default, which made a REST query cost about twice its
// gRPC form). Semantics are the gRPC server's: the same query context
// (latest height, or the x-cosmos-block-height header), the same handlers,
// errors converted to gRPC status the same way, out-of-gas and other panics
// turned into errors.
type inProcessQueryConn struct{ app *CarechainApp }

var _ gogogrpc.ClientConn = inProcessQueryConn{}

// Invoke implements gogogrpc.ClientConn.
func (c inProcessQueryConn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) (err error) {
	handler := c.app.GRPCQueryRouter().Route(method)
	if handler == nil {
		return status.Errorf(codes.Unimplemented, "unknown query %s", method)
	}
	req, ok := args.(proto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "%s: request %T is not a protobuf message", method, args)
	}
	out, ok := reply.(proto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "%s: response %T is not a protobuf message", method, reply)
	}
	if limited(serviceOf(method)) {
		_, err = c.app.queryLimiter.do(ctx, func() (any, error) { return nil, c.invoke(ctx, handler, method, req, out) })
		return err
	}
	return c.invoke(ctx, handler, method, req, out)
}

func (c inProcessQueryConn) invoke(ctx context.Context, handler baseapp.GRPCQueryHandler, method string, req, out proto.Message) (err error) {
	var height int64
	if md, ok := metadata.FromOutgoingContext(ctx); ok {
		if hs := md.Get(grpctypes.GRPCBlockHeightHeader); len(hs) == 1 {
			if height, err = strconv.ParseInt(hs[0], 10, 64); err != nil || height < 0 {
				return status.Errorf(codes.InvalidArgument, "invalid height header %q", hs[0])
			}
		}
	}
	data, err := proto.Marshal(req)
	if err != nil {
		return status.Errorf(codes.InvalidArgument, "%s: %v", method, err)
	}
	sdkCtx, err := c.app.CreateQueryContext(height, false)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			if oog, ok := r.(storetypes.ErrorOutOfGas); ok {
				err = status.Errorf(codes.ResourceExhausted, "query gas limit exceeded: %v, out of gas in location: %v", sdkCtx.GasMeter().Limit(), oog.Descriptor)
				return
			}
			err = status.Errorf(codes.Internal, "%s: %v", method, r)
		}
	}()
	res, err := handler(sdkCtx.WithContext(ctx), &abci.RequestQuery{Data: data, Path: method, Height: height})
	if err != nil {
		return err
	}
	return proto.Unmarshal(res.Value, out)
}

// NewStream implements gogogrpc.ClientConn: no query streams.
func (inProcessQueryConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "streaming queries are not served in process")
}

// registerInProcessGateway registers the REST routes of Carechain's modules
// on mux, served by inProcessQueryConn. It must run before the module
// manager registers the same routes (grpc-gateway uses the first match).
func (app *CarechainApp) registerInProcessGateway(mux *gwruntime.ServeMux) {
	conn := inProcessQueryConn{app: app}
	ctx := context.Background()
	for name, register := range map[string]func() error{
		registrytypes.ModuleName: func() error {
			return registrytypes.RegisterQueryHandlerClient(ctx, mux, registrytypes.NewQueryClient(conn))
		},
		consenttypes.ModuleName: func() error {
			return consenttypes.RegisterQueryHandlerClient(ctx, mux, consenttypes.NewQueryClient(conn))
		},
		recordstypes.ModuleName: func() error {
			return recordstypes.RegisterQueryHandlerClient(ctx, mux, recordstypes.NewQueryClient(conn))
		},
		claimstypes.ModuleName: func() error {
			return claimstypes.RegisterQueryHandlerClient(ctx, mux, claimstypes.NewQueryClient(conn))
		},
		researchtypes.ModuleName: func() error {
			return researchtypes.RegisterQueryHandlerClient(ctx, mux, researchtypes.NewQueryClient(conn))
		},
	} {
		if err := register(); err != nil {
			panic(fmt.Errorf("REST routes of %s: %w", name, err))
		}
	}
}

// InProcessQueryConn is the connection the REST gateway of Carechain's
// modules queries through (for tests and in-process clients).
func (app *CarechainApp) InProcessQueryConn() gogogrpc.ClientConn {
	return inProcessQueryConn{app: app}
}
