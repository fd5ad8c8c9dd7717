package taskspec

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// EnvMarker marks a task process: the runtime (the local scheduler, or a
// target's container spec) sets it on every process it starts to run one
// task, as EnvMarker=<Flow>/<n>, where the last n arguments of the command
// line are the `step` command.
//
// The flow binary's entry point reads it before anything else, so a task
// process reaches the step dispatcher whatever arguments the program's own
// main passes (a main that calls Run<Flow>(ctx, []string{"run"}) would
// otherwise start a new run in every task, without end), and a task
// process never starts a run.
const EnvMarker = "FLOWC_TASK"

// Marker is the EnvMarker entry for a task of flow whose command line ends
// with the n arguments of the step command.
func Marker(flow string, n int) string {
	return EnvMarker + "=" + flow + "/" + strconv.Itoa(n)
}

// Mark is a parsed EnvMarker.
type Mark struct {
	Flow string
	N    int // the last N arguments of the command line are the step command
}

// ParseMark reads an EnvMarker value.
func ParseMark(v string) (Mark, error) {
	flow, n, ok := strings.Cut(v, "/")
	k, err := strconv.Atoi(n)
	if !ok || flow == "" || err != nil || k < 1 {
		return Mark{}, fmt.Errorf("%s=%q is not <Flow>/<count>; it is set by the runtime on the task processes it starts, unset it", EnvMarker, v)
	}
	return Mark{Flow: flow, N: k}, nil
}

// TakeMark reads this process's EnvMarker and removes it from the
// environment, so that the processes a step starts (which may be other
// flow binaries) are not taken for tasks. ok is false in a process the
// runtime did not start as a task.
func TakeMark() (m Mark, ok bool, err error) {
	v, ok := os.LookupEnv(EnvMarker)
	if !ok {
		return Mark{}, false, nil
	}
	os.Unsetenv(EnvMarker)
	m, err = ParseMark(v)
	return m, true, err
}

// StepArgs is the step command in argv (a full command line, program
// name first), as the mark locates it.
func (m Mark) StepArgs(argv []string) ([]string, error) {
	if len(argv) < m.N+1 || argv[len(argv)-m.N] != StepCommand {
		return nil, fmt.Errorf("%s=%s/%d, but the command line %q does not end with a %q command of %d arguments; it is set by the runtime on the task processes it starts, unset it",
			EnvMarker, m.Flow, m.N, argv, StepCommand, m.N)
	}
	return argv[len(argv)-m.N:], nil
}
