package simulation

import (
	"errors"
	"fmt"
	"math/rand"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/simutil"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Operation weights (keys in a simulation params file) and their defaults.
const (
	OpWeightMsgGrantConsent          = "op_weight_msg_consent_grant_consent"
	OpWeightMsgRevokeConsent         = "op_weight_msg_consent_revoke_consent"
	OpWeightMsgAppointRepresentative = "op_weight_msg_consent_appoint_representative"
	OpWeightMsgRemoveRepresentative  = "op_weight_msg_consent_remove_representative"
	OpWeightMsgResignRepresentative  = "op_weight_msg_consent_resign_representative"
	OpWeightMsgBreakGlass            = "op_weight_msg_consent_break_glass"
	OpWeightMsgReviewBreakGlass      = "op_weight_msg_consent_review_break_glass"

	DefaultWeightMsgGrantConsent          = 80
	DefaultWeightMsgRevokeConsent         = 30
	DefaultWeightMsgAppointRepresentative = 20
	DefaultWeightMsgRemoveRepresentative  = 8
	DefaultWeightMsgResignRepresentative  = 8
	DefaultWeightMsgBreakGlass            = 20
	DefaultWeightMsgReviewBreakGlass      = 15
)

// Categories the simulation grants consents for: FHIR resource types, a
// LOINC code and a sensitivity label.
var Categories = []string{"Observation", "Condition", "MedicationStatement", "11488-4", "mental-health"}

// WeightedOperations returns an operation for every consent message an
// account signs. MsgUpdateParams is simulated as a governance proposal
// message (ProposalMsgs).
func WeightedOperations(appParams simtypes.AppParams, txGen client.TxConfig, k keeper.Keeper, rk registrykeeper.Keeper, ks simutil.Keepers) []simtypes.WeightedOperation {
	w := func(key string, def int) int { return simutil.Weight(appParams, key, def) }
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(w(OpWeightMsgGrantConsent, DefaultWeightMsgGrantConsent), SimulateMsgGrantConsent(txGen, k, rk, ks)),
		simulation.NewWeightedOperation(w(OpWeightMsgRevokeConsent, DefaultWeightMsgRevokeConsent), SimulateMsgRevokeConsent(txGen, k, ks)),
		simulation.NewWeightedOperation(w(OpWeightMsgAppointRepresentative, DefaultWeightMsgAppointRepresentative), SimulateMsgAppointRepresentative(txGen, k, ks)),
		simulation.NewWeightedOperation(w(OpWeightMsgRemoveRepresentative, DefaultWeightMsgRemoveRepresentative), SimulateMsgRemoveRepresentative(txGen, k, ks, false)),
		simulation.NewWeightedOperation(w(OpWeightMsgResignRepresentative, DefaultWeightMsgResignRepresentative), SimulateMsgRemoveRepresentative(txGen, k, ks, true)),
		simulation.NewWeightedOperation(w(OpWeightMsgBreakGlass, DefaultWeightMsgBreakGlass), SimulateMsgBreakGlass(txGen, k, rk, ks)),
		simulation.NewWeightedOperation(w(OpWeightMsgReviewBreakGlass, DefaultWeightMsgReviewBreakGlass), SimulateMsgReviewBreakGlass(txGen, k, ks)),
	}
}

// activeRepresentative returns a simulation account that represents
// patient at now, if there is one.
func activeRepresentative(ctx sdk.Context, k keeper.Keeper, patient sdk.AccAddress, accs []simtypes.Account) (simtypes.Account, bool) {
	var found simtypes.Account
	ok := false
	rng := collections.NewPrefixedPairRange[sdk.AccAddress, sdk.AccAddress](patient)
	_ = k.Representatives.Walk(ctx, rng, func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], rep types.Representative) (bool, error) {
		if !rep.ActiveAt(ctx.BlockTime()) {
			return false, nil
		}
		addr, err := k.AddressCodec().StringToBytes(rep.Representative)
		if err != nil {
			return false, nil
		}
		found, ok = simtypes.FindAccount(accs, sdk.AccAddress(addr))
		return ok, nil
	})
	return found, ok
}

// randomOrgID returns the id of a random registered organization.
func randomOrgID(r *rand.Rand, ctx sdk.Context, rk registrykeeper.Keeper) (string, bool) {
	var ids []string
	_ = rk.Organizations.Walk(ctx, nil, func(id string, _ registrytypes.Organization) (bool, error) {
		ids = append(ids, id)
		return len(ids) >= 100, nil
	})
	if len(ids) == 0 {
		return "", false
	}
	return simutil.Pick(r, ids), true
}

// SimulateMsgGrantConsent: a patient (or an active representative of the
// patient) grants a random PERMIT or DENY provision to an account or an
// organization.
func SimulateMsgGrantConsent(txGen client.TxConfig, k keeper.Keeper, rk registrykeeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgGrantConsent{}
		params, err := k.Params.Get(ctx)
		if err != nil {
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		patient, _ := simtypes.RandomAcc(r, accs)
		signer := patient
		if r.Intn(4) == 0 {
			if rep, ok := activeRepresentative(ctx, k, patient.Address, accs); ok {
				signer = rep
			}
		}
		var granteeKey []byte
		if r.Intn(2) == 0 {
			grantee, ok := simutil.RandomOtherAccount(r, accs, patient.Address)
			if !ok {
				return simutil.NoOp(types.ModuleName, msg, "no grantee")
			}
			msg.Grantee = grantee.Address.String()
			granteeKey = types.AccountGranteeKey(grantee.Address)
		} else {
			id, ok := randomOrgID(r, ctx, rk)
			if !ok {
				return simutil.NoOp(types.ModuleName, msg, "no organization")
			}
			msg.GranteeOrg = id
			granteeKey = types.OrganizationGranteeKey(id)
		}
		active := uint32(0)
		rng := collections.NewSuperPrefixedTripleRange[sdk.AccAddress, []byte, uint64](patient.Address, granteeKey)
		_ = k.ActiveConsents.Walk(ctx, rng, func(collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
			active++
			return false, nil
		})
		if active >= params.MaxActiveConsentsPerGrantee {
			return simutil.NoOp(types.ModuleName, msg, "grantee at the active consent limit")
		}
		now := ctx.BlockTime()
		msg.Signer, msg.Patient = signer.Address.String(), patient.Address.String()
		msg.Decision = types.DecisionPermit
		if r.Intn(5) == 0 {
			msg.Decision = types.DecisionDeny
		}
		msg.Actions = simutil.Subset(r, []types.Action{types.ActionRead, types.ActionWrite})
		msg.Purposes = simutil.Subset(r, []types.Purpose{types.PurposeTreat, types.PurposeEtreat, types.PurposeHpaymt,
			types.PurposeHoperat, types.PurposeHresch, types.PurposePubhlth})
		if r.Intn(2) == 0 {
			msg.Categories = simutil.Subset(r, Categories)
		}
		if r.Intn(5) == 0 {
			msg.RecordIds = simutil.Subset(r, []uint64{1, 2, 3, 5, 8, 13})
		}
		longest := params.MaxConsentDuration
		if longest > 2*365*day {
			longest = 2 * 365 * day
		}
		msg.ExpiresAt = now.Add(simutil.RandomDuration(r, time.Hour, longest))
		if r.Intn(5) == 0 {
			from := now.Add(simutil.RandomDuration(r, time.Minute, msg.ExpiresAt.Sub(now)/2))
			msg.ValidFrom = &from
		}
		if r.Intn(3) == 0 {
			msg.SourceDocumentHash = simutil.RandomHash(r)
		}
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, signer, msg, nil)
	}
}

// randomID returns a random id of a sequence's issued ids (1..next-1).
func randomID(r *rand.Rand, ctx sdk.Context, seq collections.Sequence) (uint64, bool) {
	next, err := seq.Peek(ctx)
	if err != nil || next <= 1 {
		return 0, false
	}
	return 1 + uint64(r.Int63n(int64(next-1))), true
}

// SimulateMsgRevokeConsent: a patient revokes one of their ACTIVE consents.
func SimulateMsgRevokeConsent(txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgRevokeConsent{}
		id, ok := randomID(r, ctx, k.ConsentSeq)
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "no consents")
		}
		c, err := k.GetConsent(ctx, id)
		if err != nil || c.Status != types.ConsentStatusActive || c.IsManaged() {
			return simutil.NoOp(types.ModuleName, msg, fmt.Sprintf("consent %d is not an active patient consent", id))
		}
		addr, err := k.AddressCodec().StringToBytes(c.Patient)
		if err != nil {
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		patient, ok := simtypes.FindAccount(accs, sdk.AccAddress(addr))
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "patient is not a simulation account")
		}
		msg.Signer, msg.Patient, msg.ConsentId = c.Patient, c.Patient, id
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, patient, msg, nil)
	}
}

// SimulateMsgAppointRepresentative: a patient appoints (or re-appoints)
// another account.
func SimulateMsgAppointRepresentative(txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgAppointRepresentative{}
		params, err := k.Params.Get(ctx)
		if err != nil {
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		patient, _ := simtypes.RandomAcc(r, accs)
		rep, ok := simutil.RandomOtherAccount(r, accs, patient.Address)
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "no representative")
		}
		msg.Patient, msg.Representative = patient.Address.String(), rep.Address.String()
		msg.ExpiresAt = ctx.BlockTime().Add(simutil.RandomDuration(r, time.Hour, params.MaxConsentDuration))
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, patient, msg, nil)
	}
}

// SimulateMsgRemoveRepresentative: the patient removes an appointment, or
// (resign) the representative ends it.
func SimulateMsgRemoveRepresentative(txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers, resign bool) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		var probe sdk.Msg = &types.MsgRemoveRepresentative{}
		if resign {
			probe = &types.MsgResignRepresentative{}
		}
		var reps []types.Representative
		_ = k.Representatives.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], rep types.Representative) (bool, error) {
			reps = append(reps, rep)
			return len(reps) >= 100, nil
		})
		if len(reps) == 0 {
			return simutil.NoOp(types.ModuleName, probe, "no representatives")
		}
		rep := simutil.Pick(r, reps)
		signerStr := rep.Patient
		var msg sdk.Msg = &types.MsgRemoveRepresentative{Patient: rep.Patient, Representative: rep.Representative}
		if resign {
			signerStr = rep.Representative
			msg = &types.MsgResignRepresentative{Representative: rep.Representative, Patient: rep.Patient}
		}
		addr, err := k.AddressCodec().StringToBytes(signerStr)
		if err != nil {
			return simutil.NoOp(types.ModuleName, probe, err.Error())
		}
		signer, ok := simtypes.FindAccount(accs, sdk.AccAddress(addr))
		if !ok {
			return simutil.NoOp(types.ModuleName, probe, "signer is not a simulation account")
		}
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, signer, msg, nil)
	}
}

// SimulateMsgBreakGlass: a member of an ACTIVE PROVIDER organization opens
// emergency access to a patient, unless their last grant is still open.
func SimulateMsgBreakGlass(txGen client.TxConfig, k keeper.Keeper, rk registrykeeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgBreakGlass{}
		actors := simutil.ActiveActors(ctx, rk, registrytypes.RoleProvider, accs)
		if len(actors) == 0 {
			return simutil.NoOp(types.ModuleName, msg, "no provider members")
		}
		actor := simutil.Pick(r, actors)
		patient, ok := simutil.RandomOtherAccount(r, accs, actor.Account.Address)
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "no patient")
		}
		latest, err := k.LatestBreakGlass.Get(ctx, collections.Join(patient.Address, actor.Account.Address))
		switch {
		case err == nil:
			if g, err := k.GetBreakGlass(ctx, latest); err != nil || g.OpenAt(ctx.BlockTime()) {
				return simutil.NoOp(types.ModuleName, msg, "a break-glass grant may still be open")
			}
		case !errors.Is(err, collections.ErrNotFound):
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		msg.Accessor, msg.Patient = actor.Account.Address.String(), patient.Address.String()
		if r.Intn(2) == 0 {
			msg.OrganizationId = actor.Org.Id
		}
		msg.Reason = types.BreakGlassReason(simtypes.RandIntBetween(r, 1, 5))
		msg.JustificationHash = simutil.RandomHash(r)
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, actor.Account, msg, nil)
	}
}

// SimulateMsgReviewBreakGlass: the patient reviews an unreviewed grant.
func SimulateMsgReviewBreakGlass(txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgReviewBreakGlass{}
		id, ok := randomID(r, ctx, k.BreakGlassSeq)
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "no break-glass grants")
		}
		g, err := k.GetBreakGlass(ctx, id)
		if err != nil || g.Review != nil {
			return simutil.NoOp(types.ModuleName, msg, "grant missing or already reviewed")
		}
		addr, err := k.AddressCodec().StringToBytes(g.Patient)
		if err != nil {
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		patient, ok := simtypes.FindAccount(accs, sdk.AccAddress(addr))
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "patient is not a simulation account")
		}
		msg.Reviewer, msg.BreakGlassId = g.Patient, id
		msg.Outcome = types.ReviewOutcome(simtypes.RandIntBetween(r, 1, 3))
		if r.Intn(2) == 0 {
			msg.NoteHash = simutil.RandomHash(r)
		}
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, patient, msg, nil)
	}
}
