package keeper

import (
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/x/registry/types"
)

// maxNestedMsgDepth bounds how deep authz.MsgExec nesting is inspected; any
// deeper nesting is refused outright rather than left unchecked.
const maxNestedMsgDepth = 4

// ValidatorAdmissionDecorator refuses any MsgCreateValidator, at top level or
// nested inside authz.MsgExec, whose operator account is not a member of an
// ACTIVE organization holding the VALIDATOR role. It runs in CheckTx and
// DeliverTx (genesis transactions included).
type ValidatorAdmissionDecorator struct {
	k        Keeper
	valCodec address.Codec
}

// NewValidatorAdmissionDecorator returns the decorator; valCodec decodes
// validator operator (valoper) addresses.
func NewValidatorAdmissionDecorator(k Keeper, valCodec address.Codec) ValidatorAdmissionDecorator {
	return ValidatorAdmissionDecorator{k: k, valCodec: valCodec}
}

// AnteHandle implements sdk.AnteDecorator.
func (d ValidatorAdmissionDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if err := d.checkMsgs(ctx, tx.GetMsgs(), 0); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

func (d ValidatorAdmissionDecorator) checkMsgs(ctx sdk.Context, msgs []sdk.Msg, depth int) error {
	for _, msg := range msgs {
		switch m := msg.(type) {
		case *stakingtypes.MsgCreateValidator:
			if err := d.checkOperator(ctx, m.ValidatorAddress); err != nil {
				return err
			}
		case *authz.MsgExec:
			if depth >= maxNestedMsgDepth {
				return errorsmod.Wrapf(types.ErrValidatorNotAdmitted, "authz.MsgExec nested more than %d deep", maxNestedMsgDepth)
			}
			inner, err := m.GetMessages()
			if err != nil {
				return err
			}
			if err := d.checkMsgs(ctx, inner, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkOperator admits a validator whose operator account (the account
// behind the valoper address) acts for an active VALIDATOR organization.
func (d ValidatorAdmissionDecorator) checkOperator(ctx sdk.Context, valoper string) error {
	valAddr, err := d.valCodec.StringToBytes(valoper)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "validator address %q: %s", valoper, err)
	}
	orgs, err := d.k.ActiveOrganizationsWithRole(ctx, sdk.AccAddress(valAddr), types.RoleValidator)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		operator, _ := d.k.addressCodec.BytesToString(valAddr)
		return errorsmod.Wrapf(types.ErrValidatorNotAdmitted, "operator %s", operator)
	}
	return nil
}
