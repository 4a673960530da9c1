package loadgen

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The node under test runs with GODEBUG=gctrace=1: the Go runtime writes
// one line to stderr per garbage-collection cycle, with the cycle's start
// (seconds since the process started) and how long its concurrent mark
// phase ran. While the collector marks, it takes a quarter of the node's
// CPU for itself and makes allocating goroutines help (mark assists), so
// on a 2-core machine a mark phase of several seconds is where a query
// window's tail latency and a block's execution time go
// (docs/performance.md, "The collector's mark phase"). gcLog keeps every
// cycle, so that each measured window can say how long the node's
// collector was marking inside it.

// gcCycle is one collector cycle of the node, in wall-clock time.
type gcCycle struct {
	markStart, markEnd time.Time
}

// gcLog collects the node's collector cycles over every process the
// benchmark starts.
type gcLog struct {
	mu     sync.Mutex
	cycles []gcCycle
}

// gctraceLine matches the runtime's line: "gc 60 @794.098s 5%: 1.1+6892+0.073
// ms clock, ..." (sweep termination, concurrent mark and scan, mark
// termination, in wall-clock milliseconds).
var gctraceLine = regexp.MustCompile(`^gc \d+ @([0-9.]+)s \d+%: ([0-9.]+)\+([0-9.]+)\+([0-9.]+) ms clock`)

// parseGCTrace returns the mark phase of one gctrace line of a process
// started at started; ok is false for any other line.
func parseGCTrace(line string, started time.Time) (gcCycle, bool) {
	m := gctraceLine.FindStringSubmatch(line)
	if m == nil {
		return gcCycle{}, false
	}
	at, err1 := strconv.ParseFloat(m[1], 64)
	sweepTerm, err2 := strconv.ParseFloat(m[2], 64)
	mark, err3 := strconv.ParseFloat(m[3], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return gcCycle{}, false
	}
	start := started.Add(time.Duration(at*float64(time.Second)) + time.Duration(sweepTerm*float64(time.Millisecond)))
	return gcCycle{markStart: start, markEnd: start.Add(time.Duration(mark * float64(time.Millisecond)))}, true
}

// writer returns the stderr of a node process started at started: what it
// writes goes to w unchanged, and its gctrace lines are recorded.
func (l *gcLog) writer(w io.Writer, started time.Time) io.Writer {
	return &gcTraceWriter{w: w, log: l, started: started}
}

// overlap is how long the node's collector was marking between from and
// to, and in how many cycles; nil when no cycle was ever seen (the node's
// GODEBUG turned gctrace off), since a node that allocates always has some.
func (l *gcLog) overlap(from, to time.Time) *GCOverlap {
	if l == nil || !from.Before(to) {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.cycles) == 0 {
		return nil
	}
	o := &GCOverlap{WindowS: round2(to.Sub(from).Seconds())}
	var marking time.Duration
	for _, c := range l.cycles {
		s, e := c.markStart, c.markEnd
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		if e.After(s) {
			marking += e.Sub(s)
			o.Cycles++
		}
	}
	o.MarkS = round2(marking.Seconds())
	return o
}

// GCOverlap is how much of a measured window the node's garbage collector
// spent marking (gctrace), absent when the node's cycles are not known.
type GCOverlap struct {
	WindowS float64 `json:"window_s"`
	MarkS   float64 `json:"mark_s"`
	Cycles  int     `json:"cycles"`
}

func (o *GCOverlap) String() string {
	if o == nil {
		return ""
	}
	return "node GC marking " + strconv.FormatFloat(o.MarkS, 'f', 1, 64) + " s of the " + strconv.FormatFloat(o.WindowS, 'f', 1, 64) + " s window"
}

type gcTraceWriter struct {
	w       io.Writer
	log     *gcLog
	started time.Time
	partial []byte
}

func (g *gcTraceWriter) Write(p []byte) (int, error) {
	n, err := g.w.Write(p)
	g.partial = append(g.partial, p...)
	for {
		i := bytes.IndexByte(g.partial, '\n')
		if i < 0 {
			break
		}
		line := string(g.partial[:i])
		g.partial = g.partial[i+1:]
		if c, ok := parseGCTrace(strings.TrimSpace(line), g.started); ok {
			g.log.mu.Lock()
			g.log.cycles = append(g.log.cycles, c)
			g.log.mu.Unlock()
		}
	}
	if len(g.partial) > 64<<10 { // a line this long is not gctrace's
		g.partial = g.partial[:0]
	}
	return n, err
}

// withGCTrace returns env with gctrace=1 added to GODEBUG (unless GODEBUG
// already sets gctrace).
func withGCTrace(env []string) []string {
	out := make([]string, 0, len(env)+1)
	found := false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			found = true
			if !strings.Contains(v, "gctrace=") {
				if v != "" {
					v += ","
				}
				kv = "GODEBUG=" + v + "gctrace=1"
			}
		}
		out = append(out, kv)
	}
	if !found {
		out = append(out, "GODEBUG=gctrace=1")
	}
	return out
}

// nodeEnv is the environment of a node whose cycles are recorded.
func nodeEnv() []string { return withGCTrace(os.Environ()) }
