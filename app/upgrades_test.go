package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/upgrades"
)

func TestUpgradesInTheRegistryGetHandlers(t *testing.T) {
	saved := app.Upgrades
	t.Cleanup(func() { app.Upgrades = saved })
	app.Upgrades = append(saved, upgrades.Upgrade{Name: "v2-test", CreateHandler: upgrades.DefaultHandler})

	a := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})
	require.True(t, a.UpgradeKeeper.HasHandler("v2-test"))
	require.False(t, a.UpgradeKeeper.HasHandler("v3-unknown"))
}
