package taskspec

import (
	"fmt"
	"strconv"
	"strings"
)

// CloudTaskID is the id of a task in a run that a cloud engine schedules,
// where no central scheduler hands out numbers: it is computed from what
// names the task, so every retry, and every duplicate delivery, of a task
// gets the same id. That is the step, the task's index in each enclosing
// foreach (outermost first), and the iteration of a switch that loops
// back (0 for the first pass):
//
//	Start                Body-3       Inner-3.17      Check-2.i4
//
// The step name comes first and is a Go identifier (no '-' or '.'), the
// indices are decimal, joined by '.', and an iteration is "i" and a number,
// so different tasks never share an id (unlike the 32-bit hash fragments
// other engines use, which collide at about 1% over 10,000 splits). Every
// id is a valid datastore id.
func CloudTaskID(step string, foreach []int, iteration int) string {
	var b strings.Builder
	b.WriteString(step)
	for i, x := range foreach {
		if i == 0 {
			b.WriteByte('-')
		} else {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(x))
	}
	if iteration > 0 {
		if len(foreach) == 0 {
			b.WriteByte('-')
		} else {
			b.WriteByte('.')
		}
		b.WriteString("i" + strconv.Itoa(iteration))
	}
	return b.String()
}

// ParseCloudTaskID reads back what CloudTaskID wrote.
func ParseCloudTaskID(id string) (step string, foreach []int, iteration int, err error) {
	step, rest, has := strings.Cut(id, "-")
	if step == "" || strings.ContainsAny(step, ".") || has && rest == "" {
		return "", nil, 0, fmt.Errorf("task id %q is not step[-i.j...][.iN]", id)
	}
	if !has {
		return step, nil, 0, nil
	}
	for _, part := range strings.Split(rest, ".") {
		if n, ok := strings.CutPrefix(part, "i"); ok {
			k, err := strconv.Atoi(n)
			if err != nil || k < 1 || iteration != 0 || strconv.Itoa(k) != n {
				return "", nil, 0, fmt.Errorf("task id %q has a bad iteration %q", id, part)
			}
			iteration = k
			continue
		}
		x, err := strconv.Atoi(part)
		if err != nil || x < 0 || iteration != 0 || strconv.Itoa(x) != part {
			return "", nil, 0, fmt.Errorf("task id %q has a bad foreach index %q", id, part)
		}
		foreach = append(foreach, x)
	}
	return step, foreach, iteration, nil
}
