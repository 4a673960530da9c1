package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/cosmos/cosmos-sdk/server"
	"github.com/spf13/cobra"
)

// Garbage collector of a running node. A node's live heap is large and
// long-lived (IAVL's decoded node caches, up to iavl-cache-size nodes per
// store, held tens of millions of objects at the SDK's default size; the
// node cache of package nodecache now holds most nodes in a few thousand
// pointer-free chunks instead, see appdb.go) while most of what it allocates per
// transaction dies within the block. With Go's default GOGC=100 the
// collector marks that whole heap every time the node has allocated as much
// again: on the 2-vCPU benchmark machine its mark workers took up to a
// fifth of the node's CPU after ten minutes of load, which made every
// transaction slower the longer the node ran and tripled CheckAccess's p99
// (docs/performance.md, "The node's slowdown over a run"). GOGC=300 marks a
// quarter as often for the same allocation. The soft memory limit, half of
// the machine's (or the container's) memory, keeps the larger heap from
// taking memory the node does not have: near the limit the collector runs
// as often as it needs to, as with a lower GOGC.
//
// Either setting is left alone when the operator sets GOGC or GOMEMLIMIT in
// the environment (GOGC=off, GOMEMLIMIT=off included).
const (
	nodeGCPercent         = 300
	nodeMemoryLimitDivide = 2 // limit = usable memory / nodeMemoryLimitDivide
)

// gcSettings is what carechaind sets; a false Set* leaves the runtime's
// value (the environment's, or Go's default) alone.
type gcSettings struct {
	SetPercent bool
	Percent    int
	SetLimit   bool
	Limit      int64 // bytes
}

// nodeGCSettings decides the collector's settings from the environment and
// the memory the node may use (0 when unknown).
func nodeGCSettings(getenv func(string) string, usableMemory uint64) gcSettings {
	var s gcSettings
	if getenv("GOGC") == "" {
		s.SetPercent, s.Percent = true, nodeGCPercent
	}
	if getenv("GOMEMLIMIT") == "" && usableMemory > 0 {
		s.SetLimit, s.Limit = true, int64(usableMemory/nodeMemoryLimitDivide)
	}
	return s
}

// describe says, for the node's log, what the collector runs with.
func (s gcSettings) describe(getenv func(string) string) string {
	gogc := "GOGC=" + getenv("GOGC") + " (environment)"
	if s.SetPercent {
		gogc = fmt.Sprintf("GOGC=%d (carechaind default; set GOGC to change)", s.Percent)
	}
	limit := "GOMEMLIMIT=" + getenv("GOMEMLIMIT") + " (environment)"
	switch {
	case s.SetLimit:
		limit = fmt.Sprintf("memory limit %d MiB (half of the memory available; set GOMEMLIMIT to change)", s.Limit>>20)
	case getenv("GOMEMLIMIT") == "":
		limit = "no memory limit (available memory unknown; set GOMEMLIMIT)"
	}
	return "garbage collector: " + gogc + ", " + limit
}

// applyNodeGC sets the collector of this process as nodeGCSettings says and
// returns a one-line description for the node's log.
func applyNodeGC() string {
	s := nodeGCSettings(os.Getenv, usableMemory())
	if s.SetPercent {
		debug.SetGCPercent(s.Percent)
	}
	if s.SetLimit {
		debug.SetMemoryLimit(s.Limit)
	}
	return s.describe(os.Getenv)
}

// usableMemory is the memory this process may use: the machine's
// (MemTotal in /proc/meminfo), or its cgroup's limit (cgroup v2 memory.max,
// v1 memory.limit_in_bytes) when that is lower. 0 when neither is readable
// (other systems).
func usableMemory() uint64 {
	total := memTotal("/proc/meminfo")
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if l := cgroupLimit(f); l > 0 && (total == 0 || l < total) {
			total = l
		}
	}
	return total
}

// memTotal reads MemTotal (in kB) from a meminfo file, in bytes; 0 if absent.
func memTotal(path string) uint64 {
	b, err := os.ReadFile(path) //nolint:gosec // a fixed system path
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// cgroupLimit reads a cgroup memory limit file in bytes; 0 if absent or
// unlimited ("max", or cgroup v1's page-rounded maximum).
func cgroupLimit(path string) uint64 {
	b, err := os.ReadFile(path) //nolint:gosec // a fixed system path
	if err != nil {
		return 0
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || v >= 1<<62 {
		return 0
	}
	return v
}

// tuneStartGC makes `carechaind start` set its garbage collector
// (applyNodeGC) before it opens the databases, and log what it set.
func tuneStartGC(rootCmd *cobra.Command) {
	start := beforeStart(rootCmd, "the garbage collector", func(cmd *cobra.Command) {
		server.GetServerContextFromCmd(cmd).Logger.Info(applyNodeGC())
	})
	start.Long += fmt.Sprintf("\n\nThe node sets Go's garbage collector to GOGC=%d and a soft memory limit of half the\n"+
		"machine's (or container's) memory; GOGC and GOMEMLIMIT in the environment override either.", nodeGCPercent)
}

// beforeStart runs fn in `carechaind start`'s PreRunE, after the SDK's
// (which reads app.toml and config.toml), and returns the start command.
// what names the setting for the panic of a root command without start.
func beforeStart(rootCmd *cobra.Command, what string, fn func(cmd *cobra.Command)) *cobra.Command {
	start, _, err := rootCmd.Find([]string{"start"})
	if err != nil || start == nil || start.Name() != "start" {
		panic("carechaind: no start command to set " + what + " of")
	}
	prev := start.PreRunE
	start.PreRunE = func(cmd *cobra.Command, args []string) error {
		if prev != nil {
			if err := prev(cmd, args); err != nil {
				return err
			}
		}
		fn(cmd)
		return nil
	}
	return start
}
