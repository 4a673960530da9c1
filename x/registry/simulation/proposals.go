package simulation

import (
	"fmt"
	"math/rand"

	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/internal/simutil"
	"github.com/carechain/carechain/x/registry/keeper"
	"github.com/carechain/carechain/x/registry/types"
)

// OpWeightGovExec weighs each governance message executed directly as a
// passed proposal would be (simutil.GovExec).
const (
	OpWeightGovExec      = "op_weight_registry_gov_exec"
	DefaultWeightGovExec = 5
)

// Proposal message weights and their defaults.
const (
	OpWeightMsgRegisterOrganization  = "op_weight_msg_registry_register_organization"
	OpWeightMsgUpdateOrganization    = "op_weight_msg_registry_update_organization"
	OpWeightMsgSetOrganizationStatus = "op_weight_msg_registry_set_organization_status"
	OpWeightMsgUpdateParams          = "op_weight_msg_registry_update_params"

	DefaultWeightProposalMsg = 10
)

// ProposalMsgs returns the registry's governance messages, which the gov
// module's simulation submits in proposals (they run, or fail, when the
// proposal passes). None touches the validator organization.
func ProposalMsgs(k keeper.Keeper) []simtypes.WeightedProposalMsg {
	return []simtypes.WeightedProposalMsg{
		simulation.NewWeightedProposalMsg(OpWeightMsgRegisterOrganization, DefaultWeightProposalMsg, SimulateMsgRegisterOrganization(k)),
		simulation.NewWeightedProposalMsg(OpWeightMsgUpdateOrganization, DefaultWeightProposalMsg, SimulateMsgUpdateOrganization(k)),
		simulation.NewWeightedProposalMsg(OpWeightMsgSetOrganizationStatus, DefaultWeightProposalMsg, SimulateMsgSetOrganizationStatus(k)),
		simulation.NewWeightedProposalMsg(OpWeightMsgUpdateParams, DefaultWeightProposalMsg, SimulateMsgUpdateParams(k)),
	}
}

func randomOrganization(r *rand.Rand, id string, accs []simtypes.Account) types.Organization {
	admin, _ := simtypes.RandomAcc(r, accs)
	payout, _ := simtypes.RandomAcc(r, accs)
	org := types.Organization{
		Id:            id,
		Name:          fmt.Sprintf("Simulated organization %d", r.Intn(1_000_000)),
		Roles:         RandomRoles(r),
		Admin:         admin.Address.String(),
		PayoutAddress: payout.Address.String(),
	}
	if r.Intn(2) == 0 {
		org.MetadataUri = fmt.Sprintf("https://example.org/orgs/%s.json", id)
		org.MetadataHash = simutil.RandomHash(r)
	}
	return org
}

// SimulateMsgRegisterOrganization admits a new organization.
func SimulateMsgRegisterOrganization(k keeper.Keeper) simtypes.MsgSimulatorFn {
	return func(r *rand.Rand, _ sdk.Context, accs []simtypes.Account) sdk.Msg {
		id := fmt.Sprintf("%sgov-%d", OtherOrgPrefix, r.Intn(1_000_000))
		return &types.MsgRegisterOrganization{Authority: k.Authority(), Organization: randomOrganization(r, id, accs)}
	}
}

// randomNonValidatorOrg returns the id of a random organization other than
// the validator organization, or "".
func randomNonValidatorOrg(r *rand.Rand, ctx sdk.Context, k keeper.Keeper) (types.Organization, bool) {
	var orgs []types.Organization
	_ = k.Organizations.Walk(ctx, nil, func(id string, o types.Organization) (bool, error) {
		if id != ValidatorOrgID {
			orgs = append(orgs, o)
		}
		return len(orgs) >= 100, nil
	})
	if len(orgs) == 0 {
		return types.Organization{}, false
	}
	return simutil.Pick(r, orgs), true
}

// SimulateMsgUpdateOrganization replaces an organization's fields, keeping
// the PROVIDER or PAYER role of the organizations the claims simulation
// relies on.
func SimulateMsgUpdateOrganization(k keeper.Keeper) simtypes.MsgSimulatorFn {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) sdk.Msg {
		current, ok := randomNonValidatorOrg(r, ctx, k)
		if !ok {
			return nil
		}
		org := randomOrganization(r, current.Id, accs)
		org.Roles = current.Roles
		return &types.MsgUpdateOrganization{Authority: k.Authority(), Organization: org}
	}
}

// SimulateMsgSetOrganizationStatus suspends an active organization or
// reactivates a suspended one.
func SimulateMsgSetOrganizationStatus(k keeper.Keeper) simtypes.MsgSimulatorFn {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) sdk.Msg {
		org, ok := randomNonValidatorOrg(r, ctx, k)
		if !ok {
			return nil
		}
		status := types.OrgStatusSuspended
		if org.Status == types.OrgStatusSuspended {
			status = types.OrgStatusActive
		}
		return &types.MsgSetOrganizationStatus{Authority: k.Authority(), OrganizationId: org.Id, Status: status}
	}
}

// SimulateMsgUpdateParams sets random valid parameters.
func SimulateMsgUpdateParams(k keeper.Keeper) simtypes.MsgSimulatorFn {
	return func(r *rand.Rand, _ sdk.Context, _ []simtypes.Account) sdk.Msg {
		return &types.MsgUpdateParams{Authority: k.Authority(), Params: types.Params{MaxMembershipsPerAccount: uint32(4 + r.Intn(60))}}
	}
}
