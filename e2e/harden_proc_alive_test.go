package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestProcReusedPID is issue 7 item 8: a run record says "running" with
// the PID of its scheduler. After a reboot or a container restart another
// process has that PID; the run must read as killed, and resume must
// work. A run whose scheduler is really alive is refused, unless the user
// says --force.
func TestProcReusedPID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("start tokens are read from /proc; run it on linux")
	}
	b := runFlowBin(t, "linear")
	id := b.runFlow()

	// Some live process that is not the run's scheduler holds its PID.
	other := exec.Command("sleep", "300")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	pid := other.Process.Pid
	real := startToken(t, pid)
	boot, ticks, _ := strings.Cut(real, "/")

	for _, reused := range []string{
		"11111111-2222-3333-4444-555555555555/" + ticks, // rebooted since
		boot + "/" + ticks + "7",                        // same boot, a restarted container
	} {
		forgeRunning(t, b, "LinearFlow", id, pid, reused)
		if st := b.runStatus(id); st != "killed" {
			t.Errorf("pid %d with start %q recorded as %q: status %s, want killed", pid, reused, real, st)
		}
		b.ok("resume", "--quiet", "--origin-run-id", id, "A")
	}

	// The PID is the scheduler's own: refused, and --force overrides.
	forgeRunning(t, b, "LinearFlow", id, pid, real)
	if st := b.runStatus(id); st != "running" {
		t.Errorf("live scheduler: status %s, want running", st)
	}
	r := b.run("resume", "--quiet", "--origin-run-id", id, "A")
	wantOneLineError(t, "resume of a running run", r, "still running", "pid "+strconv.Itoa(pid), "--force")
	b.ok("resume", "--quiet", "--force", "--origin-run-id", id, "A")
	var seen []string
	b.dump(strconv.Itoa(mustAtoi(t, id)+3), &seen, "--artifact", "Seen")
	if want := "Start A End"; strings.Join(seen, " ") != want {
		t.Errorf("forced resume: Seen = %v, want %s", seen, want)
	}
}

// startToken reads what package alive records for pid.
func startToken(t *testing.T, pid int) string {
	t.Helper()
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		t.Fatal(err)
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return strings.TrimSpace(string(boot)) + "/" + f[19]
}

// forgeRunning adds a version of a run's record (records are never
// rewritten: each change is the next _run.<n>.json) saying it is still
// running under pid.
func forgeRunning(t *testing.T, b *flowBin, flow, id string, pid int, start string) {
	t.Helper()
	dir := filepath.Join(b.dir, ".flowc", flow, id)
	latest, next := "_run.json", 1
	for ; ; next++ {
		if _, err := os.Stat(filepath.Join(dir, "_run."+strconv.Itoa(next)+".json")); err != nil {
			break
		}
		latest = "_run." + strconv.Itoa(next) + ".json"
	}
	raw, err := os.ReadFile(filepath.Join(dir, latest))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	rec["status"], rec["pid"], rec["pid_start"] = "running", pid, start
	delete(rec, "finished")
	raw, _ = json.Marshal(rec)
	if err := os.WriteFile(filepath.Join(dir, "_run."+strconv.Itoa(next)+".json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
