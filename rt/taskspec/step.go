package taskspec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ParamsStep is the pseudo-step whose task 0 holds a run's parameters; it
// is Start's input ("<run>/_parameters/0").
const ParamsStep = "_parameters"

// Step is one attempt of one task: the arguments of the step command,
// `<bin> [selector...] step STEP --run-id R --task-id T --input-paths P...
// [--split-index I] [--retry-count A]`. Every scheduler, local or a cloud
// target, renders it with Args; the binary reads it with ParseStep.
type Step struct {
	Step   string
	RunID  string
	TaskID string
	// InputPaths is the input-path list (see FormatInputPaths).
	InputPaths string
	// SplitIndex is the index into the parent foreach, for foreach
	// bodies; -1 otherwise.
	SplitIndex int
	// RetryCount is the attempt number, 0 for the first.
	RetryCount int
}

// The step command's flags.
const (
	flagRunID      = "--run-id"
	flagTaskID     = "--task-id"
	flagInputPaths = "--input-paths"
	flagSplitIndex = "--split-index"
	flagRetryCount = "--retry-count"
)

var flags = []string{flagRunID, flagTaskID, flagInputPaths, flagSplitIndex, flagRetryCount}

// Args is the step command line, starting with StepCommand. A long input
// list becomes several --input-paths (SplitInputPaths).
func (s Step) Args() []string {
	args := []string{StepCommand, s.Step, flagRunID, s.RunID, flagTaskID, s.TaskID}
	for _, p := range SplitInputPaths(s.InputPaths, 0) {
		args = append(args, flagInputPaths, p)
	}
	if s.SplitIndex >= 0 {
		args = append(args, flagSplitIndex, strconv.Itoa(s.SplitIndex))
	}
	if s.RetryCount > 0 {
		args = append(args, flagRetryCount, strconv.Itoa(s.RetryCount))
	}
	return args
}

// ParseStep reads the arguments after StepCommand: the step name and the
// flags, as "--flag value" or "--flag=value", in any order. Ids are
// checked where they are used (the task validates them).
func ParseStep(args []string) (Step, error) {
	s := Step{SplitIndex: -1}
	var paths []string
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if s.Step != "" {
				return s, fmt.Errorf("step: unexpected argument %q; give one step name, then flags", a)
			}
			s.Step = a
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if !slices.Contains(flags, name) {
			return s, fmt.Errorf("step: unknown flag %s; the flags are %s (global flags go before %q)", name, strings.Join(flags, ", "), StepCommand)
		}
		if !hasVal {
			if i+1 >= len(args) {
				return s, fmt.Errorf("step: flag %s needs a value", name)
			}
			i++
			val = args[i]
		}
		if seen[name] && name != flagInputPaths {
			return s, fmt.Errorf("step: flag %s given twice; give it once", name)
		}
		seen[name] = true
		var err error
		switch name {
		case flagRunID:
			s.RunID = val
		case flagTaskID:
			s.TaskID = val
		case flagInputPaths:
			paths = append(paths, val)
		case flagSplitIndex:
			s.SplitIndex, err = strconv.Atoi(val)
		case flagRetryCount:
			s.RetryCount, err = strconv.Atoi(val)
		}
		if err != nil {
			return s, fmt.Errorf("step: %s %q is not an integer", name, val)
		}
	}
	s.InputPaths = strings.Join(paths, ",")
	switch {
	case s.Step == "":
		return s, fmt.Errorf("step: no step given; give the step to run")
	case s.RunID == "":
		return s, fmt.Errorf("step: %s is missing; give the run the task belongs to", flagRunID)
	case s.TaskID == "":
		return s, fmt.Errorf("step: %s is missing; give the task's id", flagTaskID)
	case len(paths) == 0:
		return s, fmt.Errorf("step: %s is missing; give the input tasks, run/step/task,...", flagInputPaths)
	}
	return s, nil
}
