package taskspec

// The input paths of a task (--input-paths): a comma-separated list of
// "run/step/task" paths, where the compact form "run/step/:id1,id2,..."
// names several tasks of one step, so a join of 10,000 foreach tasks fits
// on one command line. A list longer than one argument may be (Linux
// takes at most 128 KiB) is given as several --input-paths, each a list
// of its own (see SplitInputPaths); their concatenation is the list.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Ref is one input task.
type Ref struct{ Run, Step, Task string }

func (r Ref) String() string { return r.Run + "/" + r.Step + "/" + r.Task }

// StepTask is a task of the run being scheduled, as Format takes it.
type StepTask struct {
	Step string
	Task int
}

// FormatInputPaths writes refs (tasks of run) in compact form: consecutive tasks of
// the same step share one "run/step/:" prefix.
func FormatInputPaths(run string, refs []StepTask) string {
	var b strings.Builder
	for i, r := range refs {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case i > 0 && refs[i-1].Step == r.Step:
			// continues the group opened before
		case i+1 < len(refs) && refs[i+1].Step == r.Step:
			b.WriteString(run + "/" + r.Step + "/:")
		default:
			b.WriteString(run + "/" + r.Step + "/")
		}
		b.WriteString(strconv.Itoa(r.Task))
	}
	return b.String()
}

// ParseRef reads one task reference "run/step/task", validating every id.
func ParseRef(s string) (Ref, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return Ref{}, fmt.Errorf("task reference %q is not run/step/task", s)
	}
	r := Ref{parts[0], parts[1], parts[2]}
	return r, ValidRef(r)
}

// ParseInputPaths reads an --input-paths value, validating every id.
func ParseInputPaths(s string) ([]Ref, error) {
	if s == "" {
		return nil, fmt.Errorf("--input-paths is empty; give at least one run/step/task")
	}
	var refs []Ref
	var group *Ref // the prefix of an open compact group
	for _, tok := range strings.Split(s, ",") {
		var r Ref
		if !strings.Contains(tok, "/") {
			if group == nil {
				return nil, fmt.Errorf("input path %q is not run/step/task", tok)
			}
			r = Ref{group.Run, group.Step, tok}
		} else {
			parts := strings.Split(tok, "/")
			if len(parts) != 3 {
				return nil, fmt.Errorf("input path %q is not run/step/task", tok)
			}
			r = Ref{parts[0], parts[1], parts[2]}
			group = nil
			if rest, ok := strings.CutPrefix(r.Task, ":"); ok {
				r.Task = rest
				g := r
				group = &g
			}
		}
		if err := ValidRef(r); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// ValidRef checks every id of r.
func ValidRef(r Ref) error {
	if err := store.ValidID("run id", r.Run); err != nil {
		return err
	}
	if err := store.ValidID("step", r.Step); err != nil {
		return err
	}
	return store.ValidID("task id", r.Task)
}

// maxArg bounds one --input-paths argument, under Linux's 128 KiB limit
// on a single argument (MAX_ARG_STRLEN).
const maxArg = 100 << 10

// SplitInputPaths cuts an input-path list into lists of at most max bytes
// (one argument each; max <= 0 means 100 KiB), each complete in itself:
// a compact group cut in two is opened again in the next list. Joined
// with "," they are the same list.
func SplitInputPaths(s string, max int) []string {
	if max <= 0 {
		max = maxArg
	}
	if len(s) <= max {
		return []string{s}
	}
	var out []string
	var b strings.Builder
	group := "" // "run/step/:" of the open compact group
	for _, tok := range strings.Split(s, ",") {
		head := tok
		if strings.Contains(tok, "/") {
			group = ""
			if i := strings.Index(tok, "/:"); i >= 0 {
				group = tok[:i+2]
			}
		} else if group != "" {
			head = group + tok // how the token reads at the start of a list
		}
		if b.Len() > 0 && b.Len()+1+len(tok) > max {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() == 0 {
			b.WriteString(head)
		} else {
			b.WriteByte(',')
			b.WriteString(tok)
		}
	}
	return append(out, b.String())
}
