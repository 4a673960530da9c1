package cmd

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carechain/carechain/pkg/vault"
	"github.com/carechain/carechain/pkg/vault/vaulttest"
)

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "1048576": 1 << 20, "512KiB": 512 << 10, "256MiB": 256 << 20, "1GiB": 1 << 30} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("%q: %d %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "-5", "1MB", "1.5GiB", "2000GiB", "MiB"} {
		if _, err := parseByteSize(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestVaultServeRefusesToRunWithoutTheChain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vault")
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := newVaultServeCmd(vault.NewGRPCChain)
	cmd.SetArgs([]string{"--vault-dir", dir, "--listen", "127.0.0.1:0", "--grpc-addr", addr})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err = cmd.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connecting to the chain at "+addr) {
		t.Fatalf("got %v, want a connection error", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("vault directory created although the vault cannot run")
	}
}

func TestVaultServeRuns(t *testing.T) {
	dir := t.TempDir()
	fake := vaulttest.NewChain(nil)
	var gotCfg vault.GRPCChainConfig
	connect := func(_ context.Context, cfg vault.GRPCChainConfig) (vault.Chain, error) {
		gotCfg = cfg
		return fake, nil
	}
	cmd := newVaultServeCmd(connect)
	if err := cmd.ParseFlags([]string{"--vault-dir", dir, "--listen", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:9999", "--max-blob-size", "1MiB"}); err != nil {
		t.Fatal(err)
	}
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	srv, ln, err := setUpVault(ctx, cmd, connect)
	if err != nil {
		t.Fatal(err)
	}
	if gotCfg.GRPCAddress != "127.0.0.1:9999" || !gotCfg.Insecure {
		t.Fatalf("chain config %+v", gotCfg)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	for _, sub := range []string{"pending", "anchored", "tmp"} {
		if _, err := os.Stat(filepath.Join(dir, sub)); err != nil {
			t.Fatalf("store layout: %v", err)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("vault did not shut down")
	}
}

func TestVaultCommandIsRegistered(t *testing.T) {
	root := NewRootCmd()
	c, _, err := root.Find([]string{"vault", "serve"})
	if err != nil || c.Name() != "serve" {
		t.Fatalf("carechaind vault serve not found: %v", err)
	}
	for _, f := range []string{flagVaultDir, flagListen, flagMaxBlobSize, flagSweepAfter, flagAccessMaxAge, flagSignWindow, flagGRPCAddr} {
		if c.Flags().Lookup(f) == nil {
			t.Errorf("flag --%s missing", f)
		}
	}
}
