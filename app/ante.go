package app

import (
	errorsmod "cosmossdk.io/errors"
	txsigning "cosmossdk.io/x/tx/signing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// AnteHandlerOptions are the dependencies of the Carechain ante handler.
type AnteHandlerOptions struct {
	AccountKeeper   ante.AccountKeeper
	BankKeeper      authtypes.BankKeeper
	FeegrantKeeper  ante.FeegrantKeeper
	SignModeHandler *txsigning.HandlerMap

	// ChainDecorators are Carechain's own checks. They run after the standard
	// stateless checks (so malformed transactions are rejected cheaply) and
	// before fees are deducted (so a transaction they refuse costs its sender
	// nothing beyond the CheckTx round trip).
	ChainDecorators []sdk.AnteDecorator

	// SigCache, when set, lets FinalizeBlock skip verifying signatures that
	// this node's CheckTx already verified (app/sigcache.go).
	SigCache *sigCache
}

// NewAnteHandler returns the SDK's standard ante chain with a slot for
// Carechain's decorators. The order is the SDK's own (x/auth/ante.NewAnteHandler).
func NewAnteHandler(opts AnteHandlerOptions) (sdk.AnteHandler, error) {
	switch {
	case opts.AccountKeeper == nil:
		return nil, errorsmod.Wrap(sdkerrors.ErrLogic, "account keeper is required for the ante handler")
	case opts.BankKeeper == nil:
		return nil, errorsmod.Wrap(sdkerrors.ErrLogic, "bank keeper is required for the ante handler")
	case opts.SignModeHandler == nil:
		return nil, errorsmod.Wrap(sdkerrors.ErrLogic, "sign mode handler is required for the ante handler")
	}

	decorators := []sdk.AnteDecorator{
		ante.NewSetUpContextDecorator(), // must be first: sets the gas meter
		ante.NewExtensionOptionsDecorator(nil),
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(opts.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(opts.AccountKeeper),
	}
	decorators = append(decorators, opts.ChainDecorators...)
	decorators = append(decorators,
		ante.NewDeductFeeDecorator(opts.AccountKeeper, opts.BankKeeper, opts.FeegrantKeeper, nil),
		ante.NewSetPubKeyDecorator(opts.AccountKeeper), // before any signature check
		ante.NewValidateSigCountDecorator(opts.AccountKeeper),
		ante.NewSigGasConsumeDecorator(opts.AccountKeeper, ante.DefaultSigVerificationGasConsumer),
		cachedSigVerificationDecorator{
			inner: ante.NewSigVerificationDecorator(opts.AccountKeeper, opts.SignModeHandler),
			ak:    opts.AccountKeeper,
			cache: opts.SigCache,
		},
		ante.NewIncrementSequenceDecorator(opts.AccountKeeper),
	)
	return sdk.ChainAnteDecorators(decorators...), nil
}
