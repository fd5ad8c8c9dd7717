package client

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// fixture writes runs through the real store API into a temp root, the way
// the runtime does: run record, attempt start, logs, data.json, done marker.
type fixture struct {
	t    testing.TB
	root string
	st   *store.Store
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	root := t.TempDir()
	st, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, root: root, st: st}
}

func (f *fixture) client(opts ...Option) *Client {
	f.t.Helper()
	c, err := New(append([]Option{WithRoot(f.root), WithNamespace("user:alice")}, opts...)...)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func (f *fixture) run(flow, namespace, status string, tags ...string) string {
	f.t.Helper()
	r := &store.Run{Flow: flow, User: "u", Namespace: namespace, Status: status, Tags: tags,
		SysTags: []string{namespace, "runtime:flowc-test"}, Started: t0}
	if status != "running" {
		r.Finished = t0.Add(time.Minute)
	}
	id, err := f.st.NewRun(r)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// attempt describes one attempt of a task.
type attempt struct {
	ok       bool
	arts     map[string]any // string/[]byte values are stored raw, others as JSON
	parents  []string
	stdout   string
	stderr   string
	failure  *rt.Failure
	noCommit bool // crashed: no done marker
}

func (f *fixture) task(flow, run, step, task string, attempts ...attempt) store.TaskPath {
	f.t.Helper()
	p := store.TaskPath{Flow: flow, Run: run, Step: step, Task: task}
	for i, a := range attempts {
		for stream, text := range map[string]string{"stdout": a.stdout, "stderr": a.stderr} {
			if text == "" {
				continue
			}
			w, err := f.st.CreateLog(p, i, stream)
			if err != nil {
				f.t.Fatal(err)
			}
			io.WriteString(w, text)
			w.Close()
		}
		d := &store.TaskData{Artifacts: map[string]store.Artifact{}, Parents: a.parents}
		for name, v := range a.arts {
			d.Artifacts[name] = f.blob(flow, v)
		}
		if err := f.st.WriteTaskData(p, i, d); err != nil {
			f.t.Fatal(err)
		}
		if a.noCommit {
			continue // crashed before its marker
		}
		done := &store.Done{Attempt: i, OK: a.ok, Started: t0, Finished: t0.Add(time.Second), Failure: a.failure}
		if !a.ok {
			done.Error = "boom"
		}
		if err := f.st.FinishAttempt(p, done); err != nil {
			f.t.Fatal(err)
		}
	}
	return p
}

func (f *fixture) blob(flow string, v any) store.Artifact {
	f.t.Helper()
	var b []byte
	a := store.Artifact{Encoding: rt.EncodingRaw}
	switch v := v.(type) {
	case string:
		b, a.Type = []byte(v), "string"
	case []byte:
		b, a.Type = v, "[]byte"
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			f.t.Fatal(err)
		}
		a.Encoding, a.Type = rt.EncodingJSON, fmt.Sprintf("%T", v)
	}
	h, size, err := f.st.PutBlob(flow, func(w io.Writer) error { _, err := w.Write(b); return err })
	if err != nil {
		f.t.Fatal(err)
	}
	a.Hash, a.Size = h, size
	return a
}

// simpleRun writes a complete Start -> End run whose End has the given
// artifacts and returns its id.
func (f *fixture) simpleRun(flow, namespace, status string, endOK bool, arts map[string]any) string {
	f.t.Helper()
	id := f.run(flow, namespace, status)
	f.task(flow, id, "_parameters", "0", attempt{ok: true})
	f.task(flow, id, "Start", "1", attempt{ok: true, parents: []string{id + "/_parameters/0"}, stdout: "hello from start\n"})
	f.task(flow, id, "End", "2", attempt{ok: endOK, arts: arts, parents: []string{id + "/Start/1"}})
	return id
}
