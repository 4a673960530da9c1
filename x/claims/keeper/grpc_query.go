package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/carechain/carechain/x/claims/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// MaxPageLimit bounds every page of a list query.
const MaxPageLimit = 200

// Querier serves the claims module's gRPC queries.
type Querier struct {
	Keeper
}

var _ types.QueryServer = Querier{}

// NewQuerier returns the claims module's Query service.
func NewQuerier(k Keeper) Querier { return Querier{Keeper: k} }

// boundPage caps the page size. A page is a bounded amount of work only
// without count_total, which is therefore refused when filtering.
func boundPage(p *query.PageRequest) *query.PageRequest {
	if p == nil {
		return &query.PageRequest{Limit: query.DefaultLimit}
	}
	out := *p
	if out.Limit == 0 {
		out.Limit = query.DefaultLimit
	}
	if out.Limit > MaxPageLimit {
		out.Limit = MaxPageLimit
	}
	return &out
}

func notFoundOr(err error, format string, args ...any) error {
	if errors.Is(err, collections.ErrNotFound) {
		return status.Errorf(codes.NotFound, format, args...)
	}
	return status.Error(codes.Internal, err.Error())
}

// Plan returns a plan with its escrow, reserved and available amounts.
func (q Querier) Plan(ctx context.Context, req *types.QueryPlanRequest) (*types.QueryPlanResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	p, err := q.Plans.Get(ctx, req.Id)
	if err != nil {
		return nil, notFoundOr(err, "plan %d not found", req.Id)
	}
	return &types.QueryPlanResponse{Plan: p, Available: p.Available()}, nil
}

// PayerPlans lists a payer organization's plans in id order.
func (q Querier) PayerPlans(ctx context.Context, req *types.QueryPayerPlansRequest) (*types.QueryPayerPlansResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if err := registrytypes.ValidateOrganizationID(req.OrgId); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	plans, page, err := query.CollectionPaginate(ctx, q.PlansByPayer, boundPage(req.Pagination),
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.Plan, error) {
			return q.Plans.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](req.OrgId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPayerPlansResponse{Plans: plans, Pagination: page}, nil
}

// Enrollment returns a patient's enrollment and this year's benefit usage.
func (q Querier) Enrollment(ctx context.Context, req *types.QueryEnrollmentRequest) (*types.QueryEnrollmentResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	patient, err := q.addressCodec.StringToBytes(req.Patient)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "patient %q: %s", req.Patient, err)
	}
	plan, err := q.Plans.Get(ctx, req.PlanId)
	if err != nil {
		return nil, notFoundOr(err, "plan %d not found", req.PlanId)
	}
	e, err := q.Enrollments.Get(ctx, collections.Join(req.PlanId, sdk.AccAddress(patient)))
	if err != nil {
		return nil, notFoundOr(err, "%s is not enrolled in plan %d", req.Patient, req.PlanId)
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	year := types.BenefitYear(now)
	used, err := q.BenefitUsed(ctx, req.PlanId, patient, year)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryEnrollmentResponse{
		Enrollment:  e,
		CoveredNow:  e.Covers(now),
		BenefitYear: year,
		BenefitUsed: used,
		AnnualLimit: plan.AnnualLimitPerMember,
	}, nil
}

// Claim returns one claim.
func (q Querier) Claim(ctx context.Context, req *types.QueryClaimRequest) (*types.QueryClaimResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	c, err := q.Keeper.Claims.Get(ctx, req.Id)
	if err != nil {
		return nil, notFoundOr(err, "claim %d not found", req.Id)
	}
	return &types.QueryClaimResponse{Claim: c}, nil
}

// Claims lists claims in id order. It walks the index of the most selective
// filter given (patient, then provider, then plan, then status) and applies
// the other filters to each claim of that index.
func (q Querier) Claims(ctx context.Context, req *types.QueryClaimsRequest) (*types.QueryClaimsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	var patient sdk.AccAddress
	if req.Patient != "" {
		bz, err := q.addressCodec.StringToBytes(req.Patient)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "patient %q: %s", req.Patient, err)
		}
		patient = bz
	}
	if req.Provider != "" {
		if err := registrytypes.ValidateOrganizationID(req.Provider); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	if _, known := types.ClaimStatus_name[int32(req.Status)]; !known {
		return nil, status.Errorf(codes.InvalidArgument, "unknown status %d", req.Status)
	}
	page := boundPage(req.Pagination)
	match := func(c types.Claim) bool {
		return (patient == nil || c.Patient == req.Patient) &&
			(req.Provider == "" || c.ProviderOrg == req.Provider) &&
			(req.PlanId == 0 || c.PlanId == req.PlanId) &&
			(req.Status == types.ClaimStatusUnspecified || c.Status == req.Status)
	}
	filtered := 0
	for _, set := range []bool{patient != nil, req.Provider != "", req.PlanId != 0, req.Status != types.ClaimStatusUnspecified} {
		if set {
			filtered++
		}
	}
	if filtered > 1 {
		page.CountTotal = false
	}

	var (
		claims []types.Claim
		res    *query.PageResponse
		err    error
	)
	switch {
	case patient != nil:
		claims, res, err = paginateIndex(ctx, q.Keeper, q.ClaimsByPatient, page, match, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	case req.Provider != "":
		claims, res, err = paginateIndex(ctx, q.Keeper, q.ClaimsByProvider, page, match, query.WithCollectionPaginationPairPrefix[string, uint64](req.Provider))
	case req.PlanId != 0:
		claims, res, err = paginateIndex(ctx, q.Keeper, q.ClaimsByPlan, page, match, query.WithCollectionPaginationPairPrefix[uint64, uint64](req.PlanId))
	case req.Status != types.ClaimStatusUnspecified:
		claims, res, err = paginateIndex(ctx, q.Keeper, q.ClaimsByStatus, page, match, query.WithCollectionPaginationPairPrefix[int32, uint64](int32(req.Status)))
	default:
		claims, res, err = query.CollectionPaginate(ctx, q.Keeper.Claims, page,
			func(_ uint64, c types.Claim) (types.Claim, error) { return c, nil })
	}
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryClaimsResponse{Claims: claims, Pagination: res}, nil
}

// paginateIndex pages through a (K1, claim id) index, keeping the claims
// that match.
func paginateIndex[K1 any](
	ctx context.Context, k Keeper, index collections.KeySet[collections.Pair[K1, uint64]], page *query.PageRequest,
	match func(types.Claim) bool, prefix func(*query.CollectionsPaginateOptions[collections.Pair[K1, uint64]]),
) ([]types.Claim, *query.PageResponse, error) {
	return query.CollectionFilteredPaginate(ctx, index, page,
		func(key collections.Pair[K1, uint64], _ collections.NoValue) (bool, error) {
			c, err := k.Claims.Get(ctx, key.K2())
			if err != nil {
				return false, err
			}
			return match(c), nil
		},
		func(key collections.Pair[K1, uint64], _ collections.NoValue) (types.Claim, error) {
			return k.Claims.Get(ctx, key.K2())
		},
		prefix)
}

// ExplanationOfBenefits explains a claim line by line.
func (q Querier) ExplanationOfBenefits(ctx context.Context, req *types.QueryExplanationOfBenefitsRequest) (*types.QueryExplanationOfBenefitsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	c, err := q.Keeper.Claims.Get(ctx, req.Id)
	if err != nil {
		return nil, notFoundOr(err, "claim %d not found", req.Id)
	}
	plan, err := q.Plans.Get(ctx, c.PlanId)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryExplanationOfBenefitsResponse{Eob: BuildEOB(plan, c)}, nil
}

// BuildEOB computes a claim's explanation of benefits from its adjudication
// and its plan's rules.
func BuildEOB(plan types.Plan, c types.Claim) types.ExplanationOfBenefits {
	eob := types.ExplanationOfBenefits{
		ClaimId:                    c.Id,
		PlanId:                     plan.Id,
		PlanName:                   plan.Name,
		PayerOrg:                   plan.PayerOrg,
		ProviderOrg:                c.ProviderOrg,
		Patient:                    c.Patient,
		Denom:                      plan.Denom,
		Status:                     c.Status,
		TotalCharge:                math.ZeroInt(),
		TotalAllowed:               math.ZeroInt(),
		TotalProviderAdjustment:    math.ZeroInt(),
		TotalPayerPaid:             math.ZeroInt(),
		TotalPatientResponsibility: math.ZeroInt(),
		Final:                      c.IsFinal(),
		PaidAt:                     c.PaidAt,
		PaidTo:                     c.PaidTo,
	}
	for i, l := range c.Lines {
		a := c.Adjudication[i]
		line := types.EobLine{
			LineIndex:             uint32(i),
			ProcedureCode:         l.ProcedureCode,
			Units:                 l.Units,
			ServiceDate:           l.ServiceDate,
			Charge:                l.Charge,
			Allowed:               a.Allowed,
			ProviderAdjustment:    math.ZeroInt(),
			PayerPaid:             a.PayerPaid,
			Coinsurance:           math.ZeroInt(),
			OverAnnualLimit:       math.ZeroInt(),
			PatientResponsibility: a.PatientResponsibility,
			Status:                a.Status,
			ReasonCode:            a.ReasonCode,
		}
		if a.Status != types.LineStatusDenied {
			line.ProviderAdjustment = l.Charge.Sub(a.Allowed)
			if rule, ok := plan.RuleFor(l.ProcedureCode); ok {
				share := types.PayerShare(a.Allowed, rule.CoinsuranceBps)
				line.Coinsurance = a.Allowed.Sub(share)
				line.OverAnnualLimit = share.Sub(a.PayerPaid)
			}
		}
		eob.Lines = append(eob.Lines, line)
		eob.TotalCharge = eob.TotalCharge.Add(line.Charge)
		eob.TotalAllowed = eob.TotalAllowed.Add(line.Allowed)
		eob.TotalProviderAdjustment = eob.TotalProviderAdjustment.Add(line.ProviderAdjustment)
		eob.TotalPayerPaid = eob.TotalPayerPaid.Add(line.PayerPaid)
		eob.TotalPatientResponsibility = eob.TotalPatientResponsibility.Add(line.PatientResponsibility)
	}
	return eob
}

// Params returns the module parameters.
func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
