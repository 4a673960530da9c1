package workloads

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/bench/loadgen"
	consenttypes "github.com/carechain/carechain/x/consent/types"
)

// consent-grant: a patient lets one clinician (an account) read their data
// for treatment. Every message names a different grantee, so no
// (patient, grantee) pair comes near x/consent's
// max_active_consents_per_grantee, and each grant pays for what a patient's
// first consent to someone costs: the grantee check, the cap count (no
// earlier consent to count), the consent and its five index entries.
// Nothing is needed in genesis beyond the funded patients.
func init() {
	loadgen.Register(&loadgen.Workload{
		Name:       "consent-grant",
		MsgType:    sdk.MsgTypeURL(&consenttypes.MsgGrantConsent{}),
		Healthcare: true,
		Gas:        200_000,
		Item:       "consent",
		Store:      consenttypes.StoreKey,
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			return &consenttypes.MsgGrantConsent{
				Signer:    s.Address,
				Patient:   s.Address,
				Decision:  consenttypes.DecisionPermit,
				Grantee:   consentGrantee(s.Address, i),
				Actions:   []consenttypes.Action{consenttypes.ActionRead},
				Purposes:  []consenttypes.Purpose{consenttypes.PurposeTreat},
				ExpiresAt: consentExpiry(),
			}
		},
	})
}

// consentGrantee is the clinician patient's i-th consent names: an address
// of its own for every (patient, i).
func consentGrantee(patient string, i uint64) string {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], i)
	h := sha256.Sum256(append([]byte("consent-grantee/"+patient+"/"), n[:]...))
	s, err := sdk.Bech32ifyAddressBytes(app.Bech32Prefix, h[:20])
	if err != nil {
		panic(err)
	}
	return s
}

// consentExpiry is 90 days from now, to the second. Signing happens seconds
// before the block, and a transaction the engine re-signs may get a later
// expiry: both are valid.
func consentExpiry() time.Time {
	return time.Now().UTC().Truncate(time.Second).Add(90 * 24 * time.Hour)
}
