package store

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRunRecord(t *testing.T) {
	s := newStore(t)
	started := time.Date(2026, 11, 21, 10, 0, 0, 123e6, time.UTC)
	r := &Run{Flow: "F", User: "alice", Namespace: "user:alice", Tags: []string{"t"},
		Params: map[string]string{"max-genres": "5"}, Status: "running", Started: started, PID: 42}
	for want := 1; want <= 3; want++ {
		r.ID = "ignored"
		id, err := s.NewRun(r)
		if err != nil {
			t.Fatal(err)
		}
		if id != strconv.Itoa(want) || r.ID != id {
			t.Fatalf("NewRun = %q (r.ID %q), want %d", id, r.ID, want)
		}
	}
	got, err := s.GetRun("F", "2")
	if err != nil {
		t.Fatal(err)
	}
	want := *r
	want.ID = "2"
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("GetRun mismatch (-want +got):\n%s", diff)
	}

	err = s.UpdateRun("F", "2", func(r *Run) error {
		r.Status = "succeeded"
		r.Finished = started.Add(time.Minute)
		r.ID = "99" // cannot move the record
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetRun("F", "2")
	if got.Status != "succeeded" || !got.Finished.Equal(started.Add(time.Minute)) || got.ID != "2" {
		t.Errorf("after UpdateRun: %+v", got)
	}
	boom := errors.New("boom")
	if err := s.UpdateRun("F", "2", func(r *Run) error { r.Status = "x"; return boom }); !errors.Is(err, boom) {
		t.Errorf("UpdateRun fn error: %v", err)
	}
	if got, _ := s.GetRun("F", "2"); got.Status != "succeeded" {
		t.Errorf("a failed UpdateRun wrote %q", got.Status)
	}

	// Scheduler ids go through PutRun.
	if err := s.PutRun(&Run{Flow: "F", ID: "sfn-abc", Status: "running"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetRun("F", "sfn-abc"); err != nil || got.Status != "running" {
		t.Errorf("GetRun(sfn-abc) = %+v, %v", got, err)
	}
	noTempFiles(t, s)
}

func TestRunNotFound(t *testing.T) {
	s := newStore(t)
	if _, err := s.GetRun("F", "7"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"F/7"`) {
		t.Errorf("GetRun unknown = %v", err)
	}
	if err := s.UpdateRun("F", "7", func(*Run) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateRun unknown = %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "F", "7")); err == nil {
		t.Error("UpdateRun of an unknown run created its directory")
	}
	if _, err := s.ListRuns("F"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ListRuns unknown flow = %v", err)
	}
	if _, err := s.ListSteps("F", "7"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ListSteps unknown run = %v", err)
	}
	if _, err := s.ListTasks("F", "7", "Start"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ListTasks unknown step = %v", err)
	}
}

func TestRunIDsRejected(t *testing.T) {
	s := newStore(t)
	for _, id := range []string{"../x", "..", "", "a/b", "data", "-1", "/etc"} {
		if _, err := s.GetRun("F", id); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("GetRun(%q) = %v, want an invalid id error", id, err)
		}
		if err := s.PutRun(&Run{Flow: "F", ID: id}); err == nil {
			t.Errorf("PutRun(%q) succeeded", id)
		}
	}
	if _, err := s.NewRun(&Run{Flow: "../F"}); err == nil {
		t.Error("NewRun with flow ../F succeeded")
	}
	if fs := files(t, s); len(fs) != 0 {
		t.Errorf("rejected ids left files: %v", fs)
	}
}

func TestListRunsOrder(t *testing.T) {
	s := newStore(t)
	for range 12 {
		if _, err := s.NewRun(&Run{Flow: "F"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"argo-b", "sfn-a"} {
		if err := s.PutRun(&Run{Flow: "F", ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	// Not runs: a claimed directory without a record, the blob directory.
	os.MkdirAll(filepath.Join(s.Root(), "F", "13"), 0o777)
	putBytes(t, s, "F", []byte("x"))
	got, err := s.ListRuns("F")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"12", "11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1", "sfn-a", "argo-b"}
	if !slices.Equal(got, want) {
		t.Errorf("ListRuns = %v, want %v", got, want)
	}
	// The empty claimed directory 13 is skipped over, not reused.
	if id, err := s.NewRun(&Run{Flow: "F"}); err != nil || id != "14" {
		t.Errorf("NewRun after 13 = %q, %v; want 14", id, err)
	}
	if err := s.PutRun(&Run{Flow: "G", ID: "1"}); err != nil {
		t.Fatal(err)
	}
	if flows, err := s.ListFlows(); err != nil || !slices.Equal(flows, []string{"F", "G"}) {
		t.Errorf("ListFlows = %v, %v", flows, err)
	}
}

// Separate Store values share nothing in memory, like separate processes.
func TestNewRunConcurrent(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".flowc")
	const n = 24
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := Open(root)
			if err != nil {
				errs[i] = err
				return
			}
			ids[i], errs[i] = s.NewRun(&Run{Flow: "F", Status: "running"})
		})
	}
	wg.Wait()
	checkDistinct(t, ids, errs, n)
}

func checkDistinct(t *testing.T, ids []string, errs []error, n int) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var nums []int
	for _, id := range ids {
		k, err := strconv.Atoi(id)
		if err != nil {
			t.Fatalf("id %q is not an integer", id)
		}
		nums = append(nums, k)
	}
	slices.Sort(nums)
	for i, k := range nums {
		if k != i+1 {
			t.Fatalf("ids %v are not 1..%d, each once", nums, n)
		}
	}
}

// TestNewRunProcesses starts runs from two processes at once.
func TestNewRunProcesses(t *testing.T) {
	if root := os.Getenv("FLOWC_STORE_TEST_ROOT"); root != "" {
		s, err := Open(root)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		for range 20 {
			id, err := s.NewRun(&Run{Flow: "F"})
			if err != nil {
				fmt.Println("error:", err)
				return
			}
			fmt.Println("id:", id)
		}
		return
	}
	root := filepath.Join(t.TempDir(), ".flowc")
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestNewRunProcesses$")
			cmd.Env = append(os.Environ(), "FLOWC_STORE_TEST_ROOT="+root)
			outs[i], errs[i] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	var ids []string
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("child %d: %v\n%s", i, errs[i], outs[i])
		}
		for _, line := range strings.Split(string(outs[i]), "\n") {
			if id, ok := strings.CutPrefix(line, "id: "); ok {
				ids = append(ids, id)
			} else if strings.HasPrefix(line, "error:") {
				t.Fatalf("child %d: %s", i, line)
			}
		}
	}
	checkDistinct(t, ids, make([]error, len(ids)), 40)
}

// Concurrent UpdateRuns (separate Stores) must not lose each other's edits.
func TestUpdateRunConcurrent(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".flowc")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.NewRun(&Run{Flow: "F"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, _ := Open(root)
			errs[i] = s.UpdateRun("F", id, func(r *Run) error {
				r.Tags = append(r.Tags, fmt.Sprint("t", i))
				return nil
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.GetRun("F", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tags) != n {
		t.Errorf("%d tags after %d concurrent UpdateRuns: %v", len(r.Tags), n, r.Tags)
	}
}
