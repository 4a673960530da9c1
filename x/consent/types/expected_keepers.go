package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// RegistryKeeper is what the consent module asks x/registry: which
// organizations an account acts for, and whether they are ACTIVE.
type RegistryKeeper interface {
	GetOrganization(ctx context.Context, id string) (registrytypes.Organization, error)
	ActiveOrganizationsWithRole(ctx context.Context, addr sdk.AccAddress, role registrytypes.Role) ([]registrytypes.Organization, error)
	IsActiveMember(ctx context.Context, orgID string, addr sdk.AccAddress) (bool, error)
}
