package loadgen

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseProcStatSplitsBusyAndStolen(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	stat := "cpu  1000 20 300 9000 50 7 40 250 0 0\ncpu0 500 10 150 4500 25 3 20 125 0 0\n"
	m, err := parseProcStat(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := (1000 + 20 + 300 + 7 + 40) * time.Second / clockTicks; m.Busy != want {
		t.Errorf("busy %v, want %v (idle and iowait are not busy, steal is counted apart)", m.Busy, want)
	}
	if want := 250 * time.Second / clockTicks; m.Steal != want {
		t.Errorf("steal %v, want %v", m.Steal, want)
	}

	for _, bad := range []string{"", "intr 1 2 3", "cpu 1 2 3", "cpu 1 2 x 4 5 6 7 8"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q) accepted", bad)
		}
	}
}

func TestWindowCPUAttributesTheRestToOtherProcesses(t *testing.T) {
	// Four seconds: the machine was busy 6 CPU-seconds, 3 of them the
	// node's and 1 the load generator's, and 0.4 s were stolen.
	w := windowCPU(4, 3*time.Second, time.Second, machineTimes{Busy: 6 * time.Second, Steal: 400 * time.Millisecond})
	if *w != (WindowCPU{Node: 0.75, Loadgen: 0.25, Busy: 1.5, Other: 0.5, Steal: 0.1}) {
		t.Errorf("got %+v", *w)
	}
	// Sampling skew can make the processes' sum exceed the machine's.
	if w := windowCPU(1, time.Second, 100*time.Millisecond, machineTimes{Busy: time.Second}); w.Other != 0 {
		t.Errorf("other = %v, want it floored at 0", w.Other)
	}
	if s := (WindowCPU{Node: 1.2, Loadgen: 0.3, Other: 0.05, Steal: 0.4}).String(); !strings.Contains(s, "stolen 0.40") {
		t.Errorf("String() = %q", s)
	}
}

func TestCPUMeterSeesThisProcessWork(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	pid := os.Getpid()
	m := startCPUMeter(func() int { return pid })
	// Spin until this process has used 200 ms of CPU, however long that
	// takes on a busy machine.
	var x uint64
	for c0 := selfCPU(); selfCPU()-c0 < 200*time.Millisecond; {
		for i := 0; i < 1e5; i++ {
			x = x*31 + 7
		}
	}
	w := m.done()
	if w == nil {
		t.Fatal("no figures on Linux")
	}
	// The "node" here is this process too, so both see the spin.
	if w.Node <= 0 || w.Loadgen <= 0 {
		t.Errorf("200 ms of CPU shows as %+v (x=%d)", *w, x)
	}

	if w := startCPUMeter(func() int { return -1 }).done(); w != nil {
		t.Errorf("a node that is not running gave figures %+v", *w)
	}
}

func TestQueryTableShowsWhereTheCPUWent(t *testing.T) {
	r := &Results{Queries: []QueryStats{
		{Query: "check-access", Transport: "grpc", Clients: 32, QPS: 9000, CPU: &WindowCPU{Node: 1.1, Loadgen: 0.5, Other: 0.02, Steal: 0.31}},
		{Query: "check-access", Transport: "rest", Clients: 32, QPS: 12000},
	}}
	var buf bytes.Buffer
	r.PrintTable(&buf)
	out := buf.String()
	if !strings.Contains(out, "stolen") || !strings.Contains(out, "0.31") {
		t.Errorf("stolen CPU missing from the query table:\n%s", out)
	}
}
