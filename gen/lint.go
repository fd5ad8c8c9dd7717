package gen

import (
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/annotations"
	"github.com/flowc-dev/flowc/rt"
)

// A lint rule looks at one flow and reports what is wrong with it. Rules
// are small and independent, Metaflow lint.py style, but never fail fast:
// every error is collected and the caller sorts them by position.
type lintRule func(m *flowModel, errs *errorList)

// localRules check each step, field and directive on its own.
var localRules = []lintRule{
	checkStartEnd,
	checkTransitions,
	checkTargets,
	checkEnd,
	checkSignatures,
	checkForeachOver,
	checkCatch,
	checkSwitch,
	checkParams,
	checkArtifacts,
}

// graphRules assume the graph is well formed locally (Start and End exist,
// every target is a step, every step has one transition); run on a broken
// graph they would only echo the local errors.
var graphRules = []lintRule{
	checkReachable,
	checkCycles,
	checkSplitsJoined,
	checkJoins,
	checkForeachThenJoin,
	checkConvergence,
}

func lint(m *flowModel, errs *errorList) {
	before := len(errs.list)
	for _, rule := range localRules {
		rule(m, errs)
	}
	if len(errs.list) > before && !localGraphOK(m) {
		return
	}
	for _, rule := range graphRules {
		rule(m, errs)
	}
}

// localGraphOK reports whether the graph rules can run meaningfully.
func localGraphOK(m *flowModel) bool {
	if m.stepByName["Start"] == nil || m.stepByName["End"] == nil {
		return false
	}
	for _, s := range m.steps {
		if s.name != "End" && s.transitions() != 1 {
			return false
		}
		for _, t := range targets(s) {
			if m.stepByName[t.Name] == nil {
				return false
			}
		}
	}
	return true
}

// targets lists the step names a step's transition directives mention,
// with their positions, in the order written.
func targets(s *stepModel) []annotations.Ident {
	var out []annotations.Ident
	if n := s.set.Next; n != nil {
		out = append(out, n.Targets...)
	}
	if f := s.set.Foreach; f != nil {
		out = append(out, f.Next)
	}
	if sw := s.set.Switch; sw != nil {
		for _, c := range sw.Cases {
			out = append(out, c.Step)
		}
	}
	return out
}

func checkStartEnd(m *flowModel, errs *errorList) {
	for _, name := range []string{"Start", "End"} {
		if m.stepByName[name] != nil {
			continue
		}
		if m.methods[name] != nil {
			errs.errorf(m.methods[name].Name.Pos(), "method %q of flow %q is not a step; add //flow:step", name, m.name)
			continue
		}
		errs.errorf(m.spec.Name.Pos(), "flow %q has no %q step; add a method func (f *%s) %s(ctx context.Context) error with //flow:step", m.name, name, m.name, name)
	}
	if s := m.stepByName["Start"]; s != nil && s.join {
		errs.errorf(s.pos, "step \"Start\" takes inputs, but nothing precedes Start; remove the inputs parameter")
	}
}

func checkTransitions(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		if s.name == "End" {
			continue
		}
		switch n := s.transitions(); {
		case n == 0:
			errs.errorf(s.pos, "step %q has no transition; add //flow:next, //flow:foreach or //flow:switch (or name it End)", s.name)
		case n > 1:
			errs.errorf(s.set.Step.Pos, "step %q has more than one of //flow:next, //flow:foreach and //flow:switch; keep one", s.name)
		}
		if s.join && (s.set.Foreach != nil || s.set.Switch != nil || (s.set.Next != nil && len(s.set.Next.Targets) > 1)) {
			errs.errorf(s.pos, "join step %q cannot also split; add a step after it that splits", s.name)
		}
	}
}

func checkTargets(m *flowModel, errs *errorList) {
	names := make([]string, len(m.steps))
	for i, s := range m.steps {
		names[i] = s.name
	}
	for _, s := range m.steps {
		for _, t := range targets(s) {
			if m.stepByName[t.Name] != nil {
				continue
			}
			if m.methods[t.Name] != nil {
				errs.errorf(t.Pos, "step %q goes to %q, which is not a step; add //flow:step to method %q", s.name, t.Name, t.Name)
				continue
			}
			msg := "step %q goes to unknown step %q; "
			if c := closest(t.Name, names); c != "" {
				errs.errorf(t.Pos, msg+"did you mean %q?", s.name, t.Name, c)
			} else {
				errs.errorf(t.Pos, msg+"declare a //flow:step method named %q or fix the name", s.name, t.Name, t.Name)
			}
		}
	}
}

func checkEnd(m *flowModel, errs *errorList) {
	end := m.stepByName["End"]
	if end == nil {
		return
	}
	if end.join {
		errs.errorf(end.pos, "step \"End\" takes inputs; add a join step before End and make End a plain step")
	}
	if end.transitions() > 0 {
		errs.errorf(end.set.Step.Pos, "step \"End\" has a transition; End is the last step, remove its //flow:next, //flow:foreach or //flow:switch")
	}
}

func checkReachable(m *flowModel, errs *errorList) {
	seen := m.graph.Reachable("Start")
	for _, s := range m.steps {
		if !seen[s.name] {
			errs.errorf(s.pos, "step %q is unreachable from \"Start\"; add it to a //flow:next or delete it", s.name)
		}
	}
}

// checkCycles reports every edge that closes a cycle, except a switch case
// going back to its own step (Metaflow's recursive switch).
func checkCycles(m *flowModel, errs *errorList) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var path []string
	var visit func(s *stepModel)
	visit = func(s *stepModel) {
		color[s.name] = grey
		path = append(path, s.name)
		for _, t := range targets(s) {
			if t.Name == s.name && s.set.Switch != nil {
				continue
			}
			switch color[t.Name] {
			case grey:
				i := slices.Index(path, t.Name)
				cycle := strings.Join(append(slices.Clone(path[i:]), t.Name), " -> ")
				errs.errorf(t.Pos, "step %q goes back to %q, a cycle (%s); only a //flow:switch case may go back to its own step", s.name, t.Name, cycle)
			case white:
				visit(m.stepByName[t.Name])
			}
		}
		path = path[:len(path)-1]
		color[s.name] = black
	}
	for _, s := range m.steps {
		if color[s.name] == white {
			visit(s)
		}
	}
}

func checkSplitsJoined(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		st := s.step
		if (st.Kind == rt.KindSplit || st.Kind == rt.KindForeach) && st.MatchingJoin == "" {
			what := "split"
			if st.Kind == rt.KindForeach {
				what = "foreach"
			}
			errs.errorf(s.pos, "%s step %q is never joined; add a join step (taking inputs rt.Inputs[*%s]) where its branches meet", what, s.name, m.name)
		}
	}
}

// checkJoins is Metaflow's check_split_join_balance: a join closes the
// innermost open split, and every one of its inputs must come from that
// split's branches.
func checkJoins(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		st := s.step
		if st.Kind != rt.KindJoin {
			continue
		}
		if len(st.SplitParents) == 0 {
			errs.errorf(s.pos, "step %q takes inputs but no split or foreach comes before it; remove the inputs parameter or add a split", s.name)
			continue
		}
		split := st.SplitParents[len(st.SplitParents)-1]
		for _, in := range st.In {
			open := m.graph.Step(in).OpenAfter()
			if len(open) == 0 || open[len(open)-1] != split {
				from := "no split"
				if len(open) > 0 {
					from = "split " + quote(open[len(open)-1])
				}
				errs.errorf(s.pos, "step %q joins steps from unrelated splits: %q comes from %s, not split %q; give each split its own join", s.name, in, from, split)
			}
		}
	}
}

func checkForeachThenJoin(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		if f := s.set.Foreach; f != nil {
			if body := m.stepByName[f.Next.Name]; body != nil && body.join {
				errs.errorf(f.Next.Pos, "foreach step %q goes straight to join %q; add a step in between that handles one item", s.name, body.name)
			}
		}
	}
}

// checkConvergence: a step with several predecessors must be a join, unless
// they are the alternative paths of one switch (only one of them runs).
func checkConvergence(m *flowModel, errs *errorList) {
	reachable := map[string]bool{"Start": true}
	for _, s := range m.steps {
		if s.name != "Start" && m.graph.Reaches("Start", s.name, "") {
			reachable[s.name] = true
		}
	}
	for _, s := range m.steps {
		st := s.step
		if st.Kind == rt.KindJoin || s.join {
			continue
		}
		// Unreachable predecessors and edges closing a cycle have their
		// own errors; counting them here would only repeat those.
		var preds []string
		for _, p := range st.In {
			if p != st.Name && reachable[p] && !m.graph.Reaches(st.Name, p, "") {
				preds = append(preds, p)
			}
		}
		if len(preds) < 2 || switchAlternatives(m, st, preds) {
			continue
		}
		errs.errorf(s.pos, "step %q has several predecessors (%s) but does not take inputs; make it a join: func (f *%s) %s(ctx context.Context, inputs rt.Inputs[*%s]) error",
			s.name, strings.Join(preds, ", "), m.name, s.name, m.name)
	}
}

// switchAlternatives reports whether all preds lie on the paths of one
// switch step, inside the same split nesting as the switch.
func switchAlternatives(m *flowModel, x *rt.Step, preds []string) bool {
	for _, w := range m.graph.Steps {
		if w.Kind != rt.KindSwitch {
			continue
		}
		open := w.OpenAfter()
		ok := true
		for _, p := range preds {
			ps := m.graph.Step(p)
			if !slices.Equal(ps.OpenAfter(), open) || (p != w.Name && !m.graph.Reaches(w.Name, p, x.Name)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func quote(s string) string { return `"` + s + `"` }

// closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a likely typo.
func closest(name string, candidates []string) string {
	best, bestD := "", len(name)/2+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
