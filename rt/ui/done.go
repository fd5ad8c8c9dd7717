package ui

import (
	"sync"

	"github.com/flowc-dev/flowc/rt/client"
)

// doneCache keeps, per run, the rows of the tasks seen succeeded: a
// successful commit is never rewritten, so a run page read again (a
// reload, each live update, a foreach's list) reads only the tasks still
// running or failed. Runs are keyed with their start time, so a run id
// used again (a datastore deleted and started over) is not mistaken for
// the old run. It holds the last doneRuns runs read.
type doneCache struct {
	mu    sync.Mutex
	runs  map[string]*runDone
	order []string // oldest first
}

const doneRuns = 64

// runDone is one run's succeeded tasks, keyed by step/task.
type runDone struct {
	mu   sync.Mutex
	rows map[string]taskRow
}

func (c *doneCache) of(r *client.Run) *runDone {
	key := r.Flow() + "/" + r.ID() + "@" + r.Started().UTC().Format("2006-01-02T15:04:05.999999999")
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.runs[key]; ok {
		return d
	}
	if c.runs == nil {
		c.runs = map[string]*runDone{}
	}
	if len(c.order) == doneRuns {
		delete(c.runs, c.order[0])
		c.order = c.order[1:]
	}
	d := &runDone{rows: map[string]taskRow{}}
	c.runs[key] = d
	c.order = append(c.order, key)
	return d
}

func (d *runDone) get(key string) (taskRow, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	row, ok := d.rows[key]
	return row, ok
}

func (d *runDone) put(key string, row taskRow) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rows[key] = row
}
