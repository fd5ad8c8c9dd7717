package client

import (
	"context"

	"github.com/flowc-dev/flowc/rt/internal/ns"
)

// AddTags adds user tags to the run (tags it has already are kept once).
// The change is atomic in the metadata provider (a new record version in
// the datastore, one transaction in the service), so a tag edit and the
// scheduler's status change never lose each other; r.Tags reflects the new
// tags on return.
func (r *Run) AddTags(ctx context.Context, tags ...string) error {
	for _, t := range tags {
		if err := ns.ValidTag("tag", t); err != nil {
			return err
		}
	}
	return r.changeTags(ctx, tags, nil)
}

// RemoveTags removes user tags from the run; a tag it does not carry is
// ignored. System tags (user:<name>, runtime:...) cannot be removed: asking
// to is an error and nothing changes.
func (r *Run) RemoveTags(ctx context.Context, tags ...string) error {
	return r.changeTags(ctx, nil, tags)
}

func (r *Run) changeTags(ctx context.Context, add, remove []string) error {
	tags, err := r.c.md.ChangeTags(ctx, r.rec.Flow, r.rec.ID, add, remove)
	if err != nil {
		return err
	}
	r.tagsMu.Lock()
	r.tags = tags
	r.tagsMu.Unlock()
	return nil
}
