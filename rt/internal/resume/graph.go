package resume

import (
	"slices"

	"github.com/flowc-dev/flowc/rt"
)

// topoOrder orders the steps so that every step comes after its
// predecessors, ties broken by source order so plans are deterministic. A
// switch case back to its own step is the one cycle the graph allows; it is
// ignored here.
func topoOrder(g *rt.Graph) []string {
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
			// A cycle the linter should have refused: keep source order.
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

// reach returns from and every step reachable from it.
func reach(g *rt.Graph, from string) map[string]bool {
	seen := map[string]bool{from: true}
	queue := []string{from}
	for len(queue) > 0 {
		s := g.Step(queue[0])
		queue = queue[1:]
		if s == nil {
			continue
		}
		next := slices.Clone(s.Next)
		if s.Switch != nil {
			for _, c := range s.Switch.Cases {
				next = append(next, c.Step)
			}
		}
		for _, n := range next {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}
