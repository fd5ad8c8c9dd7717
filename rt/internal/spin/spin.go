// Package spin reruns one step on the inputs of a past task (Metaflow's
// `spin`), for `<bin> spin` and the rt/spin test helper alike.
//
// A spin writes into a scratch run (store.NewScratchRun), which no listing
// shows, so it never counts as a run of the flow; each spin removes all
// but the newest KeepScratch of them (prune.go). The spun task reads the
// past task's inputs where they are, by reference; with overrides, each
// input is first copied into the scratch run with the overridden artifacts
// replaced, so the past run is never written.
package spin

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/alive"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Plan is a spin ready to run: its scratch run is recorded and its inputs
// are in place.
type Plan struct {
	Origin     store.TaskPath // the past task
	Run        string         // the scratch run
	Step       *rt.Step
	InputPaths string // the spun task's --input-paths
	SplitIndex int    // -1 unless a foreach body
	Overridden []string

	st     *store.Store
	def    *rt.FlowDef
	inputs []ipath.Ref // what the spun task reads
}

// Task is the spun task's path: the past task's step and id, in the
// scratch run.
func (p *Plan) Task() store.TaskPath {
	return store.TaskPath{Flow: p.Origin.Flow, Run: p.Run, Step: p.Origin.Step, Task: p.Origin.Task}
}

// Env is the step's //flow:env, KEY=VALUE.
func (p *Plan) Env() []string {
	var env []string
	for _, kv := range p.Step.Env {
		env = append(env, kv.Key+"="+kv.Value)
	}
	return env
}

// Prepare checks everything (the task, its inputs, every override against
// its field's type) before it records the scratch run, so bad input leaves
// nothing behind but, at most, content-addressed blobs.
//
// rec is the origin run's record as the caller read it from its metadata
// provider (the datastore's, or the metadata service's): the scratch run
// takes its namespace, tags and parameters.
func Prepare(st *store.Store, def *rt.FlowDef, rec *store.Run, origin store.TaskPath, overrides []Override) (*Plan, error) {
	p := &Plan{Origin: origin, st: st, def: def, SplitIndex: -1}
	tp := origin.Run + "/" + origin.Step + "/" + origin.Task
	if p.Step = def.Graph.Step(origin.Step); p.Step == nil {
		return nil, fmt.Errorf("flow %s has no step %q", def.Graph.Flow, origin.Step)
	}
	inputs, split, err := pastInputs(st, p.Step, origin)
	if err != nil {
		return nil, err
	}
	refs, err := ipath.Parse(inputs)
	if err != nil {
		return nil, fmt.Errorf("task %s recorded inputs that do not parse (%v); the datastore is damaged", tp, err)
	}
	if p.Step.IsForeachBody {
		p.SplitIndex = split
	}
	// Every input must be there, committed and good: the spun task would
	// fail on it anyway, later and less clearly.
	parents := make([]*store.TaskData, len(refs))
	dones := make([]*store.Done, len(refs))
	for i, r := range refs {
		ip := store.TaskPath{Flow: origin.Flow, Run: r.Run, Step: r.Step, Task: r.Task}
		d, err := st.LatestDone(ip)
		if err != nil || !d.OK {
			return nil, fmt.Errorf("input %s of task %s has no successful attempt; resume its run first", r, tp)
		}
		if parents[i], err = st.ReadTaskData(ip, d.Attempt); err != nil {
			return nil, fmt.Errorf("input %s of task %s: %w", r, tp, err)
		}
		dones[i] = d
	}
	arts, err := p.overrides(overrides, refs)
	if err != nil {
		return nil, err
	}

	pid, start := alive.Self()
	user := ns.User()
	scratch := &store.Run{
		Flow: origin.Flow, User: user, Namespace: rec.Namespace,
		Tags: rec.Tags, SysTags: ns.SysTags(user, ns.Version), Params: rec.Params,
		Status: "running", Started: time.Now(), Origin: origin.Run,
		PID: pid, PIDStart: start,
	}
	if p.Run, err = st.NewScratchRun(scratch); err != nil {
		return nil, err
	}
	p.inputs = refs
	if len(arts) > 0 {
		// Each input is copied into the scratch run with the overrides in
		// it; the copy's marker names the input it came from.
		p.inputs = make([]ipath.Ref, len(refs))
		for i, r := range refs {
			d := *parents[i]
			d.Artifacts = make(map[string]store.Artifact, len(parents[i].Artifacts))
			for k, v := range parents[i].Artifacts {
				d.Artifacts[k] = v
			}
			for k, v := range arts {
				d.Artifacts[k] = v
			}
			cp := store.TaskPath{Flow: origin.Flow, Run: p.Run, Step: r.Step, Task: r.Task}
			if slices.ContainsFunc(p.inputs[:i], func(x ipath.Ref) bool { return x.Step == r.Step && x.Task == r.Task }) {
				p.fail()
				return nil, fmt.Errorf("task %s has two inputs named %s/%s (from different runs); spin it without --artifact", tp, r.Step, r.Task)
			}
			if err := st.WriteTaskData(cp, 0, &d); err != nil {
				p.fail()
				return nil, err
			}
			od := dones[i]
			if err := st.FinishAttempt(cp, &store.Done{
				Attempt: 0, OK: true, Started: od.Started, Finished: od.Finished,
				NumSplits: od.NumSplits, SwitchCase: od.SwitchCase, Origin: r.String(),
			}); err != nil {
				p.fail()
				return nil, err
			}
			p.inputs[i] = ipath.Ref{Run: p.Run, Step: r.Step, Task: r.Task}
		}
		p.InputPaths = formatRefs(p.inputs)
	} else if inputs != "" {
		p.InputPaths = inputs
	}
	p.prune()
	return p, nil
}

// fail marks the scratch run failed when preparing it went wrong halfway.
func (p *Plan) fail() {
	_ = p.st.UpdateRun(p.Origin.Flow, p.Run, func(r *store.Run) error {
		r.Status, r.Finished = "failed", time.Now()
		return nil
	})
}

// pastInputs finds what the past task ran on: its commit marker says
// (even a failed task's, which leaves no data.json); a clone, or a task
// recorded before markers carried inputs, has them in the data.json of its
// successful attempt.
func pastInputs(st *store.Store, step *rt.Step, p store.TaskPath) (string, int, error) {
	tp := p.Run + "/" + p.Step + "/" + p.Task
	d, err := st.LatestDone(p)
	if errors.Is(err, store.ErrNotFound) {
		attempts, lerr := st.ListAttempts(p)
		if lerr == nil && len(attempts) == 0 {
			return "", 0, fmt.Errorf("task %s not found", tp)
		}
		return "", 0, fmt.Errorf("task %s has not finished (no commit marker); spin a task that did, or wait for it", tp)
	}
	if err != nil {
		return "", 0, err
	}
	if d.Inputs != "" {
		split := -1
		if d.SplitIndex != nil {
			split = *d.SplitIndex
		}
		return d.Inputs, split, nil
	}
	if d.OK {
		data, err := st.ReadTaskData(p, d.Attempt)
		if err != nil {
			return "", 0, err
		}
		split := -1
		if n := len(data.ForeachStack); n > 0 && step.IsForeachBody {
			split = data.ForeachStack[n-1].Index
		}
		if len(data.Parents) > 0 {
			return strings.Join(data.Parents, ","), split, nil
		}
	}
	return "", 0, fmt.Errorf("task %s has no record of its inputs (it failed before flowc recorded them); run the flow again and spin the new task", tp)
}

// overrides validates every override against its field's type, checks a
// foreach body's item still exists, and stores each value as a blob.
func (p *Plan) overrides(list []Override, refs []ipath.Ref) (map[string]store.Artifact, error) {
	if len(list) == 0 {
		return nil, nil
	}
	aio := artifact.New(p.st, p.def)
	f := p.def.New()
	arts := make(map[string]store.Artifact, len(list))
	for _, o := range list {
		k := aio.Field(o.Name)
		if k < 0 {
			var names []string
			for _, fd := range p.def.Fields {
				names = append(names, fd.Name)
			}
			return nil, fmt.Errorf("--artifact %s: flow %s has no artifact %q; its artifacts are %s", o.Name, p.def.Graph.Flow, o.Name, strings.Join(names, ", "))
		}
		fd := &p.def.Fields[k]
		if err := setField(f, fd, o); err != nil {
			return nil, err
		}
		a, err := aio.Put(f, fd)
		if err != nil {
			return nil, err
		}
		arts[o.Name] = a
		if !slices.Contains(p.Overridden, o.Name) {
			p.Overridden = append(p.Overridden, o.Name)
		}
	}
	// A foreach body is given item SplitIndex of its parent's foreach
	// field: an override of that field must still have it.
	if p.Step.IsForeachBody && len(refs) == 1 {
		for i, s := range p.def.Graph.Steps {
			if s.Name != refs[0].Step || s.Foreach == "" {
				continue
			}
			if _, ok := arts[s.Foreach]; ok && p.def.Steps[i].ForeachLen != nil {
				if n := p.def.Steps[i].ForeachLen(f); p.SplitIndex >= n {
					return nil, fmt.Errorf("--artifact %s has %d items, but task %s/%s/%s is item %d of the foreach; give at least %d items",
						s.Foreach, n, p.Origin.Run, p.Origin.Step, p.Origin.Task, p.SplitIndex, p.SplitIndex+1)
				}
			}
		}
	}
	return arts, nil
}

// formatRefs writes input paths, compactly when the ids allow (a join of
// 10,000 inputs must fit in one argument).
func formatRefs(refs []ipath.Ref) string {
	compact := make([]ipath.StepTask, 0, len(refs))
	for _, r := range refs {
		n, err := strconv.Atoi(r.Task)
		if err != nil || r.Run != refs[0].Run || strconv.Itoa(n) != r.Task {
			compact = nil
			break
		}
		compact = append(compact, ipath.StepTask{Step: r.Step, Task: n})
	}
	if compact != nil {
		return ipath.Format(refs[0].Run, compact)
	}
	s := make([]string, len(refs))
	for i, r := range refs {
		s[i] = r.String()
	}
	return strings.Join(s, ",")
}
