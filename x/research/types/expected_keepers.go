package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// RegistryKeeper is what the research module asks x/registry: who acts for
// which organization, its roles and status, and where it is paid.
type RegistryKeeper interface {
	GetOrganization(ctx context.Context, id string) (registrytypes.Organization, error)
	IsActiveMember(ctx context.Context, orgID string, addr sdk.AccAddress) (bool, error)
	IsMember(ctx context.Context, orgID string, addr sdk.AccAddress) (bool, error)
	ActiveOrganizationsWithRole(ctx context.Context, addr sdk.AccAddress, role registrytypes.Role) ([]registrytypes.Organization, error)
}

// ConsentKeeper is the x/consent module API for managed consents: research
// creates a participant's research consent at enrolment and revokes it at
// withdrawal; only research can revoke it.
type ConsentKeeper interface {
	CreateManagedConsent(ctx context.Context, managedBy string, c consenttypes.Consent) (uint64, error)
	// CreateManagedConsentWith is CreateManagedConsent for a caller that
	// has read the grantee organization (granteeOrg) in this transaction;
	// with capExpiry, expires_at is capped at block time +
	// max_consent_duration.
	CreateManagedConsentWith(ctx context.Context, managedBy string, c consenttypes.Consent, granteeOrg *registrytypes.Organization, capExpiry bool) (uint64, error)
	RevokeManagedConsent(ctx context.Context, managedBy string, id uint64) error
	GetConsent(ctx context.Context, id uint64) (consenttypes.Consent, error)
}

// BankKeeper moves escrow between accounts and the research module account.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	GetAllBalances(ctx context.Context, addr sdk.AccAddress) sdk.Coins
}

// AccountKeeper provides the research module account.
type AccountKeeper interface {
	GetModuleAddress(name string) sdk.AccAddress
	GetModuleAccount(ctx context.Context, name string) sdk.ModuleAccountI
}
