package sfn

import "github.com/flowc-dev/flowc/rt/taskspec"

// The names the definition shares with the tasks it starts (see the
// package doc). The task side is the cloud task contract of
// rt/taskspec, the same one Argo Workflows renders against; this target
// adds only what Step Functions and Batch need of it.
const (
	// BinaryPath is the flow binary in every image flowc builds.
	BinaryPath = "/flowc/flow"
	// ArrayIndex, in a task id, --split-index or input path, stands for
	// the task's AWS_BATCH_JOB_ARRAY_INDEX (taskspec.ExpandArrayIndex).
	ArrayIndex = taskspec.ArrayIndex
	// batchArrayIndex is the variable Batch gives an array child its
	// index in.
	batchArrayIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
	// AllItems, as the last index of an input path's task id, stands for
	// every index below the cardinality of the foreach it closes.
	AllItems = taskspec.AllSplits
	// TaskFile is the per-task record (§5), written once by the attempt
	// that succeeded, that the state machine reads the foreach
	// cardinality and the switch case from.
	TaskFile = "task.json"
	// CardinalityKey and CaseKey are its fields (the number of splits;
	// the step the switch chose).
	CardinalityKey = "num_splits"
	CaseKey        = "switch_case"
	// ItemsFile, beside TaskFile, is a foreach task's JSON array of its
	// item indices, 0..n-1, or of chunks of them for a foreach wider than
	// an array job, which a Distributed Map reads its items from
	// (taskspec.EnvForeachItems).
	ItemsFile = taskspec.ItemsFile
	// RunPrefix starts the id of every run the target starts:
	// sfn-<execution name>.
	RunPrefix = "sfn-"
)

// FinishArgs is the flow binary's hidden command (after the selector)
// that the top level's Catch runs to mark the run failed:
// `<bin> step-functions finish --run-id R --status Failed`.
var FinishArgs = []string{"step-functions", "finish"}
