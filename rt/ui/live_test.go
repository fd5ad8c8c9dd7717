package ui

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// events reads a server-sent event stream: each event's name ("" for a
// message) and data.
type events struct {
	t  testing.TB
	sc *bufio.Scanner
}

func openEvents(t testing.TB, url string) (*events, func()) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Host = "127.0.0.1:8324"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return &events{t: t, sc: bufio.NewScanner(resp.Body)}, func() { resp.Body.Close() }
}

// next is the next event; ok false when the stream ended.
func (e *events) next() (name, data string, ok bool) {
	for e.sc.Scan() {
		line := e.sc.Text()
		switch {
		case line == "":
			if data != "" || name != "" {
				return name, data, true
			}
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = line[len("data: "):]
		}
	}
	return "", "", false
}

// state is the next message's run state.
func (e *events) state() *runPage {
	e.t.Helper()
	name, data, ok := e.next()
	if !ok || name != "" {
		e.t.Fatalf("want a state message, got event %q %q (stream open: %v)", name, data, ok)
	}
	var p runPage
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		e.t.Fatalf("state %q: %v", data, err)
	}
	return &p
}

func counts(p *runPage, step string) map[string]int {
	for _, s := range p.Steps {
		if s.Name == step {
			return s.Counts
		}
	}
	return nil
}

// TestLiveEvents: the run page's stream sends the run's state, a new one
// when a task commits, and "end" after the run's final state.
func TestLiveEvents(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "running", t0)
	f.task("F", id, "Start", "1", attempt{ok: true})
	f.task("F", id, "Body", "2", attempt{ok: true})
	f.task("F", id, "Body", "3", attempt{noCommit: true})
	f.task("F", id, "Body", "4", attempt{noCommit: true})
	srv := httptest.NewServer(f.server(Options{}))
	defer srv.Close()
	ev, closeEv := openEvents(t, srv.URL+"/api/runs/F/"+id+"/events")
	defer closeEv()

	if c := counts(ev.state(), "Body"); c["succeeded"] != 1 || c["running"] != 2 {
		t.Fatalf("first state: Body counts %v, want 1 succeeded, 2 running", c)
	}
	commit := func(task string) {
		p := store.TaskPath{Flow: "F", Run: id, Step: "Body", Task: task}
		if err := f.st.WriteTaskData(p, 0, &store.TaskData{Artifacts: map[string]store.Artifact{}}); err != nil {
			t.Fatal(err)
		}
		if err := f.st.FinishAttempt(p, &store.Done{Attempt: 0, OK: true, Started: t0, Finished: t0.Add(time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	commit("3")
	if c := counts(ev.state(), "Body"); c["succeeded"] != 2 || c["running"] != 1 {
		t.Fatalf("after Body/3 committed: counts %v, want 2 succeeded, 1 running", c)
	}
	commit("4")
	if err := f.st.UpdateRun("F", id, func(r *store.Run) error {
		r.Status, r.Finished = "succeeded", t0.Add(time.Minute)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Body/4's commit and the run's end may come in one state or two.
	var last *runPage
	for {
		name, data, ok := ev.next()
		if !ok {
			t.Fatal("the stream closed without an end event")
		}
		if name == "end" {
			break
		}
		last = &runPage{}
		if err := json.Unmarshal([]byte(data), last); err != nil {
			t.Fatal(err)
		}
	}
	if last == nil || last.Run.Status != "succeeded" || counts(last, "Body")["succeeded"] != 3 {
		t.Errorf("last state before end: %+v, want the run succeeded with 3 Body tasks done", last)
	}
	if _, _, ok := ev.next(); ok {
		t.Error("the stream goes on after end")
	}

	// A finished run's stream is its state and end, at once.
	ev2, close2 := openEvents(t, srv.URL+"/api/runs/F/"+id+"/events")
	defer close2()
	ev2.state()
	if name, _, _ := ev2.next(); name != "end" {
		t.Errorf("a finished run's second event = %q, want end", name)
	}
	// Ids are checked before the stream starts.
	if w := do(t, f.server(Options{}), "GET", "/api/runs/F/..%2Fx/events", ""); w.Code != http.StatusBadRequest && w.Code != http.StatusNotFound {
		t.Errorf("a bad run id's stream: %d %s", w.Code, w.Body)
	}
}
