package types

import (
	"fmt"
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"

	"cosmossdk.io/core/address"
)

// Field limits of an Organization.
const (
	MaxOrganizationIDLength = 64
	MaxNameLength           = 128
	MaxMetadataURILength    = 256
	X25519KeyLength         = 32
)

var (
	organizationIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)
	sha256HexRe      = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ValidateOrganizationID checks the slug form of an organization id.
func ValidateOrganizationID(id string) error {
	if !organizationIDRe.MatchString(id) {
		return fmt.Errorf("organization id %q must be 3-64 characters of a-z, 0-9 and '-', starting and ending with a letter or digit", id)
	}
	return nil
}

// IsSHA256Hex reports whether s is a SHA-256 digest in 64 lowercase hex
// characters, the one form hashes take on Carechain.
func IsSHA256Hex(s string) bool { return sha256HexRe.MatchString(s) }

// NormalizeRoles returns the roles sorted and checks there is at least one,
// none is unspecified or unknown, and none repeats.
func NormalizeRoles(roles []Role) ([]Role, error) {
	if len(roles) == 0 {
		return nil, fmt.Errorf("an organization needs at least one role")
	}
	out := slices.Clone(roles)
	slices.Sort(out)
	for i, r := range out {
		if _, known := Role_name[int32(r)]; !known || r == RoleUnspecified {
			return nil, fmt.Errorf("role %d is not a valid role", r)
		}
		if i > 0 && out[i-1] == r {
			return nil, fmt.Errorf("role %s is listed twice", r)
		}
	}
	return out, nil
}

// HasRole reports whether the organization holds role.
func (o Organization) HasRole(role Role) bool {
	return slices.Contains(o.Roles, role)
}

// IsActive reports whether the organization's members may act for it.
func (o Organization) IsActive() bool { return o.Status == OrgStatusActive }

// ValidateOrganization checks every field except status and returns the
// organization with its roles sorted and its payout address defaulted to the
// admin.
func ValidateOrganization(o Organization, ac address.Codec) (Organization, error) {
	if err := ValidateOrganizationID(o.Id); err != nil {
		return o, err
	}
	if err := validateName(o.Name); err != nil {
		return o, err
	}
	roles, err := NormalizeRoles(o.Roles)
	if err != nil {
		return o, err
	}
	o.Roles = roles
	if _, err := ac.StringToBytes(o.Admin); err != nil {
		return o, fmt.Errorf("admin %q: %w", o.Admin, err)
	}
	if o.PayoutAddress == "" {
		o.PayoutAddress = o.Admin
	}
	if _, err := ac.StringToBytes(o.PayoutAddress); err != nil {
		return o, fmt.Errorf("payout address %q: %w", o.PayoutAddress, err)
	}
	if len(o.MetadataUri) > MaxMetadataURILength {
		return o, fmt.Errorf("metadata_uri is %d bytes, the limit is %d", len(o.MetadataUri), MaxMetadataURILength)
	}
	if !isPrintableASCII(o.MetadataUri) {
		return o, fmt.Errorf("metadata_uri must be printable ASCII without spaces")
	}
	if o.MetadataHash != "" && !IsSHA256Hex(o.MetadataHash) {
		return o, fmt.Errorf("metadata_hash must be a SHA-256 digest as 64 lowercase hex characters")
	}
	if o.MetadataHash != "" && o.MetadataUri == "" {
		return o, fmt.Errorf("metadata_hash given without metadata_uri")
	}
	return o, nil
}

// ValidateStatus checks a status is a settable one.
func ValidateStatus(s OrgStatus) error {
	if s != OrgStatusActive && s != OrgStatusSuspended {
		return fmt.Errorf("status must be ORG_STATUS_ACTIVE or ORG_STATUS_SUSPENDED, got %s", s)
	}
	return nil
}

func validateName(name string) error {
	if name == "" {
		return fmt.Errorf("name is required")
	}
	if len(name) > MaxNameLength {
		return fmt.Errorf("name is %d bytes, the limit is %d", len(name), MaxNameLength)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("name must be valid UTF-8")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("name must not contain control characters")
		}
	}
	return nil
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// WithRole returns, in their order, the organizations of orgs that hold
// role (nil when none does).
func WithRole(orgs []Organization, role Role) []Organization {
	var out []Organization
	for _, o := range orgs {
		if o.HasRole(role) {
			out = append(out, o)
		}
	}
	return out
}
