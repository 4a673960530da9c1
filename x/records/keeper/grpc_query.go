package keeper

import (
	"context"
	"errors"
	"math"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/records/types"
)

// MaxPageLimit caps the page size of every list query.
const MaxPageLimit = 200

// Querier serves the records module's gRPC queries.
type Querier struct {
	Keeper
}

var _ types.QueryServer = Querier{}

// NewQuerier returns the records module's Query service.
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

// record returns a record or a gRPC NotFound.
func (q Querier) record(ctx context.Context, id uint64) (types.Record, error) {
	r, err := q.Records.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return r, status.Errorf(codes.NotFound, "record %d not found", id)
	}
	if err != nil {
		return r, status.Error(codes.Internal, err.Error())
	}
	return r, nil
}

// Record returns one record.
func (q Querier) Record(ctx context.Context, req *types.QueryRecordRequest) (*types.QueryRecordResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	r, err := q.record(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryRecordResponse{Record: r}, nil
}

// PatientRecords lists a patient's records, optionally one category and/or
// one status, from the index matching the filter: a prefix scan of this
// patient's entries only.
func (q Querier) PatientRecords(ctx context.Context, req *types.QueryPatientRecordsRequest) (*types.QueryPatientRecordsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	patient, err := q.address("patient", req.Patient)
	if err != nil {
		return nil, err
	}
	if req.Category != "" {
		if err := types.ValidateCategory(req.Category); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	if _, known := types.RecordStatus_name[int32(req.Status)]; !known {
		return nil, status.Errorf(codes.InvalidArgument, "unknown status %d", req.Status)
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	var (
		records []types.Record
		res     *query.PageResponse
	)
	st := int32(req.Status)
	switch {
	case req.Category == "" && req.Status == types.RecordStatusUnspecified:
		records, res, err = query.CollectionPaginate(ctx, q.RecordsByPatient, page,
			func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Record, error) {
				return q.Records.Get(ctx, key.K2())
			},
			query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	case req.Status == types.RecordStatusUnspecified:
		records, res, err = query.CollectionPaginate(ctx, q.RecordsByPatientCategory, page,
			func(key collections.Triple[sdk.AccAddress, string, uint64], _ collections.NoValue) (types.Record, error) {
				return q.Records.Get(ctx, key.K3())
			},
			func(o *query.CollectionsPaginateOptions[collections.Triple[sdk.AccAddress, string, uint64]]) {
				prefix := collections.TripleSuperPrefix[sdk.AccAddress, string, uint64](patient, req.Category)
				o.Prefix = &prefix
			})
	case req.Category == "":
		records, res, err = query.CollectionPaginate(ctx, q.RecordsByPatientStatus, page,
			func(key collections.Triple[sdk.AccAddress, int32, uint64], _ collections.NoValue) (types.Record, error) {
				return q.Records.Get(ctx, key.K3())
			},
			func(o *query.CollectionsPaginateOptions[collections.Triple[sdk.AccAddress, int32, uint64]]) {
				prefix := collections.TripleSuperPrefix[sdk.AccAddress, int32, uint64](patient, st)
				o.Prefix = &prefix
			})
	default:
		records, res, err = query.CollectionPaginate(ctx, q.RecordsByPatientCategoryStatus, page,
			func(key collections.Quad[sdk.AccAddress, string, int32, uint64], _ collections.NoValue) (types.Record, error) {
				return q.Records.Get(ctx, key.K4())
			},
			func(o *query.CollectionsPaginateOptions[collections.Quad[sdk.AccAddress, string, int32, uint64]]) {
				prefix := collections.QuadSuperPrefix3[sdk.AccAddress, string, int32, uint64](patient, req.Category, st)
				o.Prefix = &prefix
			})
	}
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPatientRecordsResponse{Records: records, Pagination: res}, nil
}

// RecordHistory lists every version of a record's document, oldest first.
func (q Querier) RecordHistory(ctx context.Context, req *types.QueryRecordHistoryRequest) (*types.QueryRecordHistoryResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	r, err := q.record(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	records, res, err := query.CollectionPaginate(ctx, q.Versions, page,
		func(key collections.Pair[uint64, uint64], _ collections.NoValue) (types.Record, error) {
			return q.Records.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint64](r.FirstVersionId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRecordHistoryResponse{Records: records, Pagination: res}, nil
}

// RecordByHash finds the record anchoring a blob.
func (q Querier) RecordByHash(ctx context.Context, req *types.QueryRecordByHashRequest) (*types.QueryRecordByHashResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	r, err := q.RecordByCiphertextHash(ctx, req.CiphertextHash)
	switch {
	case errors.Is(err, types.ErrInvalidHash):
		return nil, status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, types.ErrRecordNotFound):
		return nil, status.Error(codes.NotFound, err.Error())
	case err != nil:
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryRecordByHashResponse{Record: r}, nil
}

// KeyEnvelope returns a record's envelope for one recipient.
func (q Querier) KeyEnvelope(ctx context.Context, req *types.QueryKeyEnvelopeRequest) (*types.QueryKeyEnvelopeResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	recipient, err := q.address("recipient", req.Recipient)
	if err != nil {
		return nil, err
	}
	env, err := q.GetKeyEnvelope(ctx, req.RecordId, recipient)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "no key envelope of record %d for %s", req.RecordId, req.Recipient)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryKeyEnvelopeResponse{Envelope: env}, nil
}

// RecordEnvelopes lists a record's envelopes.
func (q Querier) RecordEnvelopes(ctx context.Context, req *types.QueryRecordEnvelopesRequest) (*types.QueryRecordEnvelopesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, err := q.record(ctx, req.RecordId); err != nil {
		return nil, err
	}
	page, err := boundedPage(req.Pagination)
	if err != nil {
		return nil, err
	}
	envs, res, err := query.CollectionPaginate(ctx, q.Envelopes, page,
		func(_ collections.Pair[uint64, sdk.AccAddress], e types.KeyEnvelope) (types.KeyEnvelope, error) {
			return e, nil
		},
		query.WithCollectionPaginationPairPrefix[uint64, sdk.AccAddress](req.RecordId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRecordEnvelopesResponse{Envelopes: envs, Pagination: res}, nil
}

// CheckRecordAccess answers the access decision about one record at the
// queried height's block time.
func (q Querier) CheckRecordAccess(ctx context.Context, req *types.QueryCheckRecordAccessRequest) (*types.QueryCheckRecordAccessResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	accessor, err := q.address("accessor", req.Accessor)
	if err != nil {
		return nil, err
	}
	r, err := q.record(ctx, req.RecordId)
	if err != nil {
		return nil, err
	}
	d, err := q.checkAccess(ctx, r, accessor, req.Action, req.Purpose)
	if errors.Is(err, consenttypes.ErrInvalidAccessRequest) {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryCheckRecordAccessResponse{
		Decision:     d.Decision,
		ConsentId:    d.ConsentID,
		BreakGlassId: d.BreakGlassID,
		Reason:       d.Reason,
	}, nil
}

// AccessLog lists a patient's logged accesses with block time in [from,
// to), oldest first (newest first with pagination.reverse).
func (q Querier) AccessLog(ctx context.Context, req *types.QueryAccessLogRequest) (*types.QueryAccessLogResponse, error) {
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
	if req.From != nil && req.To != nil && !req.From.Before(*req.To) {
		return nil, status.Error(codes.InvalidArgument, "from must be before to")
	}
	type logKey = collections.Triple[sdk.AccAddress, int64, uint64]
	lower := collections.Join3(patient, int64(math.MinInt64), uint64(0))
	if req.From != nil {
		lower = collections.Join3(patient, req.From.UnixNano(), uint64(0))
	}
	// upper is exclusive when to is set, inclusive (the last possible key)
	// otherwise.
	upper, upperInclusive := collections.Join3(patient, int64(math.MaxInt64), uint64(math.MaxUint64)), true
	if req.To != nil {
		upper, upperInclusive = collections.Join3(patient, req.To.UnixNano(), uint64(0)), false
	}
	pr := query.PageRequest{}
	if page != nil {
		pr = *page
	}
	if pr.Limit == 0 {
		pr.Limit = query.DefaultLimit
	}
	kc := q.Keeper.AccessLog.KeyCodec()
	if len(pr.Key) > 0 {
		if pr.Offset != 0 {
			return nil, status.Error(codes.InvalidArgument, "pagination: use key or offset, not both")
		}
		n, key, err := kc.Decode(pr.Key)
		if err != nil || n != len(pr.Key) || !key.K1().Equals(patient) ||
			keyLess(key, lower) || (upperInclusive && keyLess(upper, key)) || (!upperInclusive && !keyLess(key, upper)) {
			return nil, status.Error(codes.InvalidArgument, "pagination key is not a key of this access log range")
		}
		if pr.Reverse {
			upper, upperInclusive = key, true
		} else {
			lower = key
		}
	}
	rng := new(collections.Range[logKey]).StartInclusive(lower)
	if upperInclusive {
		rng = rng.EndInclusive(upper)
	} else {
		rng = rng.EndExclusive(upper)
	}
	if pr.Reverse {
		rng = rng.Descending()
	}
	iter, err := q.Keeper.AccessLog.Iterate(ctx, rng)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	defer func() { _ = iter.Close() }()

	res := &types.QueryAccessLogResponse{Pagination: &query.PageResponse{}}
	var seen uint64
	for ; iter.Valid(); iter.Next() {
		key, err := iter.Key()
		if err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		seen++
		if seen <= pr.Offset {
			continue
		}
		if uint64(len(res.Events)) == pr.Limit {
			if res.Pagination.NextKey == nil {
				if res.Pagination.NextKey, err = collections.EncodeKeyWithPrefix(nil, kc, key); err != nil {
					return nil, status.Error(codes.Internal, err.Error())
				}
			}
			if !pr.CountTotal || len(pr.Key) > 0 {
				break
			}
			continue
		}
		ev, err := q.AccessEvents.Get(ctx, key.K3())
		if err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		res.Events = append(res.Events, ev)
	}
	if pr.CountTotal && len(pr.Key) == 0 {
		res.Pagination.Total = seen
	}
	return res, nil
}

// keyLess orders access log keys of one patient.
func keyLess(a, b collections.Triple[sdk.AccAddress, int64, uint64]) bool {
	if a.K2() != b.K2() {
		return a.K2() < b.K2()
	}
	return a.K3() < b.K3()
}

// AccessEvent returns one logged access.
func (q Querier) AccessEvent(ctx context.Context, req *types.QueryAccessEventRequest) (*types.QueryAccessEventResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	ev, err := q.GetAccessEvent(ctx, req.Id)
	if errors.Is(err, types.ErrAccessEventNotFound) {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryAccessEventResponse{Event: ev}, nil
}

// Params returns the module parameters.
func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
