package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/x/registry/types"
)

// Querier serves the registry's gRPC queries.
type Querier struct {
	Keeper
}

var _ types.QueryServer = Querier{}

// NewQuerier returns the registry's Query service.
func NewQuerier(k Keeper) Querier { return Querier{Keeper: k} }

// Organization returns one organization and its member count.
func (q Querier) Organization(ctx context.Context, req *types.QueryOrganizationRequest) (*types.QueryOrganizationResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if err := types.ValidateOrganizationID(req.Id); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	org, err := q.Keeper.Organizations.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "organization %q not found", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	n, err := q.memberCount(ctx, req.Id)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryOrganizationResponse{Organization: org, MemberCount: n}, nil
}

// Organizations lists organizations, optionally only those with a role.
func (q Querier) Organizations(ctx context.Context, req *types.QueryOrganizationsRequest) (*types.QueryOrganizationsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if req.Role == types.RoleUnspecified {
		orgs, page, err := query.CollectionPaginate(ctx, q.Keeper.Organizations, req.Pagination,
			func(_ string, org types.Organization) (types.Organization, error) { return org, nil })
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryOrganizationsResponse{Organizations: orgs, Pagination: page}, nil
	}
	if _, known := types.Role_name[int32(req.Role)]; !known {
		return nil, status.Errorf(codes.InvalidArgument, "unknown role %d", req.Role)
	}
	orgs, page, err := query.CollectionPaginate(ctx, q.OrgsByRole, req.Pagination,
		func(key collections.Pair[int32, string], _ collections.NoValue) (types.Organization, error) {
			return q.Keeper.Organizations.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[int32, string](int32(req.Role)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOrganizationsResponse{Organizations: orgs, Pagination: page}, nil
}

// OrganizationMembers lists the accounts acting for an organization.
func (q Querier) OrganizationMembers(ctx context.Context, req *types.QueryOrganizationMembersRequest) (*types.QueryOrganizationMembersResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if err := types.ValidateOrganizationID(req.Id); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	has, err := q.Keeper.Organizations.Has(ctx, req.Id)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if !has {
		return nil, status.Errorf(codes.NotFound, "organization %q not found", req.Id)
	}
	members, page, err := query.CollectionPaginate(ctx, q.Members, req.Pagination,
		func(key collections.Pair[string, sdk.AccAddress], _ collections.NoValue) (string, error) {
			return q.addressCodec.BytesToString(key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, sdk.AccAddress](req.Id))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOrganizationMembersResponse{Members: members, Pagination: page}, nil
}

// MemberOrganizations returns the organizations an address acts for.
func (q Querier) MemberOrganizations(ctx context.Context, req *types.QueryMemberOrganizationsRequest) (*types.QueryMemberOrganizationsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	addr, err := q.addressCodec.StringToBytes(req.Address)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "address %q: %s", req.Address, err)
	}
	orgs, page, err := query.CollectionPaginate(ctx, q.Memberships, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, string], _ collections.NoValue) (types.MemberOrganization, error) {
			org, err := q.Keeper.Organizations.Get(ctx, key.K2())
			if err != nil {
				return types.MemberOrganization{}, err
			}
			return types.MemberOrganization{
				OrganizationId: org.Id,
				Name:           org.Name,
				Roles:          org.Roles,
				Status:         org.Status,
				IsAdmin:        org.Admin == req.Address,
			}, nil
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, string](addr))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryMemberOrganizationsResponse{Address: req.Address, Organizations: orgs, Pagination: page}, nil
}

// EncryptionKey returns an address's published X25519 key.
func (q Querier) EncryptionKey(ctx context.Context, req *types.QueryEncryptionKeyRequest) (*types.QueryEncryptionKeyResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	addr, err := q.addressCodec.StringToBytes(req.Address)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "address %q: %s", req.Address, err)
	}
	key, err := q.Keeper.EncryptionKeys.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "%s has not published an encryption key", req.Address)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryEncryptionKeyResponse{EncryptionKey: types.EncryptionKey{Owner: req.Address, X25519PublicKey: key}}, nil
}

// Params returns the module parameters.
func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
