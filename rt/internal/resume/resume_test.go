package resume

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

func steps(p *Plan) (out []string) {
	for _, c := range p.Clones {
		out = append(out, c.Step)
	}
	return out
}

func TestForeachJoinFailed(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(5, task{ok: false})
	p, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "Join" || !slices.Equal(p.Rerun, []string{"Join", "End"}) {
		t.Errorf("From %q Rerun %v; want Join, [Join End]", p.From, p.Rerun)
	}
	want := []string{ParamsStep, "Start", "Body", "Body", "Body", "Body", "Body"}
	if !slices.Equal(steps(p), want) {
		t.Fatalf("clones %v; want %v", steps(p), want)
	}
	if p.Params["max-genres"] != "3" {
		t.Errorf("Params = %v; want the origin run's", p.Params)
	}
	for i, c := range p.Cloned("Body") {
		if !slices.Equal(c.Index(), []int{i}) {
			t.Errorf("Body clone %d has index %v; want split order", i, c.Index())
		}
	}
	if s := p.Cloned("Start"); len(s) != 1 || s[0].NumSplits != 5 {
		t.Errorf("Start clone must carry its split count: %+v", s)
	}

	newRun := f.newRunNoParams()
	if err := p.CloneInto(f.st, newRun, counter(100)); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Clones {
		d, err := f.st.LatestDone(store.TaskPath{Flow: "F", Run: newRun, Step: c.Step, Task: c.Task})
		if err != nil {
			t.Fatalf("clone %s/%s: %v", c.Step, c.Task, err)
		}
		wantOrigin := origin + "/" + c.Step + "/" + c.Origin.Task
		if !d.OK || d.Origin != wantOrigin {
			t.Errorf("clone %s/%s: ok %v origin %q; want %q", c.Step, c.Task, d.OK, d.Origin, wantOrigin)
		}
	}
	c := p.Lookup("Body", []int{3})
	if c == nil || c.Task == "" {
		t.Fatalf("Lookup(Body, [3]) = %+v", c)
	}
	data, err := f.st.ReadTaskData(store.TaskPath{Flow: "F", Run: newRun, Step: "Body", Task: c.Task}, 0)
	if err != nil || data.ForeachStack[0].Index != 3 {
		t.Errorf("the clone of Body[3] has %+v, %v", data, err)
	}
}

// newRunNoParams makes an empty run to clone into.
func (f *fixture) newRunNoParams() string {
	id, err := f.st.NewRun(&store.Run{Flow: "F", Status: "running", Started: t0})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func TestForeachMissingTask(t *testing.T) {
	f := newFixture(t)
	origin := f.newRun("failed")
	f.task(origin, "Start", "1", task{ok: true, numSplits: 3})
	f.task(origin, "Body", "2", task{ok: true, index: []int{0}})
	f.task(origin, "Body", "3", task{ok: true, index: []int{1}, failFirst: true}) // a retry that succeeded
	// Body[2] was never started: the scheduler died.
	p, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "Body" || !slices.Equal(steps(p), []string{ParamsStep, "Start"}) {
		t.Errorf("From %q clones %v; want Body, [_parameters Start]", p.From, steps(p))
	}
}

func TestForeachBodyCrashed(t *testing.T) {
	f := newFixture(t)
	origin := f.newRun("failed")
	f.task(origin, "Start", "1", task{ok: true, numSplits: 2})
	f.task(origin, "Body", "2", task{ok: true, index: []int{0}})
	f.task(origin, "Body", "3", task{noCommit: true, index: []int{1}})
	p, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "Body" || p.Reruns("Start") || !p.Reruns("Body") || !p.Reruns("End") {
		t.Errorf("From %q Rerun %v", p.From, p.Rerun)
	}
}

func TestSplitSiblingIsCloned(t *testing.T) {
	f := newFixture(t)
	origin := f.newRun("failed")
	f.task(origin, "Start", "1", task{ok: true})
	f.task(origin, "A", "2", task{ok: false, parents: []string{origin + "/Start/1"}})
	f.task(origin, "B", "3", task{ok: true, parents: []string{origin + "/Start/1"}})
	p, err := NewPlan(splitGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "A" || !slices.Equal(p.Rerun, []string{"A", "J", "End"}) {
		t.Errorf("From %q Rerun %v; want A, [A J End]", p.From, p.Rerun)
	}
	if !slices.Equal(steps(p), []string{ParamsStep, "Start", "B"}) {
		t.Errorf("clones %v; want the sibling branch B reused", steps(p))
	}

	// An explicit step reruns it and what follows, and still everything
	// that did not complete.
	p, err = NewPlan(splitGraph(), f.st, "F", origin, "B")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "B" || !slices.Equal(p.Rerun, []string{"A", "B", "J", "End"}) || !slices.Equal(steps(p), []string{ParamsStep, "Start"}) {
		t.Errorf("from B: Rerun %v clones %v", p.Rerun, steps(p))
	}
}

func TestSwitchBranchNotTaken(t *testing.T) {
	g := graph(
		&rt.Step{Name: "Start", Kind: rt.KindSwitch, Next: []string{"X", "Y"},
			Switch: &rt.SwitchSpec{On: "Mode", Cases: []rt.SwitchCase{{Value: "x", Step: "X"}, {Value: "y", Step: "Y"}}}},
		&rt.Step{Name: "X", Kind: rt.KindLinear, Next: []string{"Z"}},
		&rt.Step{Name: "Y", Kind: rt.KindLinear, Next: []string{"Z"}},
		&rt.Step{Name: "Z", Kind: rt.KindLinear, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	f := newFixture(t)
	origin := f.newRun("failed")
	f.task(origin, "Start", "1", task{ok: true, switchCase: "Y"})
	f.task(origin, "Y", "2", task{ok: true, parents: []string{origin + "/Start/1"}})
	f.task(origin, "Z", "3", task{ok: false, parents: []string{origin + "/Y/2"}})
	p, err := NewPlan(g, f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "Z" || !slices.Equal(steps(p), []string{ParamsStep, "Start", "Y"}) {
		t.Errorf("From %q clones %v; want Z, [_parameters Start Y] (X was not taken, so not missing)", p.From, steps(p))
	}
	if c := p.Cloned("Start"); c[0].SwitchCase != "Y" {
		t.Errorf("the Start clone must keep its switch choice: %+v", c[0])
	}
}

func TestNothingToResume(t *testing.T) {
	f := newFixture(t)
	origin := f.newRun("succeeded")
	f.task(origin, "Start", "1", task{ok: true})
	f.task(origin, "A", "2", task{ok: true})
	f.task(origin, "B", "3", task{ok: true})
	f.task(origin, "J", "4", task{ok: true})
	f.task(origin, "End", "5", task{ok: true})
	_, err := NewPlan(splitGraph(), f.st, "F", origin, "")
	if err == nil || !strings.Contains(err.Error(), "every step succeeded; name the step") {
		t.Errorf("err = %v", err)
	}
	p, err := NewPlan(splitGraph(), f.st, "F", origin, "End")
	if err != nil || len(p.Clones) != 5 || !slices.Equal(p.Rerun, []string{"End"}) {
		t.Errorf("resume End of a successful run: %v, %v", p, err)
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(2, task{ok: false})
	cases := []struct {
		run, from, want string
	}{
		{"99", "", `flow "F" has no run "99"`},
		{"../1", "", `run id "../1" is not valid`},
		{origin, "Nope", `flow "F" has no step "Nope"; its steps are Start, Body, Join, End`},
	}
	for _, c := range cases {
		_, err := NewPlan(foreachGraph(), f.st, "F", c.run, c.from)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewPlan(%q, %q): err = %v; want %s", c.run, c.from, err, c.want)
		}
	}
}

func TestGraphChanged(t *testing.T) {
	f := newFixture(t)
	origin := f.newRun("failed")
	f.task(origin, "Start", "1", task{ok: true})
	f.task(origin, "A", "2", task{ok: true, parents: []string{origin + "/Start/1"}})
	f.task(origin, "B", "3", task{ok: false, parents: []string{origin + "/Start/1"}})

	// A was renamed.
	renamed := graph(
		&rt.Step{Name: "Start", Kind: rt.KindSplit, Next: []string{"A2", "B"}, MatchingJoin: "J"},
		&rt.Step{Name: "A2", Kind: rt.KindLinear, Next: []string{"J"}},
		&rt.Step{Name: "B", Kind: rt.KindLinear, Next: []string{"J"}},
		&rt.Step{Name: "J", Kind: rt.KindJoin, Join: true, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	_, err := NewPlan(renamed, f.st, "F", origin, "")
	want := `cannot resume run ` + origin + `: step "A" is not in the flow any more (the graph changed); start a new run`
	if err == nil || err.Error() != want {
		t.Errorf("renamed step:\n got %v\nwant %s", err, want)
	}

	// A now follows B instead of Start.
	rewired := graph(
		&rt.Step{Name: "Start", Kind: rt.KindLinear, Next: []string{"B"}},
		&rt.Step{Name: "B", Kind: rt.KindLinear, Next: []string{"A"}},
		&rt.Step{Name: "A", Kind: rt.KindLinear, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	_, err = NewPlan(rewired, f.st, "F", origin, "")
	if err == nil || !strings.Contains(err.Error(), `step "A" no longer follows "Start" (the graph changed)`) {
		t.Errorf("rewired step: err = %v", err)
	}

	// Start was a foreach and is now linear.
	g := foreachGraph()
	run2 := f.foreachRun(2, task{ok: false})
	g.Step("Start").Kind = rt.KindLinear
	_, err = NewPlan(g, f.st, "F", run2, "")
	if err == nil || !strings.Contains(err.Error(), `step "Start" was a foreach and is not one any more`) {
		t.Errorf("foreach turned linear: err = %v", err)
	}
}

func TestCloneIntoChecks(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(2, task{ok: false})
	p, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CloneInto(f.st, origin, counter(0)); err == nil {
		t.Errorf("cloning a run into itself must fail")
	}
	if err := p.CloneInto(f.st, f.newRunNoParams(), func(string) string { return "../x" }); err == nil {
		t.Errorf("a bad task id from the scheduler must fail")
	}
}
