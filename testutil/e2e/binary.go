package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// BinaryEnv names a prebuilt carechaind the harness runs instead of building
// one (`make test-e2e` sets it to build/carechaind); a relative path is
// taken from the module root.
const BinaryEnv = "CARECHAIND_BINARY"

var binary struct {
	once sync.Once
	path string
	dir  string // temporary directory the harness built into
	err  error
}

// Binary returns the carechaind the nodes run: $CARECHAIND_BINARY if set,
// otherwise one built from this module, once per test process.
func Binary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			binary.err = err
			return
		}
		if p := os.Getenv(BinaryEnv); p != "" {
			// A relative path is relative to the module root (go test runs
			// in the package directory).
			if !filepath.IsAbs(p) {
				p = filepath.Join(root, p)
			}
			_, err := os.Stat(p)
			binary.path, binary.err = p, err
			return
		}
		dir, err := os.MkdirTemp("", "carechain-e2e-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.dir = dir
		out := filepath.Join(dir, "carechaind")
		cmd := exec.Command("go", "build", "-o", out, "./cmd/carechaind")
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			binary.err = fmt.Errorf("go build ./cmd/carechaind: %w\n%s", err, stderr.String())
			return
		}
		binary.path = out
	})
	if binary.err != nil {
		t.Fatalf("carechaind binary: %v", binary.err)
	}
	return binary.path
}

// moduleRoot finds the directory holding this module's go.mod, walking up
// from the working directory (a test runs in its package directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		bz, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(bz, []byte("module github.com/carechain/carechain\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod of github.com/carechain/carechain not found above the working directory")
		}
		dir = parent
	}
}

// Main runs a test binary's tests and removes the carechaind the harness
// built. Use it from TestMain: os.Exit(e2e.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
	return code
}
