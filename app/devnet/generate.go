package devnet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/carechain/carechain/app"
)

// Standard ports of a node; node i of a testnet adds its port offset.
const (
	PortP2P  = 26656
	PortRPC  = 26657
	PortABCI = 26658
	PortGRPC = 9090
	PortREST = 1317
)

// Options configure a generated network.
type Options struct {
	// ChainID of the network.
	ChainID string
	// OutputDir receives the node homes. With SingleHome the one node's home
	// is OutputDir itself (the localnet); otherwise node i lives in
	// OutputDir/<NodeDirPrefix><i>.
	OutputDir     string
	SingleHome    bool
	NumValidators int
	NodeDirPrefix string
	// PortOffset is added to every standard port of node i as
	// PortOffset*(i+1) when the network has several nodes, and once for a
	// single-home network. Zero keeps the standard ports.
	PortOffset int
	// TimeoutCommit is written to config.toml explicitly (left at CometBFT's
	// default, the SDK would raise it to 5 s).
	TimeoutCommit time.Duration
	// MinGasPrices every node accepts.
	MinGasPrices string
	// SnapshotInterval for state sync (0 disables snapshots).
	SnapshotInterval uint64
	// GenesisTime; zero means now.
	GenesisTime time.Time
	// MaxBlockGas is the genesis consensus parameter block.max_gas: the
	// most gas (the sum of the transactions' gas limits) one block may
	// hold. Zero keeps CometBFT's default, -1 (no limit).
	MaxBlockGas int64
	// GenesisHooks edit the app state after the demo state and before the
	// gentxs are signed (the benchmark adds its accounts and fixtures here).
	GenesisHooks []GenesisHook
	// ConfigureNode, if set, adjusts node i's CometBFT and app configuration
	// before they are written (the benchmark raises the mempool, turns the
	// indexer off and so on).
	ConfigureNode func(i int, cmt *cmtcfg.Config, app *serverconfig.Config)
}

// GenesisHook edits a development network's app state. net holds the demo
// accounts and the validator nodes.
type GenesisHook func(cdc codec.JSONCodec, genState map[string]json.RawMessage, net *Network) error

// Node describes one generated node.
type Node struct {
	Moniker  string `json:"moniker"`
	Home     string `json:"home"`
	NodeID   string `json:"node_id"`
	P2P      string `json:"p2p"`
	RPC      string `json:"rpc"`
	GRPC     string `json:"grpc"`
	REST     string `json:"rest"`
	Operator string `json:"operator"`
}

// Network is what Generate wrote.
type Network struct {
	ChainID string `json:"chain_id"`
	// GenesisTime is the chain's genesis time; demo state that depends on
	// the date (coverage periods) is built around it.
	GenesisTime time.Time `json:"genesis_time"`
	Nodes       []Node    `json:"nodes"`
	Accounts    []Account `json:"accounts"`
}

// Account returns the named account.
func (n *Network) Account(name string) (Account, bool) {
	for _, a := range n.Accounts {
		if a.Name == name {
			return a, true
		}
	}
	return Account{}, false
}

func (o *Options) validate() error {
	if o.ChainID == "" {
		return fmt.Errorf("chain-id is required")
	}
	if o.OutputDir == "" {
		return fmt.Errorf("output directory is required")
	}
	if o.NumValidators < 1 {
		return fmt.Errorf("at least one validator is required, got %d", o.NumValidators)
	}
	if o.SingleHome && o.NumValidators != 1 {
		return fmt.Errorf("a single-home network has exactly one validator, got %d", o.NumValidators)
	}
	if o.NodeDirPrefix == "" {
		o.NodeDirPrefix = "node"
	}
	if o.TimeoutCommit <= 0 {
		return fmt.Errorf("timeout-commit must be positive")
	}
	if _, err := sdk.ParseDecCoins(o.MinGasPrices); err != nil {
		return fmt.Errorf("minimum gas prices %q: %w", o.MinGasPrices, err)
	}
	if o.GenesisTime.IsZero() {
		o.GenesisTime = time.Now().UTC().Truncate(time.Second)
	}
	return nil
}

func (o *Options) nodeHome(i int) string {
	if o.SingleHome {
		return o.OutputDir
	}
	return filepath.Join(o.OutputDir, fmt.Sprintf("%s%d", o.NodeDirPrefix, i))
}

func (o *Options) offset(i int) int {
	if o.SingleHome {
		return o.PortOffset
	}
	return o.PortOffset * (i + 1)
}

func (o *Options) moniker(i int) string {
	if o.SingleHome {
		return Validator
	}
	return fmt.Sprintf("%s%d", o.NodeDirPrefix, i)
}

// GenesisValidator is a validator bonded in genesis by a signed gentx.
type GenesisValidator struct {
	// Name of the operator key (validator, node0, ...).
	Name string
	// PubKey is the consensus public key.
	PubKey cryptotypes.PubKey
	// Node is written into the gentx memo (node id and P2P address).
	Node Node
}

// BuildGenesis returns the development network's app state: the demo
// accounts and validator operators funded, the demo state of every module,
// and one signed gentx per validator. genesisTime is the chain's genesis
// time (demo coverage periods are the calendar year it falls in). It imports
// every key into kr (any keyring; tests use an in-memory one) and returns the
// accounts, operators first. hooks run after the demo state, in order.
func BuildGenesis(ctx context.Context, a *app.CarechainApp, kr keyring.Keyring, chainID string, genesisTime time.Time, vals []GenesisValidator, hooks ...GenesisHook) (map[string]json.RawMessage, []Account, error) {
	cdc := a.AppCodec()
	txConfig := a.TxConfig()
	addrCodec := a.AccountKeeper.AddressCodec()

	var accounts []Account
	for _, v := range vals {
		accounts = append(accounts, validatorAccountSpec(v.Name))
	}
	accounts = append(accounts, demoAccountSpecs()...)
	for i := range accounts {
		accounts[i].Mnemonic = DemoMnemonic(accounts[i].Name)
		addr, err := importKey(kr, accounts[i].Name, accounts[i].Mnemonic)
		if err != nil {
			return nil, nil, err
		}
		if err := accounts[i].derive(addrCodec.BytesToString, addr); err != nil {
			return nil, nil, err
		}
	}
	net := &Network{ChainID: chainID, GenesisTime: genesisTime.UTC(), Accounts: accounts}
	for i, v := range vals {
		node := v.Node
		node.Operator = accounts[i].Address
		net.Nodes = append(net.Nodes, node)
	}

	genState := a.DefaultGenesis()
	if err := setAccountsAndBalances(cdc, genState, accounts); err != nil {
		return nil, nil, err
	}
	if err := applyDemoState(cdc, genState, net); err != nil {
		return nil, nil, err
	}
	for _, hook := range hooks {
		if err := hook(cdc, genState, net); err != nil {
			return nil, nil, err
		}
	}

	var genTxs []sdk.Tx
	for i, v := range vals {
		gentx, err := signGenTx(ctx, txConfig, kr, chainID, accounts[i], v.PubKey, net.Nodes[i])
		if err != nil {
			return nil, nil, err
		}
		genTxs = append(genTxs, gentx)
	}
	genState[genutiltypes.ModuleName] = cdc.MustMarshalJSON(genutiltypes.NewGenesisStateFromTx(txConfig.TxJSONEncoder(), genTxs))

	if err := a.BasicManager().ValidateGenesis(cdc, txConfig, genState); err != nil {
		return nil, nil, fmt.Errorf("generated genesis is invalid: %w", err)
	}
	return genState, accounts, nil
}

// Generate writes node homes, keys (test keyring) and a shared genesis. It
// refuses to overwrite an existing genesis.
func Generate(ctx context.Context, opts Options) (*Network, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	for i := 0; i < opts.NumValidators; i++ {
		if _, err := os.Stat(filepath.Join(opts.nodeHome(i), "config", "genesis.json")); err == nil {
			return nil, fmt.Errorf("%s already holds a chain; remove it first", opts.nodeHome(i))
		}
	}

	tempApp := app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})
	cdc := tempApp.AppCodec()

	net := &Network{ChainID: opts.ChainID, GenesisTime: opts.GenesisTime}
	vals := make([]GenesisValidator, opts.NumValidators)
	cmtConfigs := make([]*cmtcfg.Config, opts.NumValidators)
	for i := 0; i < opts.NumValidators; i++ {
		home := opts.nodeHome(i)
		for _, dir := range []string{"config", "data"} {
			if err := os.MkdirAll(filepath.Join(home, dir), 0o755); err != nil {
				return nil, err
			}
		}
		cfg := cometConfig(opts, i)
		cmtConfigs[i] = cfg
		nodeID, pubKey, err := genutil.InitializeNodeValidatorFiles(cfg)
		if err != nil {
			return nil, fmt.Errorf("node %d validator files: %w", i, err)
		}
		off := opts.offset(i)
		vals[i] = GenesisValidator{
			Name:   opts.moniker(i),
			PubKey: pubKey,
			Node: Node{
				Moniker: opts.moniker(i),
				Home:    home,
				NodeID:  nodeID,
				P2P:     fmt.Sprintf("127.0.0.1:%d", PortP2P+off),
				RPC:     fmt.Sprintf("http://127.0.0.1:%d", PortRPC+off),
				GRPC:    fmt.Sprintf("127.0.0.1:%d", PortGRPC+off),
				REST:    fmt.Sprintf("http://127.0.0.1:%d", PortREST+off),
			},
		}
	}

	genState, accounts, err := BuildGenesis(ctx, tempApp, keyring.NewInMemory(cdc), opts.ChainID, opts.GenesisTime, vals, append([]GenesisHook{PublishDemoEncryptionKeys}, opts.GenesisHooks...)...)
	if err != nil {
		return nil, err
	}
	net.Accounts = accounts
	for i, v := range vals {
		v.Node.Operator = accounts[i].Address
		net.Nodes = append(net.Nodes, v.Node)
	}

	appState, err := json.MarshalIndent(genState, "", "  ")
	if err != nil {
		return nil, err
	}
	appGenesis := genutiltypes.NewAppGenesisWithVersion(opts.ChainID, appState)
	appGenesis.GenesisTime = opts.GenesisTime
	if err := appGenesis.ValidateAndComplete(); err != nil {
		return nil, err
	}
	if opts.MaxBlockGas != 0 {
		appGenesis.Consensus.Params.Block.MaxGas = opts.MaxBlockGas
		if err := appGenesis.ValidateAndComplete(); err != nil {
			return nil, fmt.Errorf("max block gas %d: %w", opts.MaxBlockGas, err)
		}
	}

	// Carechain's app.toml, [carechain] section included, whichever
	// template the calling process has set (carechaind's root command sets
	// this one).
	serverconfig.SetConfigTemplate(app.AppConfigTemplate)
	for i := 0; i < opts.NumValidators; i++ {
		home := opts.nodeHome(i)
		// Each node's test keyring holds its own operator key and every demo
		// key, so any node home works as the CLI's --home.
		kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, home, nil, cdc)
		if err != nil {
			return nil, err
		}
		for j, acct := range accounts {
			if j < opts.NumValidators && j != i {
				continue
			}
			if _, err := importKey(kr, acct.Name, acct.Mnemonic); err != nil {
				return nil, err
			}
		}
		cfg := cmtConfigs[i]
		cfg.P2P.PersistentPeers = persistentPeers(net.Nodes, i)
		appCfg := appConfig(opts, i)
		if opts.ConfigureNode != nil {
			opts.ConfigureNode(i, cfg, appCfg)
		}
		cmtcfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), cfg)
		serverconfig.WriteConfigFile(filepath.Join(home, "config", "app.toml"), app.AppConfig{Config: *appCfg})
		if err := writeClientConfig(filepath.Join(home, "config", "client.toml"), opts.ChainID, net.Nodes[i].RPC); err != nil {
			return nil, err
		}
		if err := appGenesis.SaveAs(cfg.GenesisFile()); err != nil {
			return nil, err
		}
	}

	bz, err := json.MarshalIndent(net, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(opts.OutputDir, "network.json"), bz, 0o600); err != nil {
		return nil, err
	}
	return net, nil
}

func importKey(kr keyring.Keyring, name, mnemonic string) (sdk.AccAddress, error) {
	rec, err := kr.NewAccount(name, mnemonic, "", hd.CreateHDPath(app.CoinType, 0, 0).String(), hd.Secp256k1)
	if err != nil {
		return nil, fmt.Errorf("importing key %s: %w", name, err)
	}
	return rec.GetAddress()
}

func cometConfig(opts Options, i int) *cmtcfg.Config {
	off := opts.offset(i)
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(opts.nodeHome(i))
	cfg.Moniker = opts.moniker(i)
	cfg.Consensus.TimeoutCommit = opts.TimeoutCommit
	cfg.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", PortP2P+off)
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.AllowDuplicateIP = true
	cfg.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", PortRPC+off)
	// Browser wallets and dApps under development call RPC directly.
	cfg.RPC.CORSAllowedOrigins = []string{"*"}
	cfg.RPC.PprofListenAddress = ""
	cfg.ProxyApp = fmt.Sprintf("tcp://127.0.0.1:%d", PortABCI+off)
	return cfg
}

func appConfig(opts Options, i int) *serverconfig.Config {
	off := opts.offset(i)
	cfg := serverconfig.DefaultConfig()
	cfg.MinGasPrices = opts.MinGasPrices
	cfg.API.Enable = true
	cfg.API.Swagger = false
	cfg.API.EnableUnsafeCORS = true
	cfg.API.Address = fmt.Sprintf("tcp://127.0.0.1:%d", PortREST+off)
	cfg.GRPC.Enable = true
	cfg.GRPC.Address = fmt.Sprintf("127.0.0.1:%d", PortGRPC+off)
	cfg.StateSync.SnapshotInterval = opts.SnapshotInterval
	cfg.StateSync.SnapshotKeepRecent = 2
	cfg.IAVLCacheSize = app.DefaultIAVLCacheSize
	return cfg
}

func persistentPeers(nodes []Node, self int) string {
	var peers []string
	for j, n := range nodes {
		if j == self {
			continue
		}
		peers = append(peers, fmt.Sprintf("%s@%s", n.NodeID, n.P2P))
	}
	return strings.Join(peers, ",")
}

var clientTemplate = template.Must(template.New("client").Parse(`# Written by carechaind testnet; see README.md.
chain-id = "{{ .ChainID }}"
keyring-backend = "test"
keyring-default-keyname = ""
output = "text"
node = "{{ .Node }}"
broadcast-mode = "sync"
`))

func writeClientConfig(path, chainID, rpc string) error {
	var buf strings.Builder
	node := strings.Replace(rpc, "http://", "tcp://", 1)
	if err := clientTemplate.Execute(&buf, struct{ ChainID, Node string }{chainID, node}); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(buf.String()), 0o600)
}

func signGenTx(ctx context.Context, txConfig client.TxConfig, kr keyring.Keyring, chainID string, op Account, pubKey cryptotypes.PubKey, node Node) (sdk.Tx, error) {
	valAddr := sdk.ValAddress(op.AccAddress())
	valAddrStr, err := txConfig.SigningContext().ValidatorAddressCodec().BytesToString(valAddr)
	if err != nil {
		return nil, err
	}
	msg, err := stakingtypes.NewMsgCreateValidator(
		valAddrStr,
		pubKey,
		sdk.NewCoin(app.BondDenom, ValidatorSelfDelegation),
		stakingtypes.NewDescription(node.Moniker, "", "", "", "Carechain development validator"),
		stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(5, 2), sdkmath.LegacyNewDecWithPrec(20, 2), sdkmath.LegacyNewDecWithPrec(1, 2)),
		sdkmath.OneInt(),
	)
	if err != nil {
		return nil, err
	}
	memo := fmt.Sprintf("%s@%s", node.NodeID, node.P2P)
	builder := txConfig.NewTxBuilder()
	if err := builder.SetMsgs(msg); err != nil {
		return nil, err
	}
	builder.SetMemo(memo)
	builder.SetGasLimit(400_000)
	txf := tx.Factory{}.
		WithChainID(chainID).
		WithMemo(memo).
		WithKeybase(kr).
		WithTxConfig(txConfig).
		WithSignMode(signing.SignMode_SIGN_MODE_DIRECT)
	if err := tx.Sign(ctx, txf, op.Name, builder, true); err != nil {
		return nil, fmt.Errorf("signing gentx of %s: %w", op.Name, err)
	}
	return builder.GetTx(), nil
}
