package runner_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestInterruptIsNotATimeout interrupts a run while a step with
// //flow:timeout, //flow:retry and //flow:catch ignores its context, on its
// first attempt and on its last. The task stops waiting for it at once,
// but what it records is an interruption: not "timed out" (the deadline
// was far off), not retried (the run is stopping), and not caught (a
// resume reruns it instead of cloning a caught interruption).
func TestInterruptIsNotATimeout(t *testing.T) {
	for _, attempt := range []string{"0", "1"} {
		t.Run("attempt "+attempt, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(bins["faults"], "run", "--mode", "sleep", "--run-id-file", "rid")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "FLOWC_USER=tester", "FLOWC_DATASTORE_ROOT="+filepath.Join(dir, ".flowc"))
			var out syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(time.Minute)
			for !strings.Contains(out.String(), "work attempt "+attempt) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("Work attempt %s did not start in a minute:\n%s", attempt, out.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			before := len(out.String())
			cmd.Process.Signal(syscall.SIGINT)
			err := cmd.Wait()
			log := out.String()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(log, "was killed") {
				t.Fatalf("want exit status 1 and a killed run, got %v:\n%s", err, log)
			}
			for _, wrong := range []string{"timed out", "retrying", "caught", "work attempt"} {
				if strings.Contains(log[before:], wrong) {
					t.Errorf("after the interrupt the run says %q:\n%s", wrong, log)
				}
			}
			r := flowc(t, dir, "faults", nil, "dump", readID(t, dir)+"/Work")
			if r.code == 0 || !strings.Contains(r.stderr, "failed (attempt "+attempt+"): interrupted") {
				t.Errorf("dump of the interrupted task: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer the command's two streams write to at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
