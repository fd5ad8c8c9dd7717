package metadata

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Local keeps run metadata in the datastore itself: run records under
// <Flow>/<run>/, ids minted by exclusive creates, liveness by the
// scheduler's PID (package runstate). Attempts need no separate record:
// the datastore's attempt files and commit markers are it.
type Local struct{ st *store.Store }

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
	return l.st.GetRun(flow, id)
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
			if !yield(rec, err) {
				return
			}
		}
	}
}

func (l *Local) Flows(ctx context.Context) ([]string, error) { return l.st.ListFlows() }

// HeartbeatEvery is 0: a local run's liveness is its scheduler's PID.
func (l *Local) HeartbeatEvery() time.Duration { return 0 }

func (l *Local) Heartbeat(ctx context.Context, flow, id string) error { return nil }

func (l *Local) TaskHeartbeat(ctx context.Context, p store.TaskPath) error { return nil }

// StartAttempt has nothing to record: locally an attempt's start is its
// process, and its inputs go into the commit marker when it ends.
func (l *Local) StartAttempt(ctx context.Context, p store.TaskPath, a *store.Attempt, stack []store.ForeachFrame) error {
	return nil
}

// FinishAttempt has nothing to add: data.json and the commit marker in the
// datastore are the local record.
func (l *Local) FinishAttempt(ctx context.Context, p store.TaskPath, d *store.Done, data *store.TaskData, logs []LogLocation) error {
	return nil
}
