package taskspec

import (
	"fmt"
	"strings"
)

// What a cloud engine's task adds to the step command (DESIGN §8.1). A
// cloud engine has no central scheduler process: the tasks themselves
// create the run, tell the engine how wide a foreach is and which case a
// switch took, and derive a foreach join's parents from the datastore.
// These are the environment entries and forms a target renders for that;
// a local run sets none of them.
const (
	// EnvRunParameters, on a Start task, holds the run's parameters as one
	// JSON object (flag names as keys, values as the command line takes
	// them). A Start task that has it and whose run does not exist yet
	// records the run (validating the parameters as `run` does) and its
	// _parameters task, then runs Start; a second delivery finds both.
	EnvRunParameters = "FLOWC_PARAMETERS"
	// EnvEngineRun is the engine's execution id (an Argo workflow UID, a
	// Step Functions execution ARN), recorded in the run record by the
	// task that creates the run. A task of a run that another execution
	// recorded is refused.
	EnvEngineRun = "FLOWC_ENGINE_RUN"
	// EnvOutputs names a directory where a task that succeeded writes
	// what the engine branches on: OutputNumSplits for a foreach,
	// OutputSwitchCase for a switch, one value per file, no newline.
	EnvOutputs = "FLOWC_TASK_OUTPUTS"
	// EnvEndsRun, set to 1 on the End task, marks the run succeeded when
	// End commits (a cloud run has no scheduler to do it).
	EnvEndsRun = "FLOWC_ENDS_RUN"
)

// The files a task writes under EnvOutputs.
const (
	OutputNumSplits  = "num-splits"
	OutputSwitchCase = "switch-case"
)

// AllSplits is the last character of an input path's task id that stands
// for every task of a foreach body: "run/Body/Body-*" (no enclosing
// foreach) or "run/Inner/Inner-3.*" (in item 3 of an enclosing foreach)
// means Body-0 ... Body-(n-1), where n is the number of splits the
// foreach that the joining step closes recorded. A cloud engine renders a
// foreach join's input paths this way, since only the datastore knows n.
const AllSplits = "*"

// SplitsPrefix reports whether task is an AllSplits form, and returns the
// cloud task id prefix it expands, "Body-" or "Inner-3.".
func SplitsPrefix(task string) (prefix string, ok bool) {
	p, ok := strings.CutSuffix(task, AllSplits)
	if !ok {
		return "", false
	}
	return p, strings.HasSuffix(p, "-") || strings.HasSuffix(p, ".")
}

// ExpandSplits is the task ids an AllSplits prefix stands for, given n.
func ExpandSplits(prefix string, n int) ([]string, error) {
	if n < 1 {
		return nil, fmt.Errorf("input path %s%s: the foreach recorded %d splits", prefix, AllSplits, n)
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return ids, nil
}
