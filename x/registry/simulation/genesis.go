package simulation

import (
	"fmt"
	"math/rand"

	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/carechain/carechain/x/registry/types"
)

// ValidatorOrgID is the organization every simulation account belongs to.
//
// The registry's ante decorator admits a MsgCreateValidator only from a
// member of an ACTIVE VALIDATOR organization, and the staking module's
// simulation creates validators from random accounts. So the simulated
// genesis makes every simulation account a member of this ACTIVE
// VALIDATOR organization, and no operation or proposal here removes a
// member from it, suspends it or changes its roles: the staking simulation
// stays valid while validator admission stays enforced (its refusals are
// covered by the registry's own tests and the bad-input catalog).
const ValidatorOrgID = "sim-validators"

// Organization ids of the other genesis organizations.
const (
	ProviderOrgPrefix = "sim-provider-"
	PayerOrgPrefix    = "sim-payer-"
	OtherOrgPrefix    = "sim-org-"
)

// RandomizedGenState returns a registry genesis for the simulation
// accounts: the validator organization with every account, two to four
// PROVIDER and PAYER organizations each with a few members, a few
// organizations of random roles (some SUSPENDED), and encryption keys for
// about half of the accounts.
func RandomizedGenState(r *rand.Rand, accs []simtypes.Account) *types.GenesisState {
	gs := &types.GenesisState{Params: types.Params{MaxMembershipsPerAccount: uint32(8 + r.Intn(25))}}
	if len(accs) == 0 {
		return gs
	}
	addr := func(a simtypes.Account) string { return a.Address.String() }
	memberships := make(map[string]uint32, len(accs))
	addOrg := func(id string, roles []types.Role, status types.OrgStatus, members int) {
		admin, _ := simtypes.RandomAcc(r, accs)
		payout, _ := simtypes.RandomAcc(r, accs)
		gs.Organizations = append(gs.Organizations, types.Organization{
			Id:            id,
			Name:          "Simulated " + id,
			Roles:         roles,
			Admin:         addr(admin),
			Status:        status,
			PayoutAddress: addr(payout),
		})
		// The admin is usually a member too, as on a real chain.
		picked := map[int]bool{}
		for range members {
			i := r.Intn(len(accs))
			a := addr(accs[i])
			if picked[i] || memberships[a] >= gs.Params.MaxMembershipsPerAccount {
				continue
			}
			picked[i] = true
			memberships[a]++
			gs.Memberships = append(gs.Memberships, types.Membership{OrganizationId: id, Address: a})
		}
	}

	gs.Organizations = append(gs.Organizations, types.Organization{
		Id:     ValidatorOrgID,
		Name:   "Simulation validators",
		Roles:  []types.Role{types.RoleValidator},
		Admin:  addr(accs[0]),
		Status: types.OrgStatusActive,
	})
	for _, a := range accs {
		memberships[addr(a)]++
		gs.Memberships = append(gs.Memberships, types.Membership{OrganizationId: ValidatorOrgID, Address: addr(a)})
	}
	members := func() int { return 1 + r.Intn(1+len(accs)/4) }
	for i := range 2 + r.Intn(3) {
		addOrg(fmt.Sprintf("%s%d", ProviderOrgPrefix, i), []types.Role{types.RoleProvider}, types.OrgStatusActive, members())
	}
	for i := range 2 + r.Intn(3) {
		addOrg(fmt.Sprintf("%s%d", PayerOrgPrefix, i), []types.Role{types.RolePayer}, types.OrgStatusActive, members())
	}
	for i := range r.Intn(4) {
		status := types.OrgStatusActive
		if r.Intn(3) == 0 {
			status = types.OrgStatusSuspended
		}
		addOrg(fmt.Sprintf("%s%d", OtherOrgPrefix, i), RandomRoles(r), status, members())
	}
	for _, a := range accs {
		if r.Intn(2) == 0 {
			gs.EncryptionKeys = append(gs.EncryptionKeys, types.EncryptionKey{Owner: addr(a), X25519PublicKey: RandomX25519Key(r)})
		}
	}
	return gs
}

// RandomRoles returns a random non-empty set of roles other than VALIDATOR.
func RandomRoles(r *rand.Rand) []types.Role {
	all := []types.Role{types.RoleProvider, types.RolePayer, types.RoleResearchSponsor, types.RoleIRB}
	var out []types.Role
	for len(out) == 0 {
		for _, role := range all {
			if r.Intn(3) == 0 {
				out = append(out, role)
			}
		}
	}
	return out
}

// RandomX25519Key returns 32 random bytes that are not all zero.
func RandomX25519Key(r *rand.Rand) []byte {
	key := make([]byte, types.X25519KeyLength)
	_, _ = r.Read(key)
	key[0] |= 1
	return key
}
