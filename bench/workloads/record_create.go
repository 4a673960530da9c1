package workloads

import (
	"crypto/sha256"
	"crypto/sha512"
	"sync"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
)

// record-create: a clinician of mercy-general anchors a new document for a
// patient who granted mercy-general READ and WRITE for treatment, the way
// the reference client does it: a fresh ciphertext hash and content
// commitment, the size, a vault locator, and the data key wrapped to the
// patient (one key envelope). The write asks x/consent (WRITE/TREAT) and
// checks that the hash is new.
//
// Genesis: the senders are members of mercy-general; recordCreatePatients
// patients each hold an ACTIVE consent to mercy-general.
const recordCreatePatients = 1024

var recordCreatePatientAddrs = sync.OnceValue(func() []string { return addresses("record-create-patient", recordCreatePatients) })

func init() {
	loadgen.Register(&loadgen.Workload{
		Name:       "record-create",
		MsgType:    sdk.MsgTypeURL(&recordstypes.MsgCreateRecord{}),
		Healthcare: true,
		Gas:        300_000,
		Item:       "record",
		Store:      recordstypes.StoreKey,
		Genesis: func(g *loadgen.Genesis) error {
			if err := addMembers(g, devnet.OrgMercy, g.Senders); err != nil {
				return err
			}
			_, err := addOrgConsents(g, devnet.OrgMercy, recordCreatePatientAddrs(),
				[]consenttypes.Action{consenttypes.ActionRead, consenttypes.ActionWrite}, []consenttypes.Purpose{consenttypes.PurposeTreat})
			return err
		},
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			patient := recordCreatePatientAddrs()[(uint64(s.Index)*7919+i)%recordCreatePatients]
			hash := hexHash("record-ciphertext", s.Address, i)
			return &recordstypes.MsgCreateRecord{
				Author:            s.Address,
				Patient:           patient,
				Category:          "Observation",
				CiphertextHash:    hash,
				ContentCommitment: hexHash("record-content", s.Address, i),
				SizeBytes:         2048 + i%4096,
				Locator:           vaultLocator(hash),
				KeyEnvelopes:      []recordstypes.NewKeyEnvelope{benchEnvelope(patient, hash)},
			}
		},
	})
}

// benchEnvelope is a stand-in for the data key wrapped to recipient (HPKE
// enc of 32 bytes and a 48-byte sealed key; the chain checks the scheme and
// the lengths).
func benchEnvelope(recipient, ciphertextHash string) recordstypes.NewKeyEnvelope {
	epk := sha256.Sum256([]byte("bench envelope epk/" + recipient + "/" + ciphertextHash))
	sealed := sha512.Sum512([]byte("bench envelope key/" + recipient + "/" + ciphertextHash))
	return recordstypes.NewKeyEnvelope{
		Recipient:          recipient,
		Scheme:             recordstypes.SchemeHPKEX25519V1,
		EphemeralPublicKey: epk[:],
		WrappedKey:         sealed[:48],
	}
}
