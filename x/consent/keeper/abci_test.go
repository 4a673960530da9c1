package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/consent/types"
)

func TestEndBlockerExpiresDueConsentsWithinTheCap(t *testing.T) {
	f := newFixture(t)
	params := types.DefaultParams()
	params.MaxExpirationsPerBlock = 2
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: params})
	require.NoError(t, err)

	var due []uint64
	for i, p := range [][]byte{f.alice, f.bob, f.carol, f.outsider, f.clerk} {
		msg := f.orgGrant(p)
		msg.ExpiresAt = f.now().Add(time.Duration(i+1) * time.Minute)
		due = append(due, f.grant(msg))
	}
	later := f.grant(f.orgGrant(f.doctor)) // 30 days

	n, err := f.k.EndBlocker(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is due yet")

	f.at(f.now().Add(time.Hour))
	for _, want := range []int{2, 2, 1, 0} {
		n, err := f.k.EndBlocker(f.ctx)
		require.NoError(t, err)
		require.Equal(t, want, n, "never more than max_expirations_per_block")
	}
	for _, id := range due {
		c, err := f.k.GetConsent(f.ctx, id)
		require.NoError(t, err)
		require.Equal(t, types.ConsentStatusExpired, c.Status)
	}
	c, err := f.k.GetConsent(f.ctx, later)
	require.NoError(t, err)
	require.Equal(t, types.ConsentStatusActive, c.Status)

	expired, err := f.q.PatientConsents(f.ctx, &types.QueryPatientConsentsRequest{Patient: f.s(f.alice), Status: types.ConsentStatusExpired})
	require.NoError(t, err)
	require.Equal(t, []uint64{due[0]}, ids(expired.Consents))
}

func TestEndBlockerExpiresOldestFirstAndExactlyAtExpiry(t *testing.T) {
	f := newFixture(t)
	params := types.DefaultParams()
	params.MaxExpirationsPerBlock = 1
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: params})
	require.NoError(t, err)
	late := f.orgGrant(f.alice)
	late.ExpiresAt = f.now().Add(2 * time.Minute)
	lateID := f.grant(late)
	early := f.orgGrant(f.bob)
	early.ExpiresAt = f.now().Add(time.Minute)
	earlyID := f.grant(early)

	f.at(early.ExpiresAt.Add(-time.Nanosecond))
	n, err := f.k.EndBlocker(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	f.at(late.ExpiresAt)
	n, err = f.k.EndBlocker(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	c, _ := f.k.GetConsent(f.ctx, earlyID)
	require.Equal(t, types.ConsentStatusExpired, c.Status, "the earliest expiry goes first")
	c, _ = f.k.GetConsent(f.ctx, lateID)
	require.Equal(t, types.ConsentStatusActive, c.Status)
}

func TestRevokedConsentLeavesTheExpiryQueue(t *testing.T) {
	f := newFixture(t)
	msg := f.orgGrant(f.alice)
	id := f.grant(msg)
	_, err := f.msg.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Signer: f.s(f.alice), Patient: f.s(f.alice), ConsentId: id})
	require.NoError(t, err)
	f.at(msg.ExpiresAt)
	n, err := f.k.EndBlocker(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	c, _ := f.k.GetConsent(f.ctx, id)
	require.Equal(t, types.ConsentStatusRevoked, c.Status, "a revoked consent stays REVOKED")
}
