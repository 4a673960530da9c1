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
	cdc.RegisterConcrete(&MsgCreateRecord{}, "carechain/records/MsgCreateRecord", nil)
	cdc.RegisterConcrete(&MsgMarkEnteredInError{}, "carechain/records/MsgMarkEnteredInError", nil)
	cdc.RegisterConcrete(&MsgAddKeyEnvelope{}, "carechain/records/MsgAddKeyEnvelope", nil)
	cdc.RegisterConcrete(&MsgRecordAccess{}, "carechain/records/MsgRecordAccess", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "carechain/records/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&Params{}, "carechain/x/records/Params", nil)
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgCreateRecord{},
		&MsgMarkEnteredInError{},
		&MsgAddKeyEnvelope{},
		&MsgRecordAccess{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
