package loadgen

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Lines as Go 1.26's runtime writes them (from a node's log).
const (
	gcLine1 = "gc 60 @794.098s 5%: 1.1+6892+0.073 ms clock, 2.2+1189/3457/805+0.14 ms cpu, 9063->11095->5021 MB, 11032 MB goal, 1 MB stacks, 1 MB globals, 2 P"
	gcLine2 = "gc 61 @809.962s 6%: 2.1+6540+0.54 ms clock, 4.3+692/3283/1064+1.0 ms cpu, 9109->10923->4749 MB, 10978 MB goal, 2 MB stacks, 1 MB globals, 2 P"
)

func TestParseGCTraceReadsTheMarkPhase(t *testing.T) {
	started := time.Date(2026, 12, 3, 7, 9, 0, 0, time.UTC)
	c, ok := parseGCTrace(gcLine1, started)
	if !ok {
		t.Fatal("gctrace line not recognised")
	}
	wantStart := started.Add(794098*time.Millisecond + 1100*time.Microsecond)
	if !c.markStart.Equal(wantStart) {
		t.Errorf("mark starts %v, want %v", c.markStart, wantStart)
	}
	if d := c.markEnd.Sub(c.markStart); d != 6892*time.Millisecond {
		t.Errorf("mark lasts %v, want 6.892s", d)
	}
	for _, other := range []string{
		"7:09AM INF garbage collector: GOGC=300 module=server",
		"gc 1 @0.006s 5%: bad",
		"scvg: 0 MB released",
	} {
		if _, ok := parseGCTrace(other, started); ok {
			t.Errorf("%q taken for a gctrace line", other)
		}
	}
}

func TestGCTraceWriterLogsEverythingAndRecordsCycles(t *testing.T) {
	var out bytes.Buffer
	l := &gcLog{}
	started := time.Now()
	w := l.writer(&out, started)
	input := "I[2026] some log line\n" + gcLine1 + "\n" + gcLine2 + "\n"
	// Written in pieces that split lines, as a pipe delivers them.
	for i := 0; i < len(input); i += 37 {
		end := min(i+37, len(input))
		if _, err := w.Write([]byte(input[i:end])); err != nil {
			t.Fatal(err)
		}
	}
	if out.String() != input {
		t.Errorf("the log got %q", out.String())
	}
	if len(l.cycles) != 2 {
		t.Fatalf("recorded %d cycles, want 2", len(l.cycles))
	}
}

func TestGCOverlapCountsOnlyMarkingInsideTheWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	l := &gcLog{cycles: []gcCycle{
		{at(0), at(3)},   // ends 1 s into the window
		{at(5), at(6.5)}, // inside
		{at(9), at(20)},  // starts 1 s before the window ends
		{at(30), at(31)}, // after
	}}
	o := l.overlap(at(2), at(10))
	if o == nil || o.MarkS != 3.5 || o.Cycles != 3 || o.WindowS != 8 {
		t.Errorf("overlap %+v, want 3.5 s of marking in 3 cycles of an 8 s window", o)
	}
	if o := l.overlap(at(21), at(29)); o.MarkS != 0 || o.Cycles != 0 {
		t.Errorf("a window between cycles got %+v", o)
	}
	if !strings.Contains(o.String(), "marking 3.5 s of the 8.0 s window") {
		t.Errorf("String() = %q", o.String())
	}
	var none *gcLog
	if none.overlap(at(0), at(1)) != nil || gcNote(nil) != "" {
		t.Error("no log must give no figure")
	}
	if (&gcLog{}).overlap(at(0), at(1)) != nil {
		t.Error("a node that logged no cycle at all (gctrace off) must give no figure, not zero marking")
	}
}

func TestWithGCTraceKeepsTheOperatorsGODEBUG(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"PATH=/bin"}, "GODEBUG=gctrace=1"},
		{[]string{"GODEBUG=madvdontneed=1"}, "GODEBUG=madvdontneed=1,gctrace=1"},
		{[]string{"GODEBUG=gctrace=2"}, "GODEBUG=gctrace=2"},
		{[]string{"GODEBUG="}, "GODEBUG=gctrace=1"},
	}
	for _, c := range cases {
		got := withGCTrace(c.in)
		n := 0
		for _, kv := range got {
			if strings.HasPrefix(kv, "GODEBUG=") {
				n++
				if kv != c.want {
					t.Errorf("withGCTrace(%v) has %q, want %q", c.in, kv, c.want)
				}
			}
		}
		if n != 1 {
			t.Errorf("withGCTrace(%v) = %v: %d GODEBUG entries", c.in, got, n)
		}
	}
}

func TestQueryTableShowsGCMarking(t *testing.T) {
	r := &Results{Queries: []QueryStats{
		{Query: "check-access", Transport: "grpc", Clients: 32, QPS: 9000, GC: &GCOverlap{WindowS: 8, MarkS: 6.3, Cycles: 1}},
		{Query: "check-access", Transport: "rest", Clients: 32, QPS: 12000, GC: &GCOverlap{WindowS: 8}},
	}}
	var buf bytes.Buffer
	r.PrintTable(&buf)
	if !strings.Contains(buf.String(), "node GC marking s") || !strings.Contains(buf.String(), "6.3") {
		t.Errorf("GC marking missing from the query table:\n%s", buf.String())
	}
	checks := evaluate(r)
	found := false
	for _, c := range checks {
		if strings.HasPrefix(c.Name, "4a.") {
			found = true
			if !strings.Contains(c.Detail, "node GC marking 6.3 s of the 8.0 s window") {
				t.Errorf("4a detail %q does not say the collector was marking", c.Detail)
			}
		}
	}
	if !found {
		t.Error("no 4a check")
	}
}
