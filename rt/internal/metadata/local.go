package metadata

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Local keeps run metadata in the datastore itself: run records under
// <Flow>/<run>/, ids minted by exclusive creates, liveness by the
// scheduler's PID (package runstate). Attempts need no separate record:
// the datastore's attempt files and commit markers are it.
type Local struct {
	st *store.Store
	// every is the heartbeat interval of a cloud task (CloudTask); 0
	// elsewhere.
	every time.Duration

	mu        sync.Mutex
	announced map[store.TaskPath]func() // running attempts' AnnounceStart stops
}

// CloudTask makes the provider heartbeat for a task that a cloud engine
// started (DESIGN §8.1): every every, and when an attempt starts and
// ends, the task rewrites its run's heartbeat record, by which readers
// tell a live cloud run from one whose task died without a word.
func (l *Local) CloudTask(every time.Duration) { l.every = every }

// withBeat fills a running cloud run's liveness from its heartbeat.
func (l *Local) withBeat(r *store.Run) (*store.Run, error) {
	if r.Status != "running" || r.PID > 0 || r.EngineRun == "" {
		return r, nil
	}
	last, every, err := l.st.RunHeartbeat(r.Flow, r.ID)
	if err != nil {
		return nil, err
	}
	r.LastBeat, r.BeatTimeout = last, store.BeatTimeout(every)
	return r, nil
}

// NewLocal is the local provider over st.
func NewLocal(st *store.Store) *Local { return &Local{st: st} }

func (l *Local) Name() string { return "local" }

func (l *Local) NewRun(ctx context.Context, r *store.Run) (string, error) { return l.st.NewRun(r) }

func (l *Local) RegisterRun(ctx context.Context, r *store.Run) error {
	if _, err := l.st.GetRun(r.Flow, r.ID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return l.st.PutRun(r)
}

func (l *Local) GetRun(ctx context.Context, flow, id string) (*store.Run, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := l.st.GetRun(flow, id)
	if err != nil {
		return nil, err
	}
	return l.withBeat(r)
}

// RunStart reads the run's first record (_run.json), one read: what a
// task needs of its run never changes, and the latest record would cost a
// listing too.
func (l *Local) RunStart(ctx context.Context, flow, id string) (*store.Run, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.st.GetRunStart(flow, id)
}

func (l *Local) Finish(ctx context.Context, flow, id, status string, finished time.Time) error {
	return l.st.UpdateRun(flow, id, func(r *store.Run) error {
		r.Status, r.Finished = status, finished
		return nil
	})
}

func (l *Local) ChangeTags(ctx context.Context, flow, id string, add, remove []string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var tags []string
	err := l.st.UpdateRun(flow, id, func(rec *store.Run) error {
		next, err := applyTags(rec, add, remove)
		if err != nil {
			return err
		}
		rec.Tags = next
		tags = append([]string{}, next...) // non-nil: "set"
		return nil
	})
	return tags, err
}

// applyTags is a tag change on a record: the service applies the same
// rules in its transaction.
func applyTags(rec *store.Run, add, remove []string) ([]string, error) {
	for _, t := range remove {
		if slices.Contains(rec.SysTags, t) && !slices.Contains(rec.Tags, t) {
			return nil, fmt.Errorf("tag %q of run %s is a system tag; system tags cannot be removed", t, rec.ID)
		}
	}
	tags := slices.Clone(rec.Tags)
	for _, t := range add {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return slices.DeleteFunc(tags, func(t string) bool { return slices.Contains(remove, t) }), nil
}

// Runs lists the run directories of the flow, newest first, and reads
// each record only when it is reached, so a Latest* lookup stops early.
func (l *Local) Runs(ctx context.Context, q Query) iter.Seq2[*store.Run, error] {
	return func(yield func(*store.Run, error) bool) {
		ids, err := l.st.ListRuns(q.Flow)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err != nil {
			yield(nil, &listError{err})
			return
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			rec, err := l.st.GetRun(q.Flow, id)
			if errors.Is(err, store.ErrNotFound) {
				continue // deleted, or a directory being created right now
			}
			if err == nil && !ns.Visible(rec.Namespace, q.Namespace) {
				continue
			}
			if err == nil {
				rec, err = l.withBeat(rec)
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

func (l *Local) Flows(ctx context.Context) ([]string, error) { return l.st.ListFlows() }

// HeartbeatEvery is 0 but for a cloud task: a local run's liveness is
// its scheduler's PID.
func (l *Local) HeartbeatEvery() time.Duration { return l.every }

func (l *Local) Heartbeat(ctx context.Context, flow, id string) error { return nil }

func (l *Local) TaskHeartbeat(ctx context.Context, p store.TaskPath) error {
	if l.every <= 0 {
		return nil
	}
	return l.st.PutRunHeartbeat(p.Flow, p.Run, l.every)
}

// StartAttempt records little: locally an attempt's start is its
// process, and its inputs go into the commit marker when it ends; on S3
// an attempt still running after store.StartedAfter says it started
// (store.AnnounceStart), so readers see it run. A cloud task beats at
// once (the interval's first beat comes later); a beat that fails is
// dropped, as Beat drops one, and never fails the attempt.
func (l *Local) StartAttempt(ctx context.Context, p store.TaskPath, a *store.Attempt, stack []store.ForeachFrame) error {
	stop := l.st.AnnounceStart(p, a)
	l.mu.Lock()
	if l.announced == nil {
		l.announced = map[store.TaskPath]func(){}
	}
	l.announced[p] = stop
	l.mu.Unlock()
	_ = l.TaskHeartbeat(ctx, p)
	return nil
}

// FinishAttempt has nothing to add: data.json and the commit marker in the
// datastore are the local record.
func (l *Local) FinishAttempt(ctx context.Context, p store.TaskPath, d *store.Done, data *store.TaskData, logs []LogLocation) error {
	l.mu.Lock()
	stop := l.announced[p]
	delete(l.announced, p)
	l.mu.Unlock()
	if stop != nil {
		stop()
	}
	// A cloud task's last beat: the next task's start is timed from here.
	_ = l.TaskHeartbeat(ctx, p)
	return nil
}

// FinishUncommitted records nothing: the marker is the local record.
func (l *Local) FinishUncommitted(ctx context.Context, p store.TaskPath, d *store.Done) error {
	return l.FinishAttempt(ctx, p, d, nil, nil)
}
