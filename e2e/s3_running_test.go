package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// TestS3RunningTask: on the S3 datastore a running task that has written
// nothing yet (no log part, no artifact) is visible as running, as it is
// locally: dump and the client list it while it blocks, then it
// completes.
func TestS3RunningTask(t *testing.T) {
	srv := s3test.StartMoto(t)
	s3test.CreateBucket(t, srv.URL, "running")
	bin := s3FlowBin(t, "three")
	block := filepath.Join(t.TempDir(), "block")
	if err := os.WriteFile(block, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env := s3Env(srv.URL, "running", "p")
	idFile := filepath.Join(t.TempDir(), "run-id")
	cmd := exec.Command(bin, "run", "--quiet", "--run-id-file", idFile)
	cmd.Dir, cmd.Env = t.TempDir(), append(append([]string{}, env...), "THREE_BLOCK="+block)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()

	var last result
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		raw, _ := os.ReadFile(idFile)
		if id := strings.TrimSpace(string(raw)); id != "" {
			last = execIn(t, t.TempDir(), env, bin, "dump", id+"/Mid")
			// dump's word for a listed task without a commit marker, as
			// locally; runs shows the run running.
			if strings.Contains(last.stderr, "task "+id+"/Mid/") && strings.Contains(last.stderr, "has not finished") {
				if r := execIn(t, t.TempDir(), env, bin, "runs"); !strings.Contains(r.stdout, "running") {
					t.Errorf("runs while Mid blocks:\n%s", r)
				}
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("the run ended (%v) while Mid was to block:\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("Mid was never shown running; last dump:\n%s", last)
		}
	}
	t.Logf("dump while Mid blocks: %s", last.stderr)
	os.Remove(block)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, out.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run did not end after Mid was released:\n%s", out.String())
	}
}
