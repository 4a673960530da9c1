package simulation

import (
	"math/rand"

	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
)

// OpWeightGovExec weighs each governance message executed directly as a
// passed proposal would be (simutil.GovExec).
const (
	OpWeightGovExec      = "op_weight_consent_gov_exec"
	DefaultWeightGovExec = 5
)

// Proposal message weights.
const (
	OpWeightMsgUpdateParams  = "op_weight_msg_consent_update_params"
	DefaultWeightProposalMsg = 10
)

// ProposalMsgs returns the consent module's one governance message.
func ProposalMsgs(k keeper.Keeper) []simtypes.WeightedProposalMsg {
	return []simtypes.WeightedProposalMsg{
		simulation.NewWeightedProposalMsg(OpWeightMsgUpdateParams, DefaultWeightProposalMsg, SimulateMsgUpdateParams(k)),
	}
}

// SimulateMsgUpdateParams sets random valid parameters.
func SimulateMsgUpdateParams(k keeper.Keeper) simtypes.MsgSimulatorFn {
	return func(r *rand.Rand, _ sdk.Context, _ []simtypes.Account) sdk.Msg {
		return &types.MsgUpdateParams{Authority: k.Authority(), Params: RandomParams(r)}
	}
}
