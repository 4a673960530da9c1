package devnet

import (
	"encoding/json"
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/pkg/carecrypto"
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

// PublishDemoEncryptionKeys is the genesis hook of the localnet and testnet
// (Generate): every demo account has published the encryption key its own
// key derives (carechaind keys encryption-key NAME), so records can be put
// and shared with any of them straight away. The in-process test harness
// (apptest) does not use it: its tests publish keys themselves.
func PublishDemoEncryptionKeys(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *Network) error {
	var gs registrytypes.GenesisState
	if err := cdc.UnmarshalJSON(genState[registrytypes.ModuleName], &gs); err != nil {
		return fmt.Errorf("registry genesis: %w", err)
	}
	have := map[string]bool{}
	for _, k := range gs.EncryptionKeys {
		have[k.Owner] = true
	}
	for _, a := range net.Accounts {
		if a.Mnemonic == "" || have[a.Address] {
			continue
		}
		if a.Mnemonic == "" {
			continue
		}
		pub, err := DemoEncryptionPublicKey(a.Mnemonic, a.Address)
		if err != nil {
			return fmt.Errorf("encryption key of %s: %w", a.Name, err)
		}
		gs.EncryptionKeys = append(gs.EncryptionKeys, registrytypes.EncryptionKey{Owner: a.Address, X25519PublicKey: pub})
	}
	genState[registrytypes.ModuleName] = cdc.MustMarshalJSON(&gs)
	return nil
}

// DemoEncryptionPublicKey returns the X25519 public key that the account of
// mnemonic (at the default HD path) derives from its signature over the
// fixed message (pkg/carecrypto), as 'carechaind keys encryption-key' and a
// browser wallet do.
func DemoEncryptionPublicKey(mnemonic, address string) ([]byte, error) {
	bz, err := hd.Secp256k1.Derive()(mnemonic, "", hd.CreateHDPath(app.CoinType, 0, 0).String())
	if err != nil {
		return nil, err
	}
	priv := hd.Secp256k1.Generate()(bz)
	k, err := carecrypto.DeriveEncryptionKeyWith(address, priv.PubKey().Bytes(), priv.Sign)
	if err != nil {
		return nil, err
	}
	return k.PublicKey().Bytes(), nil
}
