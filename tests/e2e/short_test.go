package e2e_test

import (
	"testing"
	"time"
)

// TestKillOneValidatorShort is the short form `make test` runs: four
// validators under load, one SIGKILLed for 10 s and restarted; it must
// catch up within 30 s, and Verify then checks hashes on every node,
// transaction accounting and balance conservation. It takes two to three
// minutes (building carechaind included) on two busy cores. The full suite
// runs the longer TestKillOneValidator instead.
func TestKillOneValidatorShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four carechaind processes")
	}
	if fullSuite {
		t.Skip("the e2e suite runs TestKillOneValidator")
	}
	runKillOne(t, 10*time.Second)
}
