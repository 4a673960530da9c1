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
	cdc.RegisterConcrete(&MsgGrantConsent{}, "carechain/consent/MsgGrantConsent", nil)
	cdc.RegisterConcrete(&MsgRevokeConsent{}, "carechain/consent/MsgRevokeConsent", nil)
	cdc.RegisterConcrete(&MsgAppointRepresentative{}, "carechain/consent/MsgAppointRep", nil)
	cdc.RegisterConcrete(&MsgRemoveRepresentative{}, "carechain/consent/MsgRemoveRep", nil)
	cdc.RegisterConcrete(&MsgResignRepresentative{}, "carechain/consent/MsgResignRep", nil)
	cdc.RegisterConcrete(&MsgBreakGlass{}, "carechain/consent/MsgBreakGlass", nil)
	cdc.RegisterConcrete(&MsgReviewBreakGlass{}, "carechain/consent/MsgReviewBreakGlass", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "carechain/consent/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&Params{}, "carechain/x/consent/Params", nil)
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgGrantConsent{},
		&MsgRevokeConsent{},
		&MsgAppointRepresentative{},
		&MsgRemoveRepresentative{},
		&MsgResignRepresentative{},
		&MsgBreakGlass{},
		&MsgReviewBreakGlass{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
