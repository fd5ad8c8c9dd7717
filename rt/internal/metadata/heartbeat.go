package metadata

import (
	"context"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Beat heartbeats the run every p.HeartbeatEvery() until the returned stop
// is called; with a provider that needs no heartbeats it does nothing. A
// beat that fails (the service away for longer than the client retries) is
// dropped: the run goes on, and the next beat catches up.
func Beat(ctx context.Context, p Provider, flow, id string) (stop func()) {
	return beat(ctx, p, func(ctx context.Context) error { return p.Heartbeat(ctx, flow, id) })
}

// BeatTask heartbeats a task, as Beat does a run: while its process lives
// the service reports the task, and its run, as running.
func BeatTask(ctx context.Context, p Provider, path store.TaskPath) (stop func()) {
	return beat(ctx, p, func(ctx context.Context) error { return p.TaskHeartbeat(ctx, path) })
}

func beat(ctx context.Context, p Provider, send func(context.Context) error) (stop func()) {
	if p.HeartbeatEvery() <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			// Re-read each time: the service says the interval on every
			// answer.
			t := time.NewTimer(p.HeartbeatEvery())
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			_ = send(ctx)
		}
	}()
	return func() { cancel(); <-done }
}
