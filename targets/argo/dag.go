package argo

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// The graph becomes one DAG template per scope: the flow's own (the
// entrypoint) and one per foreach, holding the steps of its body. A
// foreach's task in the enclosing DAG is followed by one DAG task that
// runs the body's template withSequence over the count the foreach task
// wrote (taskspec.OutputNumSplits), so the template's size does not grow
// with the width, and nested foreaches nest templates. Inside a body,
// input parameter "path" is the task's foreach index path ("3", "3.17"),
// which the deterministic cloud task ids carry (taskspec.CloudTaskID).
//
// Edges are `depends` on "<task>.Succeeded". A switch's cases carry a
// `when` on the case the switch task wrote. A step that several switch
// cases lead to gets one DAG task per incoming edge, all running the same
// task id, of which only the one whose parent ran runs; its successors
// depend on any of them.
//
// A DAG has no cycles, so a switch with a case back to its own step
// (loop.go) runs as a recursive template beside the DAG: one pass of the
// step, then the template again for the next iteration when the step
// chose itself. Its outputs are the last pass's case and task id, which
// its successors branch on and read.

type scope struct {
	foreach *rt.Step // nil for the flow's own DAG
	depth   int
	tmpl    string
	steps   []*rt.Step
}

// variant is one DAG task of a step.
type variant struct {
	task string // the DAG task's name
}

// run is the run id expression inside a workflow.
const run = "argo-{{workflow.name}}"

func (b *builder) scopes() error {
	g := b.g
	b.stepTemplate = map[string]string{}
	b.taken = map[string]string{}
	claim := func(name, what string) error {
		if prev, ok := b.taken[name]; ok {
			return fmt.Errorf("%s and %s both become Argo template %q; rename one of the steps", prev, what, name)
		}
		b.taken[name] = what
		return nil
	}
	for _, n := range []string{entryTemplate, exitTemplate} {
		_ = claim(n, "flowc's "+n)
	}
	for _, st := range g.Steps {
		name := templateName(st.Name)
		if err := claim(name, fmt.Sprintf("step %q", st.Name)); err != nil {
			return err
		}
		b.stepTemplate[st.Name] = name
	}
	b.loops = map[string]string{}
	for _, st := range g.Steps {
		if selfLoop(st) {
			name := templateName(st.Name, "loop")
			if err := claim(name, fmt.Sprintf("the loop of step %q", st.Name)); err != nil {
				return err
			}
			b.loops[st.Name] = name
		}
	}
	// Assign every step to the scope of its innermost enclosing foreach.
	byForeach := map[string]*scope{"": {tmpl: entryTemplate}}
	order := []*scope{byForeach[""]}
	for _, name := range g.Order() {
		st := g.Step(name)
		f, depth := b.innermostForeach(st)
		sc := byForeach[f]
		if sc == nil {
			tmpl := templateName("foreach", f)
			if err := claim(tmpl, fmt.Sprintf("the body of foreach %q", f)); err != nil {
				return err
			}
			sc = &scope{foreach: g.Step(f), depth: depth, tmpl: tmpl}
			byForeach[f] = sc
			order = append(order, sc)
		}
		sc.steps = append(sc.steps, st)
	}
	for _, st := range g.Steps {
		t, err := b.container(st)
		if err != nil {
			return err
		}
		b.templates = append(b.templates, t)
		if b.loops[st.Name] != "" {
			b.templates = append(b.templates, b.loopTemplate(st))
		}
	}
	for _, sc := range order {
		dag, err := b.dag(sc, byForeach)
		if err != nil {
			return err
		}
		t := Template{Name: sc.tmpl, DAG: dag}
		if sc.foreach != nil {
			t.Inputs = &Inputs{Parameters: []Parameter{{Name: inPath}, {Name: inSplitIndex}, {Name: inParentTask}}}
		}
		b.templates = append([]Template{t}, b.templates...)
	}
	b.order = order
	// DAGs first, entrypoint at the top, then the containers.
	n := len(order)
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		b.templates[i], b.templates[j] = b.templates[j], b.templates[i]
	}
	return nil
}

// innermostForeach is the name of the innermost foreach enclosing st
// ("" for none) and how many foreaches enclose it.
func (b *builder) innermostForeach(st *rt.Step) (string, int) {
	inner, depth := "", 0
	parents := st.SplitParents
	if st.Join && len(parents) > 0 {
		parents = parents[:len(parents)-1] // the split it closes encloses it no more
	}
	for _, p := range parents {
		if ps := b.g.Step(p); ps != nil && ps.Kind == rt.KindForeach {
			inner = p
			depth++
		}
	}
	return inner, depth
}

// taskID is the expression of st's cloud task id inside scope sc.
func taskID(st *rt.Step, sc *scope) string {
	if sc.depth == 0 {
		return taskspec.CloudTaskID(st.Name, nil, 0)
	}
	return st.Name + "-{{inputs.parameters." + inPath + "}}"
}

// dag builds the DAG of one scope.
func (b *builder) dag(sc *scope, byForeach map[string]*scope) (*DAG, error) {
	g := b.g
	in := map[string]bool{}
	for _, st := range sc.steps {
		in[st.Name] = true
	}
	variants := map[string][]variant{}
	var tasks []DAGTask
	anyOf := func(step string) string {
		var parts []string
		for _, v := range variants[step] {
			parts = append(parts, v.task+".Succeeded")
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return "(" + strings.Join(parts, " || ") + ")"
	}
	add := func(st *rt.Step, suffix, depends, when, paths string, extra ...Parameter) {
		name := b.stepTemplate[st.Name]
		if suffix != "" {
			name = templateName(st.Name, "from", suffix)
		}
		params := []Parameter{
			{Name: inTaskID, Value: ptr(taskID(st, sc))},
			{Name: inInputPaths, Value: ptr(paths)},
		}
		params = append(params, extra...)
		tmpl := b.stepTemplate[st.Name]
		if loop := b.loops[st.Name]; loop != "" {
			tmpl = loop
			params = append(params,
				Parameter{Name: inIteration, Value: ptr("0")},
				Parameter{Name: inIterationPrefix, Value: ptr(iterationPrefix(st, sc))})
		}
		tasks = append(tasks, DAGTask{Name: name, Template: tmpl, Depends: depends, When: when,
			Arguments: &Arguments{Parameters: params}})
		variants[st.Name] = append(variants[st.Name], variant{task: name})
	}
	ref := func(p *rt.Step) string {
		if b.loops[p.Name] != "" && len(variants[p.Name]) == 1 {
			// the last pass's task, which only the loop knows
			return run + "/" + p.Name + "/{{tasks." + variants[p.Name][0].task + ".outputs.parameters." + inTaskID + "}}"
		}
		return run + "/" + p.Name + "/" + taskID(p, sc)
	}
	for _, st := range sc.steps {
		switch {
		case st.Name == "Start":
			add(st, "", "", "", run+"/"+taskspec.ParamsStep+"/"+taskspec.ParamsStep)
		case sc.foreach != nil && st.IsForeachBody && contains(st.In, sc.foreach.Name):
			add(st, "", "", "", run+"/"+sc.foreach.Name+"/{{inputs.parameters."+inParentTask+"}}",
				Parameter{Name: inSplitIndex, Value: ptr("{{inputs.parameters." + inSplitIndex + "}}")})
		case g.SplitOf(st.Name) != nil && g.SplitOf(st.Name).Kind == rt.KindForeach:
			f := g.SplitOf(st.Name)
			body := byForeach[f.Name]
			if body == nil {
				return nil, fmt.Errorf("foreach %q has no body steps", f.Name)
			}
			var paths []string
			for _, p := range st.In {
				prefix := p + "-"
				if sc.depth > 0 {
					prefix = p + "-{{inputs.parameters." + inPath + "}}."
				}
				paths = append(paths, run+"/"+p+"/"+prefix+taskspec.AllSplits)
			}
			add(st, "", fanoutName(f)+".Succeeded", "", strings.Join(paths, ","))
		case st.Join:
			var deps, paths []string
			for _, p := range st.In {
				if len(variants[p]) == 0 {
					return nil, fmt.Errorf("join %q: parent %q is not in the same foreach body; this graph is not supported by the Argo target", st.Name, p)
				}
				deps = append(deps, anyOf(p))
				paths = append(paths, ref(g.Step(p)))
			}
			add(st, "", strings.Join(deps, " && "), "", strings.Join(paths, ","))
		default:
			var ins []*rt.Step
			for _, p := range st.In {
				if in[p] && !(p == st.Name && b.loops[p] != "") { // the loop's own edge is inside its template
					ins = append(ins, g.Step(p))
				}
			}
			if len(ins) == 0 {
				return nil, fmt.Errorf("step %q has no parent in its DAG; this graph is not supported by the Argo target", st.Name)
			}
			for _, p := range ins {
				if (st.Kind == rt.KindForeach || st.Kind == rt.KindSwitch) && len(ins) > 1 {
					return nil, fmt.Errorf("step %q is a %s that several steps lead to; the Argo target needs one parent for it, so put a linear step before it", st.Name, st.Kind)
				}
				suffix := ""
				if len(ins) > 1 {
					suffix = p.Name
				}
				when := ""
				if p.Kind == rt.KindSwitch {
					when = fmt.Sprintf("'{{tasks.%s.outputs.parameters.%s}}' == '%s'", variants[p.Name][0].task, taskspec.OutputSwitchCase, st.Name)
				}
				add(st, suffix, anyOf(p.Name), when, ref(p))
			}
		}
		if st.Kind == rt.KindForeach {
			body := byForeach[st.Name]
			if body == nil {
				return nil, fmt.Errorf("foreach %q has no body steps", st.Name)
			}
			path := "{{item}}"
			if sc.depth > 0 {
				path = "{{inputs.parameters." + inPath + "}}.{{item}}"
			}
			v := variants[st.Name][0].task
			tasks = append(tasks, DAGTask{
				Name: fanoutName(st), Template: body.tmpl, Depends: v + ".Succeeded",
				WithSequence: &Sequence{Count: fmt.Sprintf("{{tasks.%s.outputs.parameters.%s}}", v, taskspec.OutputNumSplits)},
				Arguments: &Arguments{Parameters: []Parameter{
					{Name: inPath, Value: ptr(path)},
					{Name: inSplitIndex, Value: ptr("{{item}}")},
					{Name: inParentTask, Value: ptr(taskID(st, sc))},
				}},
			})
		}
	}
	return &DAG{Tasks: tasks}, nil
}

// fanoutName is the DAG task that runs a foreach's body for every item.
func fanoutName(f *rt.Step) string { return templateName(f.Name, "foreach") }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
