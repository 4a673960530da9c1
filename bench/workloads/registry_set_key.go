package workloads

import (
	"crypto/sha256"
	"encoding/binary"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/bench/loadgen"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// registry-set-key: an account publishes (then rotates) its X25519 key. It
// needs nothing in genesis beyond a funded sender. Only a sender's first key
// adds state; later ones replace it, so the state-growth run gives each key
// its own sender (ItemPerSender).
func init() {
	loadgen.Register(&loadgen.Workload{
		Name:          "registry-set-key",
		MsgType:       sdk.MsgTypeURL(&registrytypes.MsgSetEncryptionKey{}),
		Healthcare:    true,
		Gas:           100_000,
		Item:          "encryption key",
		Store:         registrytypes.StoreKey,
		ItemPerSender: true,
		Msg: func(s *loadgen.Sender, i uint64) sdk.Msg {
			return &registrytypes.MsgSetEncryptionKey{Owner: s.Address, X25519PublicKey: benchX25519Key(s.Address, i)}
		},
	})
}

// benchX25519Key is a deterministic 32-byte stand-in for a public key (the
// chain checks the length and that it is not all zeros).
func benchX25519Key(owner string, i uint64) []byte {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], i)
	h := sha256.Sum256(append([]byte("bench x25519: "+owner+"/"), n[:]...))
	return h[:]
}
