package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func writeTask(t testing.TB, s *Store, p TaskPath, attempt int, ok bool) *TaskData {
	t.Helper()
	d := &TaskData{Artifacts: map[string]Artifact{
		"X": {Hash: sha([]byte(p.String())), Type: "int", Size: 2, Encoding: "json"},
	}, Parents: []string{"1/Start/0"}}
	now := time.Now().UTC().Truncate(time.Millisecond)
	if err := s.WriteTaskData(p, attempt, d); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishAttempt(p, &Done{Attempt: attempt, OK: ok, Started: now, Finished: now, NumSplits: 3}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTaskLifecycle(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Start", "0"}
	if _, err := s.LatestDone(p); !errors.Is(err, ErrNotFound) {
		t.Errorf("LatestDone of a new task = %v, want ErrNotFound", err)
	}
	d := writeTask(t, s, p, 0, true)
	got, err := s.ReadTaskData(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, got); diff != "" {
		t.Errorf("ReadTaskData (-want +got):\n%s", diff)
	}
	done, err := s.LatestDone(p)
	if err != nil || done.Attempt != 0 || !done.OK || done.NumSplits != 3 {
		t.Errorf("LatestDone = %+v, %v", done, err)
	}
	if _, err := s.ReadTaskData(p, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("ReadTaskData of a missing attempt = %v", err)
	}
	want := []string{"0.data.json", "task.json"}
	if got := files(t, s); !slices.Equal(got, prefixed("F/1/Start/0/", want)) {
		t.Errorf("task files = %v, want %v", got, want)
	}
}

func prefixed(dir string, names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, dir+n)
	}
	return out
}

// A task killed after WriteTaskData but before FinishAttempt is not done;
// an earlier committed attempt stays the latest.
func TestCrashBeforeCommit(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Body", "3"}
	crash := func(attempt int) {
		if err := s.WriteTaskData(p, attempt, &TaskData{Artifacts: map[string]Artifact{}}); err != nil {
			t.Fatal(err)
		}
	}
	crash(0)
	if d, err := s.LatestDone(p); !errors.Is(err, ErrNotFound) {
		t.Fatalf("crashed attempt visible: %+v, %v", d, err)
	}
	writeTask(t, s, p, 1, false)
	writeTask(t, s, p, 2, true)
	crash(3)
	// A marker torn by a killed writer exists only under a temp name.
	os.WriteFile(filepath.Join(s.Root(), "F/1/Body/3", tempPrefix+"123"), []byte(`{"attempt":3,"ok":tr`), 0o666)
	if d, err := s.LatestDone(p); err != nil || d.Attempt != 2 || !d.OK {
		t.Fatalf("LatestDone = %+v, %v; want attempt 2", d, err)
	}
	// A marker torn by a power loss (no fsync) does not count either.
	os.WriteFile(filepath.Join(s.Root(), "F/1/Body/3/3.done"), []byte(`{"attempt":3,"ok":tr`), 0o666)
	os.WriteFile(filepath.Join(s.Root(), "F/1/Body/3/4.done"), nil, 0o666)
	if d, err := s.LatestDone(p); err != nil || d.Attempt != 2 || !d.OK {
		t.Fatalf("LatestDone = %+v, %v; want attempt 2", d, err)
	}
}

// The successful attempt's marker is task.json, created once: a second
// success is refused, a torn one (power loss) reads as not done and is
// replaced, and a record of a newer format is refused in one line.
func TestTaskFile(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Body", "3"}
	writeTask(t, s, p, 0, false)
	writeTask(t, s, p, 1, true)
	err := s.FinishAttempt(p, &Done{Attempt: 2, OK: true})
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "attempt 1 already succeeded") {
		t.Fatalf("second success = %v", err)
	}
	if d, err := s.ReadDone(p, 1); err != nil || !d.OK || d.Version != FormatVersion {
		t.Fatalf("ReadDone(1) = %+v, %v", d, err)
	}
	if d, err := s.ReadDone(p, 0); err != nil || d.OK {
		t.Fatalf("ReadDone(0) = %+v, %v", d, err)
	}
	key := filepath.Join(s.Root(), "F/1/Body/3", taskFile)
	os.WriteFile(key, []byte(`{"attempt":1,"ok":tr`), 0o644)
	if d, err := s.LatestDone(p); err != nil || d.Attempt != 0 || d.OK {
		t.Fatalf("LatestDone with a torn task.json = %+v, %v; want failed attempt 0", d, err)
	}
	if _, err := s.ReadDone(p, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReadDone(1) with a torn task.json = %v", err)
	}
	if err := s.FinishAttempt(p, &Done{Attempt: 2, OK: true}); err != nil {
		t.Fatalf("success over a torn task.json = %v", err)
	}
	if d, err := s.LatestDone(p); err != nil || d.Attempt != 2 || !d.OK {
		t.Fatalf("LatestDone = %+v, %v; want attempt 2", d, err)
	}
	os.WriteFile(key, []byte(`{"version":"2.0","attempt":2,"ok":true}`), 0o644)
	if _, err := s.LatestDone(p); err == nil || !strings.Contains(err.Error(), `format version "2.0"`) {
		t.Fatalf("LatestDone of a newer record = %v", err)
	}
	os.WriteFile(filepath.Join(s.Root(), "F/1/Body/3/1.data.json"), []byte(`{"version":"3.1","artifacts":{}}`), 0o644)
	if _, err := s.ReadTaskData(p, 1); err == nil || !strings.Contains(err.Error(), "newer than this binary's") {
		t.Fatalf("ReadTaskData of a newer record = %v", err)
	}
}

func TestLatestDoneNumeric(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Body", "0"}
	for _, a := range []int{2, 10, 9} {
		writeTask(t, s, p, a, a == 10)
	}
	if d, err := s.LatestDone(p); err != nil || d.Attempt != 10 || !d.OK {
		t.Errorf("LatestDone = %+v, %v; want attempt 10", d, err)
	}
}

func TestListStepsTasks(t *testing.T) {
	s := newStore(t)
	id, err := s.NewRun(&Run{Flow: "F"})
	if err != nil {
		t.Fatal(err)
	}
	if steps, err := s.ListSteps("F", id); err != nil || len(steps) != 0 {
		t.Errorf("ListSteps of a new run = %v, %v", steps, err)
	}
	for _, task := range []string{"10", "2", "1", "0", "x"} {
		writeTask(t, s, TaskPath{"F", id, "Body", task}, 0, true)
	}
	writeTask(t, s, TaskPath{"F", id, "Start", "0"}, 0, true)
	if steps, err := s.ListSteps("F", id); err != nil || !slices.Equal(steps, []string{"Body", "Start"}) {
		t.Errorf("ListSteps = %v, %v", steps, err)
	}
	if tasks, err := s.ListTasks("F", id, "Body"); err != nil || !slices.Equal(tasks, []string{"0", "1", "2", "10", "x"}) {
		t.Errorf("ListTasks = %v, %v", tasks, err)
	}
	if _, err := s.ListTasks("F", id, "Nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ListTasks of an unknown step = %v", err)
	}
}

func TestTaskPathTraversal(t *testing.T) {
	s := newStore(t)
	bad := []TaskPath{
		{"F", "..", "Start", "0"}, {"F", "1", "../..", "0"}, {"F", "1", "Start", "../../../x"},
		{"../F", "1", "Start", "0"}, {"F", "1", "Start", ""}, {"F", "1/2", "Start", "0"},
	}
	for _, p := range bad {
		errs := []error{
			s.WriteTaskData(p, 0, &TaskData{}),
			s.FinishAttempt(p, &Done{}),
			s.CloneTask(TaskPath{"F", "1", "Start", "0"}, p),
			s.CloneTask(p, TaskPath{"F", "1", "Start", "0"}),
		}
		_, err := s.ReadTaskData(p, 0)
		errs = append(errs, err)
		_, err = s.LatestDone(p)
		errs = append(errs, err)
		_, err = s.CreateLog(p, 0, "stdout")
		errs = append(errs, err)
		_, err = s.OpenLog(p, 0, "stdout")
		errs = append(errs, err)
		for i, err := range errs {
			if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "is not valid") {
				t.Errorf("%v: call %d error = %v, want an invalid id", p, i, err)
			}
		}
	}
	p := TaskPath{"F", "1", "Start", "0"}
	if err := s.WriteTaskData(p, -1, &TaskData{}); err == nil {
		t.Error("attempt -1 accepted")
	}
	if _, err := s.CreateLog(p, 0, "../x"); err == nil {
		t.Error("log stream ../x accepted")
	}
	if fs := files(t, s); len(fs) != 0 {
		t.Errorf("rejected paths left files: %v", fs)
	}
	if es, _ := os.ReadDir(filepath.Dir(s.Root())); len(es) != 1 {
		t.Errorf("files outside the root: %v", es)
	}
}

func TestCloneTask(t *testing.T) {
	s := newStore(t)
	src := TaskPath{"F", "1", "Body", "4"}
	writeTask(t, s, src, 0, false)
	if err := s.CloneTask(src, TaskPath{"F", "2", "Body", "4"}); err == nil {
		t.Error("cloned a failed task")
	}
	if err := s.WriteTaskData(src, 1, &TaskData{Artifacts: map[string]Artifact{}}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishAttempt(src, &Done{Attempt: 1, OK: true, NumSplits: 7, SwitchCase: "B",
		Started: time.Unix(100, 0).UTC(), Finished: time.Unix(200, 0).UTC()}); err != nil {
		t.Fatal(err)
	}
	dst := TaskPath{"F", "2", "Body", "4"}
	if err := s.CloneTask(src, dst); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(s.Root(), "F/1/Body/4/1.data.json"))
	b, _ := os.ReadFile(filepath.Join(s.Root(), "F/2/Body/4/0.data.json"))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("clone data.json differs:\n%s\n%s", a, b)
	}
	d, err := s.LatestDone(dst)
	if err != nil {
		t.Fatal(err)
	}
	want := &Done{Version: FormatVersion, Attempt: 0, OK: true, NumSplits: 7, SwitchCase: "B", Origin: "1/Body/4",
		Started: time.Unix(100, 0).UTC(), Finished: time.Unix(200, 0).UTC()}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("clone marker (-want +got):\n%s", diff)
	}
	if err := s.CloneTask(src, TaskPath{"G", "2", "Body", "4"}); err == nil {
		t.Error("cloned across flows")
	}
	if err := s.CloneTask(TaskPath{"F", "1", "Body", "5"}, dst); !errors.Is(err, ErrNotFound) {
		t.Errorf("clone of a missing task = %v", err)
	}
}

// An engine's file beside the marker: written whole, invisible to the
// attempt listings, and never one of the store's own names.
func TestPutTaskFile(t *testing.T) {
	s := newStore(t)
	p := TaskPath{"F", "1", "Fan", "Fan"}
	writeTask(t, s, p, 0, true)
	if err := s.PutTaskFile(p, "foreach.json", []byte("[0,1]")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(s.Root(), "F/1/Fan/Fan/foreach.json")); err != nil || string(b) != "[0,1]" {
		t.Fatalf("foreach.json = %q, %v", b, err)
	}
	if a, err := s.ListAttempts(p); err != nil || len(a) != 1 {
		t.Errorf("ListAttempts = %v, %v; want [0]", a, err)
	}
	if d, err := s.LatestDone(p); err != nil || !d.OK {
		t.Errorf("LatestDone = %+v, %v", d, err)
	}
	for _, bad := range []string{"", taskFile, "0.done", "a/b", ".x"} {
		if err := s.PutTaskFile(p, bad, nil); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("PutTaskFile(%q) = %v; want a one-line error", bad, err)
		}
	}
}
