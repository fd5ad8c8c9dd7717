package sched

import (
	"fmt"
	"os"
	"strconv"
)

// envRunDepth counts how many runs enclose this process: a scheduler
// gives its tasks one more than it has. The processes a step starts
// inherit it, so a flow whose step starts a run of a flow whose step
// starts a run... stops at maxRunDepth instead of filling the machine.
// (A task process itself never starts a run: see taskspec.EnvMarker.)
const envRunDepth = "FLOWC_RUN_DEPTH"

const maxRunDepth = 8

// runDepth is this process's depth: 0 outside any run.
func runDepth() int {
	d, err := strconv.Atoi(os.Getenv(envRunDepth))
	if err != nil || d < 0 {
		return 0
	}
	return d
}

func runDepthEnv() string { return envRunDepth + "=" + strconv.Itoa(runDepth()+1) }

// checkRunDepth refuses a run nested too deep in the tasks of other runs.
func checkRunDepth() error {
	if d := runDepth(); d >= maxRunDepth {
		return fmt.Errorf("this run would be nested %d deep in the tasks of other runs (%s=%d), which looks like a loop of steps starting runs; start runs from outside a task", d+1, envRunDepth, d)
	}
	return nil
}
