package types

import (
	"bytes"
	"fmt"

	"cosmossdk.io/core/address"
)

// DefaultGenesis returns the default genesis: no organizations.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the genesis state, including that every membership names
// a listed organization and that no account exceeds the membership limit.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	orgs := make(map[string]bool, len(gs.Organizations))
	for _, o := range gs.Organizations {
		if _, err := ValidateOrganization(o, ac); err != nil {
			return fmt.Errorf("organization %q: %w", o.Id, err)
		}
		if err := ValidateStatus(o.Status); err != nil {
			return fmt.Errorf("organization %q: %w", o.Id, err)
		}
		if orgs[o.Id] {
			return fmt.Errorf("organization %q is listed twice", o.Id)
		}
		orgs[o.Id] = true
	}
	seen := make(map[string]bool, len(gs.Memberships))
	perAccount := make(map[string]uint32)
	for _, m := range gs.Memberships {
		if !orgs[m.OrganizationId] {
			return fmt.Errorf("membership of %s names unknown organization %q", m.Address, m.OrganizationId)
		}
		if _, err := ac.StringToBytes(m.Address); err != nil {
			return fmt.Errorf("membership address %q: %w", m.Address, err)
		}
		key := m.OrganizationId + "/" + m.Address
		if seen[key] {
			return fmt.Errorf("membership of %s in %q is listed twice", m.Address, m.OrganizationId)
		}
		seen[key] = true
		perAccount[m.Address]++
		if perAccount[m.Address] > maxMembershipsCeiling {
			return fmt.Errorf("%s belongs to more than %d organizations", m.Address, maxMembershipsCeiling)
		}
	}
	owners := make(map[string]bool, len(gs.EncryptionKeys))
	for _, k := range gs.EncryptionKeys {
		if _, err := ac.StringToBytes(k.Owner); err != nil {
			return fmt.Errorf("encryption key owner %q: %w", k.Owner, err)
		}
		if err := ValidateX25519Key(k.X25519PublicKey); err != nil {
			return fmt.Errorf("encryption key of %s: %w", k.Owner, err)
		}
		if owners[k.Owner] {
			return fmt.Errorf("encryption key of %s is listed twice", k.Owner)
		}
		owners[k.Owner] = true
	}
	return nil
}

// ValidateX25519Key checks a published X25519 public key: exactly 32 bytes
// and not all zero (the all-zero point yields an all-zero shared secret).
func ValidateX25519Key(key []byte) error {
	if len(key) != X25519KeyLength {
		return fmt.Errorf("x25519_public_key must be %d bytes, got %d", X25519KeyLength, len(key))
	}
	if bytes.Equal(key, make([]byte, X25519KeyLength)) {
		return fmt.Errorf("x25519_public_key must not be all zeros")
	}
	return nil
}
