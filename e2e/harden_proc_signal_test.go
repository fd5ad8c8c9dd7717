package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestProcInterrupt is issue 7 item 7: Ctrl-C or SIGTERM must stop a run
// whose steps ignore their context. The first signal cancels (a polite
// step ends at once); the second kills every task's process group (a
// stubborn step and the child it started, which ignores SIGTERM). Either
// way the run ends as killed, nothing of it is left running, and resume
// completes it.
func TestProcInterrupt(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc to check that no process is left; run it on linux")
	}
	m := newModule(t, nil)
	m.copyTree("stubborn")
	m.generate(".")
	b := m.build(".")
	defer killAll(b.path)

	for _, tc := range []struct {
		name    string
		args    []string
		signals []syscall.Signal
	}{
		{"polite", []string{"--polite"}, []syscall.Signal{syscall.SIGINT}},
		{"stubborn", nil, []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			notes := t.TempDir()
			run := startRun(t, b, notes, tc.args...)
			pids := run.waitStarted(t, 2)
			for i, sig := range tc.signals {
				if i > 0 {
					run.waitOutput(t, "interrupt again to kill them at once")
				}
				run.cmd.Process.Signal(sig)
			}
			r := run.wait(t, time.Minute)
			if r.code != 1 || !strings.Contains(r.stderr, "was killed") || !strings.Contains(r.stderr, "resume") {
				t.Errorf("want exit status 1 and a line that the run was killed, naming resume; got\n%s", r)
			}
			for _, pid := range pids {
				if processLives(pid) {
					t.Errorf("process %d of a task is still running", pid)
				}
			}
			if n := len(procsOf(b.path)); n > 0 {
				t.Errorf("%d processes of the flow binary still running", n)
			}
			id := lastRunID(t, b)
			if st := b.runStatus(id); st != "killed" {
				t.Errorf("run %s is %s, want killed", id, st)
			}
			if len(tc.signals) > 1 {
				// The killed tasks wrote nothing of it; logs says so.
				if l := b.run("logs", id+"/Wait"); !strings.Contains(l.stderr, "failed (attempt 0): killed by a second interrupt") {
					t.Errorf("logs %s/Wait: want a note that its tasks were killed by the second interrupt\n%s", id, l)
				}
			}
			fast := &flowBin{t: t, path: b.path, dir: b.dir, env: []string{"STUBBORN_FAST=1"}}
			fast.ok("resume", "--quiet", "--origin-run-id", id)
			var sum int
			fast.dump(lastRunID(t, b), &sum, "--artifact", "Sum")
			if sum != 3 {
				t.Errorf("resumed run: Sum = %d, want 3", sum)
			}
		})
	}
}

// liveRun is a run started in the background.
type liveRun struct {
	cmd    *exec.Cmd
	notes  string
	mu     sync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan error
}

func (r *liveRun) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stdout.Write(p)
}

func (r *liveRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stdout.String()
}

func startRun(t *testing.T, b *flowBin, notes string, args ...string) *liveRun {
	t.Helper()
	r := &liveRun{notes: notes, done: make(chan error, 1)}
	r.cmd = exec.Command(b.path, append([]string{"run"}, args...)...)
	r.cmd.Dir = b.dir
	r.cmd.Env = append(goEnv(), "STUBBORN_DIR="+notes)
	r.cmd.Stdout, r.cmd.Stderr = r, &lockedWriter{mu: &r.mu, w: &r.stderr}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	return r
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// waitStarted waits until n tasks have noted their PIDs, and returns them
// with their children's.
func (r *liveRun) waitStarted(t *testing.T, n int) []int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		files, _ := filepath.Glob(filepath.Join(r.notes, "started-*[0-9]"))
		if len(files) == n {
			var pids []int
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range strings.Fields(string(b)) {
					pid, _ := strconv.Atoi(s)
					pids = append(pids, pid)
				}
			}
			return pids
		}
		if time.Now().After(deadline) {
			r.cmd.Process.Kill()
			t.Fatalf("%d of %d tasks started in 2 minutes\nstdout:\n%s", len(files), n, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *liveRun) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(r.output(), want) {
		if time.Now().After(deadline) {
			r.cmd.Process.Kill()
			t.Fatalf("the run never printed %q:\n%s", want, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait waits for the run to end; one that outlives timeout is killed and
// fails the test.
func (r *liveRun) wait(t *testing.T, timeout time.Duration) result {
	t.Helper()
	var err error
	select {
	case err = <-r.done:
	case <-time.After(timeout):
		r.cmd.Process.Kill()
		<-r.done
		t.Fatalf("the run did not end within %s of the signals\nstdout:\n%s", timeout, r.output())
	}
	res := result{stdout: r.output()}
	r.mu.Lock()
	res.stderr = r.stderr.String()
	r.mu.Unlock()
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	}
	return res
}

// processLives reports whether pid is a process that has not exited (a
// zombie, or one being reaped, has).
func processLives(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// lastRunID is the newest run of the flow binary b.
func lastRunID(t *testing.T, b *flowBin) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(b.ok("runs").stdout), "\n")
	if len(lines) < 2 {
		t.Fatalf("no runs:\n%s", strings.Join(lines, "\n"))
	}
	return strings.Fields(lines[1])[0]
}
