package registry_test

import (
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/testutil/catalog"
	"github.com/carechain/carechain/x/registry/types"
)

// createValidator is a MsgCreateValidator from the named account.
func createValidator(h *apptest.Harness, name string) *stakingtypes.MsgCreateValidator {
	valoper := sdk.ValAddress(h.AccAddr(name)).String()
	pk := ed25519.GenPrivKeyFromSecret([]byte("catalog " + name)).PubKey()
	msg, err := stakingtypes.NewMsgCreateValidator(valoper, pk, sdk.NewInt64Coin(app.BondDenom, 1_000_000),
		stakingtypes.NewDescription(name, "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		sdkmath.OneInt())
	if err != nil {
		panic(err)
	}
	return msg
}

// TestBadInputCatalog delivers malformed and unauthorized registry
// transactions; each must fail with its specific registered error and
// change nothing but the signer's fee and sequence.
func TestBadInputCatalog(t *testing.T) {
	h := apptest.New(t)
	authority := h.App.RegistryKeeper.Authority()
	addMember := func(admin, org, member string) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgAddMember{Admin: h.Addr(admin), OrganizationId: org, Member: member}}
		}
	}
	key := func(b []byte) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgSetEncryptionKey{Owner: h.Addr(devnet.Alice), X25519PublicKey: b}}
		}
	}
	goodKey := make([]byte, 32)
	goodKey[0] = 9
	org := types.Organization{Id: "new-clinic", Name: "New Clinic", Roles: []types.Role{types.RoleProvider}}

	cases := []catalog.Case{
		{Name: "add member with empty organization id", Kind: catalog.Empty, Signer: devnet.MercyAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg { return addMember(devnet.MercyAdmin, "", h.Addr(devnet.Bob))(h) }, Want: types.ErrOrganizationNotFound},
		{Name: "add member with empty member address", Kind: catalog.Empty, Signer: devnet.MercyAdmin,
			Msgs: addMember(devnet.MercyAdmin, devnet.OrgMercy, ""), Want: types.ErrInvalidAddress},
		{Name: "add member to a 10 kB organization id", Kind: catalog.Oversized, Signer: devnet.MercyAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return addMember(devnet.MercyAdmin, strings.Repeat("a", 10_000), h.Addr(devnet.Bob))(h)
			}, Want: types.ErrOrganizationNotFound},
		{Name: "add member with a malformed member address", Kind: catalog.BadAddress, Signer: devnet.MercyAdmin,
			Msgs: addMember(devnet.MercyAdmin, devnet.OrgMercy, "care1notanaddress"), Want: types.ErrInvalidAddress},
		{Name: "add member with another chain's address", Kind: catalog.BadAddress, Signer: devnet.MercyAdmin,
			Msgs: addMember(devnet.MercyAdmin, devnet.OrgMercy, "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"), Want: types.ErrInvalidAddress},
		{Name: "add member by someone who is not the admin", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return addMember(devnet.Bob, devnet.OrgMercy, h.Addr(devnet.Bob))(h)
			}, Want: types.ErrNotAdmin},
		{Name: "add member signed by a key other than the admin's", Kind: catalog.WrongSigner, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return addMember(devnet.MercyAdmin, devnet.OrgMercy, h.Addr(devnet.Bob))(h)
			}, Want: sdkerrors.ErrInvalidPubKey},
		{Name: "add an existing member again", Kind: catalog.Duplicate, Signer: devnet.MercyAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return addMember(devnet.MercyAdmin, devnet.OrgMercy, h.Addr(devnet.MercyAdmin))(h)
			}, Want: types.ErrAlreadyMember},
		{Name: "remove an account that is not a member", Kind: catalog.NotFound, Signer: devnet.MercyAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRemoveMember{Admin: h.Addr(devnet.MercyAdmin), OrganizationId: devnet.OrgMercy, Member: h.Addr(devnet.Carol)}}
			}, Want: types.ErrNotMember},
		{Name: "remove a member from an unknown organization", Kind: catalog.NotFound, Signer: devnet.MercyAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgRemoveMember{Admin: h.Addr(devnet.MercyAdmin), OrganizationId: "no-such-org", Member: h.Addr(devnet.MercyAdmin)}}
			}, Want: types.ErrOrganizationNotFound},
		{Name: "encryption key of 31 bytes", Kind: catalog.Malformed, Signer: devnet.Alice, Msgs: key(make([]byte, 31)), Want: types.ErrInvalidEncryptionKey},
		{Name: "empty encryption key", Kind: catalog.Empty, Signer: devnet.Alice, Msgs: key(nil), Want: types.ErrInvalidEncryptionKey},
		{Name: "all-zero encryption key", Kind: catalog.Malformed, Signer: devnet.Alice, Msgs: key(make([]byte, 32)), Want: types.ErrInvalidEncryptionKey},
		{Name: "64 kB encryption key", Kind: catalog.Oversized, Signer: devnet.Alice, Msgs: key(make([]byte, 64<<10)), Want: types.ErrInvalidEncryptionKey},
		{Name: "encryption key so large the transaction runs out of gas", Kind: catalog.Oversized, Signer: devnet.Alice,
			Msgs: key(make([]byte, 300<<10)), Want: sdkerrors.ErrOutOfGas},
		{Name: "encryption key for another owner", Kind: catalog.WrongSigner, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgSetEncryptionKey{Owner: h.Addr(devnet.Bob), X25519PublicKey: goodKey}}
			}, Want: sdkerrors.ErrInvalidPubKey},
		{Name: "register an organization without governance", Kind: catalog.Unauthorized, Signer: devnet.Consortium,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				o := org
				o.Admin = h.Addr(devnet.Alice)
				return []sdk.Msg{&types.MsgRegisterOrganization{Authority: h.Addr(devnet.Consortium), Organization: o}}
			}, Want: types.ErrInvalidAuthority},
		{Name: "update an organization without governance", Kind: catalog.Unauthorized, Signer: devnet.MercyAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				o := org
				o.Id, o.Admin = devnet.OrgMercy, h.Addr(devnet.MercyAdmin)
				return []sdk.Msg{&types.MsgUpdateOrganization{Authority: h.Addr(devnet.MercyAdmin), Organization: o}}
			}, Want: types.ErrInvalidAuthority},
		{Name: "suspend an organization without governance", Kind: catalog.Unauthorized, Signer: devnet.AcmeAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgSetOrganizationStatus{Authority: h.Addr(devnet.AcmeAdmin), OrganizationId: devnet.OrgMercy, Status: types.OrgStatusSuspended}}
			}, Want: types.ErrInvalidAuthority},
		{Name: "change parameters without governance", Kind: catalog.Unauthorized, Signer: devnet.Consortium,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgUpdateParams{Authority: h.Addr(devnet.Consortium), Params: types.Params{MaxMembershipsPerAccount: 200}}}
			}, Want: types.ErrInvalidAuthority},
		// The transaction names the gov module account as its signer, so
		// that account pays the fee first: it has none, and the ante
		// handler stops there (a signature could never match anyway).
		{Name: "governance authority address used by an account that is not it", Kind: catalog.WrongSigner, Signer: devnet.Consortium,
			Msgs: func(*apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgUpdateParams{Authority: authority, Params: types.Params{MaxMembershipsPerAccount: 200}}}
			}, Want: sdkerrors.ErrInsufficientFunds},
		{Name: "validator from an account outside any VALIDATOR organization", Kind: catalog.Unauthorized, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg { return []sdk.Msg{createValidator(h, devnet.Alice)} }, Want: types.ErrValidatorNotAdmitted},
		{Name: "validator from a PAYER organization's admin", Kind: catalog.Unauthorized, Signer: devnet.AcmeAdmin,
			Msgs: func(h *apptest.Harness) []sdk.Msg { return []sdk.Msg{createValidator(h, devnet.AcmeAdmin)} }, Want: types.ErrValidatorNotAdmitted},
		{Name: "validator nested in authz MsgExec", Kind: catalog.NestedAny, Signer: devnet.Bob,
			Setup: func(t *testing.T, h *apptest.Harness) {
				exp := h.Time().Add(24 * time.Hour)
				grant, err := authz.NewMsgGrant(h.AccAddr(devnet.Alice), h.AccAddr(devnet.Bob),
					authz.NewGenericAuthorization(sdk.MsgTypeURL(&stakingtypes.MsgCreateValidator{})), &exp)
				if err != nil {
					t.Fatal(err)
				}
				catalog.MustDeliver(t, h, devnet.Alice, grant)
			},
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				exec := authz.NewMsgExec(h.AccAddr(devnet.Bob), []sdk.Msg{createValidator(h, devnet.Alice)})
				return []sdk.Msg{&exec}
			}, Want: types.ErrValidatorNotAdmitted},
		{Name: "validator nested five MsgExec deep", Kind: catalog.NestedAny, Signer: devnet.Bob,
			Tx: func(t *testing.T, h *apptest.Harness) []byte {
				inner, err := codectypes.NewAnyWithValue(createValidator(h, devnet.Alice))
				if err != nil {
					t.Fatal(err)
				}
				return catalog.SignRaw(t, h, devnet.Bob, catalog.NestedExec(h.Addr(devnet.Bob), inner, 5))
			}, Want: types.ErrValidatorNotAdmitted},
		{Name: "MsgExec nested 200 deep", Kind: catalog.NestedAny, Signer: devnet.Bob,
			Tx: func(t *testing.T, h *apptest.Harness) []byte {
				inner, err := codectypes.NewAnyWithValue(&types.MsgSetEncryptionKey{Owner: h.Addr(devnet.Bob), X25519PublicKey: goodKey})
				if err != nil {
					t.Fatal(err)
				}
				return catalog.SignRaw(t, h, devnet.Bob, catalog.NestedExec(h.Addr(devnet.Bob), inner, 200))
			}, Want: sdkerrors.ErrTxDecode},
		{Name: "member added through authz without a grant from the admin", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				exec := authz.NewMsgExec(h.AccAddr(devnet.Bob), []sdk.Msg{&types.MsgAddMember{Admin: h.Addr(devnet.MercyAdmin), OrganizationId: devnet.OrgMercy, Member: h.Addr(devnet.Bob)}})
				return []sdk.Msg{&exec}
			}, Want: authz.ErrNoAuthorizationFound},
		catalog.ReplayCase("replayed add-member transaction", devnet.MercyAdmin, func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgAddMember{Admin: h.Addr(devnet.MercyAdmin), OrganizationId: devnet.OrgMercy, Member: h.Addr(devnet.Carol)}}
		}),
	}
	catalog.RequireKinds(t, cases, catalog.Empty, catalog.Oversized, catalog.BadAddress, catalog.WrongSigner,
		catalog.Unauthorized, catalog.Duplicate, catalog.NestedAny, catalog.Replayed)
	catalog.Run(t, h, cases)
	t.Logf("%d registry bad-input cases", len(cases))
}
