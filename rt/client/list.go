package client

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/runstate"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// RunQuery selects runs for ListRuns. Empty fields select everything.
type RunQuery struct {
	Flow   string   // one flow; "" for every flow in the datastore
	User   string   // who started the run
	Tags   []string // user or system tags, all of them
	Status Status   // as Run.Status computes it (killed included)
	Offset int      // runs to skip, for paging
	Limit  int      // at most this many; 0 for all
}

// RunInfo is one run of a list: what filters and list rows need, from the
// run index the local metadata keeps (no parameters; open the run with
// Flow(...).Run for those).
type RunInfo struct {
	Flow      string    `json:"flow"`
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Namespace string    `json:"namespace"`
	Tags      []string  `json:"tags"`
	SysTags   []string  `json:"sys_tags"`
	Status    Status    `json:"status"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished,omitzero"`
	Origin    string    `json:"origin,omitempty"`
}

// ListRuns returns the runs in the current namespace that match q, newest
// first (by start time across flows), and how many matched in all. With
// the local metadata it reads the run index, never every run record (see
// store.IndexedRuns), so a page of a datastore with thousands of runs
// costs a few file reads; with the metadata service, the service's list,
// filtered by the service and read only as far as the page needs: then
// total is -1 when more runs match than were read (the page is followed
// by more).
func (c *Client) ListRuns(ctx context.Context, q RunQuery) (page []RunInfo, total int, err error) {
	if c.md == nil {
		return nil, 0, nil
	}
	var flows []string
	if q.Flow != "" {
		if err := store.ValidID("flow", q.Flow); err != nil {
			return nil, 0, err
		}
		flows = []string{q.Flow}
	} else if flows, err = c.md.Flows(ctx); err != nil {
		return nil, 0, err
	}
	current := c.CurrentNamespace()
	// The matching records, and a RunInfo only for the page's: a list of
	// 10,000 runs is a pass over pointers, not 10,000 copies.
	var all []*store.Run
	cut := false
	want := 0 // runs a flow's list needs for the page (0: all)
	if q.Limit > 0 {
		want = max(q.Offset, 0) + q.Limit + 1
	}
	for _, f := range flows {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		recs, more, err := c.runsOf(ctx, metadata.Query{Flow: f, Namespace: current, User: q.User, Tags: q.Tags, Status: string(q.Status), Max: want}, want)
		cut = cut || more
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		if all == nil {
			all = make([]*store.Run, 0, len(recs))
		}
		for _, rec := range recs {
			if !ns.Visible(rec.Namespace, current) || q.User != "" && rec.User != q.User {
				continue
			}
			if q.Status != "" && runstate.Of(rec) != q.Status {
				continue
			}
			if !hasAll(rec, q.Tags) {
				continue
			}
			all = append(all, rec)
		}
	}
	if len(flows) > 1 {
		// Each flow's list is newest first by id; across flows, by start.
		slices.SortStableFunc(all, func(a, b *store.Run) int {
			return cmp.Or(b.Started.Compare(a.Started), strings.Compare(a.Flow, b.Flow))
		})
	}
	total = len(all)
	lo := min(max(q.Offset, 0), total)
	hi := total
	if q.Limit > 0 {
		hi = min(lo+q.Limit, total)
	}
	if cut {
		total = -1
	}
	if lo == hi {
		return nil, total, nil
	}
	page = make([]RunInfo, hi-lo)
	for i, rec := range all[lo:hi] {
		page[i] = RunInfo{
			Flow: rec.Flow, ID: rec.ID, User: rec.User, Namespace: rec.Namespace,
			Tags: nonNil(rec.Tags), SysTags: nonNil(rec.SysTags), Status: runstate.Of(rec),
			Started: rec.Started, Finished: rec.Finished, Origin: rec.Origin,
		}
	}
	return page, total, nil
}

// runsOf lists a flow's run records: from the run index the local metadata
// keeps, or from the metadata service, which filters them itself and is
// read until want records came (0: all); more says records were left.
func (c *Client) runsOf(ctx context.Context, q metadata.Query, want int) (recs []*store.Run, more bool, err error) {
	if _, local := c.md.(*metadata.Local); local && c.st != nil {
		recs, err := c.st.IndexedRuns(q.Flow)
		return recs, false, err
	}
	var out []*store.Run
	for r, err := range c.md.Runs(ctx, q) {
		if errors.Is(err, metadata.ErrListing) {
			return nil, false, err
		}
		if err == nil && r != nil {
			if want > 0 && len(out) == want {
				return out, true, nil
			}
			out = append(out, r)
		}
	}
	return out, false, nil
}

func hasAll(rec *store.Run, tags []string) bool {
	for _, t := range tags {
		if !slices.Contains(rec.Tags, t) && !slices.Contains(rec.SysTags, t) {
			return false
		}
	}
	return true
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
