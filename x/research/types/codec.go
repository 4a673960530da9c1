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
	cdc.RegisterConcrete(&MsgRegisterStudy{}, "carechain/research/MsgRegisterStudy", nil)
	cdc.RegisterConcrete(&MsgApproveStudy{}, "carechain/research/MsgApproveStudy", nil)
	cdc.RegisterConcrete(&MsgAmendProtocol{}, "carechain/research/MsgAmendProtocol", nil)
	cdc.RegisterConcrete(&MsgSetStudyStatus{}, "carechain/research/MsgSetStudyStatus", nil)
	cdc.RegisterConcrete(&MsgEnroll{}, "carechain/research/MsgEnroll", nil)
	cdc.RegisterConcrete(&MsgReconsent{}, "carechain/research/MsgReconsent", nil)
	cdc.RegisterConcrete(&MsgWithdraw{}, "carechain/research/MsgWithdraw", nil)
	cdc.RegisterConcrete(&MsgAnchorDataset{}, "carechain/research/MsgAnchorDataset", nil)
	cdc.RegisterConcrete(&MsgPublishResults{}, "carechain/research/MsgPublishResults", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "carechain/research/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&Params{}, "carechain/x/research/Params", nil)
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterStudy{},
		&MsgApproveStudy{},
		&MsgAmendProtocol{},
		&MsgSetStudyStatus{},
		&MsgEnroll{},
		&MsgReconsent{},
		&MsgWithdraw{},
		&MsgAnchorDataset{},
		&MsgPublishResults{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
