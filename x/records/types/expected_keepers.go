package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// RegistryKeeper is what the records module asks x/registry: which
// organizations an account acts for, and with which roles.
type RegistryKeeper interface {
	GetOrganization(ctx context.Context, id string) (registrytypes.Organization, error)
	ActiveOrganizationsWithRole(ctx context.Context, addr sdk.AccAddress, role registrytypes.Role) ([]registrytypes.Organization, error)
	// ActiveOrganizations returns every ACTIVE organization addr acts
	// for, in id order.
	ActiveOrganizations(ctx context.Context, addr sdk.AccAddress) ([]registrytypes.Organization, error)
	IsActiveMember(ctx context.Context, orgID string, addr sdk.AccAddress) (bool, error)
}

// ConsentKeeper is what the records module asks x/consent: the access
// decision, and the consent or break-glass grant behind a PERMIT (to learn
// the organization it names).
type ConsentKeeper interface {
	CheckAccess(ctx context.Context, req consenttypes.AccessRequest) (consenttypes.AccessDecision, error)
	// CheckAccessWithConsent also returns the consent the decision names
	// (zero when none).
	CheckAccessWithConsent(ctx context.Context, req consenttypes.AccessRequest) (consenttypes.AccessDecision, consenttypes.Consent, error)
	// CheckAccessWithOrganizations decides for an accessor whose ACTIVE
	// organizations (x/registry's ActiveOrganizations) the caller has read.
	CheckAccessWithOrganizations(ctx context.Context, req consenttypes.AccessRequest, activeOrgs []registrytypes.Organization) (consenttypes.AccessDecision, consenttypes.Consent, error)
	GetConsent(ctx context.Context, id uint64) (consenttypes.Consent, error)
	GetBreakGlass(ctx context.Context, id uint64) (consenttypes.BreakGlassGrant, error)
}
