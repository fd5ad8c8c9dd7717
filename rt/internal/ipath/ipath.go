// Package ipath is the runtime's name for the input-path format, which the
// public task contract (rt/taskspec) owns.
package ipath

import "github.com/flowc-dev/flowc/rt/taskspec"

// Ref is one input task.
type Ref = taskspec.Ref

// StepTask is a task of the run being scheduled, as Format takes it.
type StepTask = taskspec.StepTask

// Format writes refs (tasks of run) in compact form.
func Format(run string, refs []StepTask) string { return taskspec.FormatInputPaths(run, refs) }

// ParseRef reads one task reference "run/step/task", validating every id.
func ParseRef(s string) (Ref, error) { return taskspec.ParseRef(s) }

// Parse reads an --input-paths value, validating every id.
func Parse(s string) ([]Ref, error) { return taskspec.ParseInputPaths(s) }

// Valid checks every id of r.
func Valid(r Ref) error { return taskspec.ValidRef(r) }
