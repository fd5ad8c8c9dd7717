package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ListAttempts returns the attempt numbers a task has any file of (started,
// logged or committed), ascending. A task without any is empty, not an
// error: readers say which attempts exist when asked for another.
func (s *Store) ListAttempts(p TaskPath) ([]int, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	es, err := s.b.list(taskKey(p))
	if err != nil {
		return nil, fmt.Errorf("listing task %q: %w", p, err)
	}
	var out []int
	for _, e := range es {
		num, _, ok := strings.Cut(e.name, ".")
		if !ok || e.dir {
			continue
		}
		if a, err := strconv.Atoi(num); err == nil && a >= 0 && strconv.Itoa(a) == num && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out, nil
}
