//go:build linux

package e2e

import "syscall"

// sysProcAttr makes a node die with the test process (a Go test timeout
// panics past every t.Cleanup) and puts it in its own process group, so a
// Ctrl-C on the terminal reaches the test, which then stops its nodes.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
