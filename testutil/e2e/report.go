package e2e

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// ResultsEnv names a file that receives one line per recorded figure
// (`make test-e2e` sets it to build/e2e-results.txt).
const ResultsEnv = "E2E_RESULTS"

// Record logs a measured figure (a recovery time, a shutdown time) of the
// running test and appends it to $E2E_RESULTS. With a positive limit, a
// figure above it fails the test.
func Record(t testing.TB, metric string, d time.Duration, limit time.Duration) {
	t.Helper()
	verdict := ""
	if limit > 0 {
		verdict = fmt.Sprintf(" (limit %s)", limit)
		if d > limit {
			t.Errorf("%s took %s, more than %s", metric, d.Round(10*time.Millisecond), limit)
			verdict += " EXCEEDED"
		}
	}
	line := fmt.Sprintf("%s\t%s\t%.1fs%s", t.Name(), metric, d.Seconds(), verdict)
	t.Logf("FIGURE %s", line)
	Note(t, line)
}

// Note appends a line to $E2E_RESULTS (if set).
func Note(t testing.TB, line string) {
	path := os.Getenv(ResultsEnv)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Logf("cannot write %s: %v", path, err)
		return
	}
	defer func() { _ = f.Close() }()
	_, _ = fmt.Fprintln(f, line)
}
