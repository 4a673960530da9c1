package e2e

import (
	"context"
	"fmt"
	"sort"
	"sync"

	dbm "github.com/cosmos/cosmos-db"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/log"

	rpcclient "github.com/cometbft/cometbft/rpc/client"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
)

// Key is an account the harness signs for.
type Key struct {
	Name    string
	Address string
	Addr    sdk.AccAddress
	Priv    cryptotypes.PrivKey
}

// DemoKey derives the devnet key of name (the demo accounts, validator
// operators node0..., and any extra name the load invents).
func DemoKey(name string) Key {
	priv := devnet.DemoPrivKey(name)
	addr := sdk.AccAddress(priv.PubKey().Address())
	return Key{Name: name, Address: addr.String(), Addr: addr, Priv: priv}
}

// Accounts are the keys of a network by name.
type Accounts struct {
	mu     sync.Mutex
	byName map[string]Key
	byAddr map[string]string
}

func newAccounts() *Accounts {
	return &Accounts{byName: map[string]Key{}, byAddr: map[string]string{}}
}

func (a *Accounts) add(k Key) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byName[k.Name] = k
	a.byAddr[k.Address] = k.Name
}

// Key returns the named key; it panics on an unknown name (a test bug).
func (a *Accounts) Key(name string) Key {
	a.mu.Lock()
	defer a.mu.Unlock()
	k, ok := a.byName[name]
	if !ok {
		panic(fmt.Sprintf("e2e: no account %q", name))
	}
	return k
}

// Address returns the named account's bech32 address.
func (a *Accounts) Address(name string) string { return a.Key(name).Address }

// NameOf returns the account name of a bech32 address, or the address.
func (a *Accounts) NameOf(address string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.byAddr[address]; ok {
		return n
	}
	return address
}

// Names lists the account names, sorted.
func (a *Accounts) Names() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.byName))
	for n := range a.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Ensure adds DemoKey(name) if the name is new and returns the key.
func (a *Accounts) Ensure(name string) Key {
	a.mu.Lock()
	k, ok := a.byName[name]
	a.mu.Unlock()
	if ok {
		return k
	}
	k = DemoKey(name)
	a.add(k)
	return k
}

// Encoding is the application's codec and transaction config.
type Encoding struct {
	Codec    codec.Codec
	TxConfig client.TxConfig
}

var encodingOnce = sync.OnceValue(func() *Encoding {
	a := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})
	return &Encoding{Codec: a.AppCodec(), TxConfig: a.TxConfig()}
})

// AppEncoding returns the application's encoding (built once).
func AppEncoding() *Encoding { return encodingOnce() }

// SignTx builds and signs (SIGN_MODE_DIRECT) a transaction of msgs from key
// with the given account number and sequence.
func SignTx(chainID string, key Key, accNum, seq uint64, fee sdk.Coins, gas uint64, feeGranter sdk.AccAddress, msgs ...sdk.Msg) ([]byte, error) {
	txConfig := AppEncoding().TxConfig
	b := txConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return nil, err
	}
	b.SetFeeAmount(fee)
	b.SetGasLimit(gas)
	if feeGranter != nil {
		b.SetFeeGranter(feeGranter)
	}
	mode := signing.SignMode_SIGN_MODE_DIRECT
	// The signer info (public key, sequence) is part of the sign bytes, so it
	// is set with an empty signature first.
	if err := b.SetSignatures(signing.SignatureV2{PubKey: key.Priv.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: seq}); err != nil {
		return nil, err
	}
	signerData := authsigning.SignerData{Address: key.Address, ChainID: chainID, AccountNumber: accNum, Sequence: seq, PubKey: key.Priv.PubKey()}
	bytesToSign, err := authsigning.GetSignBytesAdapter(context.Background(), txConfig.SignModeHandler(), mode, signerData, b.GetTx())
	if err != nil {
		return nil, err
	}
	sig, err := key.Priv.Sign(bytesToSign)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(signing.SignatureV2{PubKey: key.Priv.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode, Signature: sig}, Sequence: seq}); err != nil {
		return nil, err
	}
	return txConfig.TxEncoder()(b.GetTx())
}

// Query runs a gRPC query through the node's ABCI query endpoint at height
// (0: latest).
func Query(ctx context.Context, n *Node, path string, req, resp gogoproto.Message, height int64) error {
	bz, err := gogoproto.Marshal(req)
	if err != nil {
		return err
	}
	res, err := n.Client().ABCIQueryWithOptions(ctx, path, bz, rpcclient.ABCIQueryOptions{Height: height})
	if err != nil {
		return fmt.Errorf("%s %s: %w", n.Name, path, err)
	}
	if res.Response.Code != 0 {
		return fmt.Errorf("%s %s at height %d: code %d: %s", n.Name, path, height, res.Response.Code, res.Response.Log)
	}
	return gogoproto.Unmarshal(res.Response.Value, resp)
}

// pagedResponse is the response of a paginated list query, as a pointer to
// T.
type pagedResponse[T any] interface {
	*T
	gogoproto.Message
	GetPagination() *query.PageResponse
}

// queryPages runs a paginated list query at height, limit items a page:
// request builds the request for a page, and each is called with every
// page's response, up to the last page.
func queryPages[T any, R pagedResponse[T]](ctx context.Context, n *Node, path string, height int64, limit uint64,
	request func(*query.PageRequest) gogoproto.Message, each func(R),
) error {
	var key []byte
	for {
		resp := R(new(T))
		if err := Query(ctx, n, path, request(&query.PageRequest{Key: key, Limit: limit}), resp, height); err != nil {
			return err
		}
		each(resp)
		page := resp.GetPagination()
		if page == nil || len(page.NextKey) == 0 {
			return nil
		}
		key = page.NextKey
	}
}

// Account returns the account number and sequence of address in the
// latest committed state.
func Account(ctx context.Context, n *Node, address string) (accNum, seq uint64, err error) {
	var resp authtypes.QueryAccountResponse
	if err := Query(ctx, n, "/cosmos.auth.v1beta1.Query/Account", &authtypes.QueryAccountRequest{Address: address}, &resp, 0); err != nil {
		return 0, 0, err
	}
	var acc sdk.AccountI
	if err := AppEncoding().Codec.UnpackAny(resp.Account, &acc); err != nil {
		return 0, 0, err
	}
	return acc.GetAccountNumber(), acc.GetSequence(), nil
}
