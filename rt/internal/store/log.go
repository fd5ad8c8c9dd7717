package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Logs without appends (S3 has none): a log is written in parts, each a
// whole object. <a>.<stream> is the first part, <a>.<stream>.1, .2... the
// later ones. A short task writes one part at Close (one PUT per stream on
// S3, none for a stream it never wrote to); a long one writes a part every
// few seconds while it prints, so `logs` shows a running task's output and a
// task killed by a timeout or the OOM killer keeps it up to its last part.
// A reader lists the task directory and concatenates the parts in order.

func validStream(stream string) error {
	if stream != "stdout" && stream != "stderr" {
		return fmt.Errorf("log stream %q is not valid; use \"stdout\" or \"stderr\"", stream)
	}
	return nil
}

// Part timing: the first part is written partEvery after the first byte,
// each later interval grows by half up to partEveryMax, so a chatty hour
// long task writes tens of parts, not thousands. A part is written early
// when partMax bytes are waiting, which bounds the writer's memory.
const partMax = 8 << 20

func (s *Store) partEvery() (first, most time.Duration) {
	if _, ok := s.b.(localFS); ok {
		return time.Second, 30 * time.Second
	}
	return 5 * time.Second, time.Minute
}

// LogWriter is a log being written by its attempt.
type LogWriter struct {
	s    *Store
	key  string
	next time.Duration // interval before the next part
	most time.Duration

	mu    sync.Mutex // guards buf, timer, err, closed
	buf   []byte
	timer *time.Timer
	err   error // the first failed part, returned by Write and Close

	flushMu sync.Mutex // serializes parts, so they are numbered in order
	part    int

	crash *os.File
}

// CreateLog returns the writer of <a>.<stream> ("stdout" or "stderr").
func (s *Store) CreateLog(p TaskPath, attempt int, stream string) (*LogWriter, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := validAttempt(p, attempt); err != nil {
		return nil, err
	}
	if err := validStream(stream); err != nil {
		return nil, err
	}
	w := &LogWriter{s: s, key: attemptKey(p, attempt, stream)}
	w.next, w.most = s.partEvery()
	if stream != "stderr" {
		return w, nil // the runtime writes a fatal error to stderr only
	}
	if err := w.openCrash(); err != nil {
		return nil, fmt.Errorf("creating log %q: %w", s.b.where(w.key), err)
	}
	return w, nil
}

// openCrash creates the file a fatal runtime error is written to (see
// CrashFile), for stderr, on the local datastore: <a>.<stream>.crash in the
// task directory, removed at Close when empty, so a crashed task's last
// words stay with its log. Elsewhere there is none: a dead process
// uploads nothing, so the task sends them to its own stderr, which the
// engine (Batch's CloudWatch stream, the pod's log) or the local
// scheduler's console keeps.
func (w *LogWriter) openCrash() error {
	l, ok := w.s.b.(localFS)
	if !ok {
		return nil
	}
	p := l.path(w.key + ".crash")
	err := os.MkdirAll(filepath.Dir(p), dirMode)
	if err == nil {
		w.crash, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, fileMode)
	}
	return err
}

// CrashFile is a file for runtime/debug.SetCrashOutput: a Go fatal error
// kills the process before its last part is written. nil for stdout, and
// off the local datastore.
func (w *LogWriter) CrashFile() *os.File { return w.crash }

func (w *LogWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	if w.err != nil {
		err := w.err
		w.mu.Unlock()
		return 0, err
	}
	w.buf = append(w.buf, b...)
	full := len(w.buf) >= partMax
	if !full && w.timer == nil {
		w.timer = time.AfterFunc(w.next, func() { w.flush(false) })
	}
	w.mu.Unlock()
	if full {
		w.flush(false)
	}
	return len(b), nil
}

// flush writes what is buffered as the next part.
func (w *LogWriter) flush(final bool) {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	data := w.buf
	w.buf = nil
	if !final {
		w.next = min(w.next*3/2, w.most)
	}
	w.mu.Unlock()
	if len(data) == 0 {
		return
	}
	key := w.key
	if w.part > 0 {
		key += "." + strconv.Itoa(w.part)
	}
	err := w.s.b.put(key, data)
	w.part++
	if err != nil {
		w.mu.Lock()
		if w.err == nil {
			w.err = fmt.Errorf("writing log %q: %w", w.s.b.where(key), err)
		}
		w.mu.Unlock()
	}
}

// Close writes the last part. The log is complete when Close returns.
func (w *LogWriter) Close() error {
	w.flush(true)
	if w.crash != nil {
		fi, err := w.crash.Stat()
		w.crash.Close()
		if err != nil || fi.Size() == 0 {
			os.Remove(w.crash.Name())
		}
		w.crash = nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// OpenLog opens a log: its parts, in order, then a crash file's content
// (local only). A missing log reads as empty (a task that printed nothing,
// or one that never started).
func (s *Store) OpenLog(p TaskPath, attempt int, stream string) (io.ReadCloser, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := validAttempt(p, attempt); err != nil {
		return nil, err
	}
	if err := validStream(stream); err != nil {
		return nil, err
	}
	es, err := s.b.list(taskKey(p))
	if err != nil {
		return nil, fmt.Errorf("listing task %q: %w", p, err)
	}
	base := strconv.Itoa(attempt) + "." + stream
	var parts []int
	crash := false
	for _, e := range es {
		if e.dir {
			continue
		}
		switch rest, ok := strings.CutPrefix(e.name, base); {
		case !ok:
		case rest == "":
			parts = append(parts, 0)
		case rest == ".crash":
			crash = true
		default:
			num := rest[1:]
			if n, err := strconv.Atoi(num); err == nil && rest[0] == '.' && n > 0 && strconv.Itoa(n) == num {
				parts = append(parts, n)
			}
		}
	}
	slices.Sort(parts)
	keys := make([]string, 0, len(parts)+1)
	for _, n := range parts {
		key := attemptKey(p, attempt, stream)
		if n > 0 {
			key += "." + strconv.Itoa(n)
		}
		keys = append(keys, key)
	}
	if crash {
		keys = append(keys, attemptKey(p, attempt, stream)+".crash")
	}
	return &partsReader{s: s, keys: keys}, nil
}

// partsReader reads objects one after the other, opening each when the
// previous one ends.
type partsReader struct {
	s    *Store
	keys []string
	cur  io.ReadCloser
}

func (r *partsReader) Read(p []byte) (int, error) {
	for {
		if r.cur == nil {
			if len(r.keys) == 0 {
				return 0, io.EOF
			}
			rc, err := r.s.b.open(r.keys[0])
			if errors.Is(err, fs.ErrNotExist) {
				r.keys = r.keys[1:] // a crash file removed since the listing
				continue
			}
			if err != nil {
				return 0, fmt.Errorf("reading log %q: %w", r.s.b.where(r.keys[0]), err)
			}
			r.keys, r.cur = r.keys[1:], rc
		}
		n, err := r.cur.Read(p)
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

func (r *partsReader) Close() error {
	if r.cur != nil {
		return r.cur.Close()
	}
	return nil
}
