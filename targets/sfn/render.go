package sfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// Definition is a rendered deployment.
type Definition struct {
	Name string // the state machine's name, within AWS's limit
	Flow string
	// Datastore is the datastore root the tasks read and write
	// (s3://bucket/prefix), recorded with the deployment.
	Datastore      string
	JSON           []byte // the ASL definition, indented, newline-terminated
	Compact        []byte // the same, compact: what is deployed
	Machine        *Machine
	JobDefinitions []*JobDefinition
	// Notes say, one line each, what a directive or option does not do
	// on this target; create prints them.
	Notes []string
	// Overrides is the largest container overrides of each step, in bytes.
	Overrides map[string]int
}

// AWS's documented limits, checked before any call.
const (
	MaxDefinition = 1 << 20 // bytes of ASL
	MaxOverrides  = 8 << 10 // bytes of a SubmitJob's containerOverrides
	MaxName       = 80      // state machine, state and execution names
	MaxArraySize  = 10000   // Batch array job children
	maxJobName    = 128
	// execNameLen is what an execution name may add where the definition
	// has $$.Execution.Name, for the overrides' size.
	execNameLen = MaxName
)

const (
	failTask  = "_RunFailed"
	failState = "_Failed"
)

// Render builds the definition of g. images maps each base image ("" the
// default) to the image pushed for it; a missing one renders
// ImagePending, as --only-json does. Every problem is reported at once.
func Render(g *rt.Graph, o Options, images map[string]string) (*Definition, error) {
	bucket, prefix, err := bucketPrefix(o.DatastoreRoot)
	if err != nil {
		return nil, err
	}
	if o.MaxNumSplits == 0 {
		o.MaxNumSplits = 100
	}
	if o.arraySize == 0 {
		o.arraySize = MaxArraySize
	}
	if o.Platform == "" {
		o.Platform = "linux/amd64"
	}
	o.Name = MachineName(o.Name)
	r := &renderer{g: g, o: &o, bucket: bucket, prefix: prefix, overrides: map[string]int{}}
	var jds []*JobDefinition
	r.jobs, jds = jobDefs(g, &o, images)
	for _, st := range g.Steps {
		if o.queue(st) == "" {
			r.errorf("step %q has no Batch job queue; pass --job-queue (or FLOWC_JOB_QUEUE), or set //flow:batch queue=", st.Name)
		}
		r.notes(st)
	}
	if g.Step("Start") == nil {
		return nil, fmt.Errorf("flow %q has no Start step; regenerate it with go generate", g.Flow)
	}
	top := newScope(true)
	m := &Machine{Comment: "flowc: " + g.Flow, States: top.states}
	m.StartAt = r.entry(top, "Start")
	r.failure(top)
	if o.MaxWorkers > 0 && !r.dmap {
		r.notes1("--max-workers caps a Distributed Map only; this flow's array jobs and Parallel states have no cap of their own (the compute environment's vCPUs govern)")
	}
	if len(r.errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(r.errs, "; "))
	}
	// The deployed definition is compact; JSON (what --only-json prints)
	// is the same, indented.
	var compact, buf bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if compact.Len() > MaxDefinition {
		return nil, fmt.Errorf("the state machine definition of flow %q is %d bytes, over Step Functions' %d; split the flow", g.Flow, compact.Len(), MaxDefinition)
	}
	if err := json.Indent(&buf, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	if err := checkNames(m, map[string]bool{}); err != nil {
		return nil, fmt.Errorf("flow %q: %v; this is a bug in flowc's Step Functions target", g.Flow, err)
	}
	return &Definition{Name: o.Name, Flow: g.Flow, Datastore: o.DatastoreRoot, JSON: buf.Bytes(), Compact: compact.Bytes(), Machine: m, JobDefinitions: jds, Notes: r.noteList, Overrides: r.overrides}, nil
}

// checkNames checks the state names of m and of the branches and item
// processors in it: each at most MaxName characters, and unique across the
// whole definition, as Step Functions requires.
func checkNames(m *Machine, seen map[string]bool) error {
	for name, st := range m.States {
		if len(name) > MaxName {
			return fmt.Errorf("state name %q is over %d characters", name, MaxName)
		}
		if seen[name] {
			return fmt.Errorf("state name %q is used twice", name)
		}
		seen[name] = true
		for _, b := range st.Branches {
			if err := checkNames(b, seen); err != nil {
				return err
			}
		}
		if st.ItemProcessor != nil {
			if err := checkNames(st.ItemProcessor, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// MachineName is a deployment's state machine name within AWS's rules:
// at most 80 characters, without the ones AWS refuses.
func MachineName(name string) string { return deploy.Map(name, nameRune, '_', MaxName) }

// nameRune is what a state machine name may hold (no whitespace,
// brackets, wildcards or the punctuation AWS lists).
func nameRune(r rune) bool {
	return r > ' ' && r < 127 && !strings.ContainsRune(`<>{}[]?*"#%\^|~`+"`$&,;:/", r)
}

type renderer struct {
	g              *rt.Graph
	o              *Options
	bucket, prefix string
	jobs           map[string]*JobDefinition
	overrides      map[string]int
	errs, noteList []string
	dmap           bool
}

func (r *renderer) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, e := range r.errs {
		if e == msg {
			return
		}
	}
	r.errs = append(r.errs, msg)
}

func (r *renderer) notes1(s string) { r.noteList = append(r.noteList, s) }

// notes are the directives this target cannot honour, said once.
func (r *renderer) notes(st *rt.Step) {
	if st.Resources.DiskMiB > 0 {
		r.notes1(fmt.Sprintf("step %q: //flow:resources disk= is not honoured by AWS Batch on EC2; size the compute environment's volumes instead", st.Name))
	}
	if st.K8s != nil {
		r.notes1(fmt.Sprintf("step %q: //flow:kubernetes applies to Argo Workflows only; on Step Functions the step runs on AWS Batch", st.Name))
	}
}

// scope is one States map being filled: the top level, a Parallel
// branch, a Distributed Map's item processor, or a foreach body chain
// rendered into its parent's map.
type scope struct {
	states map[string]*State
	done   map[string]string // step -> its entry state
	top    bool              // states catch into the failure task
	// ix are the enclosing foreaches' indices, outermost first.
	ix []expr
	// array: the innermost index is a Batch array child's; size is the
	// array size's path.
	array bool
	size  string
	// base is the path of the first index of the chunk an array job runs
	// in a Distributed Map over a foreach wider than one array ("" for
	// none).
	base string
	// suffix tells apart the states of one chain rendered twice (the
	// single-item chain of an array foreach).
	suffix string
	// stop is the join that ends the region; end says where a step
	// reaching it goes ("" ends the processor).
	stop string
	end  func(from *rt.Step) string
	// exec and execID are where the run's execution name and ARN are
	// read: "" is the context object's; inside a Distributed Map, the
	// paths its ItemSelector copied them to, since a child workflow is
	// an execution of its own.
	exec, execID string
}

// execName is the run's execution name in sc.
func (sc *scope) execName() expr {
	if sc.exec != "" {
		return expr{code: sc.exec}
	}
	return execName
}

// execARN is the run's execution ARN in sc.
func (sc *scope) execARN() expr {
	if sc.execID != "" {
		return expr{code: sc.execID}
	}
	return execID
}

func newScope(top bool) *scope {
	return &scope{states: map[string]*State{}, done: map[string]string{}, top: top}
}

// sub is a scope for a region inside sc, with its own States map unless
// shared.
func (sc *scope) sub(shared bool, stop string) *scope {
	s := newScope(false)
	if shared {
		s.states = sc.states
	}
	s.ix = append([]expr(nil), sc.ix...)
	s.array, s.size, s.base, s.suffix, s.stop = sc.array, sc.size, sc.base, sc.suffix, stop
	s.exec, s.execID = sc.exec, sc.execID
	return s
}

func (sc *scope) name(s string) string { return deploy.Shorten(s+sc.suffix, MaxName) }

// add puts a state in, under a name not yet taken.
func (sc *scope) add(name string, st *State) string {
	sc.states[name] = st
	return name
}

// depth is the number of foreaches st runs inside.
func (r *renderer) depth(st *rt.Step) int {
	n := 0
	for _, p := range st.SplitParents {
		if s := r.g.Step(p); s != nil && s.Kind == rt.KindForeach {
			n++
		}
	}
	if st.Kind == rt.KindJoin {
		if sp := r.g.SplitOf(st.Name); sp != nil && sp.Kind == rt.KindForeach {
			n--
		}
	}
	return n
}

// taskID is the parts of step's CloudTaskID in sc.
func (r *renderer) taskID(sc *scope, step string, extra ...expr) []expr {
	idx := append(append([]expr(nil), sc.ix[:min(r.depth(r.g.Step(step)), len(sc.ix))]...), extra...)
	parts := []expr{lit(step)}
	for i, x := range idx {
		if i == 0 {
			parts = append(parts, lit("-"))
		} else {
			parts = append(parts, lit("."))
		}
		parts = append(parts, x)
	}
	return parts
}

func runID(sc *scope) []expr { return []expr{lit(RunPrefix), sc.execName()} }

// taskPath is "<run>/<step>/<task>" of step in sc.
func (r *renderer) taskPath(sc *scope, step string, extra ...expr) expr {
	parts := append(runID(sc), lit("/"+step+"/"))
	return format(append(parts, r.taskID(sc, step, extra...)...)...)
}

// datastoreKey is the S3 key of a file of step's task in sc.
func (r *renderer) datastoreKey(sc *scope, step, file string) expr {
	parts := []expr{lit(key(r.prefix, r.g.Flow) + "/")}
	parts = append(parts, runID(sc)...)
	parts = append(parts, lit("/"+step+"/"))
	parts = append(parts, r.taskID(sc, step)...)
	return format(append(parts, lit("/"+file))...)
}

// entry renders step name in sc (once) and returns its first state.
func (r *renderer) entry(sc *scope, name string) string {
	if s, ok := sc.done[name]; ok {
		return s
	}
	st := r.g.Step(name)
	stateName := sc.name(name)
	sc.done[name] = stateName
	if st == nil {
		r.errorf("step %q is not in the graph; regenerate the flow with go generate", name)
		return stateName
	}
	task := r.task(sc, st, r.inputs(sc, st))
	sc.add(stateName, task)
	switch st.Kind {
	case rt.KindEnd:
		task.End = true
	case rt.KindSplit:
		task.Next = r.parallel(sc, st)
	case rt.KindForeach:
		task.Next = r.foreach(sc, st, task)
	case rt.KindSwitch:
		task.Next = r.choice(sc, st)
	default:
		if len(st.Next) != 1 {
			r.errorf("step %q has %d next steps; regenerate the flow with go generate", st.Name, len(st.Next))
			return stateName
		}
		r.next(sc, st, st.Next[0], task)
	}
	return stateName
}

// next points state (of step from) at to, through the region's end.
func (r *renderer) next(sc *scope, from *rt.Step, to string, state *State) {
	n := r.edge(sc, from, to)
	if n == "" {
		state.End = true
	} else {
		state.Next = n
	}
}

// edge is where a transition from -> to goes: the region's end, a Pass
// that records from for a step with several possible parents, or to.
func (r *renderer) edge(sc *scope, from *rt.Step, to string) string {
	if to == sc.stop {
		return sc.end(from)
	}
	if t := r.g.Step(to); t != nil && t.Kind != rt.KindJoin && len(t.In) > 1 {
		pass := &State{Type: "Pass", Parameters: map[string]any{}, ResultPath: path("$." + fromKey(to))}
		r.taskPath(sc, from.Name).set(pass.Parameters, "p")
		name := sc.add(sc.name(from.Name+".to."+to), pass)
		pass.Next = r.entry(sc, to)
		return name
	}
	return r.entry(sc, to)
}

func fromKey(step string) string { return "from_" + step }

// inputs is st's --input-paths in sc.
func (r *renderer) inputs(sc *scope, st *rt.Step) expr {
	switch {
	case st.Name == "Start":
		return format(append(runID(sc), lit("/"+taskspec.ParamsStep+"/"+taskspec.ParamsStep))...)
	case st.Kind == rt.KindJoin:
		sp := r.g.SplitOf(st.Name)
		if sp == nil {
			r.errorf("join %q closes no split; regenerate the flow with go generate", st.Name)
			return lit("")
		}
		if sp.Kind == rt.KindSplit {
			return expr{code: "$." + joinKey(st.Name) + ".p"}
		}
		if len(st.In) != 1 {
			r.errorf("join %q is reached from %s inside its foreach; on Step Functions a foreach body must end in one step before its join; add a step that the cases meet in", st.Name, strings.Join(st.In, " and "))
			return lit("")
		}
		return r.taskPath(sc, st.In[0], lit(AllItems))
	case len(st.In) > 1:
		return expr{code: "$." + fromKey(st.Name) + ".p"}
	case len(st.In) == 1:
		return r.taskPath(sc, st.In[0])
	}
	r.errorf("step %q has no parent; regenerate the flow with go generate", st.Name)
	return lit("")
}

func joinKey(join string) string { return "join_" + join }

// parallel renders a split: one branch per next step, each ending in a
// Pass that records its last task, which the Parallel joins into the
// join's input paths.
func (r *renderer) parallel(sc *scope, st *rt.Step) string {
	join := st.MatchingJoin
	p := &State{Type: "Parallel", ResultPath: path("$." + joinKey(join))}
	var holes, refs []string
	for i, n := range st.Next {
		b := sc.sub(false, join)
		b.suffix = ""
		b.end = func(from *rt.Step) string {
			pass := &State{Type: "Pass", Parameters: map[string]any{}, ResultPath: path("$.last"), End: true}
			r.taskPath(b, from.Name).set(pass.Parameters, "p")
			return b.add(b.name(from.Name+".last"), pass)
		}
		start := r.entry(b, n)
		p.Branches = append(p.Branches, &Machine{StartAt: start, States: b.states})
		holes = append(holes, "{}")
		refs = append(refs, "$["+strconv.Itoa(i)+"].last.p")
	}
	p.ResultSelector = map[string]any{"p.$": "States.Format('" + strings.Join(holes, ",") + "', " + strings.Join(refs, ", ") + ")"}
	r.catch(sc, p)
	name := sc.add(sc.name(st.Name+".split"), p)
	r.next(sc, st, join, p)
	return name
}

// readTask is a getObject of a task's task.json, parsed into
// $.<resultKey>.v.
func (r *renderer) readTask(sc *scope, st *rt.Step, resultKey, name string) *State {
	s := &State{
		Type:           "Task",
		Resource:       "arn:aws:states:::aws-sdk:s3:getObject",
		Parameters:     map[string]any{"Bucket": r.bucket},
		ResultSelector: map[string]any{"v.$": "States.StringToJson($.Body)"},
		ResultPath:     path("$." + resultKey),
		Retry:          []Retrier{s3Retry},
	}
	r.datastoreKey(sc, st.Name, TaskFile).set(s.Parameters, "Key")
	r.catch(sc, s)
	sc.add(name, s)
	return s
}

var s3Retry = Retrier{ErrorEquals: []string{"S3.S3Exception", "S3.SdkClientException", "States.Timeout"}, IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: "FULL"}

// choice renders a switch: read the case the task stored, then branch.
func (r *renderer) choice(sc *scope, st *rt.Step) string {
	readName := sc.name(st.Name + ".case")
	read := r.readTask(sc, st, "case_"+st.Name, readName)
	ch := &State{Type: "Choice"}
	chName := sc.add(sc.name(st.Name+".switch"), ch)
	read.Next = chName
	// The task stores the step it chose, so the Choice branches on steps
	// (cases with the same step are one branch).
	v := "$.case_" + st.Name + ".v." + CaseKey
	seen := map[string]bool{}
	for _, c := range st.Switch.Cases {
		if seen[c.Step] {
			continue
		}
		seen[c.Step] = true
		if c.Step == st.Name {
			r.errorf("step %q: a switch case back to its own step is not supported on Step Functions yet; run the flow locally or on Argo Workflows", st.Name)
			continue
		}
		val := c.Step
		next := r.edge(sc, st, c.Step)
		if next == "" {
			r.errorf("step %q: a switch case that ends a Distributed Map's body is not supported; add a step that the cases meet in", st.Name)
			continue
		}
		ch.Choices = append(ch.Choices, Choice{Variable: v, StringEquals: &val, Next: next})
	}
	if sc.top {
		ch.Default = failTask
	} else {
		ch.Default = sc.add(sc.name(st.Name+".nocase"), &State{Type: "Fail", Error: "flowc.NoSwitchCase", Cause: "the switch task stored a case that has no branch"})
	}
	return readName
}

// foreach renders a foreach: read the cardinality, then the body as Batch
// array jobs (a linear body, one state per step for all items, and a
// Distributed Map over chunks of 10,000 items for a wider foreach) or as a
// Distributed Map over the items. task is the foreach's own state.
func (r *renderer) foreach(sc *scope, st *rt.Step, task *State) string {
	if len(st.Next) != 1 || st.MatchingJoin == "" {
		r.errorf("foreach %q has no body or no join; regenerate the flow with go generate", st.Name)
		return ""
	}
	body, join := st.Next[0], st.MatchingJoin
	cardKey := "card_" + st.Name
	readName := sc.name(st.Name + ".card")
	read := r.readTask(sc, st, cardKey, readName)
	n := "$." + cardKey + ".v." + CardinalityKey
	if !r.linear(body, join) {
		read.Next = r.distributed(sc, st, task, body, join, 1)
		return readName
	}
	// The join follows whichever form ran; render it first so the chains
	// can point at it.
	ch := &State{Type: "Choice"}
	read.Next = sc.add(sc.name(st.Name+".width"), ch)
	after := func(*rt.Step) string { return r.entry(sc, join) }

	one := sc.sub(true, join)
	one.ix, one.suffix, one.end, one.top = append(one.ix, lit("0")), ".one", after, sc.top
	oneStart := r.entry(one, body)
	arr := sc.sub(true, join)
	arr.ix, arr.array, arr.size, arr.end, arr.top = append(arr.ix, lit(ArrayIndex)), true, n, after, sc.top
	arrStart := r.entry(arr, body)

	oneV := 1.0
	ch.Choices = append(ch.Choices, Choice{Variable: n, NumericEquals: &oneV, Next: oneStart})
	if r.o.MaxNumSplits > r.o.arraySize {
		maxV := float64(r.o.arraySize)
		ch.Choices = append(ch.Choices, Choice{Variable: n, NumericGreaterThan: &maxV, Next: r.distributed(sc, st, task, body, join, r.o.arraySize)})
	}
	ch.Default = arrStart
	return readName
}

// linear reports whether the body from body to join is a chain of plain
// steps, which array jobs can run step by step.
func (r *renderer) linear(body, join string) bool {
	for s := body; s != join; {
		st := r.g.Step(s)
		if st == nil || len(st.Next) != 1 || len(st.In) != 1 || st.Kind == rt.KindSplit || st.Kind == rt.KindForeach || st.Kind == rt.KindSwitch || st.Kind == rt.KindJoin {
			return false
		}
		s = st.Next[0]
	}
	return true
}

// distributed renders a foreach body as a Distributed Map over the items
// file the foreach task writes (taskspec.EnvForeachItems): with chunk 1,
// one child per item, which runs the body's steps as plain jobs (a nested
// foreach is then the child's own array job or map); with a larger chunk
// (a linear body wider than one array job), one child per chunk, which
// runs each body step as one array job over its chunk. Either way the
// definition is the same for any width, and the task ids are the same as
// in any other form: the item's index, or the chunk's start plus the
// child's array index.
func (r *renderer) distributed(sc *scope, st *rt.Step, task *State, body, join string, chunk int) string {
	r.dmap = true
	addEnv(task, taskspec.EnvForeachItems, strconv.Itoa(chunk))
	r.measure(st.Name, task)
	k := len(sc.ix)
	itemsKey := "items_" + st.Name
	pass := &State{Type: "Pass", Parameters: map[string]any{}, ResultPath: path("$." + itemsKey)}
	r.datastoreKey(sc, st.Name, ItemsFile).set(pass.Parameters, "key")
	passName := sc.add(sc.name(st.Name+".items"), pass)

	proc := sc.sub(false, join)
	proc.suffix, proc.array = "", false
	proc.end = func(*rt.Step) string { return "" }
	// The child workflows read the run's execution from their input.
	sel := map[string]any{"exec_name.$": sc.execName().code, "exec_id.$": sc.execARN().code}
	proc.exec, proc.execID = "$.exec_name", "$.exec_id"
	for i := range k {
		v := "ix" + strconv.Itoa(i)
		sel[v+".$"] = "$." + v
	}
	if chunk == 1 {
		ixVar := "ix" + strconv.Itoa(k)
		proc.ix = append(proc.ix, expr{code: "$." + ixVar})
		sel[ixVar+".$"] = "$$.Map.Item.Value"
	} else {
		// The array form of the same steps is beside the map, and a
		// state machine's state names are unique across its processors.
		proc.ix, proc.suffix = append(proc.ix, lit(ArrayIndex)), ".chunk"
		proc.array, proc.size, proc.base = true, "$.chunk_size", "$.chunk_start"
		sel["chunk_start.$"] = "$$.Map.Item.Value.start"
		sel["chunk_size.$"] = "$$.Map.Item.Value.size"
	}
	start := r.entry(proc, body)

	m := &State{
		Type: "Map",
		ItemReader: &ItemReader{
			Resource:     "arn:aws:states:::s3:getObject",
			ReaderConfig: map[string]any{"InputType": "JSON"},
			Parameters:   map[string]any{"Bucket": r.bucket, "Key.$": "$." + itemsKey + ".key"},
		},
		ItemSelector:   sel,
		ItemProcessor:  &Machine{ProcessorConfig: &ProcessorConfig{Mode: "DISTRIBUTED", ExecutionType: "STANDARD"}, StartAt: start, States: proc.states},
		MaxConcurrency: r.o.MaxWorkers,
		ResultWriter: &ResultWriter{
			Resource:   "arn:aws:states:::s3:putObject",
			Parameters: map[string]any{"Bucket": r.bucket, "Prefix": key(r.prefix, r.g.Flow, "_sfn_map_results")},
		},
		ResultPath: null,
	}
	r.catch(sc, m)
	mapName := st.Name + ".map"
	if chunk > 1 {
		mapName = st.Name + ".chunks"
	}
	pass.Next = sc.add(sc.name(mapName), m)
	m.Next = r.entry(sc, join)
	return passName
}

// catch sends a top-level state's failures to the task that marks the
// run failed.
func (r *renderer) catch(sc *scope, s *State) {
	if sc.top {
		s.Catch = []Catcher{{ErrorEquals: []string{"States.ALL"}, ResultPath: path("$.error"), Next: failTask}}
	}
}

// failure renders the task the Catch goes to, then the run's Fail.
func (r *renderer) failure(top *scope) {
	args := append([]expr{lit(BinaryPath)}, lits(r.o.Selector)...)
	args = append(args, lits(FinishArgs)...)
	args = append(args, lit("--run-id"), format(runID(top)...), lit("--status"), lit("Failed"))
	start := r.g.Step("Start")
	s := r.submit(top, start, "RunFailed", args, nil)
	s.Next = failState
	top.add(failTask, s)
	top.add(failState, &State{Type: "Fail", Error: "flowc.RunFailed", Cause: "a task failed; see the run's logs"})
}

func lits(s []string) []expr {
	out := make([]expr, len(s))
	for i, x := range s {
		out[i] = lit(x)
	}
	return out
}
