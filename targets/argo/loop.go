package argo

import (
	"slices"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// Inputs of a loop template (dag.go): the pass number, and what the next
// pass's task id starts with (taskspec.CloudTaskID: "Poll-i2",
// "Poll-3.i2" in item 3 of a foreach).
const (
	inIteration       = "iteration"
	inIterationPrefix = "iteration-prefix"
)

// selfLoop reports whether st is a switch with a case back to itself.
func selfLoop(st *rt.Step) bool {
	return st.Kind == rt.KindSwitch && slices.ContainsFunc(st.Switch.Cases, func(c rt.SwitchCase) bool { return c.Step == st.Name })
}

// iterationPrefix is the task id of st's passes after the first, less
// the iteration number.
func iterationPrefix(st *rt.Step, sc *scope) string {
	if sc.depth == 0 {
		return st.Name + "-i"
	}
	return st.Name + "-{{inputs.parameters." + inPath + "}}.i"
}

// loopTemplate is the recursive template of self-looping switch st: its
// container runs one pass; when that pass chose st again, the template
// runs itself for the next pass, whose input is this pass's task. Its
// outputs are the last pass's: a skipped next pass's outputs are absent
// (nil) in Argo's expressions, so `??` falls back to this pass's. Argo
// nests templates at most 100 deep (every pass is one level), so a loop
// has fewer than 100 passes on this target.
func (b *builder) loopTemplate(st *rt.Step) Template {
	container := b.stepTemplate[st.Name]
	in := func(name string) *string { return ptr("{{inputs.parameters." + name + "}}") }
	inputs := []Parameter{{Name: inTaskID}, {Name: inInputPaths}}
	if st.IsForeachBody {
		inputs = append(inputs, Parameter{Name: inSplitIndex})
	}
	pass := []Parameter{{Name: inTaskID, Value: in(inTaskID)}, {Name: inInputPaths, Value: in(inInputPaths)}}
	next := []Parameter{
		{Name: inTaskID, Value: ptr("{{inputs.parameters." + inIterationPrefix + "}}{{=asInt(inputs.parameters." + inIteration + ") + 1}}")},
		{Name: inInputPaths, Value: ptr(run + "/" + st.Name + "/{{inputs.parameters." + inTaskID + "}}")},
	}
	if st.IsForeachBody {
		pass = append(pass, Parameter{Name: inSplitIndex, Value: in(inSplitIndex)})
		next = append(next, Parameter{Name: inSplitIndex, Value: in(inSplitIndex)})
	}
	next = append(next,
		Parameter{Name: inIteration, Value: ptr("{{=asInt(inputs.parameters." + inIteration + ") + 1}}")},
		Parameter{Name: inIterationPrefix, Value: in(inIterationPrefix)})
	inputs = append(inputs, Parameter{Name: inIteration}, Parameter{Name: inIterationPrefix})
	const passTask, nextTask = "pass", "next"
	caseOf := func(task string) string {
		return "tasks['" + task + "'].outputs.parameters['" + taskspec.OutputSwitchCase + "']"
	}
	return Template{
		Name:   b.loops[st.Name],
		Inputs: &Inputs{Parameters: inputs},
		DAG: &DAG{Tasks: []DAGTask{
			{Name: passTask, Template: container, Arguments: &Arguments{Parameters: pass}},
			{Name: nextTask, Template: b.loops[st.Name], Depends: passTask + ".Succeeded",
				When:      "'{{tasks." + passTask + ".outputs.parameters." + taskspec.OutputSwitchCase + "}}' == '" + st.Name + "'",
				Arguments: &Arguments{Parameters: next}},
		}},
		Outputs: &Outputs{Parameters: []Parameter{
			{Name: taskspec.OutputSwitchCase, ValueFrom: &ValueFrom{Expression: caseOf(nextTask) + " ?? " + caseOf(passTask)}},
			{Name: inTaskID, ValueFrom: &ValueFrom{Expression: "tasks['" + nextTask + "'].outputs.parameters['" + inTaskID + "'] ?? inputs.parameters['" + inTaskID + "']"}},
		}},
	}
}
