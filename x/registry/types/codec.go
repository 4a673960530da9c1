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
	cdc.RegisterConcrete(&MsgRegisterOrganization{}, "carechain/registry/MsgRegisterOrg", nil)
	cdc.RegisterConcrete(&MsgUpdateOrganization{}, "carechain/registry/MsgUpdateOrg", nil)
	cdc.RegisterConcrete(&MsgSetOrganizationStatus{}, "carechain/registry/MsgSetOrgStatus", nil)
	cdc.RegisterConcrete(&MsgAddMember{}, "carechain/registry/MsgAddMember", nil)
	cdc.RegisterConcrete(&MsgRemoveMember{}, "carechain/registry/MsgRemoveMember", nil)
	cdc.RegisterConcrete(&MsgSetEncryptionKey{}, "carechain/registry/MsgSetEncryptionKey", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "carechain/registry/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&Params{}, "carechain/x/registry/Params", nil)
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterOrganization{},
		&MsgUpdateOrganization{},
		&MsgSetOrganizationStatus{},
		&MsgAddMember{},
		&MsgRemoveMember{},
		&MsgSetEncryptionKey{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
