package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// fixture writes runs through the real store API, as the runtime does (run
// record, attempt start, logs, data.json, done marker), and serves them.
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

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func (f *fixture) run(flow, user, status string, started time.Time, tags ...string) string {
	f.t.Helper()
	r := &store.Run{Flow: flow, User: user, Namespace: "user:" + user, Status: status, Tags: tags,
		SysTags: []string{"user:" + user}, Started: started, Params: map[string]string{"n": "3"}}
	if status != "running" {
		r.Finished = started.Add(time.Minute)
	}
	id, err := f.st.NewRun(r)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

type attempt struct {
	ok       bool
	arts     map[string]any // string/[]byte values are stored raw, others as JSON
	stdout   string
	noCommit bool
}

func (f *fixture) task(flow, run, step, task string, attempts ...attempt) {
	f.t.Helper()
	p := store.TaskPath{Flow: flow, Run: run, Step: step, Task: task}
	for i, a := range attempts {
		// A started attempt has its logs open (a task opens them first);
		// the commit marker comes last.
		if a.noCommit {
			// Still running: its stderr log stays open (locally the open
			// stderr log's crash file is what shows the attempt started).
			w, err := f.st.CreateLog(p, i, "stderr")
			if err != nil {
				f.t.Fatal(err)
			}
			f.t.Cleanup(func() { w.Close() })
		}
		if a.stdout != "" {
			w, err := f.st.CreateLog(p, i, "stdout")
			if err != nil {
				f.t.Fatal(err)
			}
			io.WriteString(w, a.stdout)
			w.Close()
		}
		if a.noCommit {
			continue
		}
		d := &store.TaskData{Artifacts: map[string]store.Artifact{}}
		for name, v := range a.arts {
			d.Artifacts[name] = f.blob(flow, v)
		}
		if err := f.st.WriteTaskData(p, i, d); err != nil {
			f.t.Fatal(err)
		}
		done := &store.Done{Attempt: i, OK: a.ok, Started: t0, Finished: t0.Add(time.Second)}
		if !a.ok {
			done.Error = "boom"
		}
		if err := f.st.FinishAttempt(p, done); err != nil {
			f.t.Fatal(err)
		}
	}
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
	h, size, err := f.st.PutBlobBytes(flow, b)
	if err != nil {
		f.t.Fatal(err)
	}
	a.Hash, a.Size = h, size
	return a
}

func (f *fixture) client() *client.Client {
	f.t.Helper()
	c, err := client.New(client.WithRoot(f.root), client.WithNamespace(""))
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) server(opt Options) *Server {
	f.t.Helper()
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:8324"
	}
	s, err := New(f.client(), opt)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// do sends a request as the page would (Host of the listen address).
func do(t testing.TB, h http.Handler, method, target string, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Host = "127.0.0.1:8324"
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// get decodes a 200 JSON answer into v.
func get(t testing.TB, h http.Handler, target string, v any) {
	t.Helper()
	w := do(t, h, "GET", target, "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v in %s", target, err, w.Body)
	}
}

// writeHeaders are what the page sends with its one write.
var writeHeaders = []string{"Content-Type", "application/json", "X-Flowc-UI", "1", "Origin", "http://127.0.0.1:8324", "Sec-Fetch-Site", "same-origin"}
