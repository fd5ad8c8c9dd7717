package sched

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// killGrace is how long a task may outlive its //flow:timeout before the
// scheduler kills it; the task normally stops itself at the deadline.
const killGrace = 5 * time.Second

// Proc runs each attempt as `<Bin> step ...`, a child process writing to
// the scheduler's own stdout and stderr (the child prefixes its lines).
type Proc struct {
	Bin      string
	Selector []string // arguments before "step", see cli.Env.Selector
	Env      []string // full environment of the children
	Store    *store.Store
	// Metadata, when set, records the failed attempt of a child that died
	// without committing, before its marker is written: as a task's own
	// end, a marker the metadata service does not have is never written.
	Metadata metadata.Provider
	Flow     string
	RunID    string
	// Kill, when closed, kills every running task's process group at
	// once (the second interrupt, see Interrupts).
	Kill <-chan struct{}
}

// Execute starts the child, waits for it and reads its commit marker. A
// child that died without committing (killed, crashed in the runtime) gets
// a failed marker written for it, so the attempt is never left open.
func (p *Proc) Execute(ctx context.Context, spec *TaskSpec) (*store.Done, error) {
	step := taskspec.Step{
		Step: spec.Step, RunID: p.RunID, TaskID: spec.TaskID, InputPaths: spec.InputPaths,
		SplitIndex: spec.SplitIndex, RetryCount: spec.Attempt,
	}.Args()
	cmd := exec.Command(p.Bin, append(slices.Clip(p.Selector), step...)...)
	cmd.Env = append(slices.Clip(p.Env), spec.Env...)
	cmd.Env = append(cmd.Env, taskspec.Marker(p.Flow, len(step)), runDepthEnv())
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	ownGroup(cmd)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w before it started", ErrInterrupted)
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", p.Bin, err)
	}
	var timeout time.Duration
	if spec.TimeoutS > 0 {
		timeout = time.Duration(spec.TimeoutS)*time.Second + killGrace
	}
	var cause atomic.Int32
	exited := make(chan struct{})
	go p.watch(ctx, cmd, timeout, exited, &cause)
	werr := cmd.Wait()
	close(exited)
	if cause.Load() != 0 {
		awaitGroupGone(cmd, 2*time.Second)
	}
	path := store.TaskPath{Flow: p.Flow, Run: p.RunID, Step: spec.Step, Task: spec.TaskID}
	d, err := p.Store.ReadDone(path, spec.Attempt) // one read: the attempt is known
	if err == nil {
		return d, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	timedOut := cause.Load() == causeTimeout
	why := fmt.Sprintf("the task process exited (%v) without committing", werr)
	if timedOut {
		why = fmt.Sprintf("step %q timed out after %ds (//flow:timeout) and was killed", spec.Step, spec.TimeoutS)
	} else if cause.Load() == causeKilled {
		why = "killed by a second interrupt, with its process group"
	} else if tail := p.stderrTail(path, spec.Attempt); tail != "" {
		why += ": " + tail
	}
	d = &store.Done{Attempt: spec.Attempt, Started: started, Finished: time.Now(), Error: why, Timeout: timedOut}
	d.Inputs, d.SplitIndex = store.InputsOf(spec.InputPaths, spec.SplitIndex)
	if werr == nil && cause.Load() == 0 {
		// Exited 0 without a marker: a bad invocation (already
		// reported), or a main that never reached the flow's runner.
		d.Error = fmt.Sprintf("the task process exited 0 without committing; does the program's main call Run%s (or the generated main) in every process?", p.Flow)
	}
	return p.RecordFailed(ctx, path, d)
}

// RecordFailed records an attempt that ended without committing, d, in
// the metadata and then as its marker: the service first, so a marker
// never names an attempt the service did not record. It replaces an end
// the task recorded in the service if it died before its marker, so the
// two agree that the attempt failed. Executors other than Proc (hybrid
// runs' Batch tasks) record their failures through it.
func (p *Proc) RecordFailed(ctx context.Context, path store.TaskPath, d *store.Done) (*store.Done, error) {
	if p.Metadata != nil {
		// Even when the run is being interrupted: the marker needs it. An
		// attempt the service never saw start (the child died before
		// that) has nothing there to end.
		err := p.Metadata.FinishUncommitted(context.WithoutCancel(ctx), path, d)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%s; recording it: %w", d.Error, err)
		}
	}
	if err := p.Store.FinishAttempt(path, d); err != nil {
		return nil, fmt.Errorf("%s; recording it: %w", d.Error, err)
	}
	return d, nil
}

// Why a watched task process was killed.
const (
	causeTimeout = 1 + iota
	causeKilled
)

// watch signals the task's process group: SIGTERM when ctx is cancelled
// (the first interrupt: the task's own context is cancelled and the step
// may end cleanly), SIGKILL when p.Kill closes (the second) or the step's
// timeout passes. Signalling the group reaches what the step started too.
func (p *Proc) watch(ctx context.Context, cmd *exec.Cmd, timeout time.Duration, exited <-chan struct{}, cause *atomic.Int32) {
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	cancelled := ctx.Done()
	for {
		select {
		case <-exited:
			return
		case <-cancelled:
			cancelled = nil
			signalGroup(cmd, syscall.SIGTERM)
		case <-p.Kill:
			cause.CompareAndSwap(0, causeKilled)
			signalGroup(cmd, syscall.SIGKILL)
			return
		case <-timer:
			cause.CompareAndSwap(0, causeTimeout)
			signalGroup(cmd, syscall.SIGKILL)
			return
		}
	}
}

// stderrTail is the last line of a dead task's stderr log (where the Go
// runtime writes a fatal error), for the failure message.
func (p *Proc) stderrTail(path store.TaskPath, attempt int) string {
	r, err := p.Store.OpenLog(path, attempt, "stderr")
	if err != nil {
		return ""
	}
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, 1<<20))
	b = bytes.TrimSpace(b)
	// A runtime crash starts with "fatal error: ..." or "panic: ...";
	// that first line says more than the goroutine dump after it.
	for _, prefix := range []string{"fatal error:", "panic:", "runtime:"} {
		if i := bytes.Index(b, []byte(prefix)); i >= 0 {
			line, _, _ := bytes.Cut(b[i:], []byte("\n"))
			return string(line)
		}
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return string(b)
}
