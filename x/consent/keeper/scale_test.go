package keeper_test

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/carechain/carechain/x/consent/keeper"
	"github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// scaleStore is a committed IAVL store holding alice's consents plus
// `others` consents of other patients, all naming the same grantees as
// alice's (mercy-general and the doctor), so that any lookup keyed by
// grantee, or any scan, would grow with them.
type scaleStore struct {
	cms    storetypes.CommitMultiStore
	k      keeper.Keeper
	doctor sdk.AccAddress
	alice  sdk.AccAddress
}

func newScaleStore(tb testing.TB, others int) *scaleStore {
	tb.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tc := testutil.DefaultContextWithDB(tb, key, storetypes.NewTransientStoreKey("transient_bench"))
	ac := addresscodec.NewBech32Codec("care")
	reg := newFakeRegistry()
	doctor, alice := addr("doctor"), addr("alice")
	reg.addOrg(mercy, "", registrytypes.RoleProvider)
	reg.addMember(mercy, doctor)
	authority, _ := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	k := keeper.NewKeeper(codec.NewProtoCodec(codectypes.NewInterfaceRegistry()), runtime.NewKVStoreService(key), ac, authority, reg)
	ctx := tc.Ctx.WithBlockTime(t0)
	require.NoError(tb, k.InitGenesis(ctx, types.DefaultGenesis()))
	msgs := keeper.NewMsgServerImpl(k)
	doctorStr, _ := ac.BytesToString(doctor)

	grant := func(patient sdk.AccAddress, decision types.Decision, grantee, org string, categories ...string) {
		p, _ := ac.BytesToString(patient)
		_, err := msgs.GrantConsent(ctx.WithEventManager(sdk.NewEventManager()), &types.MsgGrantConsent{
			Signer: p, Patient: p, Decision: decision, Grantee: grantee, GranteeOrg: org,
			Actions: []types.Action{types.ActionRead, types.ActionWrite}, Purposes: []types.Purpose{types.PurposeTreat},
			Categories: categories, ExpiresAt: t0.Add(30 * 24 * time.Hour),
		})
		require.NoError(tb, err)
	}
	grant(alice, types.DecisionPermit, "", mercy)
	grant(alice, types.DecisionDeny, "", mercy, "mental-health")
	grant(alice, types.DecisionPermit, doctorStr, "", "Observation")
	for i := range others {
		patient := make(sdk.AccAddress, 20)
		binary.BigEndian.PutUint64(patient[4:], uint64(i)+1)
		if i%2 == 0 {
			grant(patient, types.DecisionPermit, "", mercy)
		} else {
			grant(patient, types.DecisionPermit, doctorStr, "")
		}
		if i%100 == 99 {
			// IAVL iterates unsaved writes slowly: commit as a chain would.
			tc.CMS.Commit()
		}
	}
	tc.CMS.Commit()
	return &scaleStore{cms: tc.CMS, k: k, doctor: doctor, alice: alice}
}

// ctx is a fresh read context on the committed state, as a query or a
// transaction would have.
func (s *scaleStore) ctx() sdk.Context {
	return sdk.NewContext(s.cms.CacheMultiStore(), cmtproto.Header{Time: t0.Add(time.Hour)}, false, log.NewNopLogger())
}

func (s *scaleStore) checkAccess(tb testing.TB, ctx sdk.Context) types.AccessDecision {
	d, err := s.k.CheckAccess(ctx, types.AccessRequest{
		Accessor: s.doctor, Patient: s.alice, Action: types.ActionRead, Purpose: types.PurposeTreat, Category: "Observation",
	})
	if err != nil {
		tb.Fatal(err)
	}
	if d.Decision != types.DecisionPermit {
		tb.Fatalf("unexpected decision %+v", d)
	}
	return d
}

// TestCheckAccessCostIgnoresOtherPatients is the deterministic form of the
// benchmark below: the gas CheckAccess consumes (every store read and byte)
// is identical whether 10 or 2,000 other patients' consents name the same
// grantees.
func TestCheckAccessCostIgnoresOtherPatients(t *testing.T) {
	gas := func(others int) storetypes.Gas {
		s := newScaleStore(t, others)
		ctx := s.ctx().WithGasMeter(storetypes.NewInfiniteGasMeter())
		s.checkAccess(t, ctx)
		return ctx.GasMeter().GasConsumed()
	}
	small, large := gas(10), gas(2_000)
	require.NotZero(t, small)
	require.Equal(t, small, large, "CheckAccess must read only this patient's consents")
}

// BenchmarkCheckAccess measures one patient's CheckAccess with 1,000 and
// 100,000 other patients' consents in the store. Run:
//
//	go test ./x/consent/keeper -run '^$' -bench BenchmarkCheckAccess -benchtime 20000x
func BenchmarkCheckAccess(b *testing.B) {
	for _, others := range []int{1_000, 100_000} {
		s := newScaleStore(b, others)
		b.Run(fmt.Sprintf("others=%d", others), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.checkAccess(b, s.ctx())
			}
		})
	}
}
