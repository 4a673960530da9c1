package loadgen

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal kills the node if the load generator dies, so an
// interrupted run never leaves a node holding the benchmark ports.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
