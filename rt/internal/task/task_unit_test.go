package task_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/internal/task"
)

// taskFlow runs in-process here: task.Run is what `<bin> step` calls, so
// these tests run one attempt each the way a task process would, minus
// the process. (task.Run redirects fd 1 and 2 while it runs, so none of
// these tests is parallel.)
type taskFlow struct {
	N     int // param
	X     int
	Y     string // never used by a step after Start: passes by hash
	Items []int
	Item  int
	Total int
	Mode  string
	Err   *rt.Failure
}

// behave overrides what step A does; nil runs its default.
var behave func(ctx context.Context, f *taskFlow) error

func jsonField[T any](name, typ string, get func(*taskFlow) *T) rt.FieldDef {
	return rt.FieldDef{
		Name: name, Type: typ, Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
		Encode: func(f any, w *codec.Writer) error { w.Marshal(*get(f.(*taskFlow))); return w.Err() },
		Decode: func(f any, r *codec.Reader, size int64) error { r.Unmarshal(get(f.(*taskFlow))); return r.Err() },
		Reset:  func(f any) { var z T; *get(f.(*taskFlow)) = z },
	}
}

func taskDef() *rt.FlowDef {
	n := jsonField("N", "int", func(f *taskFlow) *int { return &f.N })
	n.Kind, n.ParamName = rt.FieldParam, "n"
	steps := []*rt.Step{
		{Name: "Start", Kind: rt.KindStart, Next: []string{"A"}, Uses: []string{"N", "X", "Y"}},
		{Name: "A", Kind: rt.KindLinear, Next: []string{"Fan"}, In: []string{"Start"}, Uses: []string{"X"}},
		{Name: "Fan", Kind: rt.KindForeach, Foreach: "Items", Next: []string{"Body"}, MatchingJoin: "Join", In: []string{"A"}},
		{Name: "Body", Kind: rt.KindLinear, IsForeachBody: true, Next: []string{"Join"}, In: []string{"Fan"}, SplitParents: []string{"Fan"}, Uses: []string{"Item"}},
		{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"Sw"}, In: []string{"Body"}, UsesAll: true},
		{Name: "Sw", Kind: rt.KindSwitch, Next: []string{"End"}, In: []string{"Join"},
			Switch: &rt.SwitchSpec{On: "Mode", Cases: []rt.SwitchCase{{Value: "go", Step: "End"}}}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Sw"}},
	}
	run := func(fn func(ctx context.Context, f *taskFlow, c rt.StepCall) error) func(context.Context, any, rt.StepCall) error {
		return func(ctx context.Context, f any, c rt.StepCall) error { return fn(ctx, f.(*taskFlow), c) }
	}
	return &rt.FlowDef{
		Graph: &rt.Graph{Flow: "TaskFlow", Steps: steps},
		New:   func() any { return new(taskFlow) },
		Fields: []rt.FieldDef{
			n,
			jsonField("X", "int", func(f *taskFlow) *int { return &f.X }),
			{
				Name: "Y", Type: "string", Kind: rt.FieldArtifact, Encoding: rt.EncodingRaw,
				Encode: func(f any, w *codec.Writer) error { return w.RawString(f.(*taskFlow).Y) },
				Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawStringTo(&f.(*taskFlow).Y, size) },
				Reset:  func(f any) { f.(*taskFlow).Y = "" },
			},
			jsonField("Items", "[]int", func(f *taskFlow) *[]int { return &f.Items }),
			jsonField("Item", "int", func(f *taskFlow) *int { return &f.Item }),
			jsonField("Total", "int", func(f *taskFlow) *int { return &f.Total }),
			jsonField("Mode", "string", func(f *taskFlow) *string { return &f.Mode }),
			jsonField("Err", "*rt.Failure", func(f *taskFlow) **rt.Failure { return &f.Err }),
		},
		Steps: []rt.StepDef{
			{Name: "Start", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error {
				fmt.Println("hello from Start")
				f.X, f.Y = f.N*2, "passed along"
				return nil
			})},
			{Name: "A", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error {
				if behave != nil {
					return behave(ctx, f)
				}
				f.X++
				return nil
			})},
			{Name: "Fan", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error {
				f.Items = []int{10, 20, 30}
				return nil
			}), ForeachLen: func(f any) int { return len(f.(*taskFlow).Items) }},
			{Name: "Body", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error {
				in := rt.Current(ctx)
				f.Item = f.Items[c.SplitIndex] + in.ForeachIndex
				return nil
			})},
			{Name: "Join", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error {
				in := rt.NewInputs[*taskFlow](c.Inputs)
				for _, b := range in.All() {
					f.Total += b.Item
				}
				return in.MergeArtifacts(f, rt.Exclude("Item"))
			})},
			{Name: "Sw", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error {
				if f.Mode == "" {
					f.Mode = "go"
				}
				return nil
			}), SwitchValue: func(f any) string { return f.(*taskFlow).Mode }},
			{Name: "End", Run: run(func(ctx context.Context, f *taskFlow, c rt.StepCall) error { return nil })},
		},
	}
}

type harness struct {
	t   *testing.T
	def *rt.FlowDef
	st  *store.Store
	io  *artifact.IO
	run string
}

// newHarness opens a store, records a run and its _parameters task
// (N=21), as `run` does before its first task.
func newHarness(t *testing.T) *harness { return newHarnessPID(t, 0) }

// newHarnessPID records the run as started by a scheduler with pid (0: a
// cloud run, which has none), in its first record as `run` does: a task
// reads only that one.
func newHarnessPID(t *testing.T, pid int) *harness {
	t.Helper()
	t.Setenv("FLOWC_NAMESPACE", "") // task.Run sets it from the run record
	behave = nil
	t.Cleanup(func() { behave = nil })
	st, err := store.Open(filepath.Join(t.TempDir(), ".flowc"))
	if err != nil {
		t.Fatal(err)
	}
	def := taskDef()
	h := &harness{t: t, def: def, st: st, io: artifact.New(st, def)}
	h.run, err = st.NewRun(&store.Run{Flow: "TaskFlow", User: "tester", Namespace: "user:tester", Status: "running", Started: time.Now(), PID: pid})
	if err != nil {
		t.Fatal(err)
	}
	p := store.TaskPath{Flow: "TaskFlow", Run: h.run, Step: "_parameters", Task: "0"}
	a, err := h.io.Put(&taskFlow{N: 21}, &def.Fields[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WriteTaskData(p, 0, &store.TaskData{Artifacts: map[string]store.Artifact{"N": a}}); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishAttempt(p, &store.Done{OK: true, Started: time.Now(), Finished: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) spec(step, id, inputs string) task.Spec {
	return task.Spec{Step: step, Run: h.run, Task: id, InputPaths: h.run + "/" + inputs, SplitIndex: -1, Quiet: true}
}

func (h *harness) exec(sp task.Spec) error {
	h.t.Helper()
	return task.Run(context.Background(), h.def, h.st, metadata.NewLocal(h.st), sp)
}

func (h *harness) mustExec(sp task.Spec) {
	h.t.Helper()
	if err := h.exec(sp); err != nil {
		h.t.Fatalf("step %s task %s: %v (stderr log: %s)", sp.Step, sp.Task, err, h.log(sp.Step, sp.Task, sp.Attempt, "stderr"))
	}
}

func (h *harness) path(step, id string) store.TaskPath {
	return store.TaskPath{Flow: "TaskFlow", Run: h.run, Step: step, Task: id}
}

func (h *harness) done(step, id string) *store.Done {
	h.t.Helper()
	d, err := h.st.LatestDone(h.path(step, id))
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func (h *harness) data(step, id string) *store.TaskData {
	h.t.Helper()
	d, err := h.st.ReadTaskData(h.path(step, id), h.done(step, id).Attempt)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// value decodes every artifact of a task.
func (h *harness) value(step, id string) *taskFlow {
	h.t.Helper()
	f := new(taskFlow)
	for name, a := range h.data(step, id).Artifacts {
		if err := h.io.Decode(f, &h.def.Fields[h.io.Field(name)], a); err != nil {
			h.t.Fatal(err)
		}
	}
	return f
}

func (h *harness) log(step, id string, attempt int, stream string) string {
	r, err := h.st.OpenLog(h.path(step, id), attempt, stream)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

// files lists what the store holds under the run, relative to it.
func (h *harness) files() []string {
	var out []string
	root := filepath.Join(h.st.Root(), "TaskFlow", h.run)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			if !strings.HasPrefix(rel, "_") {
				out = append(out, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	return out
}

// TestChain runs every step of the flow as a scheduler would and reads
// what each committed.
func TestChain(t *testing.T) {
	h := newHarness(t)
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	if got := h.value("Start", "1"); got.N != 21 || got.X != 42 || got.Y != "passed along" {
		t.Fatalf("Start committed %+v, want N=21 X=42 Y=%q", got, "passed along")
	}
	if d := h.done("Start", "1"); !d.OK || d.Attempt != 0 || d.Finished.Before(d.Started) {
		t.Errorf("Start's marker %+v", d)
	}
	if log := h.log("Start", "1", 0, "stdout"); !strings.Contains(log, "hello from Start\n") {
		t.Errorf("Start's stdout log is %q, want its output", log)
	}
	if got := h.data("Start", "1").Parents; !reflect.DeepEqual(got, []string{h.run + "/_parameters/0"}) {
		t.Errorf("Start's parents %v", got)
	}

	h.mustExec(h.spec("A", "2", "Start/1"))
	if got := h.value("A", "2"); got.X != 43 || got.N != 21 {
		t.Errorf("A committed %+v, want X=43 N=21", got)
	}
	// Y is not among A's Uses: it passes by hash, never re-encoded.
	if a, s := h.data("A", "2").Artifacts["Y"], h.data("Start", "1").Artifacts["Y"]; a != s {
		t.Errorf("Y in A is %+v, want Start's %+v", a, s)
	}

	h.mustExec(h.spec("Fan", "3", "A/2"))
	if d := h.done("Fan", "3"); d.NumSplits != 3 {
		t.Fatalf("Fan's marker has %d splits, want 3", d.NumSplits)
	}
	for i := range 3 {
		sp := h.spec("Body", fmt.Sprint(4+i), "Fan/3")
		sp.SplitIndex = i
		h.mustExec(sp)
		id := fmt.Sprint(4 + i)
		if got := h.value("Body", id).Item; got != []int{10, 20, 30}[i]+i {
			t.Errorf("body %d: Item %d, want %d (item plus rt.Current's ForeachIndex)", i, got, []int{10, 20, 30}[i]+i)
		}
		want := []store.ForeachFrame{{Step: "Fan", Index: i, NumSplits: 3}}
		if got := h.data("Body", id).ForeachStack; !reflect.DeepEqual(got, want) {
			t.Errorf("body %d: foreach stack %+v, want %+v", i, got, want)
		}
	}

	h.mustExec(h.spec("Join", "7", "Body/:4,5,6"))
	j := h.value("Join", "7")
	if j.Total != 10+21+32 || j.X != 43 || j.Y != "passed along" || !reflect.DeepEqual(j.Items, []int{10, 20, 30}) {
		t.Errorf("Join committed %+v; want Total=63 and X, Y, Items merged", j)
	}
	jd := h.data("Join", "7")
	if _, ok := jd.Artifacts["Item"]; ok {
		t.Errorf("Join has Item, which it excluded and never set")
	}
	if len(jd.ForeachStack) != 0 || len(jd.Parents) != 3 {
		t.Errorf("Join's stack %v parents %v; want no stack and 3 parents", jd.ForeachStack, jd.Parents)
	}

	h.mustExec(h.spec("Sw", "8", "Join/7"))
	if d := h.done("Sw", "8"); d.SwitchCase != "End" {
		t.Errorf("Sw chose %q, want End", d.SwitchCase)
	}
	h.mustExec(h.spec("End", "9", "Sw/8"))
}

// TestBadSpec: bad input is one error naming the thing, before anything
// is written.
func TestBadSpec(t *testing.T) {
	h := newHarness(t)
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	before := h.files()
	body := h.spec("Body", "4", "Start/1")
	neg := h.spec("A", "2", "Start/1")
	neg.Attempt = -1
	badRun := h.spec("A", "2", "Start/1")
	badRun.Run = "a/b"
	noRun := h.spec("A", "2", "Start/1")
	noRun.Run, noRun.InputPaths = "99", "99/Start/1"
	for _, tc := range []struct {
		sp   task.Spec
		want string
	}{
		{h.spec("Nope", "2", "Start/1"), `flow TaskFlow has no step "Nope"; its steps are Start, A, Fan, Body, Join, Sw, End`},
		{neg, "--retry-count -1 is negative"},
		{badRun, "run id"},
		{h.spec("A", "", "Start/1"), "task id"},
		{h.spec("A", "2", "Start/1,"+h.run+"/Start/1"), `step "A" takes one input, got 2 in --input-paths`},
		{body, `step "Body" is a foreach body; give --split-index`},
		{noRun, `run "99" of flow TaskFlow not found`},
	} {
		err := h.exec(tc.sp)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.sp, err, tc.want)
			continue
		}
		if errors.Is(err, task.ErrFailed) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error %q is not a one-line input error", tc.sp, err)
		}
	}
	if after := h.files(); !reflect.DeepEqual(after, before) {
		t.Errorf("bad specs wrote files:\nbefore %v\nafter  %v", before, after)
	}
}

// TestInputNotFinished: a parent without a commit marker fails the
// attempt (committed, with the fix), it does not run the step.
func TestInputNotFinished(t *testing.T) {
	h := newHarness(t)
	ran := false
	behave = func(ctx context.Context, f *taskFlow) error { ran = true; return nil }
	err := h.exec(h.spec("A", "2", "Start/1"))
	if !errors.Is(err, task.ErrFailed) {
		t.Fatalf("error %v, want ErrFailed", err)
	}
	if ran {
		t.Errorf("A ran without its input")
	}
	d := h.done("A", "2")
	if want := fmt.Sprintf("input task %s/Start/1 has not finished; run it first", h.run); d.OK || d.Error != want {
		t.Errorf("marker OK=%v Error=%q, want a failure %q", d.OK, d.Error, want)
	}
}

// TestInputFailed: a parent whose latest attempt failed is not an input.
func TestInputFailed(t *testing.T) {
	h := newHarness(t)
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	behave = func(ctx context.Context, f *taskFlow) error { return errors.New("boom") }
	h.exec(h.spec("A", "2", "Start/1"))
	if err := h.exec(h.spec("Fan", "3", "A/2")); !errors.Is(err, task.ErrFailed) {
		t.Fatalf("error %v, want ErrFailed", err)
	}
	want := fmt.Sprintf("input task %s/A/2 failed (attempt 0); resume the run", h.run)
	if d := h.done("Fan", "3"); d.OK || d.Error != want {
		t.Errorf("marker OK=%v Error=%q, want %q", d.OK, d.Error, want)
	}
}

// TestStepFailure: an error or a panic commits a failed attempt whose
// one-line error names the step; a panic keeps its stack.
func TestStepFailure(t *testing.T) {
	for _, tc := range []struct {
		name  string
		step  func(ctx context.Context, f *taskFlow) error
		want  string
		stack bool
	}{
		{"error", func(ctx context.Context, f *taskFlow) error { return errors.New("boom\nsecond line") }, `step "A": boom`, false},
		{"panic", func(ctx context.Context, f *taskFlow) error { panic("kaput") }, `step "A" panicked: kaput`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.mustExec(h.spec("Start", "1", "_parameters/0"))
			behave = tc.step
			if err := h.exec(h.spec("A", "2", "Start/1")); !errors.Is(err, task.ErrFailed) {
				t.Fatalf("error %v, want ErrFailed", err)
			}
			d := h.done("A", "2")
			if d.OK || d.Error != tc.want {
				t.Errorf("marker OK=%v Error=%q, want %q", d.OK, d.Error, tc.want)
			}
			if d.Failure == nil || (d.Failure.Stack != "") != tc.stack {
				t.Errorf("failure %+v; want a stack: %v", d.Failure, tc.stack)
			}
			if log := h.log("A", "2", 0, "stderr"); !strings.Contains(log, tc.want) {
				t.Errorf("stderr log %q lacks %q", log, tc.want)
			}
			// The same attempt again is refused; the next one runs.
			err := h.exec(h.spec("A", "2", "Start/1"))
			if err == nil || !strings.Contains(err.Error(), "give --retry-count 1") {
				t.Errorf("rerunning a failed attempt: %v", err)
			}
			behave = nil
			sp := h.spec("A", "2", "Start/1")
			sp.Attempt = 1
			h.mustExec(sp)
			if d := h.done("A", "2"); !d.OK || d.Attempt != 1 {
				t.Errorf("attempt 1: marker %+v", d)
			}
		})
	}
}

// TestRepeatIsNoop: a task that succeeded is left alone when its step is
// delivered again.
func TestRepeatIsNoop(t *testing.T) {
	h := newHarness(t)
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	first := h.done("Start", "1")
	files := h.files()
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	if again := h.done("Start", "1"); !reflect.DeepEqual(again, first) {
		t.Errorf("marker rewritten: %+v, was %+v", again, first)
	}
	if after := h.files(); !reflect.DeepEqual(after, files) {
		t.Errorf("a repeated step wrote files: %v, was %v", after, files)
	}
}

// TestCatch: with //flow:catch, the last attempt's failure is stored in
// the catch field and the task succeeds; an earlier attempt still fails
// so that it is retried.
func TestCatch(t *testing.T) {
	h := newHarness(t)
	a := h.def.Graph.Step("A")
	a.Catch, a.Retry = "Err", &rt.Retry{Times: 1}
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	behave = func(ctx context.Context, f *taskFlow) error { f.X = -1; return errors.New("flaky") }
	if err := h.exec(h.spec("A", "2", "Start/1")); !errors.Is(err, task.ErrFailed) {
		t.Fatalf("attempt 0 with a retry left: %v, want ErrFailed", err)
	}
	sp := h.spec("A", "2", "Start/1")
	sp.Attempt = 1
	h.mustExec(sp)
	got := h.value("A", "2")
	if got.Err == nil || got.Err.Message != "flaky" {
		t.Errorf("catch field %+v, want the failure %q", got.Err, "flaky")
	}
	if got.X != 42 {
		t.Errorf("X=%d after a caught failure, want the input's 42 (the failed step's changes dropped)", got.X)
	}
	if log := h.log("A", "2", 1, "stderr"); !strings.Contains(log, `caught in "Err"`) {
		t.Errorf("stderr log %q does not say the failure was caught", log)
	}
}

// TestSwitchNoCase: a switch value that matches no case fails, listing
// the cases.
func TestSwitchNoCase(t *testing.T) {
	h := newHarness(t)
	h.def.Steps[5].Run = func(ctx context.Context, f any, c rt.StepCall) error { f.(*taskFlow).Mode = "stop"; return nil }
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	if err := h.exec(h.spec("Sw", "2", "Start/1")); !errors.Is(err, task.ErrFailed) {
		t.Fatalf("error %v, want ErrFailed", err)
	}
	want := `step "Sw": switch field "Mode" is "stop", which matches no case; the cases are go`
	if d := h.done("Sw", "2"); d.OK || d.Error != want {
		t.Errorf("marker OK=%v Error=%q, want %q", d.OK, d.Error, want)
	}
}

// TestJoinConflict: a MergeArtifacts conflict fails the join with the
// field and the fix.
func TestJoinConflict(t *testing.T) {
	h := newHarness(t)
	h.def.Steps[3].Run = func(ctx context.Context, f any, c rt.StepCall) error {
		f.(*taskFlow).X = c.SplitIndex // every body changes X differently
		return nil
	}
	h.def.Graph.Step("Body").Uses = []string{"X"}
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	h.mustExec(h.spec("Fan", "2", "Start/1"))
	for i := range 3 {
		sp := h.spec("Body", fmt.Sprint(3+i), "Fan/2")
		sp.SplitIndex = i
		h.mustExec(sp)
	}
	if err := h.exec(h.spec("Join", "6", "Body/:3,4,5")); !errors.Is(err, task.ErrFailed) {
		t.Fatalf("error %v, want ErrFailed", err)
	}
	d := h.done("Join", "6")
	if !strings.Contains(d.Error, `"X" differs between the inputs`) || !strings.Contains(d.Error, `rt.Exclude("X")`) {
		t.Errorf("join marker error %q; want the conflict on X with the fix", d.Error)
	}
}

// TestStartStoresGraphOfCloudRun: a run a cloud scheduler started has no
// scheduler process of flowc's (no PID in its record), so its Start task
// stores the graph; no other task does, and a local run's Start leaves the
// graph to `run`.
func TestStartStoresGraphOfCloudRun(t *testing.T) {
	h := newHarness(t) // its run record has no PID, as a cloud run's
	if _, err := h.st.ReadGraph("TaskFlow", h.run); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("graph before Start: %v; want not found", err)
	}
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	g, err := h.st.ReadGraph("TaskFlow", h.run)
	if err != nil {
		t.Fatal(err)
	}
	if g.Flow != "TaskFlow" || len(g.Steps) != len(h.def.Graph.Steps) || g.Step("Fan").MatchingJoin != "Join" {
		t.Errorf("stored graph = %+v; want the flow's", g)
	}

	local := newHarnessPID(t, os.Getpid()) // started by a local scheduler
	local.mustExec(local.spec("Start", "1", "_parameters/0"))
	if _, err := local.st.ReadGraph("TaskFlow", local.run); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a local run's Start stored the graph (%v); `run` does", err)
	}
}
