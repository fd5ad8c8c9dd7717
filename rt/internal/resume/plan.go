// Package resume plans and performs the cloning half of `resume`: which
// tasks of the origin run a resumed run reuses, and copying their records
// into the new run. The scheduler then treats the clones as done tasks and
// runs everything else.
//
// What is reused follows Metaflow: every task of every step that is neither
// the restart step, nor reachable from it, nor reachable from a step that
// did not complete in the origin run. Steps are matched by name and foreach
// tasks by their foreach index path, never by task id, so the new run mints
// its own ids. Whole steps are reused or rerun, never part of one, so the
// scheduler never has to fill the holes of a half-done foreach.
package resume

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// ParamsStep is the pseudo-step whose task holds a run's parameter values.
// A resumed run takes its parameters from the origin run by cloning it.
const ParamsStep = "_parameters"

// Plan is what a resumed run reuses from its origin run.
type Plan struct {
	Flow   string
	Origin string // origin run id
	// From is the step the resumed run restarts from.
	From string
	// Rerun lists, in topological order, the steps that run again: From,
	// every step reachable from it, and any other step that did not
	// complete in the origin run, with the steps reachable from it.
	Rerun []string
	// Params are the origin run's parameters as given, for the new run's
	// record; the values themselves come with the cloned ParamsStep task.
	Params map[string]string
	// Clones are the tasks to copy: the ParamsStep task first, then by step
	// in topological order, then by foreach index path.
	Clones []Clone
	// Notes say, one line each, why a task that succeeded in the origin run
	// is rerun anyway (its artifact index is damaged, a blob is missing).
	Notes []string
}

// Clone is one task the resumed run reuses.
type Clone struct {
	Step   string
	Origin store.TaskPath // the task in the origin run
	// Foreach is the stack of enclosing foreaches, outermost first, as the
	// origin task recorded it; Index gives just the indices.
	Foreach []store.ForeachFrame
	// NumSplits (foreach steps) and SwitchCase (switch steps) repeat the
	// origin task's outcome, which decides what runs after it.
	NumSplits  int
	SwitchCase string
	// Parents are the origin task's input paths ("run/step/task").
	Parents []string
	// Task is the clone's task id in the new run, set by CloneInto.
	Task string
}

// Index returns the clone's foreach index path, outermost first.
func (c *Clone) Index() []int {
	out := make([]int, len(c.Foreach))
	for i, f := range c.Foreach {
		out[i] = f.Index
	}
	return out
}

// Cloned returns the clones of step, in foreach index order.
func (p *Plan) Cloned(step string) []*Clone {
	var out []*Clone
	for i := range p.Clones {
		if p.Clones[i].Step == step {
			out = append(out, &p.Clones[i])
		}
	}
	return out
}

// Reruns reports whether step runs again in the resumed run.
func (p *Plan) Reruns(step string) bool { return slices.Contains(p.Rerun, step) }

// NewPlan reads the origin run of flow and decides what a run resumed from
// step from reuses. from "" means the first step, in topological order, that
// failed or did not run everything it should have. g is the flow's current
// graph: the origin run's steps must still be in it, joined the same way.
func NewPlan(g *rt.Graph, st *store.Store, flow, originRun, from string) (*Plan, error) {
	if err := store.ValidID("flow", flow); err != nil {
		return nil, err
	}
	if err := store.ValidID("run id", originRun); err != nil {
		return nil, err
	}
	rec, err := st.GetRun(flow, originRun)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("flow %q has no run %q; list runs with `runs --all`", flow, originRun)
	}
	if err != nil {
		return nil, err
	}
	return NewPlanFrom(g, st, flow, originRun, rec.Params, from)
}

// NewPlanFrom is NewPlan for an origin run whose record the caller read
// (from its metadata provider, which may not be the datastore): params
// are its parameters.
func NewPlanFrom(g *rt.Graph, st *store.Store, flow, originRun string, params map[string]string, from string) (*Plan, error) {
	if from != "" && g.Step(from) == nil {
		return nil, fmt.Errorf("cannot resume run %s: flow %q has no step %q; its steps are %s", originRun, flow, from, stepNames(g))
	}

	o, err := readOrigin(g, st, flow, originRun)
	if err != nil {
		return nil, err
	}
	if err := o.checkShape(); err != nil {
		return nil, err
	}
	order := g.Order()
	incomplete := o.incomplete(order)
	if from == "" {
		for _, s := range order {
			if incomplete[s] {
				from = s
				break
			}
		}
		if from == "" {
			return nil, fmt.Errorf("cannot resume run %s of flow %q: every step succeeded; name the step to rerun from, e.g. `resume End`", originRun, flow)
		}
	}

	rerun := g.Reachable(from)
	for s := range incomplete {
		for r := range g.Reachable(s) {
			rerun[r] = true
		}
	}
	p := &Plan{Flow: flow, Origin: originRun, From: from, Params: params, Notes: o.notes}
	if o.params != nil {
		p.Clones = append(p.Clones, o.params.clone(flow, originRun, ParamsStep))
	}
	for _, s := range order {
		if rerun[s] {
			p.Rerun = append(p.Rerun, s)
			continue
		}
		tasks := o.tasks[s]
		slices.SortStableFunc(tasks, func(a, b *originTask) int {
			if c := slices.Compare(a.index(), b.index()); c != 0 {
				return c
			}
			return cmpTaskID(a.id, b.id)
		})
		for _, t := range tasks {
			p.Clones = append(p.Clones, t.clone(flow, originRun, s))
		}
	}
	return p, nil
}

func stepNames(g *rt.Graph) string {
	names := make([]string, len(g.Steps))
	for i, s := range g.Steps {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// cmpTaskID orders integer ids numerically, as the store lists them.
func cmpTaskID(a, b string) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}
