package simulation

import (
	"fmt"
	"math/rand"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	consentsim "github.com/carechain/carechain/x/consent/simulation"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/simutil"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/keeper"
	"github.com/carechain/carechain/x/research/types"
)

// Operation weights (keys in a simulation params file) and their defaults.
const (
	OpWeightMsgRegisterStudy  = "op_weight_msg_research_register_study"
	OpWeightMsgApproveStudy   = "op_weight_msg_research_approve_study"
	OpWeightMsgAmendProtocol  = "op_weight_msg_research_amend_protocol"
	OpWeightMsgSetStudyStatus = "op_weight_msg_research_set_study_status"
	OpWeightMsgEnroll         = "op_weight_msg_research_enroll"
	OpWeightMsgReconsent      = "op_weight_msg_research_reconsent"
	OpWeightMsgWithdraw       = "op_weight_msg_research_withdraw"
	OpWeightMsgAnchorDataset  = "op_weight_msg_research_anchor_dataset"
	OpWeightMsgPublishResults = "op_weight_msg_research_publish_results"

	DefaultWeightMsgRegisterStudy  = 25
	DefaultWeightMsgApproveStudy   = 30
	DefaultWeightMsgAmendProtocol  = 10
	DefaultWeightMsgSetStudyStatus = 30
	DefaultWeightMsgEnroll         = 60
	DefaultWeightMsgReconsent      = 20
	DefaultWeightMsgWithdraw       = 10
	DefaultWeightMsgAnchorDataset  = 15
	DefaultWeightMsgPublishResults = 10
)

// maxSimTarget bounds a simulated study's target enrollment, so that
// studies fill up within a run.
const maxSimTarget = 12

// WeightedOperations returns an operation for every research message an
// account signs. MsgUpdateParams is simulated as a governance proposal
// message (ProposalMsgs).
func WeightedOperations(appParams simtypes.AppParams, txGen client.TxConfig, k keeper.Keeper, rk registrykeeper.Keeper,
	ck consentkeeper.Keeper, ks simutil.Keepers,
) []simtypes.WeightedOperation {
	w := func(key string, def int) int { return simutil.Weight(appParams, key, def) }
	s := sim{txGen: txGen, k: k, rk: rk, ck: ck, ks: ks}
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(w(OpWeightMsgRegisterStudy, DefaultWeightMsgRegisterStudy), s.registerStudy),
		simulation.NewWeightedOperation(w(OpWeightMsgApproveStudy, DefaultWeightMsgApproveStudy), s.approveStudy),
		simulation.NewWeightedOperation(w(OpWeightMsgAmendProtocol, DefaultWeightMsgAmendProtocol), s.amendProtocol),
		simulation.NewWeightedOperation(w(OpWeightMsgSetStudyStatus, DefaultWeightMsgSetStudyStatus), s.setStudyStatus),
		simulation.NewWeightedOperation(w(OpWeightMsgEnroll, DefaultWeightMsgEnroll), s.enroll),
		simulation.NewWeightedOperation(w(OpWeightMsgReconsent, DefaultWeightMsgReconsent), s.reconsent),
		simulation.NewWeightedOperation(w(OpWeightMsgWithdraw, DefaultWeightMsgWithdraw), s.withdraw),
		simulation.NewWeightedOperation(w(OpWeightMsgAnchorDataset, DefaultWeightMsgAnchorDataset), s.anchorDataset),
		simulation.NewWeightedOperation(w(OpWeightMsgPublishResults, DefaultWeightMsgPublishResults), s.publishResults),
	}
}

type sim struct {
	txGen client.TxConfig
	k     keeper.Keeper
	rk    registrykeeper.Keeper
	ck    consentkeeper.Keeper
	ks    simutil.Keepers
}

func noop(msg sdk.Msg, comment string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simutil.NoOp(types.ModuleName, msg, comment)
}

func (s sim) deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, acc simtypes.Account, msg sdk.Msg, spent sdk.Coins) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simutil.Deliver(r, app, ctx, s.txGen, s.ks, types.ModuleName, acc, msg, spent)
}

// sponsorFor returns a simulation account acting for orgID, which must be
// an ACTIVE RESEARCH_SPONSOR organization.
func (s sim) sponsorFor(r *rand.Rand, ctx sdk.Context, orgID string, accs []simtypes.Account) (simtypes.Account, registrytypes.Organization, bool) {
	org, err := s.rk.GetOrganization(ctx, orgID)
	if err != nil || !org.IsActive() || !org.HasRole(registrytypes.RoleResearchSponsor) {
		return simtypes.Account{}, org, false
	}
	members := simutil.MembersOf(ctx, s.rk, orgID, accs)
	if len(members) == 0 {
		return simtypes.Account{}, org, false
	}
	return simutil.Pick(r, members), org, true
}

// studiesWithStatus returns up to 50 studies of each status, filtered by
// keep.
func (s sim) studiesWithStatus(ctx sdk.Context, keep func(types.Study) bool, statuses ...types.StudyStatus) []types.Study {
	var out []types.Study
	for _, st := range statuses {
		n := 0
		rng := collections.NewPrefixedPairRange[int32, uint64](int32(st))
		_ = s.k.StudiesByStatus.Walk(ctx, rng, func(key collections.Pair[int32, uint64]) (bool, error) {
			if study, err := s.k.GetStudy(ctx, key.K2()); err == nil && (keep == nil || keep(study)) {
				out = append(out, study)
				n++
			}
			return n >= 50, nil
		})
	}
	return out
}

// participations returns up to 200 participations of simulation accounts
// that keep accepts, with their study and account.
func (s sim) participations(ctx sdk.Context, accs []simtypes.Account, keep func(types.Study, types.Participation) bool) []participant {
	var out []participant
	_ = s.k.Participations.Walk(ctx, nil, func(key keeper.ParticipationKey, p types.Participation) (bool, error) {
		study, err := s.k.GetStudy(ctx, key.K1())
		if err != nil || !keep(study, p) {
			return false, nil
		}
		if acc, ok := simtypes.FindAccount(accs, key.K2()); ok {
			out = append(out, participant{study: study, p: p, acc: acc})
		}
		return len(out) >= 200, nil
	})
	return out
}

type participant struct {
	study types.Study
	p     types.Participation
	acc   simtypes.Account
}

// consentRoom reports whether x/consent accepts one more consent from
// patient to org (the research consent enrollment creates), not counting
// the consent except (a re-consent revokes it first).
func (s sim) consentRoom(ctx sdk.Context, patient sdk.AccAddress, org string, except uint64) bool {
	params, err := s.ck.Params.Get(ctx)
	if err != nil {
		return false
	}
	now := ctx.BlockTime()
	var active uint32
	rng := collections.NewSuperPrefixedTripleRange[sdk.AccAddress, []byte, uint64](patient, consenttypes.OrganizationGranteeKey(org))
	_ = s.ck.ActiveConsents.Walk(ctx, rng, func(key collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
		if key.K3() == except {
			return false, nil
		}
		if c, err := s.ck.GetConsent(ctx, key.K3()); err == nil && now.Before(c.ExpiresAt) {
			active++
		}
		return false, nil
	})
	return active < params.MaxActiveConsentsPerGrantee
}

func (s sim) registerStudy(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgRegisterStudy{}
	sponsors := simutil.ActiveActors(ctx, s.rk, registrytypes.RoleResearchSponsor, accs)
	if len(sponsors) == 0 {
		return noop(msg, "no research sponsor members")
	}
	sponsor := simutil.Pick(r, sponsors)
	var irbs []string
	rng := collections.NewPrefixedPairRange[int32, string](int32(registrytypes.RoleIRB))
	_ = s.rk.OrgsByRole.Walk(ctx, rng, func(key collections.Pair[int32, string]) (bool, error) {
		if org, err := s.rk.GetOrganization(ctx, key.K2()); err == nil && org.IsActive() && org.Id != sponsor.Org.Id {
			irbs = append(irbs, org.Id)
		}
		return len(irbs) >= 50, nil
	})
	if len(irbs) == 0 {
		return noop(msg, "no independent active IRB")
	}
	params, err := s.k.Params.Get(ctx)
	if err != nil {
		return noop(msg, err.Error())
	}
	target := simtypes.RandIntBetween(r, 1, maxSimTarget+1)
	if uint32(target) > params.MaxTargetEnrollment {
		target = int(params.MaxTargetEnrollment)
	}
	incentive := sdk.NewCoin(sdk.DefaultBondDenom, math.ZeroInt())
	spendable := s.ks.BK.SpendableCoins(ctx, sponsor.Account.Address).AmountOf(sdk.DefaultBondDenom)
	if per := spendable.QuoRaw(int64(10 * target)); r.Intn(4) != 0 && per.IsPositive() {
		amount, err := simtypes.RandPositiveInt(r, per)
		if err != nil {
			return noop(msg, err.Error())
		}
		incentive.Amount = amount
	}
	escrow, err := types.EscrowFor(incentive, uint32(target))
	if err != nil {
		return noop(msg, err.Error())
	}
	longest := min(params.MaxStudyDuration, 30*day)
	msg.Sponsor, msg.SponsorOrg, msg.IrbOrg = sponsor.Account.Address.String(), sponsor.Org.Id, simutil.Pick(r, irbs)
	// Sometimes leave sponsor_org out when the sponsor's default (its
	// first RESEARCH_SPONSOR organization by id) is the one picked.
	if orgs, err := s.rk.ActiveOrganizationsWithRole(ctx, sponsor.Account.Address, registrytypes.RoleResearchSponsor); err == nil &&
		len(orgs) > 0 && orgs[0].Id == sponsor.Org.Id && r.Intn(2) == 0 {
		msg.SponsorOrg = ""
	}
	msg.Title = fmt.Sprintf("Simulated study %d (phase %d)", r.Intn(1_000_000), 1+r.Intn(3))
	msg.ProtocolHash = simutil.RandomHash(r)
	if r.Intn(2) == 0 {
		msg.ProtocolUri = fmt.Sprintf("https://example.org/protocols/%d.pdf", r.Intn(1_000_000))
	}
	msg.RequestedCategories = simutil.Subset(r, consentsim.Categories)
	msg.TargetEnrollment = uint32(target)
	msg.Incentive = incentive
	msg.EndsAt = ctx.BlockTime().Add(simutil.RandomDuration(r, 6*time.Hour, longest))
	var spent sdk.Coins
	if escrow.IsPositive() {
		spent = sdk.NewCoins(escrow)
	}
	return s.deliver(r, app, ctx, sponsor.Account, msg, spent)
}

func (s sim) approveStudy(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgApproveStudy{}
	studies := s.studiesWithStatus(ctx, func(st types.Study) bool { return !st.CurrentVersionApproved() },
		types.StudyStatusDraft, types.StudyStatusRecruiting, types.StudyStatusClosed)
	if len(studies) == 0 {
		return noop(msg, "no study awaits approval")
	}
	study := simutil.Pick(r, studies)
	irb, err := s.rk.GetOrganization(ctx, study.IrbOrg)
	if err != nil || !irb.IsActive() || !irb.HasRole(registrytypes.RoleIRB) {
		return noop(msg, "the study's IRB is not an active IRB")
	}
	var reviewers []simtypes.Account
	for _, acc := range simutil.MembersOf(ctx, s.rk, study.IrbOrg, accs) {
		if conflicted, err := s.rk.IsMember(ctx, study.SponsorOrg, acc.Address); err == nil && !conflicted {
			reviewers = append(reviewers, acc)
		}
	}
	if len(reviewers) == 0 {
		return noop(msg, "no IRB member free of conflicts")
	}
	reviewer := simutil.Pick(r, reviewers)
	msg.Reviewer, msg.StudyId, msg.ProtocolVersion, msg.ProtocolHash = reviewer.Address.String(), study.Id, study.ProtocolVersion, study.ProtocolHash
	return s.deliver(r, app, ctx, reviewer, msg, nil)
}

func (s sim) amendProtocol(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgAmendProtocol{}
	studies := s.studiesWithStatus(ctx, nil, types.StudyStatusDraft, types.StudyStatusApproved, types.StudyStatusRecruiting, types.StudyStatusClosed)
	if len(studies) == 0 {
		return noop(msg, "no running study")
	}
	study := simutil.Pick(r, studies)
	sponsor, _, ok := s.sponsorFor(r, ctx, study.SponsorOrg, accs)
	if !ok {
		return noop(msg, "no sponsor member")
	}
	params, err := s.k.Params.Get(ctx)
	if err != nil {
		return noop(msg, err.Error())
	}
	msg.Sponsor, msg.StudyId, msg.ProtocolHash = sponsor.Address.String(), study.Id, simutil.RandomHash(r)
	if r.Intn(3) == 0 {
		msg.ProtocolUri = fmt.Sprintf("https://example.org/protocols/%d-v%d.pdf", study.Id, study.ProtocolVersion+1)
	}
	if r.Intn(3) == 0 {
		msg.RequestedCategories = simutil.Subset(r, consentsim.Categories)
	}
	if r.Intn(3) == 0 {
		endsAt := ctx.BlockTime().Add(simutil.RandomDuration(r, 6*time.Hour, min(params.MaxStudyDuration, 30*day)))
		msg.EndsAt = &endsAt
	}
	return s.deliver(r, app, ctx, sponsor, msg, nil)
}

func (s sim) setStudyStatus(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgSetStudyStatus{}
	studies := s.studiesWithStatus(ctx, nil, types.StudyStatusDraft, types.StudyStatusApproved, types.StudyStatusRecruiting, types.StudyStatusClosed)
	if len(studies) == 0 {
		return noop(msg, "no running study")
	}
	study := simutil.Pick(r, studies)
	sponsor, org, ok := s.sponsorFor(r, ctx, study.SponsorOrg, accs)
	if !ok {
		return noop(msg, "no sponsor member")
	}
	now := ctx.BlockTime()
	var choices []types.StudyStatus
	for _, to := range []types.StudyStatus{types.StudyStatusRecruiting, types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated} {
		if !types.TransitionAllowed(study.Status, to) {
			continue
		}
		switch to {
		case types.StudyStatusRecruiting:
			if !study.CurrentVersionApproved() || !now.Before(study.EndsAt) {
				continue
			}
			choices = append(choices, to, to, to) // recruit more often than end
		case types.StudyStatusCompleted, types.StudyStatusTerminated:
			if study.Escrow.IsPositive() {
				// The unused escrow goes to the payout address.
				if _, err := s.k.AddressCodec().StringToBytes(org.PayoutAddress); err != nil {
					continue
				}
			}
			choices = append(choices, to)
		default:
			choices = append(choices, to)
		}
	}
	if len(choices) == 0 {
		return noop(msg, fmt.Sprintf("no transition from %s", study.Status))
	}
	msg.Sponsor, msg.StudyId, msg.Status = sponsor.Address.String(), study.Id, simutil.Pick(r, choices)
	return s.deliver(r, app, ctx, sponsor, msg, nil)
}

func (s sim) enroll(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgEnroll{}
	now := ctx.BlockTime()
	studies := s.studiesWithStatus(ctx, func(st types.Study) bool {
		if !st.CurrentVersionApproved() || !now.Before(st.EndsAt) || st.EnrollmentCount >= st.TargetEnrollment || st.Escrow.IsLT(st.Incentive) {
			return false
		}
		org, err := s.rk.GetOrganization(ctx, st.SponsorOrg)
		return err == nil && org.IsActive()
	}, types.StudyStatusRecruiting)
	if len(studies) == 0 {
		return noop(msg, "no study recruiting")
	}
	study := simutil.Pick(r, studies)
	patient, _ := simtypes.RandomAcc(r, accs)
	if has, err := s.k.Participations.Has(ctx, collections.Join(study.Id, patient.Address)); err != nil || has {
		return noop(msg, "already a participant")
	}
	if !s.consentRoom(ctx, patient.Address, study.SponsorOrg, 0) {
		return noop(msg, "the patient is at x/consent's active consent limit for the sponsor")
	}
	msg.Patient, msg.StudyId = patient.Address.String(), study.Id
	return s.deliver(r, app, ctx, patient, msg, nil)
}

func (s sim) reconsent(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgReconsent{}
	now := ctx.BlockTime()
	candidates := s.participations(ctx, accs, func(st types.Study, p types.Participation) bool {
		return !p.IsWithdrawn() && !st.EndedAt(now) && st.CurrentVersionApproved()
	})
	if len(candidates) == 0 {
		return noop(msg, "no participant can re-consent")
	}
	// Mostly the participants an amendment asks to re-consent.
	var needed []participant
	for _, c := range candidates {
		if c.p.ConsentedVersion != c.study.ProtocolVersion {
			needed = append(needed, c)
		}
	}
	if len(needed) > 0 && r.Intn(4) != 0 {
		candidates = needed
	}
	c := simutil.Pick(r, candidates)
	if !s.consentRoom(ctx, c.acc.Address, c.study.SponsorOrg, c.p.ConsentId) {
		return noop(msg, "the patient is at x/consent's active consent limit for the sponsor")
	}
	msg.Patient, msg.StudyId = c.acc.Address.String(), c.study.Id
	return s.deliver(r, app, ctx, c.acc, msg, nil)
}

func (s sim) withdraw(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgWithdraw{}
	candidates := s.participations(ctx, accs, func(_ types.Study, p types.Participation) bool { return !p.IsWithdrawn() })
	if len(candidates) == 0 {
		return noop(msg, "no participant")
	}
	c := simutil.Pick(r, candidates)
	msg.Patient, msg.StudyId = c.acc.Address.String(), c.study.Id
	return s.deliver(r, app, ctx, c.acc, msg, nil)
}

func (s sim) anchorDataset(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgAnchorDataset{}
	studies := s.studiesWithStatus(ctx, nil, types.StudyStatusRecruiting, types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated)
	if len(studies) == 0 {
		return noop(msg, "no study has recruited")
	}
	study := simutil.Pick(r, studies)
	sponsor, _, ok := s.sponsorFor(r, ctx, study.SponsorOrg, accs)
	if !ok {
		return noop(msg, "no sponsor member")
	}
	msg.Sponsor, msg.StudyId, msg.DatasetHash = sponsor.Address.String(), study.Id, simutil.RandomHash(r)
	msg.RecordCount = uint64(simtypes.RandIntBetween(r, 1, 10_000))
	if has, err := s.k.DatasetHashes.Has(ctx, collections.Join(study.Id, msg.DatasetHash)); err != nil || has {
		return noop(msg, "dataset already anchored")
	}
	return s.deliver(r, app, ctx, sponsor, msg, nil)
}

func (s sim) publishResults(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgPublishResults{}
	studies := s.studiesWithStatus(ctx, func(st types.Study) bool { return st.ResultsHash == "" },
		types.StudyStatusClosed, types.StudyStatusCompleted, types.StudyStatusTerminated)
	if len(studies) == 0 {
		return noop(msg, "no study with results to publish")
	}
	study := simutil.Pick(r, studies)
	sponsor, _, ok := s.sponsorFor(r, ctx, study.SponsorOrg, accs)
	if !ok {
		return noop(msg, "no sponsor member")
	}
	msg.Sponsor, msg.StudyId = sponsor.Address.String(), study.Id
	msg.ResultsHash = simutil.RandomHash(r)
	msg.ResultsUri = fmt.Sprintf("https://example.org/results/%d", study.Id)
	return s.deliver(r, app, ctx, sponsor, msg, nil)
}
