// Package upgrades is the registry of named software upgrades. Each upgrade
// lives in its own sub-package (app/upgrades/<name>) and is listed in
// app.Upgrades; the app registers its handler and, at the upgrade height, its
// store changes.
package upgrades

import (
	"context"

	storetypes "cosmossdk.io/store/types"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/carechain/carechain/app/keepers"
)

// Upgrade describes one named software upgrade.
type Upgrade struct {
	// Name must equal the name in the governance MsgSoftwareUpgrade plan.
	Name string

	// CreateHandler builds the migration run at the upgrade height.
	CreateHandler func(mm *module.Manager, configurator module.Configurator, keepers *keepers.AppKeepers) upgradetypes.UpgradeHandler

	// StoreUpgrades lists stores added, renamed or deleted by the upgrade.
	StoreUpgrades storetypes.StoreUpgrades
}

// DefaultHandler runs every module's registered consensus-version migrations
// and nothing else: the right handler for upgrades that only add modules or
// bump module versions.
func DefaultHandler(mm *module.Manager, configurator module.Configurator, _ *keepers.AppKeepers) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, _ upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		return mm.RunMigrations(ctx, configurator, fromVM)
	}
}
