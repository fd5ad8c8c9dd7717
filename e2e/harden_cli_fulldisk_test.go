package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardenCLIFullDiskStatus: a run whose last writes hit a full disk
// ends as failed, not as killed (the status write was lost, leaving the
// record saying running), and says so in one line. The datastore is on a
// small tmpfs mounted in a private mount namespace.
func TestHardenCLIFullDiskStatus(t *testing.T) {
	if err := exec.Command("unshare", "-Urm", "true").Run(); err != nil {
		t.Skip("needs unshare(1) (util-linux) and unprivileged user namespaces, to mount a small tmpfs")
	}
	b := runFlowBin(t, "fulldisk")
	mnt := filepath.Join(b.dir, "mnt")
	script := `set -e
mkdir -p "$1"
mount -t tmpfs -o size=4m tmpfs "$1"
cd "$1"
export FLOWC_DATASTORE_ROOT="$1/.flowc" FULLDISK_FILL="$1/filler"
set +e
"$2" run --quiet 2>"$3"
echo "exit=$?"
cat "$3"
"$2" runs 2>&1
`
	cmd := exec.Command("unshare", "-Urm", "sh", "-c", script, "sh", mnt, b.path, filepath.Join(b.dir, "run.err"))
	cmd.Env = goEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	// stderr has the End task's own error, then the run's.
	if lines[0] != "exit=1" || !strings.Contains(string(out), "error: run 1 failed: task 1/End/") {
		t.Fatalf("run on a disk filling up: want exit status 1 and a line saying run 1 failed, got\n%s", out)
	}
	var status string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "1" {
			status = f[1]
		}
	}
	if status != "failed" {
		t.Errorf("runs shows the run as %q, want failed:\n%s", status, out)
	}
}
