//go:build !linux

package e2e

import "syscall"

// sysProcAttr puts a node in its own process group. Outside Linux there is
// no parent-death signal: a test killed by its timeout can leave nodes
// behind (each node's log starts with its pid).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
