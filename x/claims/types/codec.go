package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the amino names used for legacy JSON
// signing (Ledger).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgCreatePlan{}, "carechain/claims/MsgCreatePlan", nil)
	cdc.RegisterConcrete(&MsgClosePlan{}, "carechain/claims/MsgClosePlan", nil)
	cdc.RegisterConcrete(&MsgFundPlan{}, "carechain/claims/MsgFundPlan", nil)
	cdc.RegisterConcrete(&MsgWithdrawPlanFunds{}, "carechain/claims/MsgWithdrawPlanFunds", nil)
	cdc.RegisterConcrete(&MsgEnrollMember{}, "carechain/claims/MsgEnrollMember", nil)
	cdc.RegisterConcrete(&MsgSubmitClaim{}, "carechain/claims/MsgSubmitClaim", nil)
	cdc.RegisterConcrete(&MsgAdjudicateClaim{}, "carechain/claims/MsgAdjudicateClaim", nil)
	cdc.RegisterConcrete(&MsgWithdrawClaim{}, "carechain/claims/MsgWithdrawClaim", nil)
	cdc.RegisterConcrete(&MsgAppealClaim{}, "carechain/claims/MsgAppealClaim", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "carechain/claims/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&Params{}, "carechain/x/claims/Params", nil)
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgCreatePlan{},
		&MsgClosePlan{},
		&MsgFundPlan{},
		&MsgWithdrawPlanFunds{},
		&MsgEnrollMember{},
		&MsgSubmitClaim{},
		&MsgAdjudicateClaim{},
		&MsgWithdrawClaim{},
		&MsgAppealClaim{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
