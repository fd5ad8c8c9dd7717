package resume

import (
	"io"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// graph fills In from Next, as the generator does.
func graph(steps ...*rt.Step) *rt.Graph {
	g := &rt.Graph{Flow: "F", Steps: steps}
	for _, s := range steps {
		for _, n := range s.Next {
			if t := g.Step(n); t != nil && !slices.Contains(t.In, s.Name) {
				t.In = append(t.In, s.Name)
				slices.Sort(t.In)
			}
		}
	}
	return g
}

// foreachGraph: Start foreach-> Body -> Join -> End.
func foreachGraph() *rt.Graph {
	return graph(
		&rt.Step{Name: "Start", Kind: rt.KindForeach, Next: []string{"Body"}, Foreach: "Items", MatchingJoin: "Join"},
		&rt.Step{Name: "Body", Kind: rt.KindLinear, Next: []string{"Join"}, IsForeachBody: true, SplitParents: []string{"Start"}},
		&rt.Step{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
}

// splitGraph: Start split-> A, B -> J -> End.
func splitGraph() *rt.Graph {
	return graph(
		&rt.Step{Name: "Start", Kind: rt.KindSplit, Next: []string{"A", "B"}, MatchingJoin: "J"},
		&rt.Step{Name: "A", Kind: rt.KindLinear, Next: []string{"J"}, SplitParents: []string{"Start"}},
		&rt.Step{Name: "B", Kind: rt.KindLinear, Next: []string{"J"}, SplitParents: []string{"Start"}},
		&rt.Step{Name: "J", Kind: rt.KindJoin, Join: true, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
}

type fixture struct {
	t  testing.TB
	st *store.Store
}

func newFixture(t testing.TB) *fixture {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st}
}

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func (f *fixture) newRun(status string) string {
	f.t.Helper()
	id, err := f.st.NewRun(&store.Run{Flow: "F", Namespace: "user:u", Status: status, Started: t0,
		Params: map[string]string{"max-genres": "3"}})
	if err != nil {
		f.t.Fatal(err)
	}
	f.task(id, ParamsStep, "0", task{ok: true})
	return id
}

type task struct {
	ok         bool
	noCommit   bool
	failFirst  bool // attempt 0 failed, attempt 1 is the one described
	numSplits  int
	switchCase string
	index      []int // foreach indices under Start
	parents    []string
}

func (f *fixture) task(run, step, id string, tk task) store.TaskPath {
	f.t.Helper()
	p := store.TaskPath{Flow: "F", Run: run, Step: step, Task: id}
	a := 0
	if tk.failFirst {
		if err := f.st.FinishAttempt(p, &store.Done{Attempt: 0, OK: false, Error: "flaky"}); err != nil {
			f.t.Fatal(err)
		}
		a = 1
	}
	h, _, err := f.st.PutBlob("F", func(w io.Writer) error {
		_, err := io.WriteString(w, step+id)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	d := &store.TaskData{Artifacts: map[string]store.Artifact{"X": {Hash: h, Type: "string", Encoding: rt.EncodingRaw}}, Parents: tk.parents}
	for _, i := range tk.index {
		d.ForeachStack = append(d.ForeachStack, store.ForeachFrame{Step: "Start", Index: i})
	}
	if err := f.st.WriteTaskData(p, a, d); err != nil {
		f.t.Fatal(err)
	}
	if tk.noCommit {
		return p // crashed before its marker
	}
	if err := f.st.FinishAttempt(p, &store.Done{Attempt: a, OK: tk.ok, Started: t0, Finished: t0,
		NumSplits: tk.numSplits, SwitchCase: tk.switchCase}); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// foreachRun writes Start with n splits and n Body tasks (ids minted out of
// index order, to prove matching is by index), and the join's outcome.
func (f *fixture) foreachRun(n int, join task) string {
	run := f.newRun("failed")
	f.task(run, "Start", "1", task{ok: true, numSplits: n, parents: []string{run + "/_parameters/0"}})
	var bodies []string
	for i := range n {
		id := strconv.Itoa(2 + (i*7)%n) // a permutation of 2..n+1 when gcd(7, n) == 1
		bodies = append(bodies, run+"/Body/"+id)
		f.task(run, "Body", id, task{ok: true, index: []int{i}, parents: []string{run + "/Start/1"}})
	}
	join.parents = bodies
	f.task(run, "Join", strconv.Itoa(n+2), join)
	return run
}

// counter mints task ids as a scheduler would.
func counter(start int) func(string) string {
	n := start
	return func(string) string { n++; return strconv.Itoa(n) }
}
