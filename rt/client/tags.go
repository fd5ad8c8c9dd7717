package client

import (
	"context"
	"fmt"
	"slices"

	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// AddTags adds user tags to the run (tags it has already are kept once).
// The record is changed under its lock, so a tag edit and the scheduler's
// status change never lose each other; r.Tags reflects the new tags on
// return.
func (r *Run) AddTags(ctx context.Context, tags ...string) error {
	for _, t := range tags {
		if err := ns.ValidTag("tag", t); err != nil {
			return err
		}
	}
	return r.updateTags(ctx, func(rec *store.Run) error {
		for _, t := range tags {
			if !slices.Contains(rec.Tags, t) {
				rec.Tags = append(rec.Tags, t)
			}
		}
		return nil
	})
}

// RemoveTags removes user tags from the run; a tag it does not carry is
// ignored. System tags (user:<name>, runtime:...) cannot be removed: asking
// to is an error and nothing changes.
func (r *Run) RemoveTags(ctx context.Context, tags ...string) error {
	return r.updateTags(ctx, func(rec *store.Run) error {
		for _, t := range tags {
			if slices.Contains(rec.SysTags, t) && !slices.Contains(rec.Tags, t) {
				return fmt.Errorf("tag %q of run %s is a system tag; system tags cannot be removed", t, rec.ID)
			}
		}
		rec.Tags = slices.DeleteFunc(rec.Tags, func(t string) bool { return slices.Contains(tags, t) })
		return nil
	})
}

func (r *Run) updateTags(ctx context.Context, fn func(*store.Run) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var tags []string
	err := r.c.st.UpdateRun(r.rec.Flow, r.rec.ID, func(rec *store.Run) error {
		if err := fn(rec); err != nil {
			return err
		}
		tags = append([]string{}, rec.Tags...) // non-nil: "set"
		return nil
	})
	if err != nil {
		return err
	}
	r.tagsMu.Lock()
	r.tags = tags
	r.tagsMu.Unlock()
	return nil
}
