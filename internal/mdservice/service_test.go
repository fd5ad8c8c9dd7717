package mdservice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/jackc/pgx/v5"
)

// env is one service over a fresh database of a shared server.
type env struct {
	t   *testing.T
	svc *Service
	srv *httptest.Server
	tok string
}

func newEnv(t *testing.T, pg *pgtest.Server, token string) *env {
	t.Helper()
	svc, err := New(context.Background(), Config{DatabaseURL: pg.NewDatabase(t), Token: token, HeartbeatTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(func() { srv.Close(); svc.Close() })
	return &env{t: t, svc: svc, srv: srv, tok: token}
}

// do sends one request and decodes a 2xx answer into out; it returns the
// status and the error line of a 4xx/5xx.
func (e *env) do(method, path string, body any, out any) (int, string) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.tok != "" {
		req.Header.Set("Authorization", "Bearer "+e.tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var me mdapi.Error
		if err := json.Unmarshal(data, &me); err != nil || me.Error == "" || strings.Contains(me.Error, "\n") {
			e.t.Errorf("%s %s: %d with a body that is not one error line: %q", method, path, resp.StatusCode, data)
		}
		return resp.StatusCode, me.Error
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %v in %q", method, path, err, data)
		}
	}
	return resp.StatusCode, ""
}

func (e *env) mint(flow, user string, tags ...string) mdapi.Run {
	e.t.Helper()
	var r mdapi.Run
	in := mdapi.Run{User: user, Namespace: "user:" + user, Tags: tags, SysTags: []string{"user:" + user}, Params: map[string]string{"alpha": "1"}}
	if code, msg := e.do("POST", "/v1/flows/"+flow+"/runs", in, &r); code != http.StatusCreated {
		e.t.Fatalf("minting a run of %s: %d %s", flow, code, msg)
	}
	return r
}

func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.svc.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestService runs the API against a real PostgreSQL, one database per
// subtest on one server.
func TestService(t *testing.T) {
	pg := pgtest.Start(t)

	t.Run("MintedIDsArePerFlowAndDistinctUnderConcurrency", func(t *testing.T) {
		e := newEnv(t, pg, "")
		if r := e.mint("A", "alice"); r.ID != "1" || r.Status != "running" || r.User != "alice" || r.Params["alpha"] != "1" {
			t.Fatalf("first run: %+v", r)
		}
		if r := e.mint("B", "bob"); r.ID != "1" {
			t.Fatalf("first run of another flow has id %q, want 1", r.ID)
		}
		var mu sync.Mutex
		var got []string
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				r := e.mint("A", "alice")
				mu.Lock()
				got = append(got, r.ID)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(got)
		got = slices.Compact(got)
		if len(got) != 20 {
			t.Fatalf("20 concurrent mints gave %d distinct ids: %v", len(got), got)
		}
		if r := e.mint("A", "alice"); r.ID != "22" {
			t.Errorf("the run after 21 has id %q", r.ID)
		}
		// A mint sent again with its key (its answer was lost) is the
		// same run.
		for range 2 {
			req, _ := http.NewRequest("POST", e.srv.URL+"/v1/flows/A/runs", strings.NewReader(`{"user": "u", "namespace": "n"}`))
			req.Header.Set(mdapi.IdempotencyHeader, "k1")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var r mdapi.Run
			json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if r.ID != "23" {
				t.Errorf("a mint with key k1 has id %q, want 23 both times", r.ID)
			}
		}
	})

	t.Run("SchedulerIDsRegisterAsGivenOnce", func(t *testing.T) {
		e := newEnv(t, pg, "")
		in := mdapi.Run{User: "sfn", Namespace: "production:x", Execution: "arn:aws:states:exec-1"}
		var r mdapi.Run
		if code, msg := e.do("PUT", "/v1/flows/F/runs/sfn-abc", in, &r); code != 200 || r.ID != "sfn-abc" {
			t.Fatalf("register: %d %s %+v", code, msg, r)
		}
		if code, msg := e.do("PUT", "/v1/flows/F/runs/sfn-abc", in, &r); code != 200 {
			t.Fatalf("registering again (a retried task): %d %s", code, msg)
		}
		in.Execution = "arn:aws:states:exec-2"
		if code, msg := e.do("PUT", "/v1/flows/F/runs/sfn-abc", in, nil); code != http.StatusConflict || !strings.Contains(msg, "exec-1") {
			t.Errorf("another execution's run with the same id: %d %s", code, msg)
		}
		if code, msg := e.do("PUT", "/v1/flows/F/runs/7", in, nil); code != 400 || !strings.Contains(msg, "minted by the service") {
			t.Errorf("registering an integer id: %d %s", code, msg)
		}
		if n := e.count("runs"); n != 1 {
			t.Errorf("%d runs stored, want 1", n)
		}
	})

	t.Run("FinalStatusIsWrittenOnce", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice")
		path := mdapi.RunPath("F", r.ID)
		var got mdapi.Run
		if code, msg := e.do("PATCH", path, mdapi.RunUpdate{Status: "succeeded"}, &got); code != 200 || got.Status != "succeeded" || got.Finished.IsZero() {
			t.Fatalf("finish: %d %s %+v", code, msg, got)
		}
		first := got.Finished
		if code, _ := e.do("PATCH", path, mdapi.RunUpdate{Status: "succeeded"}, &got); code != 200 || !got.Finished.Equal(first) {
			t.Errorf("repeating the final status: %d, finished %v then %v", code, first, got.Finished)
		}
		if code, msg := e.do("PATCH", path, mdapi.RunUpdate{Status: "failed"}, nil); code != 409 || !strings.Contains(msg, "already finished as succeeded") {
			t.Errorf("changing the final status: %d %s", code, msg)
		}
		if code, _ := e.do("PATCH", path, mdapi.RunUpdate{Status: "running"}, nil); code != 400 {
			t.Errorf("PATCH to running: %d", code)
		}
		if code, _ := e.do("PATCH", mdapi.RunPath("F", "99"), mdapi.RunUpdate{Status: "failed"}, nil); code != 404 {
			t.Errorf("finishing a missing run: %d", code)
		}
	})

	t.Run("KilledWhenHeartbeatsStop", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice")
		live := e.mint("F", "bob")
		// As if the service had been up for long, and the run's last
		// heartbeat was two timeouts ago.
		e.svc.started = e.svc.started.Add(-time.Hour)
		if _, err := e.svc.pool.Exec(context.Background(), "UPDATE runs SET heartbeat = now() - interval '2 minutes' WHERE id = $1", r.ID); err != nil {
			t.Fatal(err)
		}
		var got mdapi.Run
		e.do("GET", mdapi.RunPath("F", r.ID), nil, &got)
		if got.Status != "killed" || got.Finished.IsZero() {
			t.Errorf("a run silent for two timeouts: status %q, finished %v", got.Status, got.Finished)
		}
		var list mdapi.RunList
		e.do("GET", "/v1/runs?status=killed", nil, &list)
		if len(list.Runs) != 1 || list.Runs[0].ID != r.ID {
			t.Errorf("listing killed runs: %+v", list.Runs)
		}
		var hb mdapi.Heartbeat
		e.do("POST", mdapi.RunPath("F", live.ID)+"/heartbeat", nil, &hb)
		e.do("GET", mdapi.RunPath("F", live.ID), nil, &got)
		if hb.Status != "running" || got.Status != "running" {
			t.Errorf("a heartbeating run: %q %q", hb.Status, got.Status)
		}
		// A service that just started does not kill runs whose runners
		// could not reach it while it was down.
		e.svc.started = time.Now().Add(time.Second)
		e.do("GET", mdapi.RunPath("F", r.ID), nil, &got)
		if got.Status != "running" {
			t.Errorf("a silent run right after a service start: %q", got.Status)
		}
	})

	t.Run("TagsAreAtomicAndLiteral", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice", "a")
		path := mdapi.RunPath("F", r.ID) + "/tags"
		evil := "x'); DROP TABLE runs; --"
		var got mdapi.Run
		if code, msg := e.do("POST", path, mdapi.TagChange{Add: []string{"b", evil, "a"}, Remove: []string{"a"}}, &got); code != 200 {
			t.Fatalf("tag change: %d %s", code, msg)
		}
		if !slices.Equal(got.Tags, []string{"b", evil}) {
			t.Errorf("tags after add b, %q, a and remove a: %q", evil, got.Tags)
		}
		var list mdapi.RunList
		e.do("GET", "/v1/runs?tag="+strings.ReplaceAll(evil, " ", "+"), nil, &list)
		if len(list.Runs) != 1 {
			t.Errorf("listing by a tag with SQL in it: %d runs", len(list.Runs))
		}
		if code, msg := e.do("POST", path, mdapi.TagChange{Remove: []string{"user:alice"}}, nil); code != 400 || !strings.Contains(msg, "system tag") {
			t.Errorf("removing a system tag: %d %s", code, msg)
		}
		empty := []string{}
		got = mdapi.Run{}
		if code, _ := e.do("POST", path, mdapi.TagChange{Replace: &empty}, &got); code != 200 || len(got.Tags) != 0 || len(got.SysTags) != 1 {
			t.Errorf("replace with nothing: %d %+v", code, got)
		}
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() { e.do("POST", path, mdapi.TagChange{Add: []string{fmt.Sprint("t", i)}}, nil) })
		}
		wg.Wait()
		e.do("GET", mdapi.RunPath("F", r.ID), nil, &got)
		if len(got.Tags) != 20 {
			t.Errorf("20 concurrent tag adds left %d tags: %q", len(got.Tags), got.Tags)
		}
	})

	t.Run("ListingAcrossUsersNamespacesAndPages", func(t *testing.T) {
		e := newEnv(t, pg, "")
		for i := range 5 {
			e.mint("F", "alice", "exp")
			e.mint("G", "bob")
			if i%2 == 0 {
				e.mint("F", "bob", "exp")
			}
		}
		var list mdapi.RunList
		e.do("GET", "/v1/runs", nil, &list)
		if len(list.Runs) != 13 || list.Runs[0].Flow != "F" || list.Runs[0].User != "bob" {
			t.Fatalf("all runs, newest first: %d, first %+v", len(list.Runs), list.Runs[0])
		}
		e.do("GET", "/v1/runs?flow=F&tag=exp&namespace=user:bob", nil, &list)
		if len(list.Runs) != 3 {
			t.Errorf("bob's exp runs of F: %d", len(list.Runs))
		}
		e.do("GET", "/v1/runs?user=alice&tag=user:alice", nil, &list)
		if len(list.Runs) != 5 {
			t.Errorf("alice's runs by system tag: %d", len(list.Runs))
		}
		var seen []string
		next := ""
		for range 10 {
			e.do("GET", "/v1/runs?limit=4"+next, nil, &list)
			for _, r := range list.Runs {
				seen = append(seen, r.Flow+"/"+r.ID)
			}
			if list.Next == "" {
				break
			}
			next = "&after=" + list.Next
		}
		slices.Sort(seen)
		if len(slices.Compact(seen)) != 13 {
			t.Errorf("pages of 4 gave %d distinct runs", len(seen))
		}
		var flows mdapi.FlowList
		e.do("GET", "/v1/flows", nil, &flows)
		if !slices.Equal(flows.Flows, []string{"F", "G"}) {
			t.Errorf("flows: %q", flows.Flows)
		}
	})

	t.Run("AttemptsArtifactsAndTaskStatus", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice")
		ap := func(step, task string, n int) string { return mdapi.AttemptPath("F", r.ID, step, task, n) }
		start := mdapi.AttemptStart{PID: 42, Host: "h", Started: time.Now().UTC(), Inputs: r.ID + "/Start/0",
			ForeachStack: []mdapi.ForeachFrame{{Step: "Start", Index: 1, NumSplits: 3}}}
		if code, msg := e.do("PUT", ap("A", "2", 0), start, nil); code != 200 {
			t.Fatalf("start: %d %s", code, msg)
		}
		if code, msg := e.do("PUT", ap("A", "2", 0), start, nil); code != 200 {
			t.Fatalf("the same start again: %d %s", code, msg)
		}
		other := start
		other.PID = 43
		if code, _ := e.do("PUT", ap("A", "2", 0), other, nil); code != 409 {
			t.Errorf("another start of the same attempt: %d", code)
		}
		var task mdapi.Task
		e.do("GET", mdapi.TaskPath("F", r.ID, "A", "2"), nil, &task)
		if task.Status != "running" || len(task.Attempts) != 1 || task.ForeachStack[0].Index != 1 {
			t.Errorf("a started task: %+v", task)
		}
		failed := mdapi.AttemptDone{OK: false, Finished: time.Now().UTC(), Error: "boom"}
		e.do("PUT", ap("A", "2", 0)+"/done", failed, nil)
		e.do("GET", mdapi.TaskPath("F", r.ID, "A", "2"), nil, &task)
		if task.Status != "failed" || task.Winner != nil {
			t.Errorf("after a failed attempt: %+v", task)
		}
		e.do("PUT", ap("A", "2", 1), start, nil)
		hash := strings.Repeat("ab", 32)
		done := mdapi.AttemptDone{OK: true, Finished: time.Now().UTC(),
			Artifacts: map[string]mdapi.Artifact{"X": {Hash: hash, Type: "int", Size: 2, Encoding: "json"}, "Y": {Hash: hash, Type: "string", Size: 5}},
			Logs:      []mdapi.LogLocation{{Stream: "stdout", Location: "F/1/A/2/1.stdout"}}}
		if code, msg := e.do("PUT", ap("A", "2", 1)+"/done", done, nil); code != 200 {
			t.Fatalf("done: %d %s", code, msg)
		}
		if code, msg := e.do("PUT", ap("A", "2", 1)+"/done", done, nil); code != 200 {
			t.Errorf("the same done again (a retry): %d %s", code, msg)
		}
		changed := done
		changed.Error = "x"
		if code, _ := e.do("PUT", ap("A", "2", 1)+"/done", changed, nil); code != 409 {
			t.Errorf("another done of a finished attempt: %d", code)
		}
		var a mdapi.Attempt
		e.do("GET", ap("A", "2", 1), nil, &a)
		if a.Done == nil || len(a.Done.Artifacts) != 2 || a.Done.Artifacts["X"].Hash != hash || a.Done.Logs[0].Location != "F/1/A/2/1.stdout" || a.PID != 42 {
			t.Errorf("attempt read back: %+v", a)
		}
		e.do("GET", mdapi.TaskPath("F", r.ID, "A", "2"), nil, &task)
		if task.Status != "succeeded" || task.Winner == nil || *task.Winner != 1 {
			t.Errorf("after a successful retry: %+v", task)
		}
		if code, msg := e.do("PUT", ap("A", "3", 0)+"/done", done, nil); code != 404 || !strings.Contains(msg, "never started") {
			t.Errorf("done of an attempt never started: %d %s", code, msg)
		}
		if code, _ := e.do("PUT", mdapi.AttemptPath("F", "404", "A", "0", 0), start, nil); code != 404 {
			t.Errorf("an attempt of a run never recorded: %d", code)
		}
		e.do("PUT", ap("Start", "0", 0), start, nil)
		var steps mdapi.StepList
		e.do("GET", mdapi.RunPath("F", r.ID)+"/steps", nil, &steps)
		if !slices.Equal(steps.Steps, []string{"A", "Start"}) {
			t.Errorf("steps: %q", steps.Steps)
		}
		var tasks mdapi.TaskList
		e.do("GET", mdapi.RunPath("F", r.ID)+"/tasks?step=A", nil, &tasks)
		if len(tasks.Tasks) != 1 {
			t.Errorf("tasks of A: %+v", tasks.Tasks)
		}
	})

	// A task that died between recording its end and writing its marker:
	// its scheduler's uncommitted end replaces the recorded one, and takes
	// back the winner it made; the next attempt that ends well wins.
	t.Run("AnUncommittedEndReplacesTheRecordedOne", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice")
		ap := func(n int) string { return mdapi.AttemptPath("F", r.ID, "A", "0", n) }
		start := mdapi.AttemptStart{PID: 42, Started: time.Now().UTC()}
		hash := strings.Repeat("ab", 32)
		ok := mdapi.AttemptDone{OK: true, Finished: time.Now().UTC(), Origin: "1/A/0",
			Artifacts: map[string]mdapi.Artifact{"X": {Hash: hash, Type: "int", Size: 2}}}
		e.do("PUT", ap(0), start, nil)
		if code, msg := e.do("PUT", ap(0)+"/done", ok, nil); code != 200 {
			t.Fatalf("done: %d %s", code, msg)
		}
		lost := mdapi.AttemptDone{OK: false, Finished: time.Now().UTC(), Error: "the task process exited (signal: killed) without committing"}
		if code, _ := e.do("PUT", ap(0)+"/done", lost, nil); code != 409 {
			t.Errorf("a different end, not marked uncommitted: %d, want 409", code)
		}
		bad := lost
		bad.Uncommitted, bad.OK = true, true
		if code, _ := e.do("PUT", ap(0)+"/done", bad, nil); code != 400 {
			t.Errorf("an uncommitted end that says ok: %d, want 400", code)
		}
		lost.Uncommitted = true
		for range 2 { // and again, as a retry would
			if code, msg := e.do("PUT", ap(0)+"/done", lost, nil); code != 200 {
				t.Fatalf("the uncommitted end: %d %s", code, msg)
			}
		}
		var task mdapi.Task
		e.do("GET", mdapi.TaskPath("F", r.ID, "A", "0"), nil, &task)
		if task.Status != "failed" || task.Winner != nil || task.Origin != "" || len(task.Attempts) != 1 ||
			task.Attempts[0].Done == nil || task.Attempts[0].Done.OK || task.Attempts[0].Done.Artifacts != nil || task.Attempts[0].Done.Uncommitted {
			t.Errorf("after the uncommitted end: %+v", task)
		}
		e.do("PUT", ap(1), start, nil)
		if code, msg := e.do("PUT", ap(1)+"/done", ok, nil); code != 200 {
			t.Fatalf("the retry's end: %d %s", code, msg)
		}
		e.do("GET", mdapi.TaskPath("F", r.ID, "A", "0"), nil, &task)
		if task.Status != "succeeded" || task.Winner == nil || *task.Winner != 1 || task.Origin != "1/A/0" {
			t.Errorf("after the retry: %+v", task)
		}
		// An uncommitted end of another attempt leaves the winner alone.
		e.do("PUT", ap(2), start, nil)
		e.do("PUT", ap(2)+"/done", lost, nil)
		e.do("GET", mdapi.TaskPath("F", r.ID, "A", "0"), nil, &task)
		if task.Winner == nil || *task.Winner != 1 {
			t.Errorf("after another attempt's uncommitted end: winner %v, want 1", task.Winner)
		}
	})

	t.Run("TokenIsRequired", func(t *testing.T) {
		e := newEnv(t, pg, "s3cret")
		e.mint("F", "alice")
		e.tok = "wrong"
		if code, msg := e.do("GET", "/v1/runs", nil, nil); code != 401 || !strings.Contains(msg, mdapi.TokenEnv) {
			t.Errorf("a wrong token: %d %s", code, msg)
		}
		e.tok = ""
		if code, _ := e.do("POST", "/v1/flows/F/runs", mdapi.Run{User: "x", Namespace: "y"}, nil); code != 401 {
			t.Errorf("no token: %d", code)
		}
		if code, _ := e.do("GET", "/healthz", nil, nil); code != 200 {
			t.Errorf("health without a token: %d", code)
		}
		if n := e.count("runs"); n != 1 {
			t.Errorf("%d runs stored, want 1", n)
		}
	})

	t.Run("BadInputIs4xxAndStoresNothing", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice")
		long := strings.Repeat("x", 300)
		start := mdapi.AttemptStart{Started: time.Now()}
		cases := []struct {
			method, path string
			body         any
			code         int
		}{
			{"POST", "/v1/flows/../runs", mdapi.Run{User: "a", Namespace: "n"}, 400},
			{"GET", "/v1/flows/F/runs/1/../../G/runs/1", nil, 400},
			{"POST", "/v1/flows/F%2F..%2Fx/runs", mdapi.Run{User: "a", Namespace: "n"}, 400},
			{"PUT", "/v1/flows/F/runs/" + long, mdapi.Run{User: "a", Namespace: "n"}, 400},
			{"PUT", "/v1/flows/F/runs/x';DROP%20TABLE%20runs;--", mdapi.Run{User: "a", Namespace: "n"}, 400},
			{"PUT", mdapi.AttemptPath("F", r.ID, "S", "t;--", 0), start, 400},
			{"PUT", mdapi.AttemptPath("F", r.ID, long, "0", 0), start, 400},
			{"POST", "/v1/flows/F/runs", `{"user": "a", "namespace":`, 400},
			{"POST", "/v1/flows/F/runs", `{"user": "a", "namespace": "n", "sneaky": 1}`, 400},
			{"POST", "/v1/flows/F/runs", `{"user": "a", "namespace": "n"} {}`, 400},
			{"POST", "/v1/flows/F/runs", mdapi.Run{User: "a", Namespace: "n", Tags: []string{"two\nlines"}}, 400},
			{"POST", "/v1/flows/F/runs", mdapi.Run{User: "a", Namespace: "n", Tags: []string{long + long}}, 400},
			{"POST", "/v1/flows/F/runs", mdapi.Run{User: "", Namespace: "n"}, 400},
			{"POST", "/v1/flows/F/runs", mdapi.Run{User: "a", Namespace: "n", Status: "weird"}, 400},
			{"POST", "/v1/flows/F/runs", mdapi.Run{ID: "5", User: "a", Namespace: "n"}, 400},
			{"POST", "/v1/flows/F/runs", strings.Repeat(" ", maxBody+1), 413},
			{"POST", mdapi.RunPath("F", r.ID) + "/tags", mdapi.TagChange{Add: []string{" "}}, 400},
			{"PUT", mdapi.AttemptPath("F", r.ID, "S", "0", -1), start, 400},
			{"PUT", "/v1/flows/F/runs/" + r.ID + "/steps/S/tasks/0/attempts/1e3", start, 400},
			{"GET", "/v1/runs?limit=100000", nil, 400},
			{"GET", "/v1/runs?bogus=1", nil, 400},
			{"GET", "/v1/nothing", nil, 404},
		}
		for _, c := range cases {
			if code, _ := e.do(c.method, c.path, c.body, nil); code != c.code {
				t.Errorf("%s %s: %d, want %d", c.method, clip(c.path), code, c.code)
			}
		}
		done := mdapi.AttemptDone{OK: true, Finished: time.Now(), Artifacts: map[string]mdapi.Artifact{"X": {Hash: "../../etc/passwd", Type: "int"}}}
		e.do("PUT", mdapi.AttemptPath("F", r.ID, "S", "0", 0), start, nil)
		if code, _ := e.do("PUT", mdapi.AttemptPath("F", r.ID, "S", "0", 0)+"/done", done, nil); code != 400 {
			t.Errorf("an artifact with a bad hash: %d", code)
		}
		if n, m := e.count("runs"), e.count("attempts WHERE artifacts IS NOT NULL"); n != 1 || m != 0 {
			t.Errorf("%d runs and %d artifacts stored, want 1 and 0", n, m)
		}
	})

	t.Run("ConcurrentStartsMigrateOnce", func(t *testing.T) {
		url := pg.NewDatabase(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				svc, err := New(context.Background(), Config{DatabaseURL: url})
				if err == nil {
					svc.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("a concurrent start: %v", err)
			}
		}
		svc, err := New(context.Background(), Config{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close()
		var n int
		svc.pool.QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n)
		if n != SchemaVersion() || svc.Schema() != SchemaVersion() {
			t.Errorf("%d migrations recorded, schema %d, want %d", n, svc.Schema(), SchemaVersion())
		}
		svc.pool.Exec(context.Background(), "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
		if _, err := New(context.Background(), Config{DatabaseURL: url}); err == nil || !strings.Contains(err.Error(), "newer than this flowc's") {
			t.Errorf("a database from a newer flowc: %v", err)
		}
	})

	// A database written by a service at schema 3, whose artifact index
	// entries had a table of their own: migration 4 moves them into their
	// attempts, and they read back as they were written.
	t.Run("ArtifactsMoveIntoTheirAttempts", func(t *testing.T) {
		url := pg.NewDatabase(t)
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		ms, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms[:3] {
			if _, err := conn.Exec(ctx, m.sql); err != nil {
				t.Fatalf("%s: %v", m.name, err)
			}
		}
		hash := strings.Repeat("ab", 32)
		_, err = conn.Exec(ctx, `
			CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now());
			INSERT INTO schema_migrations (version, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');
			INSERT INTO flows (name, last_run) VALUES ('F', 1);
			INSERT INTO runs (flow, id, user_name, namespace, status, started) VALUES ('F', '1', 'alice', 'user:alice', 'running', now());
			INSERT INTO tasks (flow, run, step, task, winner) VALUES ('F', '1', 'S', '0', 1);
			INSERT INTO attempts (flow, run, step, task, attempt, start, started, done, ok, finished) VALUES
				('F', '1', 'S', '0', 0, '{"started": "2026-01-01T00:00:00Z"}', now(), '{"ok": false, "finished": "2026-01-01T00:00:01Z"}', false, now()),
				('F', '1', 'S', '0', 1, '{"started": "2026-01-01T00:00:02Z"}', now(), '{"ok": true, "finished": "2026-01-01T00:00:03Z"}', true, now());
			INSERT INTO artifacts (flow, run, step, task, attempt, name, hash, type, size, encoding) VALUES
				('F', '1', 'S', '0', 1, 'x', '`+hash+`', 'int', 1, ''),
				('F', '1', 'S', '0', 1, 'df', '`+hash+`', 'table', 2000, 'arrow')`)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := New(ctx, Config{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(svc.Handler())
		defer func() { srv.Close(); svc.Close() }()
		e := &env{t: t, svc: svc, srv: srv}
		var task mdapi.Task
		if code, msg := e.do("GET", mdapi.TaskPath("F", "1", "S", "0"), nil, &task); code != 200 {
			t.Fatalf("reading the task: %d %s", code, msg)
		}
		want := map[string]mdapi.Artifact{"x": {Hash: hash, Type: "int", Size: 1}, "df": {Hash: hash, Type: "table", Size: 2000, Encoding: "arrow"}}
		switch {
		case len(task.Attempts) != 2 || task.Attempts[0].Done == nil || task.Attempts[1].Done == nil:
			t.Fatalf("attempts after the migration: %+v", task.Attempts)
		case task.Attempts[0].Done.Artifacts != nil:
			t.Errorf("the failed attempt has artifacts %v, want none", task.Attempts[0].Done.Artifacts)
		case !maps.Equal(task.Attempts[1].Done.Artifacts, want):
			t.Errorf("the winner's artifacts after the migration: %v, want %v", task.Attempts[1].Done.Artifacts, want)
		}
		var table *string
		conn.QueryRow(ctx, "SELECT to_regclass('artifacts')::text").Scan(&table)
		if table != nil {
			t.Errorf("the artifacts table is still there after migration 4")
		}
	})

	t.Run("SurvivesAPostgreSQLRestart", func(t *testing.T) {
		own := pgtest.Start(t)
		svc, err := New(context.Background(), Config{DatabaseURL: own.URL})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(svc.Handler())
		defer func() { srv.Close(); svc.Close() }()
		e := &env{t: t, svc: svc, srv: srv}
		r := e.mint("F", "alice")
		own.Kill()
		if code, _ := e.do("GET", mdapi.RunPath("F", r.ID), nil, nil); code != 503 {
			t.Errorf("with PostgreSQL down: %d, want 503 (clients retry it)", code)
		}
		own.Restart()
		var got mdapi.Run
		if code, msg := e.do("GET", mdapi.RunPath("F", r.ID), nil, &got); code != 200 || got.ID != r.ID {
			t.Errorf("after PostgreSQL restarted: %d %s", code, msg)
		}
	})
}
