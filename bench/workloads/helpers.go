package workloads

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/carechain/carechain/bench/loadgen"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// addMembers makes senders members of the demo organization orgID
// (devnet.OrgMercy for provider staff, devnet.OrgAcme for payer staff, ...)
// in the registry genesis.
func addMembers(g *loadgen.Genesis, orgID string, senders []*loadgen.Sender) error {
	var gs registrytypes.GenesisState
	return g.Edit(registrytypes.ModuleName, &gs, func() error {
		for _, s := range senders {
			gs.Memberships = append(gs.Memberships, registrytypes.Membership{OrganizationId: orgID, Address: s.Address})
		}
		return nil
	})
}

// hexHash is a deterministic SHA-256 in the chain's hash form (64 lowercase
// hex characters) for message i of a sender: ciphertext hashes, content
// commitments, claim evidence.
func hexHash(label, sender string, i uint64) string {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], i)
	h := sha256.Sum256(append([]byte(label+"/"+sender+"/"), n[:]...))
	return hex.EncodeToString(h[:])
}
