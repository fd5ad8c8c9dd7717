package client

import (
	"context"
	"errors"
	"iter"
	"slices"

	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Flow is a handle on one flow's runs.
type Flow struct {
	c    *Client
	name string
}

// Name is the flow's name (its struct type's name).
func (f *Flow) Name() string { return f.name }

// Run returns run id of the flow. A run outside the current namespace is an
// error naming both namespaces (a *NotInNamespace from errors.As).
func (f *Flow) Run(ctx context.Context, id string) (*Run, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rec, err := f.getRun(ctx, id)
	if err != nil {
		return nil, err
	}
	r := f.newRun(rec)
	if err := ns.Check(r.what(), rec.Namespace, f.c.CurrentNamespace()); err != nil {
		return nil, err
	}
	return r, nil
}

// NotInNamespace is the error for an object outside the current namespace.
type NotInNamespace = ns.NotInNamespace

func (f *Flow) getRun(ctx context.Context, id string) (*store.Run, error) {
	if err := store.ValidID("flow", f.name); err != nil {
		return nil, err
	}
	if err := store.ValidID("run id", id); err != nil {
		return nil, err
	}
	if f.c.md == nil {
		return nil, notFound("flow %q has no run %q (datastore %q is empty)", f.name, id, f.c.root)
	}
	rec, err := f.c.md.GetRun(ctx, f.name, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("flow %q has no run %q", f.name, id)
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// Runs returns the flow's runs in the current namespace that carry every one
// of tags (user or system tags), newest first.
func (f *Flow) Runs(ctx context.Context, tags ...string) ([]*Run, error) {
	var out []*Run
	err := f.scan(ctx, func(r *Run) (bool, error) {
		if r.hasTags(tags) {
			out = append(out, r)
		}
		return false, nil
	})
	return out, err
}

// LatestRun returns the newest run in the current namespace.
func (f *Flow) LatestRun(ctx context.Context) (*Run, error) {
	var found *Run
	err := f.scan(ctx, func(r *Run) (bool, error) {
		found = r
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, f.noRun("run")
	}
	return found, nil
}

// LatestSuccessfulRun returns the newest successful run in the current
// namespace. Only the records of runs newer than it are read.
func (f *Flow) LatestSuccessfulRun(ctx context.Context) (*Run, error) {
	var found *Run
	err := f.scan(ctx, func(r *Run) (bool, error) {
		if r.Status() != StatusSucceeded {
			return false, nil
		}
		ok, err := r.endOK()
		if err != nil {
			return false, err
		}
		if ok {
			found = r
		}
		return ok, nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, f.noRun("successful run")
	}
	return found, nil
}

// RunsSeq yields the flow's runs in the current namespace that carry every
// one of tags, newest first, reading each record only when it is reached.
// Unlike Runs it goes on past a run whose record cannot be read: it yields
// (nil, err) for it, the error naming the run, and continues; a failure to
// list the runs at all is yielded once, last.
func (f *Flow) RunsSeq(ctx context.Context, tags ...string) iter.Seq2[*Run, error] {
	return func(yield func(*Run, error) bool) {
		err := f.each(ctx, func(r *Run, err error) (bool, error) {
			if err != nil {
				return !yield(nil, err), nil
			}
			if r.hasTags(tags) {
				return !yield(r, nil), nil
			}
			return false, nil
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// scan calls fn on each visible run, newest first, until fn returns true.
// Run ids come sorted from the store, so the newest runs are read first and
// a Latest* lookup stops early. An unreadable record ends the scan.
func (f *Flow) scan(ctx context.Context, fn func(*Run) (bool, error)) error {
	return f.each(ctx, func(r *Run, err error) (bool, error) {
		if err != nil {
			return true, err
		}
		return fn(r)
	})
}

// each is scan that hands fn the error of an unreadable record instead of
// stopping at it.
func (f *Flow) each(ctx context.Context, fn func(*Run, error) (bool, error)) error {
	if err := store.ValidID("flow", f.name); err != nil {
		return err
	}
	if f.c.md == nil {
		return nil
	}
	current := f.c.CurrentNamespace()
	// The provider lists newest first and filters by namespace (the
	// service in its query); the check below keeps the rule in one place.
	for rec, err := range f.c.md.Runs(ctx, metadata.Query{Flow: f.name, Namespace: current}) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if errors.Is(err, metadata.ErrListing) {
			return err // nothing more to list
		}
		var r *Run
		if err == nil {
			if !ns.Visible(rec.Namespace, current) {
				continue
			}
			r = f.newRun(rec)
		}
		stop, err := fn(r, err)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

func (f *Flow) noRun(what string) error {
	current := f.c.CurrentNamespace()
	if current == "" {
		return notFound("flow %q has no %s", f.name, what)
	}
	return notFound("flow %q has no %s in namespace %q; use Namespace(\"\") to look in all namespaces", f.name, what, current)
}

func (f *Flow) newRun(rec *store.Run) *Run { return &Run{c: f.c, rec: rec} }

func (r *Run) hasTags(tags []string) bool {
	for _, t := range tags {
		if !slices.Contains(r.rec.Tags, t) && !slices.Contains(r.rec.SysTags, t) {
			return false
		}
	}
	return true
}
