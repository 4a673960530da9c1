package vault

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// spentFile is the vault's durable memory of the access events that have
// paid for a download, in the store's directory:
//
//	carechain-spent-v1 <floor, unix ns>
//	<access event id> <event block time, unix ns>
//	...
//
// An event is spent if it is listed or if its time is before the floor.
// Each spend is appended and fsynced before a byte of the blob is sent, so
// a restarted vault never serves a committed MsgRecordAccess twice.
// Compaction raises the floor to the oldest time a download may still use
// (now − AccessMaxAge) and rewrites the file atomically with the events
// after it: the file stays as small as the recent downloads, and lengthening
// --access-max-age later cannot revive an event older than the floor.
const spentFile = "spent-access-events"

const spentHeader = "carechain-spent-v1"

// ErrSpentFull: too many recent downloads to remember; retry later.
var ErrSpentFull = errors.New("vault: too many recent downloads to remember; retry later")

type spentLedger struct {
	mu          sync.Mutex
	path        string
	f           *os.File
	floor       time.Time
	ids         map[uint64]time.Time
	max         int
	lastCompact time.Time
}

func openSpentLedger(dir string, maxEntries int) (*spentLedger, error) {
	l := &spentLedger{path: filepath.Join(dir, spentFile), ids: map[uint64]time.Time{}, max: maxEntries}
	f, err := os.Open(l.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := l.rewrite(); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		err := l.load(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		// Rewrite once at start: drops a torn last line of a crash.
		if err := l.rewrite(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *spentLedger) load(f *os.File) error {
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			rest, ok := strings.CutPrefix(line, spentHeader+" ")
			ns, err := strconv.ParseInt(rest, 10, 64)
			if !ok || err != nil {
				return fmt.Errorf("vault: %s: not a spent-event file (header %q)", l.path, line)
			}
			l.floor = time.Unix(0, ns)
			continue
		}
		idText, tText, ok := strings.Cut(line, " ")
		id, err1 := strconv.ParseUint(idText, 10, 64)
		ns, err2 := strconv.ParseInt(tText, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			// Only the last line can be torn (appends are sequential): a
			// spend whose fsync did not finish served nothing.
			continue
		}
		l.ids[id] = time.Unix(0, ns)
	}
	if first {
		return fmt.Errorf("vault: %s is empty; remove it only if no download was ever served", l.path)
	}
	return sc.Err()
}

// rewrite writes the floor and the remembered ids to a new file, fsyncs
// it, renames it over the old one and reopens it for appending.
func (l *spentLedger) rewrite() error {
	tmp, err := os.CreateTemp(filepath.Dir(l.path), "."+spentFile+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	w := bufio.NewWriter(tmp)
	fmt.Fprintf(w, "%s %d\n", spentHeader, l.floor.UnixNano())
	for id, t := range l.ids {
		fmt.Fprintf(w, "%d %d\n", id, t.UnixNano())
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), l.path); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(l.path)); err != nil {
		return err
	}
	if l.f != nil {
		l.f.Close()
	}
	l.f, err = os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND, 0o600)
	return err
}

// spent reports whether the event (id, block time t) has released a
// download already.
func (l *spentLedger) spent(id uint64, t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.spentLocked(id, t)
}

func (l *spentLedger) spentLocked(id uint64, t time.Time) bool {
	if t.Before(l.floor) {
		return true
	}
	_, ok := l.ids[id]
	return ok
}

// trySpend marks the event spent, durably, unless it already is (ok
// false). cutoff is the oldest event time a download may use now; the
// ledger compacts to it at most once a minute.
func (l *spentLedger) trySpend(id uint64, t, cutoff, now time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastCompact) > time.Minute && cutoff.After(l.floor) {
		l.floor = cutoff
		for i, et := range l.ids {
			if et.Before(cutoff) {
				delete(l.ids, i)
			}
		}
		if err := l.rewrite(); err != nil {
			return false, err
		}
		l.lastCompact = now
	}
	if l.spentLocked(id, t) {
		return false, nil
	}
	if len(l.ids) >= l.max {
		return false, ErrSpentFull
	}
	if _, err := fmt.Fprintf(l.f, "%d %d\n", id, t.UnixNano()); err != nil {
		_ = l.rewrite() // drop a torn line so that later appends parse
		return false, err
	}
	if err := l.f.Sync(); err != nil {
		return false, err
	}
	l.ids[id] = t
	return true, nil
}

func (l *spentLedger) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
