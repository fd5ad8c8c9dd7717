package sfn

// The names the definition shares with the tasks it starts (see the
// package doc). The runtime reads the same names.
const (
	// BinaryPath is the flow binary in every image flowc builds.
	BinaryPath = "/flowc/flow"
	// ArrayIndex, in a task id, --split-index or input path, stands for
	// the task's AWS_BATCH_JOB_ARRAY_INDEX.
	ArrayIndex = "@"
	// AllItems, as the last index of an input path's task id, stands for
	// every index below the cardinality of the foreach it closes.
	AllItems = "*"
	// TaskFile is the per-task record (§5) the state machine reads the
	// foreach cardinality and the switch case from.
	TaskFile = "task.json"
	// CardinalityKey and CaseKey are its fields.
	CardinalityKey = "foreach_cardinality"
	CaseKey        = "switch_case"
	// ItemsFile, beside TaskFile, is a foreach task's JSON array of its
	// item indices, 0..n-1, which a Distributed Map reads its items from.
	ItemsFile = "foreach.json"
	// EnvParameters carries the run's parameters (the execution input's
	// "Parameters", as JSON) to the Start task, which validates them.
	EnvParameters = "FLOWC_PARAMETERS"
	// EnvExecution is the execution ARN, recorded in the run record.
	EnvExecution = "FLOWC_SFN_EXECUTION"
	// RunPrefix starts the id of every run the target starts:
	// sfn-<execution name>.
	RunPrefix = "sfn-"
	// FailRunCommand is the command (after the selector) of the task that
	// the top level's Catch runs to mark the run failed.
	FailRunCommand = "step-functions"
)

// failRunArgs are the arguments after FailRunCommand.
var failRunArgs = []string{"fail-run", "--run-id"}
