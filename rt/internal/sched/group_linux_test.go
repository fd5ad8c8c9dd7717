package sched

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGroupGoneIgnoresZombies: after a task's group is killed, what its
// step started is a zombie until init reaps it, which may take seconds
// (1.4 s on the machine this was written on); the group counts as gone
// once nothing in it runs, not once the last zombie is reaped.
func TestGroupGoneIgnoresZombies(t *testing.T) {
	live := exec.Command("sleep", "100")
	ownGroup(live)
	if err := live.Start(); err != nil {
		t.Skipf("sleep: %v", err)
	}
	defer live.Wait()
	defer live.Process.Kill()
	if !groupAlive(live.Process.Pid) {
		t.Error("groupAlive = false for a group whose sleep runs")
	}

	// A zombie of our own: exited, and not waited for yet.
	dead := exec.Command("true")
	ownGroup(dead)
	if err := dead.Start(); err != nil {
		t.Skipf("true: %v", err)
	}
	defer dead.Wait()
	pgid := dead.Process.Pid
	for deadline := time.Now().Add(10 * time.Second); members(t, pgid, func(s byte) bool { return s == 'Z' }) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("true never became a zombie")
		}
	}
	if syscall.Kill(-pgid, 0) != nil {
		t.Fatal("kill(-pgid, 0) fails on a group holding a zombie; the case is gone")
	}
	if groupAlive(pgid) {
		t.Error("groupAlive = true for a group whose only process is a zombie")
	}
	awaitGroupGone(dead, 30*time.Second) // returns at once; a hang fails by timeout
}

// members counts the processes of group pgid whose state matches.
func members(t *testing.T, pgid int, match func(byte) bool) int {
	t.Helper()
	out, err := exec.Command("ps", "-e", "-o", "pgid=,stat=").Output()
	if err != nil {
		t.Skipf("ps: %v", err)
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		var pg int
		var stat string
		if _, err := fmt.Sscan(line, &pg, &stat); err == nil && pg == pgid && match(stat[0]) {
			n++
		}
	}
	return n
}

func TestStatGroup(t *testing.T) {
	for _, c := range []struct {
		line  string
		state byte
		pgrp  int
		ok    bool
	}{
		{"4242 (sleep) Z 1 4240 4240 0 -1", 'Z', 4240, true},
		{"77 (a) b (c)) S 1 9 9 0", 'S', 9, true},
		{"77 (cut", 0, 0, false},
		{"77 (x) R 1", 0, 0, false},
	} {
		state, pgrp, ok := statGroup([]byte(c.line))
		if state != c.state || pgrp != c.pgrp || ok != c.ok {
			t.Errorf("statGroup(%q) = %q, %d, %v; want %q, %d, %v", c.line, state, pgrp, ok, c.state, c.pgrp, c.ok)
		}
	}
}
