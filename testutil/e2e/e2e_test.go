package e2e

import (
	"os"
	"path/filepath"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

func TestEditTOML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	require.NoError(t, os.WriteFile(path, []byte(`proxy_app = "tcp://127.0.0.1:26658"

[rpc]
# laddr = "commented out"
laddr = "tcp://127.0.0.1:26657"

[p2p]
laddr = "tcp://127.0.0.1:26656"
persistent_peers = ""
`), 0o600))
	require.NoError(t, editTOML(path,
		tomlSet{"", "proxy_app", quote("tcp://127.0.0.1:1")},
		tomlSet{"rpc", "laddr", quote("tcp://127.0.0.1:2")},
		tomlSet{"p2p", "persistent_peers", quote("a@b:3")},
	))
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, `proxy_app = "tcp://127.0.0.1:1"

[rpc]
# laddr = "commented out"
laddr = "tcp://127.0.0.1:2"

[p2p]
laddr = "tcp://127.0.0.1:26656"
persistent_peers = "a@b:3"
`, string(bz))

	err = editTOML(path, tomlSet{"rpc", "no_such_key", "1"})
	require.ErrorContains(t, err, "rpc.no_such_key")
}

func TestExpectBalances(t *testing.T) {
	coins := func(s string) sdk.Coins { c, err := sdk.ParseCoinsNormalized(s); require.NoError(t, err); return c }
	start := balances{"alice": coins("100ucare,50uusd"), "bob": coins("10ucare"), "granter": coins("1000ucare")}
	fee := coins("3ucare")
	send := &Op{FeePayer: "alice", Fee: fee, Moves: []Move{{From: "alice", To: "bob", Coins: coins("20uusd")}}}
	granted := &Op{FeePayer: "granter", Fee: fee, Moves: []Move{{From: "bob", To: "carol", Coins: coins("15uusd")}}}
	failedAfterFee := &Op{FeePayer: "alice", Fee: fee, Moves: []Move{{From: "alice", To: "bob", Coins: coins("1ucare")}}}
	refusedByAnte := &Op{FeePayer: "alice", Fee: fee}
	// Listed out of block order: bob can pay carol 15uusd at height 3 only
	// because alice paid him 20uusd at height 2.
	txs := []appliedTx{
		{granted, Inclusion{Height: 3, Index: 0, FeeCharged: true}},
		{send, Inclusion{Height: 2, Index: 1, FeeCharged: true}},
		{failedAfterFee, Inclusion{Height: 3, Index: 1, Code: 5, FeeCharged: true}},
		{refusedByAnte, Inclusion{Height: 4, Index: 0, Code: 32}},
	}
	want, fees, problems := expectBalances(start, txs)
	require.Empty(t, problems)
	require.Equal(t, coins("9ucare"), fees)
	require.Equal(t, coins("94ucare,30uusd"), want["alice"])
	require.Equal(t, coins("10ucare,5uusd"), want["bob"])
	require.Equal(t, coins("15uusd"), want["carol"])
	require.Equal(t, coins("997ucare"), want["granter"])

	// Spending money an account does not have is reported.
	overdraw := &Op{FeePayer: "bob", Fee: fee, Moves: []Move{{From: "bob", To: "alice", Coins: coins("1000ucare")}}}
	_, _, problems = expectBalances(start, []appliedTx{{overdraw, Inclusion{Height: 2}}})
	require.Len(t, problems, 1)
}

func TestHasFeeEvent(t *testing.T) {
	require.True(t, hasFeeEvent([]abci.Event{{Type: "tx", Attributes: []abci.EventAttribute{{Key: "fee", Value: "3ucare"}}}}))
	require.False(t, hasFeeEvent([]abci.Event{{Type: "message", Attributes: []abci.EventAttribute{{Key: "fee", Value: "3ucare"}}}}))
	require.False(t, hasFeeEvent(nil))
}

func TestMsgResponse(t *testing.T) {
	resp := &registrytypes.MsgAddMemberResponse{}
	anyResp, err := codectypes.NewAnyWithValue(resp)
	require.NoError(t, err)
	key := &registrytypes.QueryEncryptionKeyResponse{EncryptionKey: registrytypes.EncryptionKey{Owner: "care1xyz"}}
	anyKey, err := codectypes.NewAnyWithValue(key)
	require.NoError(t, err)
	data, err := gogoproto.Marshal(&sdk.TxMsgData{MsgResponses: []*codectypes.Any{anyResp, anyKey}})
	require.NoError(t, err)
	inc := Inclusion{Data: data}

	var got registrytypes.QueryEncryptionKeyResponse
	require.NoError(t, inc.MsgResponse(1, &got))
	require.Equal(t, "care1xyz", got.EncryptionKey.Owner)
	require.Error(t, inc.MsgResponse(2, &got))
}

func TestSeqMismatchRE(t *testing.T) {
	m := seqMismatchRE.FindStringSubmatch("account sequence mismatch, expected 2, got 7: incorrect account sequence")
	require.Equal(t, []string{"expected 2, got 7", "2", "7"}, m)
}

func TestFreePortsAreDistinctAndInRange(t *testing.T) {
	ps, err := freePorts(20)
	require.NoError(t, err)
	seen := map[int]bool{}
	for _, p := range ps {
		require.False(t, seen[p])
		seen[p] = true
		require.GreaterOrEqual(t, p, portLow)
		require.Less(t, p, portHigh)
	}
}

func TestCheckTxEvents(t *testing.T) {
	coins := func(s string) sdk.Coins { c, err := sdk.ParseCoinsNormalized(s); require.NoError(t, err); return c }
	ev := func(typ, key, addr, amount string) abci.Event {
		return abci.Event{Type: typ, Attributes: []abci.EventAttribute{{Key: key, Value: addr}, {Key: "amount", Value: amount}, {Key: "msg_index", Value: "0"}}}
	}
	spent := func(addr, amount string) abci.Event { return ev("coin_spent", "spender", addr, amount) }
	received := func(addr, amount string) abci.Event { return ev("coin_received", "receiver", addr, amount) }
	fee := coins("1000ucare")
	// A claim paid from the escrow to the provider, its fee paid by the
	// submitter.
	claim := &Op{Kind: "claims-submit", FeePayer: "submitter", Fee: fee, Moves: []Move{{From: "escrow", To: "provider", Coins: coins("80uusd")}}}
	events := []abci.Event{
		spent("submitter", "1000ucare"), received("collector", "1000ucare"),
		{Type: "tx", Attributes: []abci.EventAttribute{{Key: "fee", Value: "1000ucare"}}},
		spent("escrow", "80uusd"), received("provider", "80uusd"),
	}
	ok := appliedTx{claim, Inclusion{Height: 5, FeeCharged: true, Events: events}}
	require.Empty(t, checkTxEvents([]appliedTx{ok}, "collector"))

	// The chain paid a different amount: reported.
	wrongPay := append(append([]abci.Event(nil), events[:3]...), spent("escrow", "81uusd"), received("provider", "81uusd"))
	require.Len(t, checkTxEvents([]appliedTx{{claim, Inclusion{Height: 5, FeeCharged: true, Events: wrongPay}}}, "collector"), 1)
	// Paid to someone else: reported.
	wrongTo := append(append([]abci.Event(nil), events[:4]...), received("stranger", "80uusd"))
	require.Len(t, checkTxEvents([]appliedTx{{claim, Inclusion{Height: 5, FeeCharged: true, Events: wrongTo}}}, "collector"), 1)
	// A failed claim moves only its fee.
	failed := appliedTx{claim, Inclusion{Height: 5, Code: 7, FeeCharged: true, Events: events[:3]}}
	require.Empty(t, checkTxEvents([]appliedTx{failed}, "collector"))
	failed.inc.Events = events
	require.Len(t, checkTxEvents([]appliedTx{failed}, "collector"), 1)
}
