package taskspec

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
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
	// EnvMaxNumSplits bounds a foreach (create --max-num-splits): the
	// foreach task fails when it has more splits.
	EnvMaxNumSplits = "FLOWC_MAX_NUM_SPLITS"
	// EnvRunTags, on a Start task, is a JSON array of the user tags the
	// task records on the run it creates (a deployment's create --tag).
	EnvRunTags = "FLOWC_RUN_TAGS"
	// EnvHeartbeatEvery is how often a cloud task heartbeats its run
	// (a Go duration; default DefaultHeartbeatEvery). A running cloud run
	// with no beat for six intervals is reported killed.
	EnvHeartbeatEvery = "FLOWC_HEARTBEAT_EVERY"
	// EnvForeachItems, on a foreach task, asks for ItemsFile: the items
	// an engine's map over the foreach reads (a Step Functions
	// Distributed Map's ItemReader), written beside the task's commit
	// marker once it succeeded. Its value is the chunk size K: 1 writes
	// the indices, [0,1,...,n-1]; K >= 3 writes the chunks of at most K
	// consecutive indices, [{"start":0,"size":K},...], each of two or
	// more (an AWS Batch array needs two children), for a foreach wider
	// than one array job.
	EnvForeachItems = "FLOWC_FOREACH_ITEMS"
	// ItemsFile is the file EnvForeachItems asks for.
	ItemsFile = "foreach.json"
)

// DefaultHeartbeatEvery is a cloud task's heartbeat interval: an S3 PUT
// per running task every 10 s, a killed run seen within a minute.
const DefaultHeartbeatEvery = 10 * time.Second

// HeartbeatEvery is the interval EnvHeartbeatEvery names.
func HeartbeatEvery() (time.Duration, error) {
	v := os.Getenv(EnvHeartbeatEvery)
	if v == "" {
		return DefaultHeartbeatEvery, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 100*time.Millisecond {
		return 0, fmt.Errorf("%s=%q is not a heartbeat interval; give a duration of at least 100ms, e.g. 10s", EnvHeartbeatEvery, v)
	}
	return d, nil
}

// IncludeRef starts the value of an includefile in EnvRunParameters: trigger
// uploads the file given to it into the datastore, where a local run would
// store it (the includefile's blob, by the sha256 of its bytes), and
// passes IncludeRef + that hash; the Start task reads the blob back, so
// the run sees the bytes the deployer gave. A path would name a file on
// the deployer's machine, which no cloud task can read.
const IncludeRef = "datastore:sha256:"

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

// An engine that starts the children of an array job from one
// definition (an AWS Batch array job) cannot write each child's index
// into its arguments: the definition writes ArrayIndex where the index
// goes (in --task-id, --split-index and --input-paths: "Body-3.@",
// "--split-index @"), and sets EnvArrayIndexVar to the name of the
// variable the engine gives each child its index in
// (AWS_BATCH_JOB_ARRAY_INDEX). The task puts the index in before it reads
// its arguments (ExpandArrayIndex). No id holds ArrayIndex otherwise: it
// is not a valid id character.
//
// EnvArrayIndexBase, when set, is a number added to the variable's index:
// the first index of the chunk an array job runs, when a foreach is wider
// than one array job (EnvForeachItems).
const (
	EnvArrayIndexVar  = "FLOWC_ARRAY_INDEX_VAR"
	EnvArrayIndexBase = "FLOWC_ARRAY_INDEX_BASE"
	ArrayIndex        = "@"
)

// ExpandArrayIndex replaces ArrayIndex in the values of the step
// command's --task-id, --split-index and --input-paths (args are the
// arguments after StepCommand) with the index in the variable
// EnvArrayIndexVar names. Without EnvArrayIndexVar, args are returned as
// they are.
func ExpandArrayIndex(args []string) ([]string, error) {
	name := os.Getenv(EnvArrayIndexVar)
	if name == "" {
		return args, nil
	}
	v := os.Getenv(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || strconv.Itoa(n) != v {
		return nil, fmt.Errorf("%s=%s, but $%s is %q, not an array index; the engine sets it on each child of an array job", EnvArrayIndexVar, name, name, v)
	}
	if b, ok := os.LookupEnv(EnvArrayIndexBase); ok {
		base, err := strconv.Atoi(b)
		if err != nil || base < 0 || strconv.Itoa(base) != b {
			return nil, fmt.Errorf("%s is %q, not an index; redeploy the flow", EnvArrayIndexBase, b)
		}
		v = strconv.Itoa(base + n)
	}
	out := append([]string(nil), args...)
	expand := func(s string) string { return strings.ReplaceAll(s, ArrayIndex, v) }
	for i := 0; i < len(out); i++ {
		flag, val, hasVal := strings.Cut(out[i], "=")
		if flag != flagTaskID && flag != flagSplitIndex && flag != flagInputPaths {
			continue
		}
		if hasVal {
			out[i] = flag + "=" + expand(val)
		} else if i+1 < len(out) {
			i++
			out[i] = expand(out[i])
		}
	}
	return out, nil
}

// ForeachItems is the content of ItemsFile for a foreach of n splits in
// chunks of at most k (see EnvForeachItems): k is 1, or 3 or more (so that
// no chunk has a single index).
func ForeachItems(n, k int) ([]byte, error) {
	if n < 1 || k < 1 || k == 2 {
		return nil, fmt.Errorf("foreach items: %d splits in chunks of %d", n, k)
	}
	var b strings.Builder
	b.WriteByte('[')
	if k == 1 {
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(i))
		}
	} else {
		for i, c := range chunks(n, k) {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"start":%d,"size":%d}`, c[0], c[1])
		}
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

// chunks cuts 0..n-1 into runs of at most k (k >= 3): full ones, and the
// rest; a rest of one borrows an index from the run before it, so no run
// has one index (unless n is 1).
func chunks(n, k int) [][2]int {
	var out [][2]int
	for start := 0; start < n; start += k {
		out = append(out, [2]int{start, min(k, n-start)})
	}
	if last := len(out) - 1; last > 0 && out[last][1] == 1 {
		out[last-1][1]--
		out[last] = [2]int{out[last][0] - 1, 2}
	}
	return out
}
