package sched_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// fake is an Executor that starts nothing: it records each attempt and
// answers with what its step function says.
type fake struct {
	mu    sync.Mutex
	calls []sched.TaskSpec // in the order Execute was entered
	// step decides one attempt's outcome; nil means OK.
	step func(spec *sched.TaskSpec) (*store.Done, error)
}

func (f *fake) Execute(ctx context.Context, spec *sched.TaskSpec) (*store.Done, error) {
	f.mu.Lock()
	c := *spec
	c.ForeachStack = slices.Clone(spec.ForeachStack)
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if f.step != nil {
		return f.step(spec)
	}
	return &store.Done{Attempt: spec.Attempt, OK: true}, nil
}

// steps lists the steps executed, in order.
func (f *fake) steps() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Step)
	}
	return out
}

// call returns the (only) attempt of step with the given split index
// (-1 for none), or fails.
func (f *fake) call(t *testing.T, step string, split int) sched.TaskSpec {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var found []sched.TaskSpec
	for _, c := range f.calls {
		if c.Step == step && c.SplitIndex == split {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("step %s split %d ran %d times, want once; ran: %v", step, split, len(found), f.calls)
	}
	return found[0]
}

// ok is the answer of a successful attempt.
func ok(spec *sched.TaskSpec) *store.Done { return &store.Done{Attempt: spec.Attempt, OK: true} }

const run = "7"

func runFlow(t *testing.T, g *rt.Graph, ex sched.Executor, opts sched.Options) error {
	t.Helper()
	if opts.MaxNumSplits == 0 {
		opts.MaxNumSplits = 1000
	}
	s := &sched.Scheduler{Graph: g, RunID: run, Exec: ex, Opts: opts}
	return s.Run(context.Background())
}

func mustRun(t *testing.T, g *rt.Graph, ex sched.Executor, workers int) {
	t.Helper()
	if err := runFlow(t, g, ex, sched.Options{MaxWorkers: workers}); err != nil {
		t.Fatal(err)
	}
}

// The graphs, as the generator fills them in.

func linear() *rt.Graph {
	return &rt.Graph{Flow: "LinearFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindStart, Next: []string{"A"}},
		{Name: "A", Kind: rt.KindLinear, Next: []string{"B"}, In: []string{"Start"}, TimeoutS: 9,
			Env: []rt.EnvVar{{Key: "K", Value: "v"}, {Key: "L", Value: "w=x"}}},
		{Name: "B", Kind: rt.KindLinear, Next: []string{"End"}, In: []string{"A"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"B"}},
	}}
}

func split() *rt.Graph {
	return &rt.Graph{Flow: "SplitFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindSplit, Next: []string{"A", "B"}, MatchingJoin: "Join"},
		{Name: "A", Kind: rt.KindLinear, Next: []string{"Join"}, In: []string{"Start"}, SplitParents: []string{"Start"}},
		{Name: "B", Kind: rt.KindLinear, Next: []string{"B2"}, In: []string{"Start"}, SplitParents: []string{"Start"}},
		{Name: "B2", Kind: rt.KindLinear, Next: []string{"Join"}, In: []string{"B"}, SplitParents: []string{"Start"}},
		{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"A", "B2"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Join"}},
	}}
}

func foreach() *rt.Graph {
	return &rt.Graph{Flow: "ForeachFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindForeach, Foreach: "Items", Next: []string{"Body"}, MatchingJoin: "Join"},
		{Name: "Body", Kind: rt.KindLinear, IsForeachBody: true, Next: []string{"Join"}, In: []string{"Start"}, SplitParents: []string{"Start"}},
		{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"Body"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Join"}},
	}}
}

func nested() *rt.Graph {
	return &rt.Graph{Flow: "NestedFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindForeach, Foreach: "Outer", Next: []string{"Mid"}, MatchingJoin: "JoinOuter"},
		{Name: "Mid", Kind: rt.KindForeach, Foreach: "Inner", IsForeachBody: true, Next: []string{"Leaf"}, MatchingJoin: "JoinInner", In: []string{"Start"}, SplitParents: []string{"Start"}},
		{Name: "Leaf", Kind: rt.KindLinear, IsForeachBody: true, Next: []string{"JoinInner"}, In: []string{"Mid"}, SplitParents: []string{"Start", "Mid"}},
		{Name: "JoinInner", Kind: rt.KindJoin, Join: true, Next: []string{"JoinOuter"}, In: []string{"Leaf"}, SplitParents: []string{"Start"}},
		{Name: "JoinOuter", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"JoinInner"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"JoinOuter"}},
	}}
}

func switchGraph() *rt.Graph {
	return &rt.Graph{Flow: "SwitchFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindSwitch, Next: []string{"A", "B"},
			Switch: &rt.SwitchSpec{On: "Mode", Cases: []rt.SwitchCase{{Value: "a", Step: "A"}, {Value: "b", Step: "B"}}}},
		{Name: "A", Kind: rt.KindLinear, Next: []string{"End"}, In: []string{"Start"}},
		{Name: "B", Kind: rt.KindLinear, Next: []string{"End"}, In: []string{"Start"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"A", "B"}},
	}}
}

// TestLinear runs each step once, in order, each on its parent's task.
func TestLinear(t *testing.T) {
	ex := &fake{}
	mustRun(t, linear(), ex, 4)
	if got, want := ex.steps(), []string{"Start", "A", "B", "End"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("steps ran %v, want %v", got, want)
	}
	start, a, b, end := ex.call(t, "Start", -1), ex.call(t, "A", -1), ex.call(t, "B", -1), ex.call(t, "End", -1)
	if start.InputPaths != run+"/"+sched.ParamsStep+"/0" {
		t.Errorf("Start's input is %q, want the parameters task", start.InputPaths)
	}
	for _, p := range [][2]sched.TaskSpec{{start, a}, {a, b}, {b, end}} {
		if want := run + "/" + p[0].Step + "/" + p[0].TaskID; p[1].InputPaths != want {
			t.Errorf("%s's input is %q, want %q", p[1].Step, p[1].InputPaths, want)
		}
	}
	ids := map[string]bool{}
	for _, c := range ex.calls {
		if ids[c.TaskID] {
			t.Errorf("task id %s given twice", c.TaskID)
		}
		ids[c.TaskID] = true
		if c.Attempt != 0 || c.SplitIndex != -1 || len(c.ForeachStack) != 0 {
			t.Errorf("%s: attempt %d split %d stack %v, want 0 -1 []", c.Step, c.Attempt, c.SplitIndex, c.ForeachStack)
		}
	}
	if a.TimeoutS != 9 || !reflect.DeepEqual(a.Env, []string{"K=v", "L=w=x"}) {
		t.Errorf("A got timeout %d env %q, want 9 [K=v L=w=x]", a.TimeoutS, a.Env)
	}
}

// TestSplitJoin runs the join once, after both branches, with its inputs
// in the split's order even when the second branch ends first.
func TestSplitJoin(t *testing.T) {
	b2done := make(chan struct{})
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		switch spec.Step {
		case "A":
			<-b2done // A ends last
		case "B2":
			defer close(b2done)
		}
		return ok(spec), nil
	}
	mustRun(t, split(), ex, 2)
	steps := ex.steps()
	if len(steps) != 6 || steps[0] != "Start" || steps[4] != "Join" || steps[5] != "End" {
		t.Fatalf("steps ran %v; want Start, the branches, Join, End", steps)
	}
	a, b, b2, join := ex.call(t, "A", -1), ex.call(t, "B", -1), ex.call(t, "B2", -1), ex.call(t, "Join", -1)
	start := ex.call(t, "Start", -1)
	for _, c := range []sched.TaskSpec{a, b} {
		if c.InputPaths != run+"/Start/"+start.TaskID {
			t.Errorf("%s's input is %q, want Start's task", c.Step, c.InputPaths)
		}
	}
	if want := fmt.Sprintf("%s/A/%s,%s/B2/%s", run, a.TaskID, run, b2.TaskID); join.InputPaths != want {
		t.Errorf("Join's inputs are %q, want %q (branch order)", join.InputPaths, want)
	}
	if b2.InputPaths != run+"/B/"+b.TaskID {
		t.Errorf("B2's input is %q, want B's task", b2.InputPaths)
	}
}

// TestForeach starts one body per split, with its index, and joins them
// all in split order.
func TestForeach(t *testing.T) {
	const n = 5
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		if spec.Step == "Start" {
			d.NumSplits = n
		}
		return d, nil
	}
	mustRun(t, foreach(), ex, 3)
	var ids []string
	for i := range n {
		c := ex.call(t, "Body", i)
		if !reflect.DeepEqual(c.ForeachStack, []int{i}) {
			t.Errorf("body %d has foreach stack %v, want [%d]", i, c.ForeachStack, i)
		}
		ids = append(ids, c.TaskID)
	}
	join := ex.call(t, "Join", -1)
	if want := run + "/Body/:" + strings.Join(ids, ","); join.InputPaths != want {
		t.Errorf("Join's inputs are %q, want %q", join.InputPaths, want)
	}
	if len(join.ForeachStack) != 0 {
		t.Errorf("the join of the foreach has stack %v, want none", join.ForeachStack)
	}
	if steps := ex.steps(); steps[len(steps)-2] != "Join" || steps[len(steps)-1] != "End" {
		t.Errorf("steps ran %v; want Join then End last", steps)
	}
}

// TestNestedForeach gives each leaf its position in both foreaches and
// each inner join the leaves of its own outer item only.
func TestNestedForeach(t *testing.T) {
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		switch spec.Step {
		case "Start":
			d.NumSplits = 2
		case "Mid":
			d.NumSplits = 3
		}
		return d, nil
	}
	mustRun(t, nested(), ex, 2)
	ex.mu.Lock()
	calls := slices.Clone(ex.calls)
	ex.mu.Unlock()
	var leafStacks, innerStacks [][]int
	leaf := map[[2]int]string{} // position -> task id
	inner := map[int]sched.TaskSpec{}
	for _, c := range calls {
		switch c.Step {
		case "Leaf":
			leafStacks = append(leafStacks, c.ForeachStack)
			leaf[[2]int{c.ForeachStack[0], c.ForeachStack[1]}] = c.TaskID
			if c.SplitIndex != c.ForeachStack[1] {
				t.Errorf("leaf %v has split index %d", c.ForeachStack, c.SplitIndex)
			}
		case "JoinInner":
			innerStacks = append(innerStacks, c.ForeachStack)
			inner[c.ForeachStack[0]] = c
		}
	}
	slices.SortFunc(leafStacks, slices.Compare)
	if want := [][]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}; !reflect.DeepEqual(leafStacks, want) {
		t.Fatalf("leaf stacks %v, want %v", leafStacks, want)
	}
	slices.SortFunc(innerStacks, slices.Compare)
	if want := [][]int{{0}, {1}}; !reflect.DeepEqual(innerStacks, want) {
		t.Fatalf("inner join stacks %v, want %v", innerStacks, want)
	}
	for o := range 2 {
		want := fmt.Sprintf("%s/Leaf/:%s,%s,%s", run, leaf[[2]int{o, 0}], leaf[[2]int{o, 1}], leaf[[2]int{o, 2}])
		if inner[o].InputPaths != want {
			t.Errorf("inner join %d has inputs %q, want %q", o, inner[o].InputPaths, want)
		}
	}
	outer := ex.call(t, "JoinOuter", -1)
	if want := fmt.Sprintf("%s/JoinInner/:%s,%s", run, inner[0].TaskID, inner[1].TaskID); outer.InputPaths != want {
		t.Errorf("outer join has inputs %q, want %q", outer.InputPaths, want)
	}
}

// TestSwitch takes only the chosen case.
func TestSwitch(t *testing.T) {
	for _, chosen := range []string{"A", "B"} {
		ex := &fake{}
		ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
			d := ok(spec)
			if spec.Step == "Start" {
				d.SwitchCase = chosen
			}
			return d, nil
		}
		mustRun(t, switchGraph(), ex, 2)
		if got, want := ex.steps(), []string{"Start", chosen, "End"}; !reflect.DeepEqual(got, want) {
			t.Errorf("case %s: steps ran %v, want %v", chosen, got, want)
		}
	}
	ex := &fake{}
	err := runFlow(t, switchGraph(), ex, sched.Options{MaxWorkers: 1})
	if err == nil || !strings.Contains(err.Error(), `switch step "Start"`) || !strings.Contains(err.Error(), "chose no case") {
		t.Errorf("a switch without a case: %v", err)
	}
	if got := ex.steps(); !reflect.DeepEqual(got, []string{"Start"}) {
		t.Errorf("steps ran %v after a switch chose nothing", got)
	}
}

// TestMaxWorkers: a wide foreach runs exactly as many bodies at once as
// allowed. Each body waits until `workers` of them are running, so a
// scheduler that runs fewer never finishes (the context ends it), and the
// peak count catches one that runs more.
func TestMaxWorkers(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			const n = 40
			var cur, peak, arrived atomic.Int32
			full := make(chan struct{})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			ex := &fake{}
			ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
				c := cur.Add(1)
				defer cur.Add(-1)
				for p := peak.Load(); c > p && !peak.CompareAndSwap(p, c); p = peak.Load() {
				}
				d := ok(spec)
				switch spec.Step {
				case "Start":
					d.NumSplits = n
				case "Body":
					if arrived.Add(1) == int32(workers) {
						close(full)
					}
					select {
					case <-full:
					case <-ctx.Done(): // too few ran at once: fail, not hang
					}
					// Give a task started beyond the limit the chance to
					// show in the peak before these end (yields, no clock).
					for i := 0; i < 1000 && cur.Load() <= int32(workers); i++ {
						runtime.Gosched()
					}
				}
				return d, nil
			}
			s := &sched.Scheduler{Graph: foreach(), RunID: run, Exec: ex, Opts: sched.Options{MaxWorkers: workers, MaxNumSplits: n}}
			if err := s.Run(ctx); err != nil {
				t.Fatalf("%v (the scheduler never ran %d bodies at once?)", err, workers)
			}
			if p := peak.Load(); p != int32(workers) {
				t.Errorf("peak of %d tasks at once, want --max-workers %d", p, workers)
			}
			if got := len(ex.steps()); got != n+3 {
				t.Errorf("%d tasks ran, want %d", got, n+3)
			}
		})
	}
}

// TestFailureStopsSuccessors: a failed task fails the run, names the task
// and why, and nothing after it starts.
func TestFailureStopsSuccessors(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  func() (*store.Done, error)
		why  string
	}{
		{"marker", func() (*store.Done, error) { return &store.Done{Error: "step \"A\": boom"}, nil }, `step "A": boom`},
		{"executor", func() (*store.Done, error) { return nil, errors.New("cannot start the task") }, "cannot start the task"},
		{"silent", func() (*store.Done, error) { return &store.Done{}, nil }, "it failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex := &fake{}
			ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
				if spec.Step == "A" {
					return tc.out()
				}
				return ok(spec), nil
			}
			err := runFlow(t, linear(), ex, sched.Options{MaxWorkers: 4})
			a := ex.call(t, "A", -1)
			want := fmt.Sprintf("task %s/A/%s failed: %s", run, a.TaskID, tc.why)
			if err == nil || err.Error() != want {
				t.Errorf("run error %v, want %q", err, want)
			}
			if got := ex.steps(); !reflect.DeepEqual(got, []string{"Start", "A"}) {
				t.Errorf("steps ran %v, want Start and A only", got)
			}
		})
	}
}

// TestFailureStopsForeach: once a body fails, no further body starts.
func TestFailureStopsForeach(t *testing.T) {
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		switch {
		case spec.Step == "Start":
			d.NumSplits = 10
		case spec.SplitIndex == 2:
			d.OK = false
		}
		return d, nil
	}
	err := runFlow(t, foreach(), ex, sched.Options{MaxWorkers: 1})
	if err == nil {
		t.Fatal("the run succeeded with a failed body")
	}
	if got, want := ex.steps(), []string{"Start", "Body", "Body", "Body"}; !reflect.DeepEqual(got, want) {
		t.Errorf("steps ran %v, want %v", got, want)
	}
}

// TestRetries: a //flow:retry step gets Times more attempts, numbered; a
// success ends them, and the run goes on from it.
func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		times, failFirst int
		wantAttempts     int
		wantOK           bool
	}{
		{times: 3, failFirst: 2, wantAttempts: 3, wantOK: true},
		{times: 3, failFirst: 0, wantAttempts: 1, wantOK: true},
		{times: 2, failFirst: 5, wantAttempts: 3, wantOK: false},
		{times: 0, failFirst: 1, wantAttempts: 1, wantOK: false},
	} {
		t.Run(fmt.Sprintf("times=%d,fail=%d", tc.times, tc.failFirst), func(t *testing.T) {
			g := linear()
			g.Step("A").Retry = &rt.Retry{Times: tc.times, MinutesBetween: 0}
			ex := &fake{}
			// A scheduler that never stops retrying is stopped here.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
				if spec.Step == "A" && spec.Attempt < tc.failFirst {
					if len(ex.steps()) > 10 {
						cancel()
					}
					return &store.Done{Attempt: spec.Attempt, Error: "flaky"}, nil
				}
				return ok(spec), nil
			}
			var console bytes.Buffer
			s := &sched.Scheduler{Graph: g, RunID: run, Exec: ex, Opts: sched.Options{MaxWorkers: 2, MaxNumSplits: 1, Console: &console}}
			err := s.Run(ctx)
			var attempts []int
			var ids []string
			for _, c := range ex.calls {
				if c.Step == "A" {
					attempts = append(attempts, c.Attempt)
					ids = append(ids, c.TaskID)
				}
			}
			want := make([]int, tc.wantAttempts)
			for i := range want {
				want[i] = i
			}
			if !reflect.DeepEqual(attempts, want) {
				t.Errorf("attempts of A: %v, want %v", attempts, want)
			}
			if len(slices.Compact(ids)) != 1 {
				t.Errorf("the attempts of A ran as tasks %v, want one task", ids)
			}
			if retries := strings.Count(console.String(), "retrying"); retries != tc.wantAttempts-1 {
				t.Errorf("%d retry lines, want %d:\n%s", retries, tc.wantAttempts-1, console.String())
			}
			if tc.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				if got := ex.steps(); got[len(got)-1] != "End" {
					t.Errorf("steps ran %v; want the run to go on to End", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "flaky") {
				t.Errorf("run error %v, want the last attempt's failure", err)
			}
			if slices.Contains(ex.steps(), "B") {
				t.Errorf("B ran after A used up its retries")
			}
		})
	}
}

// TestForeachLimits: an empty foreach and one over --max-num-splits fail
// with the fix, before any body starts.
func TestForeachLimits(t *testing.T) {
	for _, tc := range []struct {
		splits int
		want   string
	}{
		{0, `"Items" is empty; a foreach needs at least one item`},
		{11, "has 11 splits, more than the limit of 10; raise it with --max-num-splits"},
	} {
		ex := &fake{}
		ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
			d := ok(spec)
			d.NumSplits = tc.splits
			return d, nil
		}
		err := runFlow(t, foreach(), ex, sched.Options{MaxWorkers: 2, MaxNumSplits: 10})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d splits: %v, want %q", tc.splits, err, tc.want)
		}
		if got := ex.steps(); !reflect.DeepEqual(got, []string{"Start"}) {
			t.Errorf("%d splits: steps ran %v", tc.splits, got)
		}
	}
}

// TestBadOptions: what the scheduler refuses before running anything.
func TestBadOptions(t *testing.T) {
	ex := &fake{}
	if err := runFlow(t, linear(), ex, sched.Options{MaxWorkers: -1}); err == nil || !strings.Contains(err.Error(), "--max-workers -1 is below 1") {
		t.Errorf("--max-workers -1: %v", err)
	}
	g := linear()
	g.Steps = g.Steps[1:]
	if err := runFlow(t, g, ex, sched.Options{MaxWorkers: 1}); err == nil || !strings.Contains(err.Error(), "has no Start step") {
		t.Errorf("no Start: %v", err)
	}
	if len(ex.calls) != 0 {
		t.Errorf("tasks ran: %v", ex.steps())
	}
}

// TestInterrupt: a cancelled run starts nothing more, waits for the
// running task, and says it was interrupted.
func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		if spec.Step == "A" {
			cancel()
		}
		return ok(spec), nil
	}
	s := &sched.Scheduler{Graph: linear(), RunID: run, Exec: ex, Opts: sched.Options{MaxWorkers: 1, MaxNumSplits: 1}}
	err := s.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("cancelled run: %v", err)
	}
	if got := ex.steps(); !reflect.DeepEqual(got, []string{"Start", "A"}) {
		t.Errorf("steps ran %v, want Start and A", got)
	}
}

// TestInterruptRace: a run cancelled while the scheduler handles a
// finished task (here: while it prints a progress line, which it does from
// its own loop) is interrupted, though it never waits on the context: it
// breaks out of its loop with tasks queued and none running.
func TestInterruptRace(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		if spec.Step == "Start" {
			d.NumSplits = 60
		}
		return d, nil
	}
	s := &sched.Scheduler{Graph: foreach(), RunID: run, Exec: ex,
		Opts: sched.Options{MaxWorkers: 1, MaxNumSplits: 100, Console: cancelOnWrite(cancel)}}
	err := s.Run(ctx)
	if !errors.Is(err, sched.ErrInterrupted) {
		t.Errorf("run cancelled between two tasks: %v; want it interrupted", err)
	}
	if n := len(ex.steps()); n >= 62 {
		t.Errorf("%d tasks ran after the cancellation", n)
	}
}

// cancelOnWrite is a console that cancels the run at its first line.
type cancelOnWrite context.CancelFunc

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c()
	return len(p), nil
}

// TestProgress: a wide step reports its count done at the end.
func TestProgress(t *testing.T) {
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		if spec.Step == "Start" {
			d.NumSplits = 60
		}
		return d, nil
	}
	var console bytes.Buffer
	if err := runFlow(t, foreach(), ex, sched.Options{MaxWorkers: 2, Console: &console}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(console.String(), run+"/Body") || !strings.Contains(console.String(), "60/60 tasks done") {
		t.Errorf("console has no final progress line for Body:\n%s", console.String())
	}
}

// TestSplitInForeach: each foreach body opens its own split; each inner
// join takes the two branches of its own body, the outer join every inner
// join in split order.
func TestSplitInForeach(t *testing.T) {
	g := &rt.Graph{Flow: "GridFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindForeach, Foreach: "Rows", Next: []string{"Row"}, MatchingJoin: "All"},
		{Name: "Row", Kind: rt.KindSplit, IsForeachBody: true, Next: []string{"L", "R"}, MatchingJoin: "Pair", In: []string{"Start"}, SplitParents: []string{"Start"}},
		{Name: "L", Kind: rt.KindLinear, Next: []string{"Pair"}, In: []string{"Row"}, SplitParents: []string{"Start", "Row"}},
		{Name: "R", Kind: rt.KindLinear, Next: []string{"Pair"}, In: []string{"Row"}, SplitParents: []string{"Start", "Row"}},
		{Name: "Pair", Kind: rt.KindJoin, Join: true, Next: []string{"All"}, In: []string{"L", "R"}, SplitParents: []string{"Start"}},
		{Name: "All", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"Pair"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"All"}},
	}}
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		if spec.Step == "Start" {
			d.NumSplits = 3
		}
		return d, nil
	}
	mustRun(t, g, ex, 3)
	ex.mu.Lock()
	calls := slices.Clone(ex.calls)
	ex.mu.Unlock()
	byRow := map[int]map[string]string{} // row -> step -> task id
	for _, c := range calls {
		if len(c.ForeachStack) == 1 {
			row := c.ForeachStack[0]
			if byRow[row] == nil {
				byRow[row] = map[string]string{}
			}
			if _, dup := byRow[row][c.Step]; dup {
				t.Errorf("row %d ran %s twice", row, c.Step)
			}
			byRow[row][c.Step] = c.TaskID
		}
	}
	var pairs []string
	for row := range 3 {
		ids := byRow[row]
		if len(ids) != 4 {
			t.Fatalf("row %d ran %v; want Row, L, R, Pair", row, ids)
		}
		var pair sched.TaskSpec
		for _, c := range calls {
			if c.Step == "Pair" && c.TaskID == ids["Pair"] {
				pair = c
			}
		}
		if want := fmt.Sprintf("%s/L/%s,%s/R/%s", run, ids["L"], run, ids["R"]); pair.InputPaths != want {
			t.Errorf("row %d: Pair's inputs %q, want %q", row, pair.InputPaths, want)
		}
		pairs = append(pairs, ids["Pair"])
	}
	if all := ex.call(t, "All", -1); all.InputPaths != run+"/Pair/:"+strings.Join(pairs, ",") {
		t.Errorf("All's inputs %q, want the rows' Pair tasks %v in order", all.InputPaths, pairs)
	}
}

// TestSwitchLoop: a switch whose case leads back runs the loop's steps
// again, as new tasks, until it takes the way out.
func TestSwitchLoop(t *testing.T) {
	g := &rt.Graph{Flow: "LoopFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindStart, Next: []string{"Work"}},
		{Name: "Work", Kind: rt.KindLinear, Next: []string{"Check"}, In: []string{"Check", "Start"}},
		{Name: "Check", Kind: rt.KindSwitch, Next: []string{"Work", "End"}, In: []string{"Work"},
			Switch: &rt.SwitchSpec{On: "Again", Cases: []rt.SwitchCase{{Value: "true", Step: "Work"}, {Value: "false", Step: "End"}}}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Check"}},
	}}
	checks := 0
	ex := &fake{}
	ex.step = func(spec *sched.TaskSpec) (*store.Done, error) {
		d := ok(spec)
		if spec.Step == "Check" {
			checks++
			d.SwitchCase = "Work"
			if checks == 3 {
				d.SwitchCase = "End"
			}
		}
		return d, nil
	}
	mustRun(t, g, ex, 2)
	want := []string{"Start", "Work", "Check", "Work", "Check", "Work", "Check", "End"}
	if got := ex.steps(); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps ran %v, want %v", got, want)
	}
	for i := 1; i < len(ex.calls); i++ {
		prev, c := ex.calls[i-1], ex.calls[i]
		if c.InputPaths != run+"/"+prev.Step+"/"+prev.TaskID {
			t.Errorf("%s (task %s) has input %q, want the task before it", c.Step, c.TaskID, c.InputPaths)
		}
	}
}
