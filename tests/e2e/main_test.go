// Package e2e_test drives real carechaind processes on loopback ports
// through faults (SIGKILL, SIGSTOP, SIGTERM, crash points) under
// transaction load and checks the network afterwards with e2e.Verify.
//
// The short form (TestKillOneValidatorShort) runs in `make test`; the full
// suite needs the e2e build tag: `make test-e2e`. See docs/reliability.md.
package e2e_test

import (
	"os"
	"testing"

	"github.com/carechain/carechain/testutil/e2e"
)

func TestMain(m *testing.M) {
	os.Exit(e2e.Main(m))
}
