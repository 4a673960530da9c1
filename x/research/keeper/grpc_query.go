package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/types"
)

// MaxPageLimit caps the page size of every list query.
const MaxPageLimit = 200

// Querier serves the research module's gRPC queries. There is no query that
// lists a study's participants.
type Querier struct {
	Keeper
}

var _ types.QueryServer = Querier{}

// NewQuerier returns the research module's Query service.
func NewQuerier(k Keeper) Querier { return Querier{Keeper: k} }

// boundedPage returns the page request with its limit checked.
func boundedPage(p *query.PageRequest) (*query.PageRequest, error) {
	if p != nil && p.Limit > MaxPageLimit {
		return nil, status.Errorf(codes.InvalidArgument, "pagination limit %d is above the maximum %d", p.Limit, MaxPageLimit)
	}
	return p, nil
}

func (q Querier) study(ctx context.Context, id uint64) (types.Study, error) {
	s, err := q.Keeper.Studies.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return s, status.Errorf(codes.NotFound, "study %d not found", id)
	}
	if err != nil {
		return s, status.Error(codes.Internal, err.Error())
	}
	return s, nil
}

// Study returns one study.
func (q Querier) Study(ctx context.Context, req *types.QueryStudyRequest) (*types.QueryStudyResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	s, err := q.study(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryStudyResponse{Study: s, ActiveParticipants: s.ActiveParticipants(), CurrentVersionApproved: s.CurrentVersionApproved()}, nil
}

// Studies lists studies, optionally by status and/or sponsor organization.
func (q Querier) Studies(ctx context.Context, req *types.QueryStudiesRequest) (*types.QueryStudiesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	if req.Status != types.StudyStatusUnspecified {
		if _, known := types.StudyStatus_name[int32(req.Status)]; !known {
			return nil, status.Errorf(codes.InvalidArgument, "unknown status %d", req.Status)
		}
	}
	if req.Sponsor != "" {
		if err := registrytypes.ValidateOrganizationID(req.Sponsor); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	byID := func(id uint64) (types.Study, error) { return q.Keeper.Studies.Get(ctx, id) }
	var (
		studies []types.Study
		res     *query.PageResponse
	)
	switch {
	case req.Status == types.StudyStatusUnspecified && req.Sponsor == "":
		studies, res, err = query.CollectionPaginate(ctx, q.Keeper.Studies, page,
			func(_ uint64, s types.Study) (types.Study, error) { return s, nil })
	case req.Sponsor == "":
		studies, res, err = query.CollectionPaginate(ctx, q.StudiesByStatus, page,
			func(key collections.Pair[int32, uint64], _ collections.NoValue) (types.Study, error) {
				return byID(key.K2())
			},
			query.WithCollectionPaginationPairPrefix[int32, uint64](int32(req.Status)))
	case req.Status == types.StudyStatusUnspecified:
		studies, res, err = query.CollectionPaginate(ctx, q.StudiesBySponsor, page,
			func(key collections.Pair[string, uint64], _ collections.NoValue) (types.Study, error) {
				return byID(key.K2())
			},
			query.WithCollectionPaginationPairPrefix[string, uint64](req.Sponsor))
	default:
		studies, res, err = query.CollectionPaginate(ctx, q.StudiesBySponsorStatus, page,
			func(key collections.Triple[string, int32, uint64], _ collections.NoValue) (types.Study, error) {
				return byID(key.K3())
			},
			func(o *query.CollectionsPaginateOptions[collections.Triple[string, int32, uint64]]) {
				prefix := collections.TripleSuperPrefix[string, int32, uint64](req.Sponsor, int32(req.Status))
				o.Prefix = &prefix
			})
	}
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryStudiesResponse{Studies: studies, Pagination: res}, nil
}

// Participation returns one patient's participation and its status at the
// queried block.
func (q Querier) Participation(ctx context.Context, req *types.QueryParticipationRequest) (*types.QueryParticipationResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	patient, err := q.addressCodec.StringToBytes(req.Patient)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "patient %q: %s", req.Patient, err)
	}
	s, err := q.study(ctx, req.StudyId)
	if err != nil {
		return nil, err
	}
	p, err := q.Participations.Get(ctx, collections.Join(req.StudyId, sdk.AccAddress(patient)))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "%s is not a participant of study %d", req.Patient, req.StudyId)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	c, err := q.consent.GetConsent(ctx, p.ConsentId)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	st, _ := types.ParticipationStatusAt(s, p, sdk.UnwrapSDKContext(ctx).BlockTime())
	return &types.QueryParticipationResponse{Participation: p, Status: st, ConsentExpiresAt: c.ExpiresAt}, nil
}

// StudyDatasets lists a study's datasets in index order.
func (q Querier) StudyDatasets(ctx context.Context, req *types.QueryStudyDatasetsRequest) (*types.QueryStudyDatasetsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	if _, err := q.study(ctx, req.StudyId); err != nil {
		return nil, err
	}
	datasets, res, err := query.CollectionPaginate(ctx, q.Datasets, page,
		func(_ collections.Pair[uint64, uint32], d types.Dataset) (types.Dataset, error) { return d, nil },
		query.WithCollectionPaginationPairPrefix[uint64, uint32](req.StudyId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryStudyDatasetsResponse{Datasets: datasets, Pagination: res}, nil
}

// ProtocolVersions lists a study's protocol versions in version order.
func (q Querier) ProtocolVersions(ctx context.Context, req *types.QueryProtocolVersionsRequest) (*types.QueryProtocolVersionsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	if _, err := q.study(ctx, req.StudyId); err != nil {
		return nil, err
	}
	versions, res, err := query.CollectionPaginate(ctx, q.Keeper.ProtocolVersions, page,
		func(_ collections.Pair[uint64, uint32], v types.ProtocolVersion) (types.ProtocolVersion, error) {
			return v, nil
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint32](req.StudyId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryProtocolVersionsResponse{Versions: versions, Pagination: res}, nil
}

// Params returns the parameters.
func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
