package devnet

import (
	"encoding/json"
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Demo organization ids.
const (
	OrgMercy     = "mercy-general"
	OrgAcme      = "acme-health"
	OrgNorthwind = "northwind-research"
	OrgIRB       = "citizens-irb"
)

// applyRegistryDemo lists the four demo organizations. Every validator
// operator acts for mercy-general (which holds the VALIDATOR role), as do
// the org admins for their own organizations, so "a mercy member" in the
// walkthroughs is mercy-admin or the validator.
func applyRegistryDemo(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *Network) error {
	var gs registrytypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[registrytypes.ModuleName], &gs); err != nil {
		return fmt.Errorf("registry genesis: %w", err)
	}
	addr := func(name string) string { a, _ := net.Account(name); return a.Address }

	gs.Organizations = append(gs.Organizations,
		registrytypes.Organization{
			Id: OrgMercy, Name: "Mercy General Hospital", Admin: addr(MercyAdmin), Status: registrytypes.OrgStatusActive,
			Roles: []registrytypes.Role{registrytypes.RoleProvider, registrytypes.RoleValidator}, PayoutAddress: addr(MercyAdmin),
		},
		registrytypes.Organization{
			Id: OrgAcme, Name: "Acme Health Insurance", Admin: addr(AcmeAdmin), Status: registrytypes.OrgStatusActive,
			Roles: []registrytypes.Role{registrytypes.RolePayer}, PayoutAddress: addr(AcmeAdmin),
		},
		registrytypes.Organization{
			Id: OrgNorthwind, Name: "Northwind Research", Admin: addr(NorthwindAdmin), Status: registrytypes.OrgStatusActive,
			Roles: []registrytypes.Role{registrytypes.RoleResearchSponsor}, PayoutAddress: addr(NorthwindAdmin),
		},
		registrytypes.Organization{
			Id: OrgIRB, Name: "Citizens Institutional Review Board", Admin: addr(IRBAdmin), Status: registrytypes.OrgStatusActive,
			Roles: []registrytypes.Role{registrytypes.RoleIRB}, PayoutAddress: addr(IRBAdmin),
		},
	)
	for _, n := range net.Nodes {
		gs.Memberships = append(gs.Memberships, registrytypes.Membership{OrganizationId: OrgMercy, Address: n.Operator})
	}
	gs.Memberships = append(gs.Memberships,
		registrytypes.Membership{OrganizationId: OrgMercy, Address: addr(MercyAdmin)},
		registrytypes.Membership{OrganizationId: OrgAcme, Address: addr(AcmeAdmin)},
		registrytypes.Membership{OrganizationId: OrgNorthwind, Address: addr(NorthwindAdmin)},
		registrytypes.Membership{OrganizationId: OrgIRB, Address: addr(IRBAdmin)},
	)
	genState[registrytypes.ModuleName] = cdc.MustMarshalJSON(&gs)
	return nil
}
