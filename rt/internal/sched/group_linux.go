package sched

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// ownGroup starts the task in a process group of its own, so that one
// signal reaches it and whatever its step started (and a terminal's
// Ctrl-C reaches only the scheduler, which decides what the tasks get).
// The kernel kills the task if the scheduler dies (kill -9, OOM): nobody
// would start what comes after it, and an orphan would keep writing into
// a run that a resume is about to replace.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// groupAlive reports whether a process of group pgid still runs. A dead
// one is no longer running but stays in the group, a zombie, until its
// parent reaps it; what the step started is reparented to init when the
// task dies, and an init that reaps lazily (this host's took 1.4 s) kept
// a second Ctrl-C waiting that long. So a group whose members are all
// zombies is gone.
func groupAlive(pgid int) bool {
	if syscall.Kill(-pgid, 0) != nil {
		return false
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range ents {
		if c := e.Name()[0]; c < '0' || c > '9' {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone since the listing
		}
		if state, pg, ok := statGroup(b); ok && pg == pgid && state != 'Z' && state != 'X' {
			return true
		}
	}
	return false
}

// statGroup reads the state and process group of a /proc/PID/stat line:
// "pid (comm) state ppid pgrp ...", comm holding any byte, ')' included.
func statGroup(b []byte) (state byte, pgrp int, ok bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return 0, 0, false
	}
	pg, err := strconv.Atoi(f[2])
	if err != nil {
		return 0, 0, false
	}
	return f[0][0], pg, true
}
