package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Scratch runs get their own ids, never take a run id, and are never
// listed; they are still read by id.
func TestScratchRunsAreNotRuns(t *testing.T) {
	s := newStore(t)
	if _, err := s.NewRun(&Run{Flow: "F", Status: "succeeded"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"_spin-1", "_spin-2"} {
		id, err := s.NewScratchRun(&Run{Flow: "F", Status: "running"})
		if err != nil || id != want {
			t.Fatalf("NewScratchRun = %q, %v; want %q", id, err, want)
		}
	}
	next, err := s.NewRun(&Run{Flow: "F"})
	if err != nil || next != "2" {
		t.Fatalf("NewRun after scratch runs = %q, %v; want 2", next, err)
	}
	ids, err := s.ListRuns("F")
	if err != nil || !slices.Equal(ids, []string{"2", "1"}) {
		t.Fatalf("ListRuns = %v, %v; want [2 1]", ids, err)
	}
	if r, err := s.GetRun("F", "_spin-2"); err != nil || r.ID != "_spin-2" {
		t.Fatalf("GetRun(_spin-2) = %+v, %v", r, err)
	}
}

// The commit marker keeps what the attempt ran on, a failed one's too.
func TestDoneInputs(t *testing.T) {
	s := newStore(t)
	p := TaskPath{Flow: "F", Run: "1", Step: "A", Task: "3"}
	in, split := InputsOf("1/Start/:1,2", 2)
	if err := s.FinishAttempt(p, &Done{Attempt: 1, Error: "boom", Inputs: in, SplitIndex: split}); err != nil {
		t.Fatal(err)
	}
	d, err := s.ReadDone(p, 1)
	if err != nil || d.Inputs != "1/Start/:1,2" || d.SplitIndex == nil || *d.SplitIndex != 2 || d.Version != FormatVersion {
		t.Fatalf("ReadDone = %+v, %v", d, err)
	}
	if _, err := s.ReadDone(p, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReadDone of a missing attempt = %v", err)
	}
	if got, err := s.ListAttempts(p); err != nil || !slices.Equal(got, []int{1}) {
		t.Fatalf("ListAttempts = %v, %v", got, err)
	}
}

// Scratch runs list oldest first by number; removing one deletes its whole
// directory, and a run of the flow is never removed this way.
func TestRemoveScratchRun(t *testing.T) {
	s := newStore(t)
	if _, err := s.NewRun(&Run{Flow: "F", Status: "succeeded"}); err != nil {
		t.Fatal(err)
	}
	for range 11 {
		if _, err := s.NewScratchRun(&Run{Flow: "F", Status: "succeeded"}); err != nil {
			t.Fatal(err)
		}
	}
	p := TaskPath{Flow: "F", Run: "_spin-2", Step: "A", Task: "1"}
	if err := s.FinishAttempt(p, &Done{Attempt: 0, OK: true}); err != nil {
		t.Fatal(err)
	}
	ids, err := s.ScratchRuns("F")
	if err != nil || len(ids) != 11 || ids[0] != "_spin-1" || ids[1] != "_spin-2" || ids[10] != "_spin-11" {
		t.Fatalf("ScratchRuns = %v, %v; want _spin-1 ... _spin-11 by number", ids, err)
	}
	if err := s.RemoveScratchRun("F", "_spin-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "F", "_spin-2")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("_spin-2 is still there: %v", err)
	}
	if _, err := s.GetRun("F", "_spin-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRun of the removed scratch run: %v", err)
	}
	if err := s.RemoveScratchRun("F", "1"); err == nil || !strings.Contains(err.Error(), "not a scratch run") {
		t.Errorf("RemoveScratchRun of a run of the flow: %v", err)
	}
	if _, err := s.GetRun("F", "1"); err != nil {
		t.Errorf("the run of the flow is gone: %v", err)
	}
}
