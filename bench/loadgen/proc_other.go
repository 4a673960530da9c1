//go:build !linux

package loadgen

import "os/exec"

// setParentDeathSignal is Linux-only; elsewhere an interrupted run's node
// is stopped by the load generator's signal handler alone.
func setParentDeathSignal(*exec.Cmd) {}
