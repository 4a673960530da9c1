package cmd

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/pkg/carecrypto"
	"github.com/carechain/carechain/pkg/recordsclient"
	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vaultauth"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

const (
	flagVault       = "vault"
	flagPatient     = "patient"
	flagCategory    = "category"
	flagFile        = "file"
	flagShareWith   = "share-with"
	flagPurpose     = "purpose"
	flagOut         = "out"
	flagWith        = "with"
	flagWaitTimeout = "wait-timeout"
	flagSupersedes  = "supersedes"

	// DefaultVaultURL is where `make localnet` runs the vault.
	DefaultVaultURL = "http://127.0.0.1:7070"
)

// NewRecordsCmd returns `carechaind records`: encrypted documents end to
// end (client-side encryption, the vault, and the chain's log).
func NewRecordsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "records",
		Short: "Store, read and share encrypted medical documents (client-side encryption + vault + x/records)",
		Long: `records moves documents between your machine and a Carechain vault, encrypted
end to end. The document is encrypted here with a fresh data key
(XChaCha20-Poly1305); the key is wrapped (HPKE, X25519) to each reader's
published encryption key; the vault stores only ciphertext; the chain stores
the record (hashes, no content), the wrapped keys and the log of every read.

Your encryption key is derived from your account key (see
'carechaind keys encryption-key'); publish it once with
  carechaind tx registry set-encryption-key $(carechaind keys encryption-key NAME) --from NAME`,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(newRecordsPutCmd(), newRecordsGetCmd(), newRecordsShareCmd())
	return cmd
}

func addRecordsTxFlags(cmd *cobra.Command) {
	flags.AddTxFlagsToCmd(cmd)
	cmd.Flags().String(flagVault, DefaultVaultURL, "base URL of the vault")
	cmd.Flags().Duration(flagWaitTimeout, time.Minute, "how long to wait for a transaction to be committed")
}

func newRecordsPutCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "put --patient ADDRESS --category CATEGORY --file FILE --from KEY",
		Short: "Encrypt a document, upload it to the vault and anchor it as a record, in one command",
		Long: `put encrypts FILE with a fresh data key, wraps the key to the patient, to you
(the author) and to every --share-with account (each must have published an
encryption key, and each --share-with account must hold READ access for TREAT),
uploads the ciphertext to the vault, and sends MsgCreateRecord with the
ciphertext hash, the salted content commitment and the key envelopes.

Only ciphertext leaves this machine. The author is --from: the patient, or a
member of an ACTIVE PROVIDER organization that holds the patient's WRITE
consent for TREAT in this category. Prints the record as JSON.`,
		Example: `  carechaind records put --patient care1alice... --category Observation --file lab.json --from mercy-admin
  carechaind records put --patient care1alice... --category 11506-3 --file note.pdf --share-with care1bob... --from mercy-admin --vault http://127.0.0.1:7070`,
		Args: cobra.NoArgs,
		RunE: runRecordsPut,
	}
	addRecordsTxFlags(cmd)
	f := cmd.Flags()
	f.String(flagPatient, "", "the patient's address (required)")
	f.String(flagCategory, "", "FHIR resource type, LOINC document code or sensitivity label (required)")
	f.String(flagFile, "", "the document to store (required)")
	f.StringSlice(flagShareWith, nil, "further readers to wrap the data key to (comma-separated addresses)")
	f.Uint64(flagSupersedes, 0, "id of the CURRENT record this one replaces (a new version)")
	for _, n := range []string{flagPatient, flagCategory, flagFile} {
		_ = cmd.MarkFlagRequired(n)
	}
	return cmd
}

func newRecordsGetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get RECORD_ID --out FILE --from KEY",
		Short: "Log the read on chain, download the record's blob, verify it against the chain and decrypt it",
		Long: `get reads a record:

  1. looks the record and your key envelope up on chain, and asks x/records
     whether you may READ it for --purpose (nothing is sent if not);
  2. sends MsgRecordAccess and waits until it is committed: the read is in
     the patient's access log before a byte leaves the vault (the patient's
     own reads are logged too);
  3. downloads the blob from the vault with a signed request naming that
     access event;
  4. checks the blob's SHA-256 against the record's ciphertext_hash before
     decrypting anything, decrypts chunk by chunk into a temporary file
     beside --out, checks the content commitment, and only then renames it
     to --out (mode 0600).

On any failure --out is left untouched (not created). Memory stays bounded
whatever the document's size. Prints {record_id, access_event_id, out, bytes}.`,
		Example: `  carechaind records get 1 --out lab.json --from alice
  carechaind records get 7 --purpose hpaymt --out claim-evidence.pdf --from acme-admin`,
		Args: cobra.ExactArgs(1),
		RunE: runRecordsGet,
	}
	addRecordsTxFlags(cmd)
	cmd.Flags().String(flagPurpose, "treat", "purpose of use (treat, etreat, hpaymt, hoperat, hresch, pubhlth)")
	cmd.Flags().String(flagOut, "", "file to write the document to (required)")
	_ = cmd.MarkFlagRequired(flagOut)
	return cmd
}

func newRecordsShareCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "share RECORD_ID --with ADDRESS --from KEY",
		Short: "Wrap a record's data key to another reader (MsgAddKeyEnvelope)",
		Long: `share unwraps the record's data key with your own envelope and wraps it to
the published encryption key of --with, then sends MsgAddKeyEnvelope.

You must be the record's patient, its author or a member of its custodian
organization; --with must be the patient, the author, or an account that the
patient's consent permits to READ the record for --purpose. Nothing is
uploaded: the blob stays as it is. Also the way to re-key a reader who
published a new encryption key and has no envelope yet (an envelope is never
replaced; for a reader who already has one, write a new version with
'records put --supersedes').`,
		Example: `  carechaind records share 1 --with care1bob... --from alice
  carechaind records share 1 --with care1mercy... --purpose treat --from alice`,
		Args: cobra.ExactArgs(1),
		RunE: runRecordsShare,
	}
	addRecordsTxFlags(cmd)
	cmd.Flags().String(flagWith, "", "the reader's address (required)")
	cmd.Flags().String(flagPurpose, "treat", "purpose the reader is permitted for (not needed for the patient or the author)")
	_ = cmd.MarkFlagRequired(flagWith)
	return cmd
}

// NewKeysEncryptionKeyCmd returns `carechaind keys encryption-key NAME`.
func NewKeysEncryptionKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "encryption-key NAME",
		Short: "Show the X25519 encryption key derived from a key (to publish with tx registry set-encryption-key)",
		Long: `encryption-key derives the account's X25519 encryption key from the
account's own secp256k1 signature over a fixed message (ADR-036
signArbitrary, so a browser wallet derives the same key from the same
mnemonic; see pkg/carecrypto/README.md) and prints the public key in base64.
The private key is never printed or stored: every records command derives it
again from the keyring.

Publish it (once, or again after changing keys) with
  carechaind tx registry set-encryption-key $(carechaind keys encryption-key NAME) --from NAME`,
		Example: `  carechaind keys encryption-key alice
  carechaind keys encryption-key alice --output json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SilenceUsage = true
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			key, addr, err := deriveEncryptionKey(clientCtx, args[0])
			if err != nil {
				return err
			}
			pub := base64.StdEncoding.EncodeToString(key.PublicKey().Bytes())
			if out, _ := cmd.Flags().GetString(flags.FlagOutput); out == flags.OutputFormatJSON {
				return printJSON(cmd, map[string]string{"address": addr, "x25519_public_key": pub})
			}
			cmd.Println(pub)
			return nil
		},
	}
}

// deriveEncryptionKey derives keyring key uid's X25519 key by signing the
// fixed message through the keyring.
func deriveEncryptionKey(clientCtx client.Context, uid string) (*ecdh.PrivateKey, string, error) {
	if clientCtx.Keyring == nil {
		return nil, "", errors.New("no keyring")
	}
	signer, err := vaultauth.NewKeyringSigner(clientCtx.Keyring, uid, app.Bech32Prefix)
	if err != nil {
		return nil, "", err
	}
	key, err := carecrypto.DeriveEncryptionKeyWith(signer.Address(), signer.PubKey(), signer.Sign)
	if err != nil {
		return nil, "", err
	}
	return key, signer.Address(), nil
}

func printJSON(cmd *cobra.Command, v any) error {
	bz, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	cmd.Println(string(bz))
	return nil
}

// parsePurpose reads "treat", "TREAT" or "PURPOSE_TREAT".
func parsePurpose(s string) (consenttypes.Purpose, error) {
	name, ok := vault.NormalizePurpose(strings.ToUpper(strings.TrimSpace(s)))
	if ok {
		if v, ok := consenttypes.Purpose_value[name]; ok {
			return consenttypes.Purpose(v), nil
		}
	}
	return 0, fmt.Errorf("unknown purpose %q (treat, etreat, hpaymt, hoperat, hresch, pubhlth)", s)
}

type recordsEnv struct {
	ctx       context.Context
	clientCtx client.Context
	me        string
	records   recordstypes.QueryClient
	registry  registrytypes.QueryClient
	vault     *vault.Client
}

func newRecordsEnv(cmd *cobra.Command) (*recordsEnv, error) {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return nil, err
	}
	if clientCtx.FromName == "" {
		return nil, errors.New("--from is required")
	}
	signer, err := vaultauth.NewKeyringSigner(clientCtx.Keyring, clientCtx.FromName, app.Bech32Prefix)
	if err != nil {
		return nil, err
	}
	vaultURL, _ := cmd.Flags().GetString(flagVault)
	if u, err := url.Parse(vaultURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--%s: %q is not an http(s) URL", flagVault, vaultURL)
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return &recordsEnv{
		ctx: ctx, clientCtx: clientCtx, me: signer.Address(),
		records:  recordstypes.NewQueryClient(clientCtx),
		registry: registrytypes.NewQueryClient(clientCtx),
		vault:    &vault.Client{BaseURL: vaultURL, Signer: signer},
	}, nil
}

// publishedKey returns addr's X25519 key from x/registry.
func (e *recordsEnv) publishedKey(addr string) ([]byte, error) {
	res, err := e.registry.EncryptionKey(e.ctx, &registrytypes.QueryEncryptionKeyRequest{Address: addr})
	if status.Code(err) == codes.NotFound {
		return nil, fmt.Errorf("%s has not published an encryption key (carechaind tx registry set-encryption-key $(carechaind keys encryption-key NAME) --from NAME)", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("encryption key of %s: %w", addr, err)
	}
	return res.EncryptionKey.X25519PublicKey, nil
}

func (e *recordsEnv) myKey() (*ecdh.PrivateKey, error) {
	key, _, err := deriveEncryptionKey(e.clientCtx, e.clientCtx.FromName)
	return key, err
}

// broadcast signs msgs as --from, broadcasts them and waits until the
// transaction is in a block; a transaction that fails in the block is an
// error carrying its log.
func broadcast(cmd *cobra.Command, clientCtx client.Context, msgs ...sdk.Msg) (*sdk.TxResponse, error) {
	f := cmd.Flags()
	txf, err := tx.NewFactoryCLI(clientCtx, f)
	if err != nil {
		return nil, err
	}
	if !f.Changed(flags.FlagFees) && !f.Changed(flags.FlagGasPrices) {
		gp, err := sdk.ParseDecCoins(DefaultMinGasPrices)
		if err != nil {
			return nil, err
		}
		txf = txf.WithGasPrices(gp.String())
	}
	if !f.Changed(flags.FlagGas) {
		txf = txf.WithSimulateAndExecute(true)
		if !f.Changed(flags.FlagGasAdjustment) {
			txf = txf.WithGasAdjustment(1.5)
		}
	}
	txf, err = txf.Prepare(clientCtx)
	if err != nil {
		return nil, err
	}
	if txf.SimulateAndExecute() {
		_, gas, err := tx.CalculateGas(clientCtx, txf, msgs...)
		if err != nil {
			return nil, fmt.Errorf("simulating the transaction: %w", err)
		}
		txf = txf.WithGas(gas)
	}
	builder, err := txf.BuildUnsignedTx(msgs...)
	if err != nil {
		return nil, err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := tx.Sign(ctx, txf, clientCtx.FromName, builder, true); err != nil {
		return nil, err
	}
	txBytes, err := clientCtx.TxConfig.TxEncoder()(builder.GetTx())
	if err != nil {
		return nil, err
	}
	res, err := clientCtx.WithBroadcastMode(flags.BroadcastSync).BroadcastTx(txBytes)
	if err != nil {
		return nil, err
	}
	if res.Code != 0 {
		return nil, fmt.Errorf("transaction refused (code %d, codespace %s): %s", res.Code, res.Codespace, res.RawLog)
	}
	timeout, _ := f.GetDuration(flagWaitTimeout)
	deadline := time.Now().Add(timeout)
	for {
		got, err := authtx.QueryTx(clientCtx, res.TxHash)
		if err == nil {
			if got.Code != 0 {
				return got, fmt.Errorf("transaction %s failed in block %d (code %d, codespace %s): %s", got.TxHash, got.Height, got.Code, got.Codespace, got.RawLog)
			}
			return got, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("transaction %s not committed within %s: %w", res.TxHash, timeout, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// msgResponse decodes the i-th message response of a committed tx.
func msgResponse(res *sdk.TxResponse, i int, out interface{ Unmarshal([]byte) error }) error {
	bz, err := hex.DecodeString(res.Data)
	if err != nil {
		return fmt.Errorf("tx %s: response data: %w", res.TxHash, err)
	}
	var d sdk.TxMsgData
	if err := d.Unmarshal(bz); err != nil {
		return fmt.Errorf("tx %s: response data: %w", res.TxHash, err)
	}
	if len(d.MsgResponses) <= i {
		return fmt.Errorf("tx %s: no response for message %d", res.TxHash, i)
	}
	return out.Unmarshal(d.MsgResponses[i].Value)
}

func runRecordsPut(cmd *cobra.Command, _ []string) error {
	cmd.SilenceUsage = true
	e, err := newRecordsEnv(cmd)
	if err != nil {
		return err
	}
	f := cmd.Flags()
	patient, _ := f.GetString(flagPatient)
	category, _ := f.GetString(flagCategory)
	path, _ := f.GetString(flagFile)
	shareWith, _ := f.GetStringSlice(flagShareWith)
	supersedes, _ := f.GetUint64(flagSupersedes)

	// Recipients: the patient, the author, then --share-with, once each.
	var recipients []carecrypto.Recipient
	seen := map[string]bool{}
	for _, a := range append([]string{patient, e.me}, shareWith...) {
		a = strings.TrimSpace(a)
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		pk, err := e.publishedKey(a)
		if err != nil {
			return err
		}
		recipients = append(recipients, carecrypto.Recipient{Address: a, X25519PublicKey: pk})
	}

	doc, err := os.Open(path)
	if err != nil {
		return err
	}
	defer doc.Close()
	blobPath, sealed, err := recordsclient.SealToFile(doc, os.TempDir(), recipients)
	if err != nil {
		return fmt.Errorf("encrypting %s: %w", path, err)
	}
	defer os.Remove(blobPath)

	blob, err := os.Open(blobPath)
	if err != nil {
		return err
	}
	defer blob.Close()
	if err := e.vault.Upload(e.ctx, sealed.CiphertextHash, blob, sealed.BlobSize); err != nil {
		return fmt.Errorf("uploading to %s: %w", e.vault.BaseURL, err)
	}

	u, _ := url.Parse(e.vault.BaseURL)
	msg := &recordstypes.MsgCreateRecord{
		Author: e.me, Patient: patient, Category: category,
		CiphertextHash: sealed.CiphertextHash, ContentCommitment: sealed.ContentCommitment,
		SizeBytes: uint64(sealed.BlobSize), Locator: "vault://" + u.Host + "/v1/blobs/" + sealed.CiphertextHash,
		Supersedes: supersedes,
	}
	var envelopeTo []string
	for _, re := range sealed.Envelopes {
		msg.KeyEnvelopes = append(msg.KeyEnvelopes, recordstypes.NewKeyEnvelope{
			Recipient: re.Recipient, Scheme: re.Scheme, EphemeralPublicKey: re.EphemeralPublicKey, WrappedKey: re.WrappedKey,
		})
		envelopeTo = append(envelopeTo, re.Recipient)
	}
	res, err := broadcast(cmd, e.clientCtx, msg)
	if err != nil {
		return fmt.Errorf("anchoring the record (the blob stays in the vault until swept): %w", err)
	}
	var out recordstypes.MsgCreateRecordResponse
	if err := msgResponse(res, 0, &out); err != nil {
		return err
	}
	return printJSON(cmd, map[string]any{
		"record_id": strconv.FormatUint(out.RecordId, 10), "patient": patient, "category": category,
		"ciphertext_hash": sealed.CiphertextHash, "content_commitment": sealed.ContentCommitment,
		"size_bytes": strconv.FormatInt(sealed.BlobSize, 10), "locator": msg.Locator,
		"envelopes": envelopeTo, "txhash": res.TxHash, "height": strconv.FormatInt(res.Height, 10),
	})
}

func runRecordsGet(cmd *cobra.Command, args []string) error {
	cmd.SilenceUsage = true
	id, err := strconv.ParseUint(args[0], 10, 64)
	if err != nil || id == 0 {
		return fmt.Errorf("record id must be a positive integer, got %q", args[0])
	}
	f := cmd.Flags()
	purposeText, _ := f.GetString(flagPurpose)
	purpose, err := parsePurpose(purposeText)
	if err != nil {
		return err
	}
	outPath, _ := f.GetString(flagOut)
	if outPath == "" {
		return errors.New("--out is required")
	}
	if st, err := os.Stat(outPath); err == nil && st.IsDir() {
		return fmt.Errorf("--out %s is a directory", outPath)
	}
	e, err := newRecordsEnv(cmd)
	if err != nil {
		return err
	}

	rres, err := e.records.Record(e.ctx, &recordstypes.QueryRecordRequest{Id: id})
	if err != nil {
		return fmt.Errorf("record %d: %w", id, err)
	}
	rec := rres.Record
	// Ask before logging: a refused access sends nothing to the chain.
	dec, err := e.records.CheckRecordAccess(e.ctx, &recordstypes.QueryCheckRecordAccessRequest{
		Accessor: e.me, RecordId: id, Action: consenttypes.ActionRead, Purpose: purpose,
	})
	if err != nil {
		return fmt.Errorf("asking x/records whether %s may read record %d: %w", e.me, id, err)
	}
	if dec.Decision != consenttypes.DecisionPermit {
		return fmt.Errorf("access denied: the chain does not permit %s to READ record %d for %s (%s); nothing was logged or downloaded",
			e.me, id, purpose, dec.Reason)
	}
	eres, err := e.records.KeyEnvelope(e.ctx, &recordstypes.QueryKeyEnvelopeRequest{RecordId: id, Recipient: e.me})
	if status.Code(err) == codes.NotFound {
		return fmt.Errorf("record %d has no key envelope for %s: ask its patient or author to run 'carechaind records share %d --with %s'", id, e.me, id, e.me)
	}
	if err != nil {
		return fmt.Errorf("key envelope: %w", err)
	}
	key, err := e.myKey()
	if err != nil {
		return err
	}
	env := carecrypto.Envelope{Scheme: eres.Envelope.Scheme, EphemeralPublicKey: eres.Envelope.EphemeralPublicKey, WrappedKey: eres.Envelope.WrappedKey}
	// Check the envelope opens before logging a read we could not use.
	dataKey, err := carecrypto.OpenEnvelope(key, rec.CiphertextHash, env)
	if err != nil {
		return fmt.Errorf("your key envelope on record %d does not open with your encryption key (was a new key published since?): %w", id, err)
	}
	clear(dataKey)

	res, err := broadcast(cmd, e.clientCtx, &recordstypes.MsgRecordAccess{Accessor: e.me, RecordId: id, Purpose: purpose})
	if err != nil {
		return fmt.Errorf("logging the access on chain: %w", err)
	}
	var ar recordstypes.MsgRecordAccessResponse
	if err := msgResponse(res, 0, &ar); err != nil {
		return err
	}
	d, err := e.vault.DownloadRecord(e.ctx, id, purpose.String(), ar.AccessEventId)
	if err != nil {
		return fmt.Errorf("downloading record %d (access event %d is logged): %w", id, ar.AccessEventId, err)
	}
	defer d.Body.Close()
	n, err := recordsclient.FetchDocument(d.Body, outPath,
		recordsclient.RecordRef{CiphertextHash: rec.CiphertextHash, ContentCommitment: rec.ContentCommitment},
		env, key, int64(rec.SizeBytes))
	if err != nil {
		return fmt.Errorf("record %d: %w; nothing was written to %s", id, err, outPath)
	}
	abs, _ := filepath.Abs(outPath)
	return printJSON(cmd, map[string]any{
		"record_id": strconv.FormatUint(id, 10), "access_event_id": strconv.FormatUint(ar.AccessEventId, 10),
		"out": abs, "bytes": strconv.FormatInt(n, 10), "txhash": res.TxHash,
	})
}

func runRecordsShare(cmd *cobra.Command, args []string) error {
	cmd.SilenceUsage = true
	id, err := strconv.ParseUint(args[0], 10, 64)
	if err != nil || id == 0 {
		return fmt.Errorf("record id must be a positive integer, got %q", args[0])
	}
	f := cmd.Flags()
	with, _ := f.GetString(flagWith)
	purposeText, _ := f.GetString(flagPurpose)
	purpose, err := parsePurpose(purposeText)
	if err != nil {
		return err
	}
	e, err := newRecordsEnv(cmd)
	if err != nil {
		return err
	}
	rres, err := e.records.Record(e.ctx, &recordstypes.QueryRecordRequest{Id: id})
	if err != nil {
		return fmt.Errorf("record %d: %w", id, err)
	}
	rec := rres.Record
	if with != rec.Patient && with != rec.Author {
		// x/records would refuse the envelope; say why before signing.
		dec, err := e.records.CheckRecordAccess(e.ctx, &recordstypes.QueryCheckRecordAccessRequest{
			Accessor: with, RecordId: id, Action: consenttypes.ActionRead, Purpose: purpose,
		})
		if err != nil {
			return fmt.Errorf("asking x/records whether %s may read record %d: %w", with, id, err)
		}
		if dec.Decision != consenttypes.DecisionPermit {
			return fmt.Errorf("%s may not READ record %d for %s (%s): the patient must grant a consent first; nothing was sent", with, id, purpose, dec.Reason)
		}
	}
	eres, err := e.records.KeyEnvelope(e.ctx, &recordstypes.QueryKeyEnvelopeRequest{RecordId: id, Recipient: e.me})
	if status.Code(err) == codes.NotFound {
		return fmt.Errorf("record %d has no key envelope for %s: only a holder of the data key can share it", id, e.me)
	}
	if err != nil {
		return fmt.Errorf("key envelope: %w", err)
	}
	key, err := e.myKey()
	if err != nil {
		return err
	}
	dataKey, err := carecrypto.OpenEnvelope(key, rec.CiphertextHash, carecrypto.Envelope{
		Scheme: eres.Envelope.Scheme, EphemeralPublicKey: eres.Envelope.EphemeralPublicKey, WrappedKey: eres.Envelope.WrappedKey,
	})
	if err != nil {
		return fmt.Errorf("opening your envelope on record %d: %w", id, err)
	}
	defer clear(dataKey)
	pk, err := e.publishedKey(with)
	if err != nil {
		return err
	}
	env, err := carecrypto.WrapKey(pk, rec.CiphertextHash, dataKey)
	if err != nil {
		return err
	}
	res, err := broadcast(cmd, e.clientCtx, &recordstypes.MsgAddKeyEnvelope{
		Signer: e.me, RecordId: id, Recipient: with, Purpose: purpose,
		Scheme: env.Scheme, EphemeralPublicKey: env.EphemeralPublicKey, WrappedKey: env.WrappedKey,
	})
	if err != nil {
		return fmt.Errorf("adding the envelope: %w", err)
	}
	return printJSON(cmd, map[string]any{
		"record_id": strconv.FormatUint(id, 10), "recipient": with, "scheme": env.Scheme, "txhash": res.TxHash,
	})
}
