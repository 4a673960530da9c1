package app_test

import (
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"
	"cosmossdk.io/x/feegrant"

	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
)

// TestInitChainOnDefaultGenesis starts a chain from every module's default
// genesis plus the one thing a chain cannot start without: a bonded validator.
func TestInitChainOnDefaultGenesis(t *testing.T) {
	a := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID("carechain-default-1"))
	require.NoError(t, a.BasicManager().ValidateGenesis(a.AppCodec(), a.TxConfig(), a.DefaultGenesis()))

	valKey := ed25519.GenPrivKeyFromSecret([]byte("default genesis validator"))
	val := cmttypes.NewValidator(cmted25519.PubKey(valKey.PubKey().Bytes()), 1)
	acc := authtypes.NewBaseAccount(sdk.AccAddress(valKey.PubKey().Address()), nil, 0, 0)
	gen, err := simtestutil.GenesisStateWithValSet(a.AppCodec(), a.DefaultGenesis(), cmttypes.NewValidatorSet([]*cmttypes.Validator{val}),
		[]authtypes.GenesisAccount{acc}, banktypes.Balance{Address: acc.Address, Coins: sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000))})
	require.NoError(t, err)
	state, err := json.Marshal(gen)
	require.NoError(t, err)
	cp := cmttypes.DefaultConsensusParams().ToProto()
	res, err := a.InitChain(&abci.RequestInitChain{ChainId: "carechain-default-1", InitialHeight: 1, ConsensusParams: &cp, AppStateBytes: state})
	require.NoError(t, err)
	require.Len(t, res.Validators, 1)
	_, err = a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: 1})
	require.NoError(t, err)
	_, err = a.Commit()
	require.NoError(t, err)
	require.EqualValues(t, 1, a.LastBlockHeight())
}

func TestDefaultGenesisUsesCarechainDenomAndNoMint(t *testing.T) {
	a := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})
	gen := a.DefaultGenesis()
	require.Contains(t, string(gen["staking"]), `"bond_denom":"ucare"`)
	require.NotContains(t, gen, "mint", "Carechain has no inflation")
	for _, name := range []string{"auth", "bank", "staking", "slashing", "distribution", "gov", "consensus", "upgrade", "evidence", "authz", "feegrant", "genutil", "registry", "consent", "records", "claims", "research"} {
		require.Contains(t, gen, name)
	}
}

func TestBankSendThroughAnteHandler(t *testing.T) {
	h := apptest.New(t)
	bank := h.App.BankKeeper
	aliceBefore := bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Alice))
	bobBefore := bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Bob))

	amount := sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, sdkmath.NewInt(12_345)))
	h.MustDeliver(devnet.Alice, &banktypes.MsgSend{FromAddress: h.Addr(devnet.Alice), ToAddress: h.Addr(devnet.Bob), Amount: amount})

	require.Equal(t, bobBefore.Add(amount...), bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Bob)))
	require.Equal(t, aliceBefore.Sub(amount...).Sub(apptest.DefaultFees...), bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Alice)),
		"alice pays the amount and the fee")
}

func TestBadSignatureIsRejected(t *testing.T) {
	h := apptest.New(t)
	msg := &banktypes.MsgSend{FromAddress: h.Addr(devnet.Alice), ToAddress: h.Addr(devnet.Bob), Amount: sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 1))}
	// Signed by bob for alice's message: the signer does not match.
	tx := h.Sign(devnet.Bob, apptest.TxOptions{}, 0, msg)
	res := h.DeliverBlock(0, tx)[0]
	require.NotZero(t, res.Code)
}

func TestCarolPaysFeesThroughAllowance(t *testing.T) {
	h := apptest.New(t)
	bank := h.App.BankKeeper
	require.True(t, bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Carol)).IsZero(), "carol holds no tokens")

	gift := sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 10))
	h.MustDeliver(devnet.Bob, &banktypes.MsgSend{FromAddress: h.Addr(devnet.Bob), ToAddress: h.Addr(devnet.Carol), Amount: gift})
	consortiumBefore := bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Consortium))

	// Without the granter, carol cannot pay the fee.
	res := h.DeliverWith(devnet.Carol, apptest.TxOptions{}, &banktypes.MsgSend{FromAddress: h.Addr(devnet.Carol), ToAddress: h.Addr(devnet.Bob), Amount: gift})
	require.NotZero(t, res.Code)

	res = h.DeliverWith(devnet.Carol, apptest.TxOptions{FeeGranter: h.Addr(devnet.Consortium)},
		&banktypes.MsgSend{FromAddress: h.Addr(devnet.Carol), ToAddress: h.Addr(devnet.Bob), Amount: gift})
	require.Zero(t, res.Code, res.Log)
	require.True(t, bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Carol)).IsZero())
	require.Equal(t, consortiumBefore.Sub(apptest.DefaultFees...), bank.GetAllBalances(h.Ctx(), h.AccAddr(devnet.Consortium)))

	allowance, err := h.App.FeeGrantKeeper.GetAllowance(h.Ctx(), h.AccAddr(devnet.Consortium), h.AccAddr(devnet.Carol))
	require.NoError(t, err)
	basic := allowance.(*feegrant.BasicAllowance)
	require.Equal(t, devnet.PatientFeeAllowance.Sub(apptest.DefaultFees...), basic.SpendLimit)
}

func TestExportImportRoundTrip(t *testing.T) {
	h := apptest.New(t)
	h.MustDeliver(devnet.Alice, &banktypes.MsgSend{FromAddress: h.Addr(devnet.Alice), ToAddress: h.Addr(devnet.Bob), Amount: sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 7))})
	h.NextBlock(0)

	exported, err := h.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	imported := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, true, app.EmptyAppOptions{}, baseapp.SetChainID(apptest.ChainID))
	cp := cmttypes.DefaultConsensusParams().ToProto()
	_, err = imported.InitChain(&abci.RequestInitChain{
		ChainId: apptest.ChainID, InitialHeight: exported.Height, ConsensusParams: &cp,
		AppStateBytes: exported.AppState, Time: h.Time(),
	})
	require.NoError(t, err)
	_, err = imported.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height, Time: h.Time()})
	require.NoError(t, err)
	_, err = imported.Commit()
	require.NoError(t, err)

	reexported, err := imported.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	var first, second map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &first))
	require.NoError(t, json.Unmarshal(reexported.AppState, &second))
	for module, state := range first {
		if module == "distribution" || module == "slashing" {
			// Fee distribution and signing info advance with the extra block.
			continue
		}
		require.JSONEq(t, string(state), string(second[module]), "module %s", module)
	}
	require.Equal(t, exported.Validators, reexported.Validators)
}

func TestZeroHeightExport(t *testing.T) {
	h := apptest.New(t)
	h.NextBlock(0)
	exported, err := h.App.ExportAppStateAndValidators(true, nil, nil)
	require.NoError(t, err)
	require.Zero(t, exported.Height)
	require.Len(t, exported.Validators, 1)
}

func TestModuleAccountsCannotReceiveBankSends(t *testing.T) {
	blocked := app.BlockedAddresses()
	require.NotEmpty(t, blocked)
	h := apptest.New(t)
	for addr := range blocked {
		res := h.Deliver(devnet.Alice, &banktypes.MsgSend{FromAddress: h.Addr(devnet.Alice), ToAddress: addr, Amount: sdk.NewCoins(sdk.NewInt64Coin(app.SettlementDenom, 1))})
		require.NotZero(t, res.Code, "send to blocked module account %s", addr)
	}
}
