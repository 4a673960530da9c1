package cmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vaultauth"
)

const (
	flagVaultDir      = "vault-dir"
	flagListen        = "listen"
	flagMaxBlobSize   = "max-blob-size"
	flagSweepAfter    = "sweep-after"
	flagSweepInterval = "sweep-interval"
	flagAccessMaxAge  = "access-max-age"
	flagSignWindow    = "sign-window"
	flagGRPCAddr      = "grpc-addr"
	flagGRPCInsecure  = "grpc-insecure"

	// DefaultVaultListen is the vault's default address (loopback; put a
	// TLS-terminating proxy in front to expose it).
	DefaultVaultListen = "127.0.0.1:7070"
)

// chainConnector builds the vault's view of the chain; tests substitute a
// fake.
type chainConnector func(ctx context.Context, cfg vault.GRPCChainConfig) (vault.Chain, error)

// NewVaultCmd returns `carechaind vault`.
func NewVaultCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "vault",
		Short:                      "The off-chain store of encrypted medical documents",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(newVaultServeCmd(vault.NewGRPCChain), newVaultFetchCmd())
	return cmd
}

// newVaultFetchCmd returns `carechaind vault fetch`: one signed download of
// a record's raw blob (ciphertext), without logging or decrypting, to see
// what the vault answers. People use `carechaind records get`.
func newVaultFetchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fetch RECORD_ID --out FILE --from KEY",
		Short: "Send one signed GET /v1/records/{id}/blob and save the raw ciphertext (diagnostics; use 'records get' to read)",
		Long: `fetch signs one download request as --from and writes the vault's answer:
the blob (ciphertext, unverified) to --out, or the vault's JSON refusal to
stderr with a non-zero exit. It does not log an access on chain first, so it
succeeds only for the record's patient or with an unused --access-event-id
(the access_event_id a 'tx records record-access' returned).`,
		Example: `  carechaind vault fetch 1 --out blob.bin --from alice
  carechaind vault fetch 1 --out blob.bin --access-event-id 4 --from mercy-admin --vault http://127.0.0.1:7070`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SilenceUsage = true
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || id == 0 {
				return fmt.Errorf("record id must be a positive integer, got %q", args[0])
			}
			e, err := newRecordsEnv(cmd)
			if err != nil {
				return err
			}
			evID, _ := cmd.Flags().GetUint64("access-event-id")
			purpose, _ := cmd.Flags().GetString(flagPurpose)
			if purpose != "" {
				p, err := parsePurpose(purpose)
				if err != nil {
					return err
				}
				purpose = p.String()
			}
			out, _ := cmd.Flags().GetString(flagOut)
			d, err := e.vault.DownloadRecord(e.ctx, id, purpose, evID)
			if err != nil {
				return err
			}
			defer d.Body.Close()
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			n, err := io.Copy(f, d.Body)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			return printJSON(cmd, map[string]any{"record_id": strconv.FormatUint(id, 10), "access_event_id": strconv.FormatUint(d.AccessEventID, 10), "out": out, "bytes": n})
		},
	}
	flags.AddTxFlagsToCmd(cmd) // --from and the keyring flags
	cmd.Flags().String(flagVault, DefaultVaultURL, "base URL of the vault")
	cmd.Flags().Uint64("access-event-id", 0, "the access event that pays for the download")
	cmd.Flags().String(flagPurpose, "", "purpose of the access event (optional)")
	cmd.Flags().String(flagOut, "", "file to write the raw blob to (required)")
	_ = cmd.MarkFlagRequired(flagOut)
	return cmd
}

func newVaultServeCmd(connect chainConnector) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve encrypted blobs to the accounts the chain permits, after their access is logged on chain",
		Long: `serve runs the vault: an HTTP service in front of a blob store under
--vault-dir (default <home>/vault). Blobs are ciphertext, named by their SHA-256
(the record's ciphertext_hash). The vault keeps no access rules of its own;
it asks the chain (--grpc-addr) on every request.

  PUT /v1/blobs/{ciphertext_hash}        store a blob (signed request)
  GET /v1/records/{id}/blob              fetch a record's blob (signed request;
      [?purpose=PURPOSE_TREAT]           optional: the purpose of the logged access
      [&access_event_id=N]               optional: the MsgRecordAccess that pays for it)
  GET /v1/blobs/{ciphertext_hash}        the same, by hash
  GET /healthz

Every request is signed with the account's key (ADR-036, headers
X-Carechain-*; see pkg/vaultauth); a replayed nonce or a timestamp outside
--sign-window is refused. The record's patient is served. Anyone else is
served only with a committed MsgRecordAccess of their own on that record, no
older than --access-max-age and not yet used for a download, and only while
the chain still permits READ (CheckRecordAccess). Each access event releases
one download; the used ones are remembered on disk (<vault-dir>/spent-access-events),
so a restart does not release them again. The vault never sends transactions.
Uploads that no record anchors are deleted after --sweep-after.`,
		Example: `  carechaind vault serve
  carechaind vault serve --listen 127.0.0.1:7070 --grpc-addr localhost:9090 --max-blob-size 1GiB --sweep-after 48h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SilenceUsage = true // a runtime failure is not a usage error
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			srv, ln, err := setUpVault(ctx, cmd, connect)
			if err != nil {
				return err
			}
			return srv.Serve(ctx, ln)
		},
	}
	f := cmd.Flags()
	f.String(flagVaultDir, "", "directory of the blob store (default <home>/vault)")
	f.String(flagListen, DefaultVaultListen, "address the HTTP service listens on")
	f.String(flagMaxBlobSize, "256MiB", "largest blob accepted (bytes, or with a KiB, MiB or GiB suffix)")
	f.Duration(flagSweepAfter, vault.DefaultSweepAfter, "delete uploads that no record anchors after this long")
	f.Duration(flagSweepInterval, vault.DefaultSweepInterval, "how often to look for unanchored uploads")
	f.Duration(flagAccessMaxAge, vault.DefaultAccessMaxAge, "how recent the requester's committed MsgRecordAccess must be")
	f.Duration(flagSignWindow, 60*time.Second, "accepted clock difference of signed requests, either way")
	f.String(flagGRPCAddr, "localhost:9090", "gRPC address of the node the vault asks")
	f.Bool(flagGRPCInsecure, true, "connect to the node without TLS (loopback, localnet)")
	return cmd
}

func setUpVault(ctx context.Context, cmd *cobra.Command, connect chainConnector) (*vault.Server, net.Listener, error) {
	f := cmd.Flags()
	var home string
	if cmd.Context() != nil {
		home = client.GetClientContextFromCmd(cmd).HomeDir
	}
	if h, err := f.GetString(flags.FlagHome); err == nil && h != "" {
		home = h
	}
	if home == "" {
		home = app.DefaultNodeHome
	}
	dir, _ := f.GetString(flagVaultDir)
	if dir == "" {
		dir = filepath.Join(home, "vault")
	}
	sizeText, _ := f.GetString(flagMaxBlobSize)
	maxSize, err := parseByteSize(sizeText)
	if err != nil {
		return nil, nil, fmt.Errorf("--%s: %w", flagMaxBlobSize, err)
	}
	sweepAfter, _ := f.GetDuration(flagSweepAfter)
	sweepInterval, _ := f.GetDuration(flagSweepInterval)
	accessMaxAge, _ := f.GetDuration(flagAccessMaxAge)
	window, _ := f.GetDuration(flagSignWindow)
	for name, d := range map[string]time.Duration{flagSweepAfter: sweepAfter, flagSweepInterval: sweepInterval, flagAccessMaxAge: accessMaxAge, flagSignWindow: window} {
		if d <= 0 {
			return nil, nil, fmt.Errorf("--%s must be positive", name)
		}
	}
	grpcAddr, _ := f.GetString(flagGRPCAddr)
	insecure, _ := f.GetBool(flagGRPCInsecure)
	listen, _ := f.GetString(flagListen)

	// Without the chain the vault cannot decide anything: fail before
	// touching the disk or the network.
	chain, err := connect(ctx, vault.GRPCChainConfig{GRPCAddress: grpcAddr, Insecure: insecure, Timeout: vault.DefaultChainTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to the chain at %s: %w", grpcAddr, err)
	}
	if c, ok := chain.(io.Closer); ok {
		go func() { <-ctx.Done(); c.Close() }()
	}
	store, err := vault.OpenStore(dir)
	if err != nil {
		return nil, nil, err
	}
	logFormat, _ := f.GetString(flags.FlagLogFormat)
	var handler slog.Handler
	if logFormat == "plain" || logFormat == "text" {
		handler = slog.NewTextHandler(cmd.ErrOrStderr(), nil)
	} else {
		handler = slog.NewJSONHandler(cmd.ErrOrStderr(), nil)
	}
	auth := vaultauth.NewVerifier(vaultauth.VerifierConfig{Prefix: app.Bech32Prefix, Window: window})
	srv := vault.NewServer(store, chain, auth, vault.Config{
		MaxBlobSize:   maxSize,
		AccessMaxAge:  accessMaxAge,
		SweepAfter:    sweepAfter,
		SweepInterval: sweepInterval,
		Logger:        slog.New(handler),
	})
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, nil, err
	}
	return srv, ln, nil
}

// parseByteSize reads "1048576", "512KiB", "256MiB" or "1GiB".
func parseByteSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size between 1 byte and 1 TiB", s)
	}
	return n * mult, nil
}
