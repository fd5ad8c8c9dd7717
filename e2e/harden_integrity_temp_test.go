package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tempFiles lists the datastore's temp files: those under .tmp, and those
// older versions put next to their final names (.tmp-*).
func tempFiles(t *testing.T, root string) (out []string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasPrefix(d.Name(), ".tmp-") || filepath.Base(filepath.Dir(p)) == ".tmp") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestIntegrityStaleTempCleaned (issue 7 item 10): a task killed (kill -9)
// in the middle of writing a large blob leaves its temp file; the next run
// removes it, saying so, and leaves no temp file behind. Before, temp
// files of killed writers were never removed.
func TestIntegrityStaleTempCleaned(t *testing.T) {
	b := integrityBin(t, "big")
	cmd := exec.Command(b.path, "run", "--mb", "300")
	cmd.Dir = b.dir
	cmd.Env = append(goEnv(), b.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	root := b.storeRoot()
	killed := false
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && !killed; time.Sleep(5 * time.Millisecond) {
		for _, f := range tempFiles(t, root) {
			if fi, err := os.Stat(f); err != nil || fi.Size() < 1<<20 {
				continue
			}
			// The writer is the Start task; its pid starts the temp file's
			// name (<pid>-<random>).
			pid, _, _ := strings.Cut(filepath.Base(f), "-")
			n, err := strconv.Atoi(pid)
			if err != nil || n <= 0 {
				continue
			}
			syscall.Kill(n, syscall.SIGKILL)
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("never saw the Start task writing its blob\n%s", out.String())
	}
	if left := tempFiles(t, root); len(left) == 0 {
		t.Fatalf("the killed writer left no temp file; the test did not kill it mid-write\n%s", out.String())
	}
	r := b.ok("run")
	if !strings.Contains(r.stdout, "removed 1 temp files") {
		t.Errorf("the next run does not say it removed the stale temp file:\n%s", r)
	}
	if left := tempFiles(t, root); len(left) > 0 {
		t.Errorf("temp files left after the next run: %v", left)
	}
}
