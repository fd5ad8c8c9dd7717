package resume

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// fakeProc stands for the process executor: it records what it was asked
// to run and commits it as OK.
type fakeProc struct {
	st  *store.Store
	run string
	mu  sync.Mutex
	ran []string
}

func (p *fakeProc) Execute(ctx context.Context, spec *sched.TaskSpec) (*store.Done, error) {
	p.mu.Lock()
	p.ran = append(p.ran, spec.Step)
	p.mu.Unlock()
	d := &store.Done{Attempt: spec.Attempt, OK: true}
	return d, p.st.FinishAttempt(store.TaskPath{Flow: "F", Run: p.run, Step: spec.Step, Task: spec.TaskID}, d)
}

// The real scheduler, walking the graph with the resume executor: Start and
// every Body are cloned under the ids the scheduler mints, matched to the
// origin by foreach index; only Join and End start processes.
func TestExecutorUnderScheduler(t *testing.T) {
	f := newFixture(t)
	const n = 6 // coprime with 7, as foreachRun needs
	origin := f.foreachRun(n, task{ok: false})
	g := foreachGraph()
	p, err := NewPlan(g, f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	run := f.newRunNoParams()
	if err := p.CloneParams(f.st, run); err != nil {
		t.Fatal(err)
	}
	proc := &fakeProc{st: f.st, run: run}
	s := &sched.Scheduler{Graph: g, RunID: run, Opts: sched.Options{MaxWorkers: 4, MaxNumSplits: 100},
		Exec: &Executor{Plan: p, Store: f.st, Run: run, Next: proc}}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(proc.ran, []string{"Join", "End"}) {
		t.Errorf("processes started for %v; want [Join End]", proc.ran)
	}
	if d, err := f.st.LatestDone(store.TaskPath{Flow: "F", Run: run, Step: ParamsStep, Task: "0"}); err != nil || d.Origin != origin+"/"+ParamsStep+"/0" {
		t.Errorf("parameters clone: %+v, %v", d, err)
	}
	ids, err := f.st.ListTasks("F", run, "Body")
	if err != nil || len(ids) != n {
		t.Fatalf("Body tasks in the new run: %v, %v", ids, err)
	}
	seen := map[int]bool{}
	for _, id := range ids {
		tp := store.TaskPath{Flow: "F", Run: run, Step: "Body", Task: id}
		d, err := f.st.LatestDone(tp)
		if err != nil {
			t.Fatal(err)
		}
		data, err := f.st.ReadTaskData(tp, 0)
		if err != nil {
			t.Fatal(err)
		}
		i := data.ForeachStack[0].Index
		seen[i] = true
		// The clone is of the origin task with the same index, whatever
		// the two runs' ids.
		want := p.Lookup("Body", []int{i})
		if d.Origin != origin+"/Body/"+want.Origin.Task {
			t.Errorf("new Body task %s (index %d) cloned from %q; want %s", id, i, d.Origin, want.Origin)
		}
	}
	if len(seen) != n {
		t.Errorf("indices cloned: %v", seen)
	}
}

func TestExecutorSwitchLoop(t *testing.T) {
	// Two clones at one index path (a switch looping to itself) are
	// handed out in origin order, and a retry gets the same one again.
	p := &Plan{Flow: "F", Origin: "1", Rerun: []string{"End"}, Clones: []Clone{
		{Step: "Loop", Origin: store.TaskPath{Flow: "F", Run: "1", Step: "Loop", Task: "2"}, SwitchCase: "Loop"},
		{Step: "Loop", Origin: store.TaskPath{Flow: "F", Run: "1", Step: "Loop", Task: "3"}, SwitchCase: "End"},
	}}
	x := &Executor{Plan: p}
	var got []string
	for _, attempt := range []int{0, 1, 0, 0} {
		c := x.take(&sched.TaskSpec{Step: "Loop", Attempt: attempt})
		if c == nil {
			got = append(got, "run")
			continue
		}
		got = append(got, c.Origin.Task)
	}
	if want := []string{"2", "2", "3", "run"}; !slices.Equal(got, want) {
		t.Errorf("clones handed out %v; want %v", got, want)
	}
}
