package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// RegistryKeeper is what the claims module asks x/registry: which
// organizations an account acts for, and where an organization is paid.
type RegistryKeeper interface {
	ActiveOrganizationsWithRole(ctx context.Context, addr sdk.AccAddress, role registrytypes.Role) ([]registrytypes.Organization, error)
	ActiveOrganizationWithRole(ctx context.Context, addr sdk.AccAddress, role registrytypes.Role) (registrytypes.Organization, error)
	GetOrganization(ctx context.Context, id string) (registrytypes.Organization, error)
}

// RecordsKeeper is what the claims module asks x/records about evidence.
type RecordsKeeper interface {
	// RecordPatient returns the patient of record id; the error wraps a
	// not-found error when there is no such record.
	RecordPatient(ctx context.Context, id uint64) (sdk.AccAddress, error)
}

// BankKeeper moves escrow between accounts and the claims module account.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	GetAllBalances(ctx context.Context, addr sdk.AccAddress) sdk.Coins
}

// AccountKeeper provides the claims module account.
type AccountKeeper interface {
	GetModuleAddress(name string) sdk.AccAddress
	GetModuleAccount(ctx context.Context, name string) sdk.ModuleAccountI
}
