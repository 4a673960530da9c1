package loadgen

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on every
// Linux platform Go supports).
const clockTicks = 100

// processCPU returns the user+system CPU time a process has used, from
// /proc/<pid>/stat. On a shared machine this is what separates "the node
// is slow" from "the node got little CPU".
func processCPU(pid int) (time.Duration, error) {
	bz, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(bz)
	// The command name (field 2) may contain spaces; fields after it are
	// space-separated: state is field 3, utime 14, stime 15.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// selfCPU is the load generator's own CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineTimes is the machine-wide CPU time from /proc/stat's first line,
// summed over all CPUs.
type machineTimes struct {
	// Busy is user, nice, system, irq and softirq time (guest time is
	// already inside user).
	Busy time.Duration
	// Steal is time the hypervisor ran something else while one of this
	// machine's virtual CPUs wanted to run: CPU the machine was owed and
	// did not get.
	Steal time.Duration
}

// parseProcStat reads the aggregate "cpu" line of /proc/stat.
func parseProcStat(s string) (machineTimes, error) {
	line, _, _ := strings.Cut(s, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return machineTimes{}, fmt.Errorf("unexpected /proc/stat first line %q", line)
	}
	var v [8]int64
	for i := range v {
		n, err := strconv.ParseInt(f[i+1], 10, 64)
		if err != nil {
			return machineTimes{}, fmt.Errorf("unexpected /proc/stat first line %q", line)
		}
		v[i] = n
	}
	// user nice system idle iowait irq softirq steal
	ticks := func(n int64) time.Duration { return time.Duration(n) * time.Second / clockTicks }
	return machineTimes{
		Busy:  ticks(v[0] + v[1] + v[2] + v[5] + v[6]),
		Steal: ticks(v[7]),
	}, nil
}

// sub is the machine's CPU time between an earlier reading and m.
func (m machineTimes) sub(earlier machineTimes) machineTimes {
	return machineTimes{Busy: m.Busy - earlier.Busy, Steal: m.Steal - earlier.Steal}
}

func readMachineTimes() (machineTimes, error) {
	bz, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineTimes{}, err
	}
	return parseProcStat(string(bz))
}

// WindowCPU is where a measured window's CPU went, in cores (2.0 = both
// cores of a 2-core machine busy for the whole window). Node and Loadgen
// are the two processes of the benchmark; Busy is the whole machine's busy
// time (every process and the kernel) and Other what is left of it after
// the two (clock-tick sampled, so within a few hundredths of a core);
// Steal is CPU the hypervisor gave to another guest while this machine
// wanted it. On a shared machine, Other and Steal are what separate "the
// node got slower" from "the node got less of the machine".
type WindowCPU struct {
	Node    float64 `json:"node_cores"`
	Loadgen float64 `json:"loadgen_cores"`
	Busy    float64 `json:"machine_busy_cores"`
	Other   float64 `json:"other_cores"`
	Steal   float64 `json:"steal_cores"`
}

func (w WindowCPU) String() string {
	return fmt.Sprintf("CPU cores: node %.2f, load generator %.2f, other processes %.2f (machine busy %.2f), stolen %.2f",
		w.Node, w.Loadgen, w.Other, w.Busy, w.Steal)
}

// cpuMeter measures one window: start it, run the window, call done.
type cpuMeter struct {
	pid          func() int
	t0           time.Time
	node0, self0 time.Duration
	m0           machineTimes
	ok           bool
}

func startCPUMeter(pid func() int) *cpuMeter {
	m := &cpuMeter{pid: pid, t0: time.Now(), self0: selfCPU()}
	var err error
	if m.m0, err = readMachineTimes(); err != nil {
		return m
	}
	if pid != nil {
		if m.node0, err = processCPU(pid()); err != nil {
			return m
		}
	}
	m.ok = true
	return m
}

// done returns the window's CPU, or nil where the figures cannot be read
// (not Linux, or the node is not a child of this process).
func (m *cpuMeter) done() *WindowCPU {
	secs := time.Since(m.t0).Seconds()
	self1 := selfCPU()
	m1, err := readMachineTimes()
	if !m.ok || err != nil || secs <= 0 {
		return nil
	}
	var node time.Duration
	if m.pid != nil {
		n1, err := processCPU(m.pid())
		if err != nil {
			return nil
		}
		node = n1 - m.node0
	}
	return windowCPU(secs, node, self1-m.self0, m1.sub(m.m0))
}

// windowCPU turns one window's CPU times into cores. The machine's figures
// are in clock ticks and the processes' are sampled at slightly different
// instants, so "other" is floored at zero.
func windowCPU(secs float64, node, self time.Duration, machine machineTimes) *WindowCPU {
	other := (machine.Busy - node - self).Seconds() / secs
	if other < 0 {
		other = 0
	}
	return &WindowCPU{
		Node:    round2(node.Seconds() / secs),
		Loadgen: round2(self.Seconds() / secs),
		Busy:    round2(machine.Busy.Seconds() / secs),
		Other:   round2(other),
		Steal:   round2(machine.Steal.Seconds() / secs),
	}
}
