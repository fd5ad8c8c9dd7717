package store

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func readLog(t *testing.T, s *Store, p TaskPath, stream string) string {
	t.Helper()
	r, err := s.OpenLog(p, 0, stream)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLogParts: a log is written in whole parts, never appended to; a
// reader concatenates them in order, and a missing log reads as empty.
func TestLogParts(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Start", "0"}
	if got := readLog(t, s, p, "stdout"); got != "" {
		t.Errorf("missing log = %q; want empty", got)
	}
	w, err := s.CreateLog(p, 0, "stderr")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range []string{"one\n", "two\n", "three\n"} {
		io.WriteString(w, line)
		if i < 2 {
			w.flush(false) // what the part timer does while the task runs
		}
	}
	// A part written is visible before Close: `logs` of a running task.
	if got := readLog(t, s, p, "stderr"); got != "one\ntwo\n" {
		t.Errorf("running log = %q, want the two parts written so far", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readLog(t, s, p, "stderr"); got != "one\ntwo\nthree\n" {
		t.Errorf("log = %q, want all three lines", got)
	}
	des, _ := os.ReadDir(filepath.Join(s.Root(), "F/1/Start/0"))
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if want := []string{"0.stderr", "0.stderr.1", "0.stderr.2"}; !slices.Equal(names, want) {
		t.Errorf("task dir has %q, want %q (the empty crash file removed)", names, want)
	}
}

// TestLogCrash: what the Go runtime writes to the crash file of a dying
// task is read after the parts.
func TestLogCrash(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Start", "0"}
	w, err := s.CreateLog(p, 0, "stderr")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "before\n")
	w.flush(false)
	w.CrashFile().WriteString("fatal error: concurrent map writes\n")
	// The process dies here: no Close.
	if got := readLog(t, s, p, "stderr"); got != "before\nfatal error: concurrent map writes\n" {
		t.Errorf("log = %q", got)
	}
}
