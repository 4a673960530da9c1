package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// MaxPageLimit caps the page size of every list query.
const MaxPageLimit = 200

// Querier serves the consent module's gRPC queries.
type Querier struct {
	Keeper
}

var _ types.QueryServer = Querier{}

// NewQuerier returns the consent module's Query service.
func NewQuerier(k Keeper) Querier { return Querier{Keeper: k} }

// boundedPage returns the page request with its limit capped.
func boundedPage(p *query.PageRequest) (*query.PageRequest, error) {
	if p == nil {
		return nil, nil
	}
	if p.Limit > MaxPageLimit {
		return nil, status.Errorf(codes.InvalidArgument, "pagination limit %d is above the maximum %d", p.Limit, MaxPageLimit)
	}
	return p, nil
}

func (q Querier) address(field, s string) (sdk.AccAddress, error) {
	bz, err := q.addressCodec.StringToBytes(s)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "%s %q: %s", field, s, err)
	}
	return bz, nil
}

// Consent returns one consent.
func (q Querier) Consent(ctx context.Context, req *types.QueryConsentRequest) (*types.QueryConsentResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	c, err := q.Consents.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "consent %d not found", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryConsentResponse{Consent: c}, nil
}

func (q Querier) consentByID(ctx context.Context, id uint64) (types.Consent, error) {
	return q.Consents.Get(ctx, id)
}

// PatientConsents lists a patient's consents, optionally by status.
func (q Querier) PatientConsents(ctx context.Context, req *types.QueryPatientConsentsRequest) (*types.QueryPatientConsentsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	patient, err := q.address("patient", req.Patient)
	if err != nil {
		return nil, err
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	if req.Status == types.ConsentStatusUnspecified {
		consents, res, err := query.CollectionPaginate(ctx, q.ConsentsByPatient, page,
			func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Consent, error) {
				return q.consentByID(ctx, key.K2())
			},
			query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryPatientConsentsResponse{Consents: consents, Pagination: res}, nil
	}
	if _, known := types.ConsentStatus_name[int32(req.Status)]; !known {
		return nil, status.Errorf(codes.InvalidArgument, "unknown status %d", req.Status)
	}
	consents, res, err := query.CollectionPaginate(ctx, q.ConsentsByPatientStatus, page,
		func(key collections.Triple[sdk.AccAddress, int32, uint64], _ collections.NoValue) (types.Consent, error) {
			return q.consentByID(ctx, key.K3())
		},
		func(o *query.CollectionsPaginateOptions[collections.Triple[sdk.AccAddress, int32, uint64]]) {
			prefix := collections.TripleSuperPrefix[sdk.AccAddress, int32, uint64](patient, int32(req.Status))
			o.Prefix = &prefix
		})
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPatientConsentsResponse{Consents: consents, Pagination: res}, nil
}

// GranteeConsents lists the consents naming an account or an organization.
func (q Querier) GranteeConsents(ctx context.Context, req *types.QueryGranteeConsentsRequest) (*types.QueryGranteeConsentsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	var key []byte
	if addr, err := q.addressCodec.StringToBytes(req.Grantee); err == nil {
		key = types.AccountGranteeKey(addr)
	} else if registrytypes.ValidateOrganizationID(req.Grantee) == nil {
		key = types.OrganizationGranteeKey(req.Grantee)
	} else {
		return nil, status.Errorf(codes.InvalidArgument, "grantee %q is neither an address nor an organization id", req.Grantee)
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	consents, res, err := query.CollectionPaginate(ctx, q.ConsentsByGrantee, page,
		func(key collections.Pair[[]byte, uint64], _ collections.NoValue) (types.Consent, error) {
			return q.consentByID(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[[]byte, uint64](key))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryGranteeConsentsResponse{Consents: consents, Pagination: res}, nil
}

// CheckAccess answers the access decision at the queried height's block
// time.
func (q Querier) CheckAccess(ctx context.Context, req *types.QueryCheckAccessRequest) (*types.QueryCheckAccessResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	accessor, err := q.address("accessor", req.Accessor)
	if err != nil {
		return nil, err
	}
	patient, err := q.address("patient", req.Patient)
	if err != nil {
		return nil, err
	}
	d, err := q.Keeper.CheckAccess(ctx, types.AccessRequest{
		Accessor: accessor,
		Patient:  patient,
		Action:   req.Action,
		Purpose:  req.Purpose,
		Category: req.Category,
		RecordID: req.RecordId,
	})
	if errors.Is(err, types.ErrInvalidAccessRequest) {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryCheckAccessResponse{
		Decision:     d.Decision,
		ConsentId:    d.ConsentID,
		BreakGlassId: d.BreakGlassID,
		Reason:       d.Reason,
	}, nil
}

// Representatives lists the appointments a patient made.
func (q Querier) Representatives(ctx context.Context, req *types.QueryRepresentativesRequest) (*types.QueryRepresentativesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	patient, err := q.address("patient", req.Patient)
	if err != nil {
		return nil, err
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	reps, res, err := query.CollectionPaginate(ctx, q.Keeper.Representatives, page,
		func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], r types.Representative) (types.Representative, error) {
			return r, nil
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, sdk.AccAddress](patient))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRepresentativesResponse{Representatives: reps, Pagination: res}, nil
}

// RepresentedPatients lists the appointments an account holds.
func (q Querier) RepresentedPatients(ctx context.Context, req *types.QueryRepresentedPatientsRequest) (*types.QueryRepresentedPatientsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	rep, err := q.address("representative", req.Representative)
	if err != nil {
		return nil, err
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	reps, res, err := query.CollectionPaginate(ctx, q.Keeper.RepresentedPatients, page,
		func(key collections.Pair[sdk.AccAddress, sdk.AccAddress], _ collections.NoValue) (types.Representative, error) {
			return q.Keeper.Representatives.Get(ctx, collections.Join(key.K2(), key.K1()))
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, sdk.AccAddress](rep))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRepresentedPatientsResponse{Representatives: reps, Pagination: res}, nil
}

// BreakGlass returns one break-glass grant.
func (q Querier) BreakGlass(ctx context.Context, req *types.QueryBreakGlassRequest) (*types.QueryBreakGlassResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	g, err := q.BreakGlassGrants.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "break-glass %d not found", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryBreakGlassResponse{BreakGlass: g}, nil
}

// PatientBreakGlass lists the break-glass grants opened for a patient.
func (q Querier) PatientBreakGlass(ctx context.Context, req *types.QueryPatientBreakGlassRequest) (*types.QueryPatientBreakGlassResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	patient, err := q.address("patient", req.Patient)
	if err != nil {
		return nil, err
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	grants, res, err := query.CollectionPaginate(ctx, q.BreakGlassByPatient, page,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.BreakGlassGrant, error) {
			return q.BreakGlassGrants.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPatientBreakGlassResponse{BreakGlass: grants, Pagination: res}, nil
}

// OrganizationBreakGlass lists the break-glass grants opened by members of
// an organization.
func (q Querier) OrganizationBreakGlass(ctx context.Context, req *types.QueryOrganizationBreakGlassRequest) (*types.QueryOrganizationBreakGlassResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if err := registrytypes.ValidateOrganizationID(req.OrgId); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	grants, res, err := query.CollectionPaginate(ctx, q.BreakGlassByOrg, page,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.BreakGlassGrant, error) {
			return q.BreakGlassGrants.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](req.OrgId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOrganizationBreakGlassResponse{BreakGlass: grants, Pagination: res}, nil
}

// Params returns the module parameters.
func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
