package registry_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/app/keepers"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/x/registry/types"
)

func TestDemoOrganizationsAreInGenesis(t *testing.T) {
	h := apptest.New(t)
	k := h.App.RegistryKeeper
	for id, role := range map[string]types.Role{
		devnet.OrgMercy: types.RoleProvider, devnet.OrgAcme: types.RolePayer,
		devnet.OrgNorthwind: types.RoleResearchSponsor, devnet.OrgIRB: types.RoleIRB,
	} {
		org, err := k.GetOrganization(h.Ctx(), id)
		require.NoError(t, err)
		require.True(t, org.HasRole(role))
		require.True(t, org.IsActive())
	}
	isMember, err := k.IsActiveMember(h.Ctx(), devnet.OrgMercy, h.AccAddr(devnet.Validator))
	require.NoError(t, err)
	require.True(t, isMember, "the localnet validator acts for mercy-general")
}

func TestRegisterOrganizationThroughGovernance(t *testing.T) {
	h := apptest.New(t)
	org := types.Organization{Id: "lakeside-clinic", Name: "Lakeside Clinic", Roles: []types.Role{types.RoleProvider}, Admin: h.Addr(devnet.Bob)}

	// Signed directly by an ordinary account: a specific registry error.
	res := h.Deliver(devnet.Alice, &types.MsgRegisterOrganization{Authority: h.Addr(devnet.Alice), Organization: org})
	require.Equal(t, types.ModuleName, res.Codespace)
	require.Equal(t, types.ErrInvalidAuthority.ABCICode(), res.Code, res.Log)

	// Through a governance proposal that passes.
	proposal, err := govv1.NewMsgSubmitProposal(
		[]sdk.Msg{&types.MsgRegisterOrganization{Authority: keepers.Authority(), Organization: org}},
		sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(10_000_000))),
		h.Addr(devnet.Alice), "", "Admit Lakeside Clinic", "Admit Lakeside Clinic as a provider", false)
	require.NoError(t, err)
	h.MustDeliver(devnet.Alice, proposal)
	h.MustDeliver(devnet.Validator, govv1.NewMsgVote(h.AccAddr(devnet.Validator), 1, govv1.OptionYes, ""))
	h.NextBlock(devnet.DevVotingPeriod + time.Second)

	p, err := h.App.GovKeeper.Proposals.Get(h.Ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, govv1.StatusPassed, p.Status, p.FailedReason)
	got, err := h.App.RegistryKeeper.GetOrganization(h.Ctx(), "lakeside-clinic")
	require.NoError(t, err)
	require.Equal(t, types.OrgStatusActive, got.Status)
}

func TestAdminAddsMember(t *testing.T) {
	h := apptest.New(t)
	res := h.Deliver(devnet.Alice, &types.MsgAddMember{Admin: h.Addr(devnet.Alice), OrganizationId: devnet.OrgMercy, Member: h.Addr(devnet.Bob)})
	require.Equal(t, types.ErrNotAdmin.ABCICode(), res.Code, res.Log)

	h.MustDeliver(devnet.MercyAdmin, &types.MsgAddMember{Admin: h.Addr(devnet.MercyAdmin), OrganizationId: devnet.OrgMercy, Member: h.Addr(devnet.Bob)})
	member, err := h.App.RegistryKeeper.IsActiveMember(h.Ctx(), devnet.OrgMercy, h.AccAddr(devnet.Bob))
	require.NoError(t, err)
	require.True(t, member)
}

func createValidatorMsg(t *testing.T, h *apptest.Harness, operator string) *stakingtypes.MsgCreateValidator {
	t.Helper()
	valoper, err := h.App.StakingKeeper.ValidatorAddressCodec().BytesToString(sdk.ValAddress(h.AccAddr(operator)))
	require.NoError(t, err)
	consKey := ed25519.GenPrivKeyFromSecret([]byte("consensus key of " + operator))
	msg, err := stakingtypes.NewMsgCreateValidator(valoper, consKey.PubKey(),
		sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000_000)),
		stakingtypes.NewDescription(operator, "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		sdkmath.OneInt())
	require.NoError(t, err)
	return msg
}

func TestValidatorAdmission(t *testing.T) {
	h := apptest.New(t)
	msg := createValidatorMsg(t, h, devnet.Bob)

	// Directly: refused before fees are charged, in CheckTx already.
	check := h.CheckTx(h.Sign(devnet.Bob, apptest.TxOptions{}, 0, msg))
	require.Equal(t, types.ErrValidatorNotAdmitted.ABCICode(), check.Code, check.Log)
	res := h.Deliver(devnet.Bob, msg)
	require.Equal(t, types.ErrValidatorNotAdmitted.ABCICode(), res.Code, res.Log)

	// Wrapped in authz.MsgExec by a grantee: refused as well.
	grant, err := authz.NewMsgGrant(h.AccAddr(devnet.Bob), h.AccAddr(devnet.Alice),
		authz.NewGenericAuthorization(sdk.MsgTypeURL(&stakingtypes.MsgCreateValidator{})), nil)
	require.NoError(t, err)
	h.MustDeliver(devnet.Bob, grant)
	exec := authz.NewMsgExec(h.AccAddr(devnet.Alice), []sdk.Msg{msg})
	res = h.Deliver(devnet.Alice, &exec)
	require.Equal(t, types.ErrValidatorNotAdmitted.ABCICode(), res.Code, res.Log)

	// Nested twice: still inspected.
	inner, err := codectypes.NewAnyWithValue(&exec)
	require.NoError(t, err)
	outer := authz.MsgExec{Grantee: h.Addr(devnet.Alice), Msgs: []*codectypes.Any{inner}}
	res = h.Deliver(devnet.Alice, &outer)
	require.Equal(t, types.ErrValidatorNotAdmitted.ABCICode(), res.Code, res.Log)

	_, err = h.App.StakingKeeper.GetValidator(h.Ctx(), sdk.ValAddress(h.AccAddr(devnet.Bob)))
	require.Error(t, err, "no validator was created")

	// A member of an ACTIVE VALIDATOR organization is admitted.
	h.MustDeliver(devnet.MercyAdmin, &types.MsgAddMember{Admin: h.Addr(devnet.MercyAdmin), OrganizationId: devnet.OrgMercy, Member: h.Addr(devnet.Bob)})
	h.MustDeliver(devnet.Bob, msg)
	val, err := h.App.StakingKeeper.GetValidator(h.Ctx(), sdk.ValAddress(h.AccAddr(devnet.Bob)))
	require.NoError(t, err)
	require.Equal(t, devnet.Bob, val.Description.Moniker)
}

func TestMemberOfNonValidatorOrgIsNotAdmitted(t *testing.T) {
	h := apptest.New(t)
	// acme-admin acts for acme-health, a PAYER without the VALIDATOR role.
	res := h.Deliver(devnet.AcmeAdmin, createValidatorMsg(t, h, devnet.AcmeAdmin))
	require.Equal(t, types.ErrValidatorNotAdmitted.ABCICode(), res.Code, res.Log)
}

func TestCarolPublishesKeyWithFeeAllowance(t *testing.T) {
	h := apptest.New(t)
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(200 - i)
	}
	msg := &types.MsgSetEncryptionKey{Owner: h.Addr(devnet.Carol), X25519PublicKey: key}
	res := h.DeliverWith(devnet.Carol, apptest.TxOptions{FeeGranter: h.Addr(devnet.Consortium)}, msg)
	require.Zero(t, res.Code, res.Log)
	got, err := h.App.RegistryKeeper.GetEncryptionKey(h.Ctx(), h.AccAddr(devnet.Carol))
	require.NoError(t, err)
	require.Equal(t, key, got)

	res = h.DeliverWith(devnet.Carol, apptest.TxOptions{FeeGranter: h.Addr(devnet.Consortium)},
		&types.MsgSetEncryptionKey{Owner: h.Addr(devnet.Carol), X25519PublicKey: key[:31]})
	require.Equal(t, types.ErrInvalidEncryptionKey.ABCICode(), res.Code)
}
