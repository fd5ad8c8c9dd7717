package store

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// deadPID returns the pid of a process that has exited.
func deadPID(t testing.TB) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot start true(1) to get a dead pid:", err)
	}
	return cmd.Process.Pid
}

// TestCleanStale (issue 7 item 10): the temp files of killed writers are
// removed; those of live writers (this process, mid-write) are kept.
func TestCleanStale(t *testing.T) {
	s := newStore(t)
	putBytes(t, s, "F", []byte("a blob"))
	tmp := filepath.Join(s.Root(), tempDir)

	// A live writer: this process, with a large blob pending.
	w, err := s.b.upload("F/data", "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.abort()
	w.Write(randomBytes(1000, 1))

	dead := deadPID(t)
	killed := filepath.Join(tmp, strconv.Itoa(dead)+"-abc")
	if err := os.WriteFile(killed, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	// What older versions left beside the blobs: an old one is stale, a
	// fresh one may belong to a live writer of that version.
	oldLegacy := filepath.Join(s.Root(), "F", "data", tempPrefix+"123")
	newLegacy := filepath.Join(s.Root(), "F", "data", tempPrefix+"456")
	for _, p := range []string{oldLegacy, newLegacy} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * time.Hour)
	os.Chtimes(oldLegacy, long, long)
	// A live pid whose file has not been written for days: a reused pid.
	reused := filepath.Join(tmp, strconv.Itoa(os.Getpid())+"-old")
	os.WriteFile(reused, []byte("x"), 0o644)
	days := time.Now().Add(-48 * time.Hour)
	os.Chtimes(reused, days, days)

	n, size, err := s.CleanStale()
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || size != 4096+2 {
		t.Errorf("CleanStale removed %d files, %d bytes; want 3, %d", n, size, 4096+2)
	}
	for _, p := range []string{killed, oldLegacy, reused} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	for _, p := range []string{newLegacy, w.(*localPending).f.Name()} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("a live writer's temp file was removed: %v", err)
		}
	}
}

// TestFileModes (issue 7 item 11): under a 000 umask, files are 0644 and
// directories 0755 (not world-writable), a blob, a record and a log alike.
func TestFileModes(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	s := newStore(t)
	h := putBytes(t, s, "F", []byte("x"))
	big := putBytes(t, s, "F", randomBytes(smallBlob+10, 3))
	p := TaskPath{Flow: "F", Run: "1", Step: "Start", Task: "1"}
	if err := s.FinishAttempt(p, &Done{OK: true}); err != nil {
		t.Fatal(err)
	}
	lw, err := s.CreateLog(p, 0, "stdout")
	if err != nil {
		t.Fatal(err)
	}
	lw.Write([]byte("hello\n")) // an empty stream writes no part
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{blobPath(s, h), blobPath(s, big), filepath.Join(s.Root(), "F", "1", "Start", "1", "task.json"), filepath.Join(s.Root(), "F", "1", "Start", "1", "0.stdout")} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != fileMode {
			t.Errorf("%s has mode %v; want %v", f, m, os.FileMode(fileMode))
		}
	}
	for _, d := range []string{filepath.Join(s.Root(), "F", "data", h[:2]), filepath.Join(s.Root(), "F", "1", "Start", "1")} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != dirMode {
			t.Errorf("directory %s has mode %v; want %v", d, m, os.FileMode(dirMode))
		}
	}
}
