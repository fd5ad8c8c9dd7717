package alive

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

func TestSelfAlive(t *testing.T) {
	pid, start := Self()
	if pid != os.Getpid() {
		t.Fatalf("Self pid = %d, want %d", pid, os.Getpid())
	}
	if runtime.GOOS == "linux" && start == "" {
		t.Fatal("Self has no start token on linux")
	}
	if !Process(pid, start) {
		t.Errorf("Process(self) = false")
	}
	if !Process(pid, "") {
		t.Errorf("Process(self, no token) = false")
	}
}

// A live PID whose start token differs is another process that reused the
// PID (after a reboot, or in a restarted container).
func TestReusedPID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("start tokens are read from /proc")
	}
	pid, start := Self()
	boot, ticks, _ := strings.Cut(start, "/")
	for _, other := range []string{"00000000-0000-0000-0000-000000000000/" + ticks, boot + "/" + ticks + "0"} {
		if Process(pid, other) {
			t.Errorf("Process(self, %q) = true; want false for another token", other)
		}
	}
}

func TestDeadPID(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no signal 0")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	pid := cmd.Process.Pid
	if Process(pid, "") {
		t.Skipf("pid %d was reused already", pid)
	}
	if Process(0, "") || Process(-1, "") {
		t.Error("Process of pid <= 0 = true")
	}
}
