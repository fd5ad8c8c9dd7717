package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestHardenCLIRetryLocal: `//flow:retry times=1` without minutes_between
// retries at once in a local run (it waited the cloud default of 2
// minutes); a written minutes_between is still waited.
func TestHardenCLIRetryLocal(t *testing.T) {
	b := runFlowBin(t, "retrylocal")
	r := runWithin(t, b, 60*time.Second, "run")
	if r.code != 0 || !strings.Contains(r.stdout, "attempt 0 failed; retrying in 0s (//flow:retry)") {
		t.Fatalf("run: want Start retried at once, got\n%s", r)
	}
	var attempt int
	b.dump("1/Start", &attempt, "--artifact", "Attempt")
	if attempt != 1 {
		t.Errorf("Start succeeded on attempt %d, want 1", attempt)
	}

	// minutes_between=1 is waited: the run announces it, and is
	// interrupted while it waits.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.path, "run", "--slow-retry")
	cmd.Dir, cmd.Env = b.dir, append(goEnv(), b.env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), "/Slow/") && strings.Contains(sc.Text(), "retrying in 1m0s (//flow:retry)") {
			cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	cmd.Wait()
	if ctx.Err() != nil || !strings.Contains(strings.Join(lines, "\n"), "retrying in 1m0s") {
		t.Errorf("run --slow-retry: want Slow to wait minutes_between=1, got\n%s", strings.Join(lines, "\n"))
	}
}
