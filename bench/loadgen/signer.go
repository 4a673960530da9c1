package loadgen

import (
	"context"
	"fmt"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// Signer signs transactions offline: SIGN_MODE_DIRECT with the sender's
// known account number and locally tracked sequence, fees at the node's
// minimum gas price.
type Signer struct {
	txConfig client.TxConfig
	chainID  string
	gasPrice sdk.DecCoin
}

// NewSigner returns a signer for chainID paying gasPrice (e.g. 0.0025ucare).
func NewSigner(txConfig client.TxConfig, chainID string, gasPrice sdk.DecCoin) *Signer {
	return &Signer{txConfig: txConfig, chainID: chainID, gasPrice: gasPrice}
}

// Fee is what a transaction with gas limit gas pays: gas x price, rounded up.
func (s *Signer) Fee(gas uint64) sdk.Coins {
	amount := s.gasPrice.Amount.MulInt(sdkmath.NewIntFromUint64(gas)).Ceil().TruncateInt()
	return sdk.NewCoins(sdk.NewCoin(s.gasPrice.Denom, amount))
}

// Sign signs msgs from sender with its current sequence and advances the
// sequence. It returns the encoded transaction.
func (s *Signer) Sign(sender *Sender, gas uint64, msgs ...sdk.Msg) ([]byte, error) {
	b := s.txConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return nil, err
	}
	b.SetFeeAmount(s.Fee(gas))
	b.SetGasLimit(gas)
	pub := sender.Priv.PubKey()
	mode := signing.SignMode_SIGN_MODE_DIRECT
	// The signer infos are part of the sign bytes: set them (with an empty
	// signature) before computing what to sign.
	if err := b.SetSignatures(signing.SignatureV2{
		PubKey:   pub,
		Data:     &signing.SingleSignatureData{SignMode: mode},
		Sequence: sender.Sequence,
	}); err != nil {
		return nil, err
	}
	signerData := authsigning.SignerData{
		Address:       sender.Address,
		ChainID:       s.chainID,
		AccountNumber: sender.AccountNumber,
		Sequence:      sender.Sequence,
		PubKey:        pub,
	}
	bz, err := authsigning.GetSignBytesAdapter(context.Background(), s.txConfig.SignModeHandler(), mode, signerData, b.GetTx())
	if err != nil {
		return nil, err
	}
	sig, err := sender.Priv.Sign(bz)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(signing.SignatureV2{
		PubKey:   pub,
		Data:     &signing.SingleSignatureData{SignMode: mode, Signature: sig},
		Sequence: sender.Sequence,
	}); err != nil {
		return nil, err
	}
	tx, err := s.txConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return nil, fmt.Errorf("encoding transaction of %s: %w", sender.Address, err)
	}
	sender.Sequence++
	return tx, nil
}
