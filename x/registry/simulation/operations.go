package simulation

import (
	"math/rand"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/internal/simutil"
	"github.com/carechain/carechain/x/registry/keeper"
	"github.com/carechain/carechain/x/registry/types"
)

// Operation weights (keys in a simulation params file) and their defaults.
const (
	OpWeightMsgAddMember        = "op_weight_msg_registry_add_member"
	OpWeightMsgRemoveMember     = "op_weight_msg_registry_remove_member"
	OpWeightMsgSetEncryptionKey = "op_weight_msg_registry_set_encryption_key"

	DefaultWeightMsgAddMember        = 40
	DefaultWeightMsgRemoveMember     = 15
	DefaultWeightMsgSetEncryptionKey = 30
)

// WeightedOperations returns an operation for every registry message an
// account signs. The authority's messages (RegisterOrganization,
// UpdateOrganization, SetOrganizationStatus, UpdateParams) are simulated as
// governance proposal messages (ProposalMsgs).
func WeightedOperations(appParams simtypes.AppParams, txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers) []simtypes.WeightedOperation {
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(simutil.Weight(appParams, OpWeightMsgAddMember, DefaultWeightMsgAddMember), SimulateMsgAddMember(txGen, k, ks)),
		simulation.NewWeightedOperation(simutil.Weight(appParams, OpWeightMsgRemoveMember, DefaultWeightMsgRemoveMember), SimulateMsgRemoveMember(txGen, k, ks)),
		simulation.NewWeightedOperation(simutil.Weight(appParams, OpWeightMsgSetEncryptionKey, DefaultWeightMsgSetEncryptionKey), SimulateMsgSetEncryptionKey(txGen, ks)),
	}
}

// randomAdminOrg returns a random organization whose admin is a
// simulation account, other than the validator organization.
func randomAdminOrg(r *rand.Rand, ctx sdk.Context, k keeper.Keeper, accs []simtypes.Account) (types.Organization, simtypes.Account, bool) {
	var orgs []types.Organization
	_ = k.Organizations.Walk(ctx, nil, func(id string, o types.Organization) (bool, error) {
		if id != ValidatorOrgID {
			orgs = append(orgs, o)
		}
		return len(orgs) >= 100, nil
	})
	if len(orgs) == 0 {
		return types.Organization{}, simtypes.Account{}, false
	}
	org := simutil.Pick(r, orgs)
	adminAddr, err := k.AddressCodec().StringToBytes(org.Admin)
	if err != nil {
		return org, simtypes.Account{}, false
	}
	admin, ok := simtypes.FindAccount(accs, sdk.AccAddress(adminAddr))
	return org, admin, ok
}

// SimulateMsgAddMember: an organization's admin adds an account that is
// not yet a member and is below the membership limit.
func SimulateMsgAddMember(txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgAddMember{}
		org, admin, ok := randomAdminOrg(r, ctx, k, accs)
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "no organization with a simulation admin")
		}
		params, err := k.Params.Get(ctx)
		if err != nil {
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		candidate, _ := simtypes.RandomAcc(r, accs)
		if isMember, _ := k.IsMember(ctx, org.Id, candidate.Address); isMember {
			return simutil.NoOp(types.ModuleName, msg, "already a member")
		}
		if ids, _ := k.MemberOrganizationIDs(ctx, candidate.Address); uint32(len(ids)) >= params.MaxMembershipsPerAccount {
			return simutil.NoOp(types.ModuleName, msg, "account at the membership limit")
		}
		msg.Admin, msg.OrganizationId, msg.Member = admin.Address.String(), org.Id, candidate.Address.String()
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, admin, msg, nil)
	}
}

// SimulateMsgRemoveMember: an organization's admin removes a member (never
// from the validator organization, see ValidatorOrgID).
func SimulateMsgRemoveMember(txGen client.TxConfig, k keeper.Keeper, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgRemoveMember{}
		org, admin, ok := randomAdminOrg(r, ctx, k, accs)
		if !ok {
			return simutil.NoOp(types.ModuleName, msg, "no organization with a simulation admin")
		}
		var members []sdk.AccAddress
		rng := collections.NewPrefixedPairRange[string, sdk.AccAddress](org.Id)
		_ = k.Members.Walk(ctx, rng, func(key collections.Pair[string, sdk.AccAddress]) (bool, error) {
			members = append(members, key.K2())
			return len(members) >= 100, nil
		})
		if len(members) == 0 {
			return simutil.NoOp(types.ModuleName, msg, "organization has no members")
		}
		member, err := k.AddressCodec().BytesToString(simutil.Pick(r, members))
		if err != nil {
			return simutil.NoOp(types.ModuleName, msg, err.Error())
		}
		msg.Admin, msg.OrganizationId, msg.Member = admin.Address.String(), org.Id, member
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, admin, msg, nil)
	}
}

// SimulateMsgSetEncryptionKey: any account publishes or replaces its key.
func SimulateMsgSetEncryptionKey(txGen client.TxConfig, ks simutil.Keepers) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		owner, _ := simtypes.RandomAcc(r, accs)
		msg := &types.MsgSetEncryptionKey{Owner: owner.Address.String(), X25519PublicKey: RandomX25519Key(r)}
		return simutil.Deliver(r, app, ctx, txGen, ks, types.ModuleName, owner, msg, nil)
	}
}
