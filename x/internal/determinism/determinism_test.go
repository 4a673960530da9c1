package determinism_test

import (
	"go/importer"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carechain/carechain/x/internal/determinism"
)

// TestStateMachineIsDeterministic checks every x/<module>/keeper and
// x/<module>/types package: no floating point, no goroutines, no map
// iteration that could decide state.
func TestStateMachineIsDeterministic(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	findings, checked, err := determinism.CheckModule(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(checked) < 6 {
		t.Fatalf("checked only %v", checked)
	}
	for _, f := range findings {
		t.Errorf("%s", f)
	}
	t.Logf("checked %d packages: %s", len(checked), strings.Join(checked, ", "))
}

// TestCheckFindsEachViolation runs the check on testdata/bad, which holds
// one of each violation, so the check itself cannot silently stop working.
func TestCheckFindsEachViolation(t *testing.T) {
	fset := token.NewFileSet()
	findings, err := determinism.CheckFiles(fset, "bad", []string{"testdata/bad/bad.go"}, importer.Default())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"bad.go:4:", // Rate float64
		"bad.go:7:", // float64(amount) * 0.2
		"goroutine",
		"bad.go:15:2: range over a map",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in findings:\n%s", want, all)
		}
	}
	for _, line := range []string{"bad.go:25:", "bad.go:33:"} {
		if strings.Contains(all, line+"2: range") {
			t.Errorf("flagged the accepted loop at %s:\n%s", line, all)
		}
	}
}
