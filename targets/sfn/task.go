package sfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// task is the batch:submitJob.sync state of one step in sc, with the
// complete argv of the task contract.
func (r *renderer) task(sc *scope, st *rt.Step, inputs expr) *State {
	step := []expr{lit(taskspec.StepCommand), lit(st.Name),
		lit("--run-id"), format(runID(sc)...),
		lit("--task-id"), format(r.taskID(sc, st.Name)...),
		lit("--input-paths"), inputs}
	if st.IsForeachBody && len(sc.ix) > 0 {
		step = append(step, lit("--split-index"), format(sc.ix[len(sc.ix)-1]))
	}
	if !sc.array {
		// An array child's attempt is Batch's own; the task takes its
		// number from the datastore either way (§8.1).
		step = append(step, lit("--retry-count"), retryNum)
	}
	args := append([]expr{lit(BinaryPath)}, lits(r.o.Selector)...)
	args = append(args, step...)
	s := r.submit(sc, st, st.Name, args, st)
	if st.Name == "Start" {
		env := s.Parameters["ContainerOverrides"].(map[string]any)["Environment"].([]map[string]any)
		env = append(env, map[string]any{"Name": taskspec.EnvRunParameters, "Value.$": "States.JsonToString($.Parameters)"})
		s.Parameters["ContainerOverrides"].(map[string]any)["Environment"] = env
	}
	if st.Name == "Start" && len(r.o.RunTags) > 0 {
		tags, _ := json.Marshal(r.o.RunTags)
		addEnv(s, taskspec.EnvRunTags, string(tags))
	}
	if st.Kind == rt.KindEnd {
		addEnv(s, taskspec.EnvEndsRun, "1")
	}
	if st.Kind == rt.KindForeach {
		addEnv(s, taskspec.EnvMaxNumSplits, strconv.Itoa(r.o.MaxNumSplits))
	}
	if sc.array {
		addEnv(s, taskspec.EnvArrayIndexVar, batchArrayIndex)
	}
	if sc.base != "" {
		over := s.Parameters["ContainerOverrides"].(map[string]any)
		over["Environment"] = append(over["Environment"].([]map[string]any), map[string]any{"Name": taskspec.EnvArrayIndexBase, "Value.$": "States.Format('{}', " + sc.base + ")"})
	}
	if sc.array {
		s.Parameters["ArrayProperties"] = map[string]any{"Size.$": sc.size}
		if st.Retry != nil && st.Retry.Times > 0 {
			// A child retries itself; resubmitting the array would rerun
			// every item.
			s.Parameters["RetryStrategy"] = map[string]any{"Attempts": min(st.Retry.Times+1, maxArrayAttempts)}
			if st.Retry.Times+1 > maxArrayAttempts {
				r.noteOnce(fmt.Sprintf("step %q: //flow:retry times=%d, but it runs as AWS Batch array jobs, whose children get at most %d attempts: it retries %d times", st.Name, st.Retry.Times, maxArrayAttempts, maxArrayAttempts-1))
			}
		}
	} else if st.Retry != nil && st.Retry.Times > 0 {
		s.Retry = append(s.Retry, Retrier{
			ErrorEquals:     []string{"States.TaskFailed"},
			IntervalSeconds: max(1, st.Retry.MinutesBetween*60),
			MaxAttempts:     st.Retry.Times,
			BackoffRate:     1,
			JitterStrategy:  "FULL",
		})
	}
	r.catch(sc, s)
	r.measure(st.Name, s)
	return s
}

// maxArrayAttempts is AWS Batch's limit on a job's RetryStrategy attempts.
const maxArrayAttempts = 10

// noteOnce adds note n unless it was said (a chain can be rendered twice).
func (r *renderer) noteOnce(n string) {
	if !slices.Contains(r.noteList, n) {
		r.notes1(n)
	}
}

// addEnv adds one variable to a submit state's container overrides.
func addEnv(s *State, name, value string) {
	over := s.Parameters["ContainerOverrides"].(map[string]any)
	over["Environment"] = append(over["Environment"].([]map[string]any), map[string]any{"Name": name, "Value": value})
}

// batchRetry retries Batch's own errors (throttling, service errors),
// apart from the task's failures and whatever the flow's retry says.
var batchRetry = Retrier{
	ErrorEquals:     []string{"Batch.AWSBatchException", "Batch.TooManyRequestsException", "Batch.ServerException"},
	IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: "FULL",
}

// submit is a batch:submitJob.sync state running args with the
// environment every task gets; st gives the step's directives (its
// queue, job definition, resources, timeout, env).
func (r *renderer) submit(sc *scope, st *rt.Step, jobName string, args []expr, directives *rt.Step) *State {
	// A task's argv ends with the step command, which the marker counts;
	// the finish task's is no task, and gets no marker.
	n := 0
	for i, a := range args {
		if a.code == "" && a.lit == taskspec.StepCommand && i > 0 {
			n = len(args) - i
			break
		}
	}
	env := r.env(sc, n)
	if directives != nil {
		for _, e := range directives.Env {
			env = append(env, map[string]any{"Name": e.Key, "Value": e.Value})
		}
	}
	over := map[string]any{"Environment": env}
	setArray(over, "Command", args)
	if directives != nil {
		if rr := resources(directives.Resources); len(rr) > 0 {
			over["ResourceRequirements"] = rr
		}
	}
	params := map[string]any{
		"JobName":            deploy.Map(jobName, jobDefRune, '_', maxJobName),
		"JobQueue":           r.o.queue(st),
		"JobDefinition":      r.jobs[st.Name].Name,
		"ContainerOverrides": over,
	}
	if directives != nil && directives.TimeoutS > 0 {
		// The task enforces its own timeout; Batch's is a backstop a
		// minute later (and Batch's minimum is 60 s).
		params["Timeout"] = map[string]any{"AttemptDurationSeconds": max(60, directives.TimeoutS+60)}
	}
	return &State{
		Type:       "Task",
		Resource:   "arn:aws:states:::batch:submitJob.sync",
		Parameters: params,
		ResultPath: null,
		Retry:      []Retrier{batchRetry},
	}
}

// env is what every task is given (§8.1) beyond the job definition's
// environment (JobEnv): the marker that makes the process a task of the
// last n arguments, and the execution.
func (r *renderer) env(sc *scope, n int) []map[string]any {
	env := []map[string]any{{"Name": taskspec.EnvEngineRun, "Value.$": sc.execARN().code}}
	if n > 0 {
		env = append([]map[string]any{{"Name": taskspec.EnvMarker, "Value": r.g.Flow + "/" + strconv.Itoa(n)}}, env...)
	}
	return env
}

// JobEnv is the environment of every job definition: the datastore,
// metadata, namespace, user and project branch the tasks run with.
func JobEnv(o *Options) [][2]string {
	kv := [][2]string{
		{"FLOWC_DATASTORE", "s3"},
		{"FLOWC_DATASTORE_ROOT", o.DatastoreRoot},
		{"FLOWC_METADATA", "local"},
		{"FLOWC_NAMESPACE", o.Namespace},
		{"FLOWC_USER", o.User},
	}
	if o.PathStyle {
		kv = append(kv, [2]string{"FLOWC_DATASTORE_PATH_STYLE", "true"})
	}
	if o.Branch != "" {
		kv = append(kv, [2]string{"FLOWC_BRANCH", o.Branch})
	}
	if o.Production {
		kv = append(kv, [2]string{"FLOWC_PRODUCTION", "true"})
	}
	return kv
}

// resources maps //flow:resources to Batch's ResourceRequirements (disk
// has no override; create says so).
func resources(res rt.Resources) []map[string]any {
	var rr []map[string]any
	add := func(typ string, v int) {
		if v > 0 {
			rr = append(rr, map[string]any{"Type": typ, "Value": strconv.Itoa(v)})
		}
	}
	add("VCPU", res.CPU)
	add("MEMORY", res.MemoryMiB)
	add("GPU", res.GPU)
	return rr
}

// measure checks a step's container overrides against Batch's 8 KB,
// counting the longest execution name where the engine puts one in.
func (r *renderer) measure(step string, s *State) {
	b, _ := json.Marshal(s.Parameters["ContainerOverrides"])
	size := len(b)
	size += countExec(b) * execNameLen
	if size > r.overrides[step] {
		r.overrides[step] = size
	}
	if size > MaxOverrides {
		r.errorf("step %q: its container overrides are %d bytes, over AWS Batch's %d; shorten its //flow:env values", step, size, MaxOverrides)
	}
}

// countExec counts the places an execution name goes in b: the context
// object's, or a Distributed Map child's copy of it.
func countExec(b []byte) int {
	return bytes.Count(b, []byte("$$.Execution.Name")) + bytes.Count(b, []byte("$.exec_name"))
}
