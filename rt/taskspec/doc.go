// Package taskspec is the public task contract: how a scheduler (the
// local one, or a cloud target rendering a workflow) starts one task of a
// flow binary. It owns the `step` command's arguments, the marker that
// tells a process it is a task, and the names every scheduler shares.
package taskspec

// StepCommand is the command of the flow binary that runs one task.
const StepCommand = "step"
