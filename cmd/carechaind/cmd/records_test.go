package cmd_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	dbm "github.com/cosmos/cosmos-db"

	sdkmath "cosmossdk.io/math"
	pruningtypes "cosmossdk.io/store/pruning/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdknetwork "github.com/cosmos/cosmos-sdk/testutil/network"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/cmd/carechaind/cmd"
	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vaultauth"
	"github.com/carechain/carechain/testutil/network"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) Bytes() []byte               { s.mu.Lock(); defer s.mu.Unlock(); return bytes.Clone(s.b.Bytes()) }

// recordsWorld is one validator running the real app (in process, with
// CometBFT, gRPC and the RPC), a real vault HTTP server asking it over
// gRPC, and the real carechaind command tree.
type recordsWorld struct {
	t        *testing.T
	net      *sdknetwork.Network
	val      *sdknetwork.Validator
	chainID  string
	apps     []*app.CarechainApp
	vaultDir string
	logs     *syncBuf
	store    *vault.Store
	ts       *httptest.Server
	addrs    map[string]string
	// stopChain stops the network (once).
	stopChain func()
	privs     map[string]cryptotypes.PrivKey
}

var recordsAccounts = []string{devnet.Alice, devnet.Bob, devnet.MercyAdmin, devnet.AcmeAdmin}

func newRecordsWorld(t *testing.T) *recordsWorld {
	w := &recordsWorld{t: t, logs: &syncBuf{}, addrs: map[string]string{}, privs: map[string]cryptotypes.PrivKey{}}
	cfg := network.DefaultConfig(t, 1)
	var mu sync.Mutex
	cfg.AppConstructor = func(val sdknetwork.ValidatorI) servertypes.Application {
		a := app.NewCarechainApp(
			val.GetCtx().Logger, dbm.NewMemDB(), nil, true, app.EmptyAppOptions{},
			baseapp.SetPruning(pruningtypes.NewPruningOptionsFromString(val.GetAppConfig().Pruning)),
			baseapp.SetMinGasPrices(val.GetAppConfig().MinGasPrices),
			baseapp.SetChainID(val.GetCtx().Viper.GetString("chain-id")),
		)
		mu.Lock()
		w.apps = append(w.apps, a)
		mu.Unlock()
		return a
	}
	cdc := cfg.Codec

	// Demo accounts, funded; mercy-general (PROVIDER) with mercy-admin,
	// acme-health (PAYER) with acme-admin; everyone's derived encryption
	// key published, as on the localnet.
	var authGen authtypes.GenesisState
	cdc.MustUnmarshalJSON(cfg.GenesisState[authtypes.ModuleName], &authGen)
	var bankGen banktypes.GenesisState
	cdc.MustUnmarshalJSON(cfg.GenesisState[banktypes.ModuleName], &bankGen)
	var reg registrytypes.GenesisState
	cdc.MustUnmarshalJSON(cfg.GenesisState[registrytypes.ModuleName], &reg)
	for _, name := range recordsAccounts {
		priv := devnet.DemoPrivKey(name)
		addr := sdk.AccAddress(priv.PubKey().Address())
		s := sdk.MustBech32ifyAddressBytes(app.Bech32Prefix, addr)
		w.addrs[name], w.privs[name] = s, priv
		packed, err := authtypes.PackAccounts([]authtypes.GenesisAccount{authtypes.NewBaseAccount(addr, nil, 0, 0)})
		require.NoError(t, err)
		authGen.Accounts = append(authGen.Accounts, packed...)
		bankGen.Balances = append(bankGen.Balances, banktypes.Balance{Address: s, Coins: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(10_000_000_000)))})
		pub, err := devnet.DemoEncryptionPublicKey(devnet.DemoMnemonic(name), s)
		require.NoError(t, err)
		reg.EncryptionKeys = append(reg.EncryptionKeys, registrytypes.EncryptionKey{Owner: s, X25519PublicKey: pub})
	}
	reg.Organizations = append(reg.Organizations,
		registrytypes.Organization{Id: devnet.OrgMercy, Name: "Mercy General Hospital", Admin: w.addrs[devnet.MercyAdmin], PayoutAddress: w.addrs[devnet.MercyAdmin],
			Status: registrytypes.OrgStatusActive, Roles: []registrytypes.Role{registrytypes.RoleProvider}},
		registrytypes.Organization{Id: devnet.OrgAcme, Name: "Acme Health Insurance", Admin: w.addrs[devnet.AcmeAdmin], PayoutAddress: w.addrs[devnet.AcmeAdmin],
			Status: registrytypes.OrgStatusActive, Roles: []registrytypes.Role{registrytypes.RolePayer}},
	)
	reg.Memberships = append(reg.Memberships,
		registrytypes.Membership{OrganizationId: devnet.OrgMercy, Address: w.addrs[devnet.MercyAdmin]},
		registrytypes.Membership{OrganizationId: devnet.OrgAcme, Address: w.addrs[devnet.AcmeAdmin]},
	)
	cfg.GenesisState[authtypes.ModuleName] = cdc.MustMarshalJSON(&authGen)
	cfg.GenesisState[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	cfg.GenesisState[registrytypes.ModuleName] = cdc.MustMarshalJSON(&reg)

	var err error
	w.net, err = sdknetwork.New(t, t.TempDir(), cfg)
	require.NoError(t, err)
	var once sync.Once
	w.stopChain = func() { once.Do(w.net.Cleanup) }
	t.Cleanup(w.stopChain)
	_, err = w.net.WaitForHeight(2)
	require.NoError(t, err)
	w.val = w.net.Validators[0]
	w.chainID = cfg.ChainID
	for _, name := range recordsAccounts {
		_, err := w.val.ClientCtx.Keyring.NewAccount(name, devnet.DemoMnemonic(name), "", hd.CreateHDPath(app.CoinType, 0, 0).String(), hd.Secp256k1)
		require.NoError(t, err)
	}
	w.vaultDir = filepath.Join(t.TempDir(), "vault")
	w.startVault()
	return w
}

// startVault (re)starts the vault over the same directory.
func (w *recordsWorld) startVault() {
	t := w.t
	if w.ts != nil {
		w.ts.Close()
		require.NoError(t, w.store.Close())
	}
	chain, err := vault.DialGRPCChain(context.Background(), vault.GRPCChainConfig{GRPCAddress: w.val.AppConfig.GRPC.Address, Insecure: true})
	require.NoError(t, err)
	t.Cleanup(func() { chain.Close() })
	w.store, err = vault.OpenStore(w.vaultDir)
	require.NoError(t, err)
	auth := vaultauth.NewVerifier(vaultauth.VerifierConfig{Prefix: app.Bech32Prefix, Window: time.Minute})
	srv := vault.NewServer(w.store, chain, auth, vault.Config{
		AccessMaxAge: 5 * time.Minute,
		Logger:       slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	w.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(w.ts.Close)
}

// run executes carechaind with args as the CLI does; it returns stdout
// and stderr together.
func (w *recordsWorld) run(args ...string) (string, error) {
	root := cmd.NewRootCmd()
	var out strings.Builder
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := svrcmd.Execute(root, "CARECHAIND", w.val.ClientCtx.HomeDir)
	return out.String(), err
}

func (w *recordsWorld) flags() []string {
	return []string{"--home", w.val.ClientCtx.KeyringDir, "--keyring-backend", "test", "--node", w.val.RPCAddress, "--chain-id", w.chainID}
}

func (w *recordsWorld) records(sub string, args ...string) (map[string]any, string, error) {
	all := append(append([]string{"records", sub}, args...), "--vault", w.ts.URL)
	out, err := w.run(append(all, w.flags()...)...)
	if err != nil {
		return nil, out, err
	}
	var m map[string]any
	require.NoError(w.t, json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &m), out)
	return m, out, nil
}

// tx sends an autocli transaction and waits two blocks.
func (w *recordsWorld) tx(args ...string) string {
	out, err := w.run(append(append([]string{"tx"}, args...), append(w.flags(), "-y", "--fees", "5000"+app.BondDenom, "--output", "json")...)...)
	require.NoError(w.t, err, out)
	require.NoError(w.t, w.net.WaitForNextBlock())
	require.NoError(w.t, w.net.WaitForNextBlock())
	return out
}

func (w *recordsWorld) accessLog() []recordstypes.AccessEvent {
	res, err := recordstypes.NewQueryClient(w.val.ClientCtx).AccessLog(context.Background(), &recordstypes.QueryAccessLogRequest{Patient: w.addrs[devnet.Alice]})
	require.NoError(w.t, err)
	return res.Events
}

func (w *recordsWorld) vaultClient(name string) *vault.Client {
	s, err := vaultauth.NewPrivKeySigner(app.Bech32Prefix, w.privs[name])
	require.NoError(w.t, err)
	return &vault.Client{BaseURL: w.ts.URL, Signer: s}
}

func wantVaultError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var ae *vault.APIError
	require.True(t, errors.As(err, &ae), "got %v, want HTTP %d %s", err, status, code)
	require.Equal(t, status, ae.Status, ae.Error())
	require.Equal(t, code, ae.Code, ae.Error())
}

func encryptionKeyOf(t *testing.T, priv cryptotypes.PrivKey) *ecdh.PrivateKey {
	addr := sdk.MustBech32ifyAddressBytes(app.Bech32Prefix, priv.PubKey().Address())
	k, err := carecrypto.DeriveEncryptionKeyWith(addr, priv.PubKey().Bytes(), priv.Sign)
	require.NoError(t, err)
	return k
}

// TestRecordsEndToEnd is issue 8's Must-show 1-5 with the real CLI, a real
// vault and an in-process chain.
func TestRecordsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an in-process chain")
	}
	w := newRecordsWorld(t)
	ctx := context.Background()
	alice, mercy, acme := w.addrs[devnet.Alice], w.addrs[devnet.MercyAdmin], w.addrs[devnet.AcmeAdmin]
	dir := t.TempDir()
	doc := []byte(`{"resourceType":"Observation","code":"4548-4","valueQuantity":{"value":5.4,"unit":"%"},"note":"SYNTHETIC-PLAINTEXT-MARKER-7f3a"}`)
	docPath := filepath.Join(dir, "lab.json")
	require.NoError(t, os.WriteFile(docPath, doc, 0o600))

	// The derived key is what genesis published (keys encryption-key).
	out, err := w.run(append([]string{"keys", "encryption-key", devnet.Alice}, w.flags()[:4]...)...)
	require.NoError(t, err, out)
	require.Equal(t, base64.StdEncoding.EncodeToString(encryptionKeyOf(t, w.privs[devnet.Alice]).PublicKey().Bytes()), strings.TrimSpace(out))

	// Must-show 1: alice grants mercy-general READ/WRITE for TREAT; mercy
	// puts a file; alice gets it byte-identical; her log shows the read.
	w.tx("consent", "grant", alice, "permit", "--grantee-org", devnet.OrgMercy, "--actions", "read", "--actions", "write",
		"--purposes", "treat", "--expires-at", time.Now().Add(30*24*time.Hour).UTC().Format(time.RFC3339), "--from", devnet.Alice)
	put, out, err := w.records("put", "--patient", alice, "--category", "Observation", "--file", docPath, "--from", devnet.MercyAdmin)
	require.NoError(t, err, out)
	recID := put["record_id"].(string)
	require.Equal(t, "1", recID)
	hash := put["ciphertext_hash"].(string)

	aliceOut := filepath.Join(dir, "alice.json")
	got, out, err := w.records("get", recID, "--out", aliceOut, "--from", devnet.Alice)
	require.NoError(t, err, out)
	bz, err := os.ReadFile(aliceOut)
	require.NoError(t, err)
	require.Equal(t, doc, bz, "alice's copy must be byte-identical")
	aliceEvent := got["access_event_id"].(string)
	log := w.accessLog()
	require.Len(t, log, 1)
	require.Equal(t, alice, log[0].Accessor)
	require.Equal(t, aliceEvent, strconv.FormatUint(log[0].Id, 10))

	// mercy reads too (logged, by the consent).
	mercyOut := filepath.Join(dir, "mercy.json")
	got, out, err = w.records("get", recID, "--out", mercyOut, "--from", devnet.MercyAdmin)
	require.NoError(t, err, out)
	mercyEvent, _ := strconv.ParseUint(got["access_event_id"].(string), 10, 64)
	bz, _ = os.ReadFile(mercyOut)
	require.Equal(t, doc, bz)

	// records share: refused while bob holds no READ access; after alice
	// grants it, the data key is re-wrapped to bob, who can read.
	bob := w.addrs[devnet.Bob]
	_, out, err = w.records("share", recID, "--with", bob, "--from", devnet.Alice)
	require.Error(t, err)
	require.Contains(t, out+err.Error(), "may not READ")
	w.tx("consent", "grant", alice, "permit", "--grantee", bob, "--actions", "read",
		"--purposes", "treat", "--expires-at", time.Now().Add(30*24*time.Hour).UTC().Format(time.RFC3339), "--from", devnet.Alice)
	_, out, err = w.records("share", recID, "--with", bob, "--from", devnet.Alice)
	require.NoError(t, err, out)
	bobOut := filepath.Join(dir, "bob.json")
	_, out, err = w.records("get", recID, "--out", bobOut, "--from", devnet.Bob)
	require.NoError(t, err, out)
	bz, _ = os.ReadFile(bobOut)
	require.Equal(t, doc, bz)

	// Must-show 2: acme without consent. records get refuses before
	// sending anything; a hand-made MsgRecordAccess fails on chain; the
	// vault answers 403; no access event of acme exists.
	acmeOut := filepath.Join(dir, "acme.json")
	_, out, err = w.records("get", recID, "--out", acmeOut, "--from", devnet.AcmeAdmin)
	require.Error(t, err)
	require.Contains(t, out+err.Error(), "access denied")
	require.NoFileExists(t, acmeOut)
	w.tx("records", "record-access", recID, "treat", "--from", devnet.AcmeAdmin)
	_, err = w.vaultClient(devnet.AcmeAdmin).DownloadRecord(ctx, 1, "PURPOSE_TREAT", 0)
	wantVaultError(t, err, http.StatusForbidden, vault.CodeAccessDenied)
	_, err = w.vaultClient(devnet.AcmeAdmin).DownloadRecord(ctx, 1, "", 0)
	wantVaultError(t, err, http.StatusForbidden, vault.CodeAccessNotLogged)
	for _, ev := range w.accessLog() {
		require.NotEqual(t, acme, ev.Accessor, "an access event exists for acme's refused attempt")
	}
	require.Len(t, w.accessLog(), 3) // alice, mercy, bob

	// Must-show 4: a replayed or expired signed request is refused; an
	// upload whose body does not match its hash is refused.
	signer, err := vaultauth.NewPrivKeySigner(app.Bech32Prefix, w.privs[devnet.Alice])
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, w.ts.URL+"/v1/records/1/blob", nil)
	require.NoError(t, err)
	require.NoError(t, vaultauth.SignRequest(req, signer, vaultauth.EmptySHA256, time.Now()))
	replay := req.Clone(ctx)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode) // the patient's own read
	resp, err = http.DefaultClient.Do(replay)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "replayed request")
	old := &vault.Client{BaseURL: w.ts.URL, Signer: signer, Now: func() time.Time { return time.Now().Add(-5 * time.Minute) }}
	_, err = old.DownloadRecord(ctx, 1, "", 0)
	wantVaultError(t, err, http.StatusUnauthorized, vault.CodeUnauthenticated)
	other := []byte("some other blob")
	err = w.vaultClient(devnet.MercyAdmin).Upload(ctx, hash, bytes.NewReader(other), int64(len(other)))
	wantVaultError(t, err, http.StatusBadRequest, vault.CodeBodyHashMismatch)

	// Must-show 3: a blob altered on the vault's disk is caught by records
	// get (hash mismatch against the chain) and nothing is written.
	var blobPath string
	require.NoError(t, filepath.WalkDir(w.vaultDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == hash {
			blobPath = p
		}
		return err
	}))
	require.NotEmpty(t, blobPath)
	orig, err := os.ReadFile(blobPath)
	require.NoError(t, err)
	tampered := bytes.Clone(orig)
	tampered[len(tampered)/2] ^= 0x01
	require.NoError(t, os.WriteFile(blobPath, tampered, 0o600))
	tamperDir := t.TempDir()
	tamperOut := filepath.Join(tamperDir, "tampered.json")
	_, out, err = w.records("get", recID, "--out", tamperOut, "--from", devnet.Alice)
	require.Error(t, err)
	require.Contains(t, out+err.Error(), "does not match the anchored ciphertext hash")
	entries, _ := os.ReadDir(tamperDir)
	require.Empty(t, entries, "nothing may be written, not even a temporary file")
	require.NoError(t, os.WriteFile(blobPath, orig, 0o600))

	// Must-show 4: the vault restarted keeps every blob, and a used access
	// event stays used.
	w.startVault()
	restartOut := filepath.Join(dir, "after-restart.json")
	_, out, err = w.records("get", recID, "--out", restartOut, "--from", devnet.Alice)
	require.NoError(t, err, out)
	bz, _ = os.ReadFile(restartOut)
	require.Equal(t, doc, bz)
	_, err = w.vaultClient(devnet.MercyAdmin).DownloadRecord(ctx, 1, "", mercyEvent)
	wantVaultError(t, err, http.StatusConflict, vault.CodeAccessEventUsed)

	// Must-show 2: after alice revokes, mercy is refused, by the CLI and by
	// the vault (even holding an access logged before the revocation).
	w.tx("records", "record-access", recID, "treat", "--from", devnet.MercyAdmin)
	events := w.accessLog()
	preRevoke := events[len(events)-1]
	require.Equal(t, mercy, preRevoke.Accessor)
	w.tx("consent", "revoke", alice, "1", "--from", devnet.Alice)
	revokedOut := filepath.Join(dir, "revoked.json")
	_, out, err = w.records("get", recID, "--out", revokedOut, "--from", devnet.MercyAdmin)
	require.Error(t, err)
	require.Contains(t, out+err.Error(), "access denied")
	require.NoFileExists(t, revokedOut)
	_, err = w.vaultClient(devnet.MercyAdmin).DownloadRecord(ctx, 1, "", preRevoke.Id)
	wantVaultError(t, err, http.StatusForbidden, vault.CodeAccessDenied)

	// Must-show 5: no plaintext, data key or private key on chain, in the
	// vault's store or in its logs.
	env, err := recordstypes.NewQueryClient(w.val.ClientCtx).KeyEnvelope(ctx, &recordstypes.QueryKeyEnvelopeRequest{RecordId: 1, Recipient: alice})
	require.NoError(t, err)
	dataKey, err := carecrypto.OpenEnvelope(encryptionKeyOf(t, w.privs[devnet.Alice]), hash, carecrypto.Envelope{
		Scheme: env.Envelope.Scheme, EphemeralPublicKey: env.Envelope.EphemeralPublicKey, WrappedKey: env.Envelope.WrappedKey})
	require.NoError(t, err)
	secrets := map[string][]byte{"plaintext": doc, "plaintext marker": []byte("SYNTHETIC-PLAINTEXT-MARKER-7f3a"), "data key": dataKey}
	for _, name := range recordsAccounts {
		secrets[name+" secp256k1 key"] = w.privs[name].Bytes()
		secrets[name+" x25519 key"] = encryptionKeyOf(t, w.privs[name]).Bytes()
	}

	// The chain: the application state exported after the node stops.
	require.Len(t, w.apps, 1)
	w.ts.Close()
	w.stopChain()
	exported, err := w.apps[0].ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	var recGen recordstypes.GenesisState
	require.NoError(t, codec.NewProtoCodec(w.apps[0].InterfaceRegistry()).UnmarshalJSON(appStateOf(t, exported.AppState, recordstypes.ModuleName), &recGen))
	require.Len(t, recGen.Records, 1, "the export holds the record")
	require.GreaterOrEqual(t, len(recGen.AccessEvents), 4)

	// Positive controls: the search does see what is public.
	require.Contains(t, string(exported.AppState), hash)
	require.Contains(t, string(exported.AppState), base64.StdEncoding.EncodeToString(env.Envelope.WrappedKey))
	require.Contains(t, string(w.logs.Bytes()), hash)

	haystacks := map[string][]byte{"chain state export": exported.AppState, "vault logs": w.logs.Bytes()}
	require.NoError(t, filepath.WalkDir(w.vaultDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			bz, err := os.ReadFile(p)
			haystacks["vault store "+p] = bz
			return err
		}
		return err
	}))
	require.Greater(t, len(haystacks), 3)
	require.Contains(t, string(w.logs.Bytes()), `"msg":"blob served"`)
	for what, s := range secrets {
		forms := [][]byte{s, []byte(hex.EncodeToString(s)), []byte(strings.ToUpper(hex.EncodeToString(s))),
			[]byte(base64.StdEncoding.EncodeToString(s)), []byte(base64.RawStdEncoding.EncodeToString(s)), []byte(base64.RawURLEncoding.EncodeToString(s))}
		for where, h := range haystacks {
			for _, f := range forms {
				require.False(t, bytes.Contains(h, f), "%s found in %s", what, where)
			}
		}
	}
}

func appStateOf(t *testing.T, state json.RawMessage, module string) json.RawMessage {
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(state, &m))
	require.Contains(t, m, module)
	return m[module]
}
