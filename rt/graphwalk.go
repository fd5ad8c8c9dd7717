package rt

import (
	"slices"
	"sort"
	"strings"
)

// The graph's algorithms. The generator fills a graph in with Link and lints
// it with the queries below; resume, show and the targets ask the same
// questions of the graph a binary carries, so all of them agree on what
// follows what and which join closes which split.

// Link computes the derived relations from the steps' kinds and Next: In,
// IsForeachBody, SplitParents and MatchingJoin. It never fails: unknown
// targets are skipped (the generator's lint reports them), and on a graph
// with cycles or unbalanced joins it computes what the edges allow.
//
// Split parents and matching joins are computed the way Metaflow's graph.py
// does: walk from Start carrying the stack of open splits; a split or
// foreach pushes itself, a join pops the innermost and closes it.
func (g *Graph) Link() {
	for _, st := range g.Steps {
		st.In, st.SplitParents, st.MatchingJoin, st.IsForeachBody = nil, nil, "", false
	}
	for _, st := range g.Steps {
		for _, n := range st.Next {
			if t := g.Step(n); t != nil && !slices.Contains(t.In, st.Name) {
				t.In = append(t.In, st.Name)
			}
		}
		if st.Foreach != "" && len(st.Next) > 0 {
			if t := g.Step(st.Next[0]); t != nil {
				t.IsForeachBody = true
			}
		}
	}
	for _, st := range g.Steps {
		sort.Strings(st.In)
	}
	if start := g.Step("Start"); start != nil {
		g.link(start, nil, map[string]bool{"Start": true}, map[string]bool{})
	}
}

// link walks from st with the open splits parents. path guards against
// cycles; done skips a (step, stack) pair already walked, so diamond-heavy
// graphs stay linear to walk.
func (g *Graph) link(st *Step, parents []string, path, done map[string]bool) {
	key := st.Name + "\x00" + strings.Join(parents, "\x00")
	if done[key] {
		return
	}
	done[key] = true
	switch st.Kind {
	case KindSplit, KindForeach:
		st.SplitParents = cloneOrNil(parents)
		parents = append(cloneOrNil(parents), st.Name)
	case KindJoin:
		st.SplitParents = cloneOrNil(parents)
		if len(parents) > 0 {
			if split := g.Step(parents[len(parents)-1]); split != nil && split.MatchingJoin == "" {
				split.MatchingJoin = st.Name
			}
			parents = parents[:len(parents)-1]
		}
	default:
		st.SplitParents = cloneOrNil(parents)
	}
	for _, n := range st.Next {
		child := g.Step(n)
		if child == nil || path[n] {
			continue
		}
		path[n] = true
		g.link(child, parents, path, done)
		delete(path, n)
	}
}

// cloneOrNil copies s, keeping an empty stack nil so that literals and
// comparisons do not tell "no splits" apart by allocation.
func cloneOrNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// Order returns the step names so that every step comes after its
// predecessors, ties broken by source order, so the order is deterministic.
// A switch case back to its own step, the one cycle the graph allows, is
// ignored; were there another cycle, its steps would follow in source order.
func (g *Graph) Order() []string {
	indeg := make(map[string]int, len(g.Steps))
	for _, s := range g.Steps {
		for _, p := range s.In {
			if p != s.Name && g.Step(p) != nil {
				indeg[s.Name]++
			}
		}
	}
	done := make(map[string]bool, len(g.Steps))
	order := make([]string, 0, len(g.Steps))
	for len(order) < len(g.Steps) {
		progressed := false
		for _, s := range g.Steps {
			if done[s.Name] || indeg[s.Name] > 0 {
				continue
			}
			done[s.Name] = true
			order = append(order, s.Name)
			progressed = true
			for _, n := range s.Next {
				if n != s.Name && !done[n] {
					indeg[n]--
				}
			}
			break // restart from the first step in source order
		}
		if !progressed {
			for _, s := range g.Steps {
				if !done[s.Name] {
					done[s.Name] = true
					order = append(order, s.Name)
				}
			}
		}
	}
	return order
}

// Reachable returns from and every step reachable from it.
func (g *Graph) Reachable(from string) map[string]bool {
	seen := map[string]bool{from: true}
	queue := []string{from}
	for len(queue) > 0 {
		s := g.Step(queue[0])
		queue = queue[1:]
		if s == nil {
			continue
		}
		for _, n := range s.Next {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}

// Reaches reports whether to can be reached from from in one step or more
// without passing through avoid ("" avoids nothing).
func (g *Graph) Reaches(from, to, avoid string) bool {
	seen := map[string]bool{from: true}
	stack := []string{from}
	for len(stack) > 0 {
		st := g.Step(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		if st == nil {
			continue
		}
		for _, n := range st.Next {
			if n == to {
				return true
			}
			if n != avoid && !seen[n] {
				seen[n] = true
				stack = append(stack, n)
			}
		}
	}
	return false
}

// SplitOf returns the split or foreach step that join closes, or nil.
func (g *Graph) SplitOf(join string) *Step {
	for _, s := range g.Steps {
		if s.MatchingJoin == join && (s.Kind == KindSplit || s.Kind == KindForeach) {
			return s
		}
	}
	return nil
}

// OpenAfter is the stack of splits still open when st finishes, outermost
// first: its split parents, plus itself for a split or foreach, minus the
// innermost for a join.
func (st *Step) OpenAfter() []string {
	switch st.Kind {
	case KindSplit, KindForeach:
		return append(slices.Clone(st.SplitParents), st.Name)
	case KindJoin:
		if len(st.SplitParents) > 0 {
			return st.SplitParents[:len(st.SplitParents)-1]
		}
	}
	return st.SplitParents
}
