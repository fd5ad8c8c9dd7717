package sched

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// ErrInterrupted is the failure of a run stopped by a signal (Ctrl-C,
// SIGTERM) or by its caller's context: the run ends as killed.
var ErrInterrupted = errors.New("interrupted")

// Interrupts watches SIGINT and SIGTERM while a run goes on. The first
// cancels the returned context: the scheduler starts nothing more and
// sends SIGTERM to every running task, whose step's context is cancelled.
// The second closes kill: every task's process group is killed at once
// (Proc.Kill), for steps that ignore their context. After that the signals
// get their default action again. stop ends the watch.
func Interrupts(parent context.Context) (ctx context.Context, kill <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	killc := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		defer signal.Stop(sigs)
		for n := 0; ; n++ {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if n == 0 {
					// Worded as os/signal.NotifyContext words its
					// cause: the run's parent context may be one, and
					// whichever cancels first, the run says the same.
					cancel(fmt.Errorf("%w (%v signal received)", ErrInterrupted, sig))
					continue
				}
				close(killc)
				return
			}
		}
	}()
	var once sync.Once
	return ctx, killc, func() {
		once.Do(func() {
			close(done)
			cancel(nil)
		})
	}
}

// interrupted is the failure of a run whose context ended.
func interrupted(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, ErrInterrupted) {
		return cause
	}
	if cause == nil || cause == context.Canceled {
		return ErrInterrupted
	}
	if errors.Is(cause, context.Canceled) { // a signal of NotifyContext's
		return fmt.Errorf("%w (%v)", ErrInterrupted, cause)
	}
	return fmt.Errorf("%w: %v", ErrInterrupted, cause)
}
