package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// capped runs bin args under a watchdog: if more than maxProcs processes of
// bin exist at once, or the command outlives timeout, every process of bin
// is killed and the test fails. A regression of a fork loop then costs a
// few dozen processes, not the machine.
func (b *flowBin) capped(maxProcs int, timeout time.Duration, args ...string) result {
	b.t.Helper()
	cmd := exec.Command(b.path, args...)
	cmd.Dir = b.dir
	cmd.Env = append(goEnv(), b.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	deadline := time.After(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var err error
	for done := false; !done; {
		select {
		case err = <-waited:
			done = true
		case <-deadline:
			n := killAll(b.path)
			<-waited
			b.t.Fatalf("%s %v still running after %s; killed %d processes of it\nstdout:\n%s\nstderr:\n%s", filepath.Base(b.path), args, timeout, n, out.String(), errb.String())
		case <-tick.C:
			if n := len(procsOf(b.path)); n > maxProcs {
				k := killAll(b.path)
				<-waited
				b.t.Fatalf("%s %v: %d processes of it at once (more than %d: a fork loop); killed %d\nstdout:\n%.2000s\nstderr:\n%.2000s", filepath.Base(b.path), args, n, maxProcs, k, out.String(), errb.String())
			}
		}
	}
	// Whatever the run left behind (it should be nothing) goes too.
	if n := killAll(b.path); n > 0 {
		b.t.Errorf("%s %v left %d processes of it running", filepath.Base(b.path), args, n)
	}
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		b.t.Fatal(err)
	}
	return r
}

// procsOf lists the live processes whose executable is exe.
func procsOf(exe string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && p == exe {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killAll kills every process of exe until none is left, and says how many
// it killed.
func killAll(exe string) int {
	n := 0
	for range 200 {
		pids := procsOf(exe)
		if len(pids) == 0 {
			break
		}
		for _, pid := range pids {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				n++
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n
}
