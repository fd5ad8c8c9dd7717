package resume

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// origin is what the planner read of the origin run.
type origin struct {
	g         *rt.Graph
	flow, run string
	// tasks holds, per step, the tasks whose latest attempt committed OK.
	tasks map[string][]*originTask
	// failed marks steps with a task that did not commit OK: failed,
	// crashed, or still running.
	failed map[string]bool
	params *originTask
	// notes say why a task that succeeded is rerun anyway.
	notes []string
}

type originTask struct {
	id   string
	done *store.Done
	data *store.TaskData
	gone string // why a successful task cannot be reused, or ""
}

func (t *originTask) index() []int {
	out := make([]int, len(t.data.ForeachStack))
	for i, f := range t.data.ForeachStack {
		out[i] = f.Index
	}
	return out
}

func (t *originTask) clone(flow, run, step string) Clone {
	return Clone{
		Step:       step,
		Origin:     store.TaskPath{Flow: flow, Run: run, Step: step, Task: t.id},
		Foreach:    slices.Clone(t.data.ForeachStack),
		NumSplits:  t.done.NumSplits,
		SwitchCase: t.done.SwitchCase,
		Parents:    slices.Clone(t.data.Parents),
	}
}

// Concurrency bounds. Reads are cheap: a few workers hide file latency.
// A clone writes two small files (temp file, write, rename; nothing is
// fsynced, see rt/internal/store's package doc), so it waits on the file
// system's metadata updates more than on a core: many more clones in
// flight than there are cores keep those queues full.
const (
	readWorkers  = 8
	cloneWorkers = 32
)

func readOrigin(g *rt.Graph, st *store.Store, flow, run string) (*origin, error) {
	o := &origin{g: g, flow: flow, run: run, tasks: map[string][]*originTask{}, failed: map[string]bool{}}
	steps, err := st.ListSteps(flow, run)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	type job struct {
		step string
		t    *originTask
		err  error
	}
	var jobs []*job
	for _, s := range steps {
		if g.Step(s) == nil {
			return nil, graphChanged(run, "step %q is not in the flow any more", s)
		}
		ids, err := st.ListTasks(flow, run, s)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			jobs = append(jobs, &job{step: s, t: &originTask{id: id}})
		}
	}
	paramIDs, err := st.ListTasks(flow, run, ParamsStep)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if len(paramIDs) > 0 {
		jobs = append(jobs, &job{step: ParamsStep, t: &originTask{id: paramIDs[0]}})
	}
	blobs := &blobCheck{st: st, flow: flow}
	gone := map[string][]*originTask{} // per step, the tasks that cannot be reused
	var goneSteps []string
	parallel(len(jobs), readWorkers, func(i int) {
		j := jobs[i]
		j.err = readTask(st, store.TaskPath{Flow: flow, Run: run, Step: j.step, Task: j.t.id}, j.t, blobs)
	})
	for _, j := range jobs {
		if j.err != nil {
			return nil, j.err
		}
		ok := j.t.data != nil
		if j.step == ParamsStep {
			if j.t.gone != "" {
				return nil, fmt.Errorf("cannot resume run %s of flow %q: its parameters cannot be read back (%s); start a new run", run, flow, j.t.gone)
			}
			if !ok {
				return nil, fmt.Errorf("cannot resume run %s of flow %q: its parameters were not recorded (task %s/%s did not finish); start a new run", run, flow, ParamsStep, j.t.id)
			}
			o.params = j.t
			continue
		}
		if j.t.gone != "" {
			if len(gone[j.step]) == 0 {
				goneSteps = append(goneSteps, j.step)
			}
			gone[j.step] = append(gone[j.step], j.t)
		}
		if ok {
			o.tasks[j.step] = append(o.tasks[j.step], j.t)
		} else {
			o.failed[j.step] = true
		}
	}
	for _, s := range goneSteps {
		t := gone[s][0]
		if n := len(gone[s]); n > 1 {
			o.notes = append(o.notes, fmt.Sprintf("%d tasks of step %s are rerun; e.g. task %s/%s/%s: %s", n, s, run, s, t.id, t.gone))
		} else {
			o.notes = append(o.notes, fmt.Sprintf("task %s/%s/%s is rerun: %s", run, s, t.id, t.gone))
		}
	}
	return o, nil
}

// readTask fills t.done and, when the task succeeded and can be reused,
// t.data. A task with no commit, a failed commit, or no data index is left
// with nil data: it did not complete and its step reruns. So is one whose
// data index is damaged (torn by a power loss) or names a blob that is
// gone (removed as damaged, or deleted): cloning it would hand later steps
// a value they cannot read. t.gone then says why.
func readTask(st *store.Store, p store.TaskPath, t *originTask, blobs *blobCheck) error {
	d, err := st.LatestDone(p)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	t.done = d
	if !d.OK {
		return nil
	}
	data, err := st.ReadTaskData(p, d.Attempt)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case errors.Is(err, store.ErrDamaged):
		t.gone = fmt.Sprintf("its artifact index (attempt %d's data.json) is damaged", d.Attempt)
		return nil
	case err != nil:
		return err
	}
	if name, hash := blobs.missing(data); name != "" {
		t.gone = fmt.Sprintf("the blob %s of its artifact %q is missing", hash, name)
		return nil
	}
	t.data = data
	return nil
}

// blobCheck tells which blobs exist, asking the store once per blob: the
// tasks of a foreach share most of theirs.
type blobCheck struct {
	st   *store.Store
	flow string
	seen sync.Map // hash -> bool
}

// missing returns the first artifact of d, by name, whose blob is gone.
func (c *blobCheck) missing(d *store.TaskData) (name, hash string) {
	names := make([]string, 0, len(d.Artifacts))
	for n := range d.Artifacts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if h := d.Artifacts[n].Hash; !c.has(h) {
			return n, h
		}
	}
	if d.Splits != nil {
		// A foreach's chunks of its items, which its bodies read.
		for _, ch := range d.Splits.Chunks {
			if !c.has(ch.Hash) {
				return d.Splits.Field + " (its items from " + strconv.Itoa(ch.Start) + ")", ch.Hash
			}
		}
	}
	return "", ""
}

func (c *blobCheck) has(hash string) bool {
	ok, known := c.seen.Load(hash)
	if !known {
		ok = c.st.HasBlob(c.flow, hash)
		c.seen.Store(hash, ok)
	}
	return ok.(bool)
}

// parallel runs fn(0..n-1) on up to workers goroutines.
func parallel(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, workers) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func graphChanged(run, format string, args ...any) error {
	return fmt.Errorf("cannot resume run %s: %s (the graph changed); start a new run", run, fmt.Sprintf(format, args...))
}

// checkShape verifies that what the origin run's tasks recorded about the
// graph (which steps fed them, foreach splits, switch choices, enclosing
// foreaches) still holds in the current graph: cloned outputs are only
// meaningful if the steps around them are wired as they were.
func (o *origin) checkShape() error {
	for _, gs := range o.g.Steps {
		for _, t := range o.tasks[gs.Name] {
			for _, parent := range t.data.Parents {
				ps := parentStep(parent)
				if ps == "" || strings.HasPrefix(ps, "_") {
					continue
				}
				if o.g.Step(ps) == nil {
					return graphChanged(o.run, "step %q is not in the flow any more", ps)
				}
				if !slices.Contains(gs.In, ps) {
					return graphChanged(o.run, "step %q no longer follows %q", gs.Name, ps)
				}
			}
			if t.done.NumSplits > 0 && gs.Kind != rt.KindForeach {
				return graphChanged(o.run, "step %q was a foreach and is not one any more", gs.Name)
			}
			if c := t.done.SwitchCase; c != "" && (gs.Kind != rt.KindSwitch || !slices.Contains(gs.Next, c)) {
				return graphChanged(o.run, "step %q no longer switches to %q", gs.Name, c)
			}
			for _, f := range t.data.ForeachStack {
				if fs := o.g.Step(f.Step); fs == nil || fs.Kind != rt.KindForeach {
					return graphChanged(o.run, "step %q ran inside foreach %q, which is not a foreach any more", gs.Name, f.Step)
				}
			}
		}
	}
	return nil
}

// parentStep extracts the step of an input path "run/step/task".
func parentStep(path string) string {
	r, err := ipath.ParseRef(path)
	if err != nil {
		return ""
	}
	return r.Step
}

// incomplete returns the steps of the graph that did not finish in the
// origin run: a task failed or never committed, or fewer tasks succeeded
// than the steps before it asked for (a scheduler that died mid-foreach).
func (o *origin) incomplete(order []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range order {
		if o.failed[s] || len(o.tasks[s]) < o.expected(s) {
			out[s] = true
		}
	}
	return out
}

// expected is how many tasks of step s the origin run's finished tasks
// launched.
func (o *origin) expected(s string) int {
	gs := o.g.Step(s)
	if s == "Start" {
		return 1
	}
	if gs.Join {
		if opener := o.g.SplitOf(s); opener != nil {
			return len(o.tasks[opener.Name])
		}
	}
	n := 0
	for _, p := range gs.In {
		gp := o.g.Step(p)
		if gp == nil {
			continue
		}
		for _, t := range o.tasks[p] {
			switch gp.Kind {
			case rt.KindForeach:
				n += t.done.NumSplits
			case rt.KindSwitch:
				if t.done.SwitchCase == s {
					n++
				}
			default:
				n++
			}
		}
	}
	return n
}
