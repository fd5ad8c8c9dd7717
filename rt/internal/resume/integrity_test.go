package resume

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// blobFile is where the blob of artifact X of a fixture task lives.
func (f *fixture) blobFile(p store.TaskPath) string {
	f.t.Helper()
	d, err := f.st.ReadTaskData(p, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	h := d.Artifacts["X"].Hash
	return filepath.Join(f.st.Root(), "F", "data", h[:2], h)
}

func taskPath(run, step, id string) store.TaskPath {
	return store.TaskPath{Flow: "F", Run: run, Step: step, Task: id}
}

// A cloned task's blob that is gone (removed as damaged, or deleted) makes
// its step rerun, with a note naming the task and the blob (issue 7 item 1).
func TestMissingBlobReruns(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(5, task{ok: false})
	// Body's blobs are "Body<id>"; remove one of them.
	if err := os.Remove(f.blobFile(taskPath(origin, "Body", "4"))); err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "Body" || !slices.Equal(p.Rerun, []string{"Body", "Join", "End"}) {
		t.Errorf("From %q Rerun %v; want Body, [Body Join End]", p.From, p.Rerun)
	}
	if want := []string{ParamsStep, "Start"}; !slices.Equal(steps(p), want) {
		t.Errorf("clones %v; want %v", steps(p), want)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], origin+"/Body/4") || !strings.Contains(p.Notes[0], "is missing") {
		t.Errorf("notes %q; want one naming task Body/4 and its missing blob", p.Notes)
	}
}

// Resume from an explicit later step still refuses to clone a task whose
// blob is gone: the step before it reruns too.
func TestMissingBlobBeforeNamedStep(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(3, task{ok: true})
	if err := os.Remove(f.blobFile(taskPath(origin, "Start", "1"))); err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(foreachGraph(), f.st, "F", origin, "End")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Rerun, []string{"Start", "Body", "Join", "End"}) {
		t.Errorf("Rerun %v; want every step (Start's blob is gone)", p.Rerun)
	}
}

// A torn data.json (a power loss) is "not done", as a torn commit marker
// is, whether resume picks the step or is told it (issue 7 item 3).
func TestTornDataJSONIsNotDone(t *testing.T) {
	for _, from := range []string{"", "Join", "Body"} {
		f := newFixture(t)
		origin := f.foreachRun(5, task{ok: false})
		p := filepath.Join(f.st.Root(), "F", origin, "Body", "3", "0.data.json")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b[:len(b)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		plan, err := NewPlan(foreachGraph(), f.st, "F", origin, from)
		if err != nil {
			t.Fatalf("resume %q: %v", from, err)
		}
		if !slices.Equal(plan.Rerun, []string{"Body", "Join", "End"}) {
			t.Errorf("resume %q: Rerun %v; want [Body Join End]", from, plan.Rerun)
		}
		if len(plan.Notes) != 1 || !strings.Contains(plan.Notes[0], "damaged") {
			t.Errorf("resume %q: notes %q", from, plan.Notes)
		}
	}
}

// The parameters cannot be recomputed: their missing blob is an error
// that says to start a new run.
func TestMissingParamsBlob(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(3, task{ok: false})
	if err := os.Remove(f.blobFile(taskPath(origin, ParamsStep, "0"))); err != nil {
		t.Fatal(err)
	}
	_, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err == nil || !strings.Contains(err.Error(), "parameters") || !strings.Contains(err.Error(), "start a new run") {
		t.Errorf("err = %v; want one naming the parameters and the fix", err)
	}
}

// A foreach's item chunks are blobs too: one that is gone reruns the step.
func TestMissingChunkBlob(t *testing.T) {
	f := newFixture(t)
	origin := f.foreachRun(3, task{ok: false})
	p := taskPath(origin, "Start", "1")
	d, err := f.st.ReadTaskData(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	d.Splits = &store.Splits{Field: "Items", Chunks: []store.SplitChunk{{Start: 0, Hash: strings.Repeat("ab", 32), Size: 7}}}
	if err := f.st.WriteTaskData(p, 0, d); err != nil {
		t.Fatal(err)
	}
	plan, err := NewPlan(foreachGraph(), f.st, "F", origin, "")
	if err != nil {
		t.Fatal(err)
	}
	if plan.From != "Start" || len(plan.Notes) != 1 || !strings.Contains(plan.Notes[0], "Items") {
		t.Errorf("From %q, notes %q; want Start rerun for its missing chunk", plan.From, plan.Notes)
	}
}
