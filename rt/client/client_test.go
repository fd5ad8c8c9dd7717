package client

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

var ctx = context.Background()

func TestLatestRunsRespectStatusAndNamespace(t *testing.T) {
	f := newFixture(t)
	ok1 := f.simpleRun("F", "user:alice", "succeeded", true, nil)
	f.simpleRun("F", "user:alice", "failed", false, nil)
	bobs := f.simpleRun("F", "user:bob", "succeeded", true, nil)
	endFailed := f.simpleRun("F", "user:alice", "succeeded", false, nil) // record says so, End says no
	running := f.run("F", "user:alice", "running")

	c := f.client()
	latest, err := c.Flow("F").LatestRun(ctx)
	if err != nil || latest.ID() != running {
		t.Fatalf("LatestRun = %v, %v; want run %s", latest, err, running)
	}
	if latest.Finished() || latest.Successful() {
		t.Errorf("a running run is neither finished nor successful")
	}
	good, err := c.Flow("F").LatestSuccessfulRun(ctx)
	if err != nil || good.ID() != ok1 {
		t.Fatalf("LatestSuccessfulRun = %v, %v; want run %s (run %s's End failed, run %s is bob's)", good, err, ok1, endFailed, bobs)
	}
	if !good.Successful() || !good.Finished() || good.Namespace() != "user:alice" {
		t.Errorf("run %s: Successful %v Finished %v Namespace %q", good.ID(), good.Successful(), good.Finished(), good.Namespace())
	}

	c.Namespace("")
	good, err = c.Flow("F").LatestSuccessfulRun(ctx)
	if err != nil || good.ID() != bobs {
		t.Fatalf("global LatestSuccessfulRun = %v, %v; want bob's run %s", good, err, bobs)
	}
}

func TestNoRunInNamespace(t *testing.T) {
	f := newFixture(t)
	f.simpleRun("F", "user:bob", "succeeded", true, nil)
	_, err := f.client().Flow("F").LatestSuccessfulRun(ctx)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"user:alice"`) {
		t.Fatalf("err = %v; want not found naming the namespace", err)
	}
	_, err = f.client().Flow("Nope").LatestRun(ctx)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `flow "Nope"`) {
		t.Fatalf("unknown flow: err = %v", err)
	}
}

func TestRunLookup(t *testing.T) {
	f := newFixture(t)
	bobs := f.simpleRun("F", "user:bob", "succeeded", true, nil)
	c := f.client()

	_, err := c.Flow("F").Run(ctx, bobs)
	var nin *NotInNamespace
	if !errors.As(err, &nin) {
		t.Fatalf("err = %v; want a *NotInNamespace", err)
	}
	for _, want := range []string{`run ` + bobs + ` of flow "F"`, `"user:bob"`, `"user:alice"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %s", err, want)
		}
	}

	_, err = c.Flow("F").Run(ctx, "7")
	if !errors.Is(err, ErrNotFound) || err.Error() != `flow "F" has no run "7"` {
		t.Errorf("missing run: err = %v", err)
	}
	if _, err := c.Flow("F").Run(ctx, "../x"); err == nil {
		t.Errorf("a path-traversal run id must be rejected")
	}

	c.Namespace("user:bob")
	r, err := c.Flow("F").Run(ctx, bobs)
	if err != nil || r.ID() != bobs || r.Path() != "F/"+bobs {
		t.Fatalf("Run = %v, %v", r, err)
	}
}

func TestRunsTagsNewestFirst(t *testing.T) {
	f := newFixture(t)
	a := f.run("F", "user:alice", "succeeded", "x")
	f.run("F", "user:alice", "succeeded", "y")
	c := f.run("F", "user:alice", "failed", "x", "z")
	f.run("F", "user:bob", "succeeded", "x")

	ids := func(runs []*Run) (out []string) {
		for _, r := range runs {
			out = append(out, r.ID())
		}
		return out
	}
	runs, err := f.client().Flow("F").Runs(ctx, "x")
	if err != nil || !slices.Equal(ids(runs), []string{c, a}) {
		t.Errorf("Runs(x) = %v, %v; want [%s %s]", ids(runs), err, c, a)
	}
	runs, _ = f.client().Flow("F").Runs(ctx, "x", "runtime:flowc-test", "z")
	if !slices.Equal(ids(runs), []string{c}) {
		t.Errorf("Runs(x, sys tag, z) = %v; want [%s]", ids(runs), c)
	}
	runs, _ = f.client().Flow("F").Runs(ctx)
	if len(runs) != 3 {
		t.Errorf("Runs() = %v; want alice's three", ids(runs))
	}
}

func TestData(t *testing.T) {
	f := newFixture(t)
	stats := map[string][]float64{"Drama": {1, 2.5}}
	id := f.simpleRun("F", "user:alice", "succeeded", true, map[string]any{
		"GenreStats": stats, "Title": "hello", "Blob": []byte{0, 1, 2}, "N": 42,
	})
	run, err := f.client().Flow("F").Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string][]float64
	if err := run.Data(ctx, "GenreStats", &got); err != nil || got["Drama"][1] != 2.5 {
		t.Errorf("GenreStats = %v, %v", got, err)
	}
	var s string
	if err := run.Data(ctx, "Title", &s); err != nil || s != "hello" {
		t.Errorf("Title = %q, %v", s, err)
	}
	var b []byte
	if err := run.Data(ctx, "Blob", &b); err != nil || string(b) != "\x00\x01\x02" {
		t.Errorf("Blob = %v, %v", b, err)
	}
	var anyV any
	if err := run.Data(ctx, "Title", &anyV); err != nil || anyV != "hello" {
		t.Errorf("Title as any = %#v, %v", anyV, err)
	}
	var n int
	if err := run.Data(ctx, "Title", &n); err == nil || !strings.Contains(err.Error(), "*[]byte or *string") {
		t.Errorf("raw into *int: err = %v", err)
	}
	err = run.Data(ctx, "Nope", &n)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `no artifact "Nope"; it has: Blob, GenreStats, N, Title`) {
		t.Errorf("missing artifact: err = %v", err)
	}
	names, err := run.Step("End").Task(ctx).Artifacts(ctx)
	if err != nil || !slices.Equal(names, []string{"Blob", "GenreStats", "N", "Title"}) {
		t.Errorf("Artifacts = %v, %v", names, err)
	}
}

func TestReadArtifact(t *testing.T) {
	f := newFixture(t)
	id := f.simpleRun("F", "user:alice", "succeeded", true, map[string]any{"Title": "hello", "N": 42})
	run, _ := f.client().Flow("F").Run(ctx, id)
	var src rt.ArtifactSource = run
	var title string
	found, err := src.ReadArtifact(ctx, "Title", func(r *codec.Reader, size int64) error {
		return r.ReadRawStringTo(&title, size)
	})
	if !found || err != nil || title != "hello" {
		t.Errorf("ReadArtifact(Title) = %v, %v, %q", found, err, title)
	}
	found, err = src.ReadArtifact(ctx, "Missing", func(*codec.Reader, int64) error { return nil })
	if found || err != nil {
		t.Errorf("missing artifact: found %v err %v; want false, nil", found, err)
	}

	// Replace N's blob by another valid blob: the hash check must catch it
	// even though decode reads nothing.
	end := run.Step("End").Task(ctx)
	d, err := end.taskData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := f.blob("F", "something else entirely")
	blobPath := func(h string) string { return filepath.Join(f.root, "F", "data", h[:2], h) }
	data, err := os.ReadFile(blobPath(other.Hash))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blobPath(d.Artifacts["N"].Hash), data, 0o666); err != nil {
		t.Fatal(err)
	}
	_, err = src.ReadArtifact(ctx, "N", func(*codec.Reader, int64) error { return nil })
	if !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("corrupt blob: err = %v; want ErrCorrupt", err)
	}
	// The reader removed the damaged blob (so the next writer replaces it);
	// damage it again for Data.
	if err := os.WriteFile(blobPath(d.Artifacts["N"].Hash), data, 0o666); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := run.Data(ctx, "N", &n); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("corrupt blob via Data: err = %v; want ErrCorrupt", err)
	}
}

func TestRunWithoutEnd(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "user:alice", "failed")
	f.task("F", id, "Start", "1", attempt{ok: false, stderr: "panic: x\n", failure: &rt.Failure{Type: "panic", Message: "x"}})
	run, _ := f.client().Flow("F").Run(ctx, id)
	var v any
	err := run.Data(ctx, "X", &v)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `has no "End" task`) {
		t.Errorf("Data on a run without End: err = %v", err)
	}
	_, err = run.ReadArtifact(ctx, "X", func(*codec.Reader, int64) error { return nil })
	if err == nil {
		t.Errorf("ReadArtifact on a run without End must fail, not load an empty flow")
	}
	task := run.Step("Start").Task(ctx)
	if task.Successful() || !task.Finished() || task.Failure() == nil || task.Failure().Message != "x" {
		t.Errorf("failed task: Successful %v Finished %v Failure %v", task.Successful(), task.Finished(), task.Failure())
	}
	if s, err := task.Stderr(ctx); err != nil || s != "panic: x\n" {
		t.Errorf("Stderr = %q, %v", s, err)
	}
}

func TestStepAndTask(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "user:alice", "succeeded")
	f.task("F", id, "Start", "1",
		attempt{ok: false, stdout: "first try\n"},
		attempt{ok: true, stdout: "second try\n", arts: map[string]any{"A": 1}})
	f.task("F", id, "Body", "2", attempt{ok: true, parents: []string{id + "/Start/1"}})
	f.task("F", id, "Body", "10", attempt{ok: true, parents: []string{id + "/Start/1"}})
	f.task("F", id, "Body", "3", attempt{noCommit: true})
	run, _ := f.client().Flow("F").Run(ctx, id)

	start := run.Step("Start").Task(ctx)
	if out, err := start.Stdout(ctx); err != nil || out != "second try\n" {
		t.Errorf("Stdout = %q, %v; want the latest attempt's", out, err)
	}
	if start.Attempt() != 1 || start.Path() != "F/"+id+"/Start/1" || !start.Successful() {
		t.Errorf("Start task: attempt %d path %s ok %v", start.Attempt(), start.Path(), start.Successful())
	}

	tasks, err := run.Step("Body").Tasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range tasks {
		got = append(got, tk.ID())
	}
	if !slices.Equal(got, []string{"2", "3", "10"}) {
		t.Errorf("Body tasks = %v; want numeric order", got)
	}
	if tasks[1].Finished() {
		t.Errorf("a task without a done marker is not finished")
	}
	if _, err := tasks[1].Artifacts(ctx); err == nil || !strings.Contains(err.Error(), "has not finished") {
		t.Errorf("Artifacts of an unfinished task: err = %v", err)
	}
	parents, err := tasks[2].ParentTasks(ctx)
	if err != nil || len(parents) != 1 || parents[0].Path() != start.Path() {
		t.Errorf("ParentTasks = %v, %v", parents, err)
	}

	steps, err := run.Steps(ctx)
	if err != nil || len(steps) != 2 {
		t.Errorf("Steps = %v, %v; want Body, Start", steps, err)
	}

	missing := run.Step("Foo").Task(ctx)
	want := `run ` + id + ` of flow "F" has no step "Foo"`
	if _, err := missing.Stdout(ctx); err == nil || err.Error() != want || !errors.Is(err, ErrNotFound) {
		t.Errorf("missing step: err = %v; want %s", err, want)
	}
	if missing.Err() == nil || missing.Successful() {
		t.Errorf("a missing step's task carries the error")
	}
}

func TestCloneOrigin(t *testing.T) {
	f := newFixture(t)
	origin := f.simpleRun("F", "user:alice", "failed", false, nil)
	resumed := f.run("F", "user:alice", "succeeded")
	src := store.TaskPath{Flow: "F", Run: origin, Step: "Start", Task: "1"}
	if err := f.st.CloneTask(src, store.TaskPath{Flow: "F", Run: resumed, Step: "Start", Task: "5"}); err != nil {
		t.Fatal(err)
	}
	run, _ := f.client().Flow("F").Run(ctx, resumed)
	task := run.Step("Start").Task(ctx)
	if task.Origin() != "F/"+origin+"/Start/1" {
		t.Errorf("Origin = %q", task.Origin())
	}
	o, err := task.OriginTask(ctx)
	if err != nil || o.Path() != "F/"+origin+"/Start/1" {
		t.Errorf("OriginTask = %v, %v", o, err)
	}
	if out, err := task.Stdout(ctx); err != nil || out != "hello from start\n" {
		t.Errorf("a clone's Stdout = %q, %v; want its origin's", out, err)
	}
}

func TestConfig(t *testing.T) {
	f := newFixture(t)
	f.simpleRun("F", "user:carol", "succeeded", true, nil)

	t.Setenv("FLOWC_DATASTORE_ROOT", f.root)
	t.Setenv("FLOWC_USER", "carol")
	os.Unsetenv("FLOWC_NAMESPACE")
	c, err := New(FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.CurrentNamespace() != "user:carol" || c.Root() != f.root {
		t.Errorf("namespace %q root %q", c.CurrentNamespace(), c.Root())
	}
	if _, err := c.Flow("F").LatestSuccessfulRun(ctx); err != nil {
		t.Errorf("carol's run: %v", err)
	}

	t.Setenv("FLOWC_NAMESPACE", "")
	if c, _ := New(FromEnv()); c.CurrentNamespace() != "" {
		t.Errorf("FLOWC_NAMESPACE=\"\" must select the global namespace, got %q", c.CurrentNamespace())
	}
	t.Setenv("FLOWC_NAMESPACE", "production:abc")
	if c, _ := New(FromEnv(), WithNamespace("user:x")); c.CurrentNamespace() != "user:x" {
		t.Errorf("later options win: got %q", c.CurrentNamespace())
	}

	// A missing root is not created by reading it.
	missing := filepath.Join(t.TempDir(), "nothing")
	c, err = New(WithRoot(missing))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Flow("F").LatestRun(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty datastore: err = %v", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("New created %s", missing)
	}
}
