package workloads

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/bench/loadgen"
	consenttypes "github.com/carechain/carechain/x/consent/types"
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

// genesisTime is the chain's genesis time: the first block's time, and the
// time every fixture in genesis is dated.
func genesisTime(g *loadgen.Genesis) (time.Time, error) {
	if g.Net == nil || g.Net.GenesisTime.IsZero() {
		return time.Time{}, fmt.Errorf("the genesis hook needs the network's genesis time")
	}
	return g.Net.GenesisTime.UTC(), nil
}

// addresses derives n addresses label/0 ... label/n-1 that never sign
// (patients whose consents or records are in genesis, grantees).
func addresses(label string, n int) []string {
	out := make([]string, n)
	for k := range out {
		_, out[k] = loadgen.Address(label, k)
	}
	return out
}

// addOrgConsents appends, to the consent genesis, one ACTIVE PERMIT consent
// from each patient to organization org for actions and purposes (every
// category), valid from genesis for a year. It returns the first consent's
// id; patient k's consent has id first+k.
func addOrgConsents(g *loadgen.Genesis, org string, patients []string, actions []consenttypes.Action, purposes []consenttypes.Purpose) (uint64, error) {
	at, err := genesisTime(g)
	if err != nil {
		return 0, err
	}
	var gs consenttypes.GenesisState
	var first uint64
	err = g.Edit(consenttypes.ModuleName, &gs, func() error {
		first = max(gs.NextConsentId, 1)
		gs.Consents = slices.Grow(gs.Consents, len(patients))
		for k, p := range patients {
			gs.Consents = append(gs.Consents, consenttypes.Consent{
				Id: first + uint64(k), Patient: p, GranteeOrg: org, Decision: consenttypes.DecisionPermit,
				Actions: actions, Purposes: purposes, ValidFrom: at, ExpiresAt: at.AddDate(1, 0, 0),
				Status: consenttypes.ConsentStatusActive, GrantedBy: p, GrantedAt: at,
			})
		}
		gs.NextConsentId = first + uint64(len(patients))
		return nil
	})
	return first, err
}

// mintToModule credits coins to a module account in the bank genesis (and
// the supply): how a plan's or a study's escrow exists from genesis.
func mintToModule(g *loadgen.Genesis, module string, coins sdk.Coins) error {
	var gs banktypes.GenesisState
	return g.Edit(banktypes.ModuleName, &gs, func() error {
		addr := authtypes.NewModuleAddress(module).String()
		found := false
		for k := range gs.Balances {
			if gs.Balances[k].Address == addr {
				gs.Balances[k].Coins = gs.Balances[k].Coins.Add(coins...)
				found = true
				break
			}
		}
		if !found {
			gs.Balances = append(gs.Balances, banktypes.Balance{Address: addr, Coins: coins})
			gs.Balances = banktypes.SanitizeGenesisBalances(gs.Balances)
		}
		gs.Supply = gs.Supply.Add(coins...)
		return nil
	})
}

// vaultLocator is where the reference client stores a blob.
func vaultLocator(ciphertextHash string) string {
	return "vault://vault.mercy.example/v1/blobs/" + ciphertextHash
}

// usd is n US dollars in the settlement denom (1 USD = 1,000,000 uusd).
func usd(n int64) sdkmath.Int { return sdkmath.NewInt(n).MulRaw(1_000_000) }

// queryAddresses are the bech32 addresses of one query workload's genesis
// objects (loadgen.Address(label, i)), computed once when its genesis is
// written. A query client then looks an address up instead of hashing and
// encoding it for every query: about 1 % of the machine's CPU at 15,000
// CheckAccess queries/s, taken from the node under test, which shares the
// machine with the load generator.
type queryAddresses struct {
	label string
	list  atomic.Pointer[[]string]
}

// fill computes the addresses of objects 0 to n-1 and returns them (the
// caller must not change the slice).
func (a *queryAddresses) fill(n int) []string {
	l := make([]string, n)
	for i := range l {
		_, l[i] = loadgen.Address(a.label, i)
	}
	a.list.Store(&l)
	return l
}

// at is object i's address: loadgen.Address(a.label, i), from the list
// when fill covered i.
func (a *queryAddresses) at(i int) string {
	if l := a.list.Load(); l != nil && i >= 0 && i < len(*l) {
		return (*l)[i]
	}
	_, addr := loadgen.Address(a.label, i)
	return addr
}
