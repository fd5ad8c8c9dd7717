package cli

import (
	"fmt"
	"strings"
)

// unknownStep is the error for a step name the flow does not have. Step
// names are Go method names, so "start" for "Start" is the usual slip: a
// name equal but for case, or a typo away, is suggested.
func (e *Env) unknownStep(name string) error {
	msg := fmt.Sprintf("flow %s has no step %q", e.Def.Graph.Flow, name)
	if near := e.nearStep(name); near != "" {
		return fmt.Errorf("%s; did you mean %q? (step names are case-sensitive)", msg, near)
	}
	return fmt.Errorf("%s; its steps are %s", msg, stepNames(e))
}

// nearStep is the flow's step closest to name: equal ignoring case, else
// within an edit distance of 2 ignoring case (1 for names of 4 letters or
// fewer, so "A" does not suggest "B"); "" when none is close.
func (e *Env) nearStep(name string) string {
	lower := strings.ToLower(name)
	best, bestD := "", 0
	for _, s := range e.Def.Graph.Steps {
		if strings.ToLower(s.Name) == lower {
			return s.Name
		}
		limit := 2
		if len(s.Name) <= 4 {
			limit = 1
		}
		if len(s.Name) <= 1 {
			continue
		}
		if d := editDistance(lower, strings.ToLower(s.Name)); d <= limit && (best == "" || d < bestD) {
			best, bestD = s.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, over bytes
// (step names are Go identifiers, mostly ASCII).
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
