package workloads

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/bench/loadgen"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

func TestHexHashIsTheChainsHashForm(t *testing.T) {
	a := hexHash("record", "care1x", 0)
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), a)
	require.Equal(t, a, hexHash("record", "care1x", 0), "deterministic")
	require.NotEqual(t, a, hexHash("record", "care1x", 1))
	require.NotEqual(t, a, hexHash("record", "care1y", 0))
}

func TestAddMembersListsSendersInTheOrganization(t *testing.T) {
	cdc := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{}).AppCodec()
	gs := registrytypes.DefaultGenesis()
	g := &loadgen.Genesis{Codec: cdc, State: map[string]json.RawMessage{registrytypes.ModuleName: cdc.MustMarshalJSON(gs)}}
	staff := []*loadgen.Sender{loadgen.NewSender("t", 0), loadgen.NewSender("t", 1)}
	require.NoError(t, addMembers(g, devnet.OrgMercy, staff))

	var out registrytypes.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(g.State[registrytypes.ModuleName], &out))
	require.Equal(t, []registrytypes.Membership{
		{OrganizationId: devnet.OrgMercy, Address: staff[0].Address},
		{OrganizationId: devnet.OrgMercy, Address: staff[1].Address},
	}, out.Memberships)
}

// The precomputed addresses are loadgen.Address's, inside and outside the
// filled range, and before any fill.
func TestQueryAddressesMatchLoadgenAddress(t *testing.T) {
	a := &queryAddresses{label: "test-query-addresses"}
	want := func(i int) string {
		_, addr := loadgen.Address(a.label, i)
		return addr
	}
	if got := a.at(3); got != want(3) {
		t.Fatalf("before fill: at(3) = %s, want %s", got, want(3))
	}
	a.fill(5)
	for _, i := range []int{0, 4, 5, 1000, -1} {
		if got := a.at(i); got != want(i) {
			t.Errorf("at(%d) = %s, want %s", i, got, want(i))
		}
	}
	if got := len(*a.list.Load()); got != 5 {
		t.Errorf("fill(5) stored %d addresses", got)
	}
}
