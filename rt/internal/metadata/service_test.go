package metadata

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/internal/mdservice"
	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// serve runs the service on addr ("127.0.0.1:0" for any port) until the
// returned stop is called.
func serve(t *testing.T, dbURL, addr, token string) (base string, stop func()) {
	t.Helper()
	return serveFor(t, dbURL, addr, token, time.Minute)
}

// serveFor is serve with a heartbeat timeout.
func serveFor(t *testing.T, dbURL, addr, token string, timeout time.Duration) (base string, stop func()) {
	t.Helper()
	svc, err := mdservice.New(context.Background(), mdservice.Config{DatabaseURL: dbURL, Token: token, HeartbeatTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: svc.Handler()}
	go srv.Serve(l)
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			srv.Close()
			svc.Close()
		}
	}
	t.Cleanup(stop)
	return "http://" + l.Addr().String(), stop
}

func TestServiceProvider(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()
	db := pg.NewDatabase(t)
	base, stop := serve(t, db, "127.0.0.1:0", "tok")
	var p Provider = NewService(base, "tok")

	newRun := func(user string) *store.Run {
		r := &store.Run{Flow: "F", User: user, Namespace: "user:" + user, SysTags: []string{"user:" + user}, Status: "running", Started: time.Now(), Tags: []string{"a"}}
		if _, err := p.NewRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := newRun("alice"), newRun("bob")
	if a.ID != "1" || b.ID != "2" {
		t.Fatalf("minted ids %q %q", a.ID, b.ID)
	}
	got, err := p.GetRun(ctx, "F", "1")
	if err != nil || got.User != "alice" || got.Status != "running" || !slices.Equal(got.Tags, []string{"a"}) {
		t.Fatalf("GetRun: %+v %v", got, err)
	}
	if _, err := p.GetRun(ctx, "F", "99"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing run: %v", err)
	}
	tags, err := p.ChangeTags(ctx, "F", "1", []string{"b"}, []string{"a"})
	if err != nil || !slices.Equal(tags, []string{"b"}) {
		t.Errorf("ChangeTags: %q %v", tags, err)
	}
	if _, err := p.ChangeTags(ctx, "F", "1", nil, []string{"user:alice"}); err == nil || !strings.Contains(err.Error(), "system tag") {
		t.Errorf("removing a system tag: %v", err)
	}
	for range 150 {
		newRun("carol")
	}
	var ids []string
	for r, err := range p.Runs(ctx, Query{Flow: "F"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if len(ids) != 152 || ids[0] != "152" || ids[151] != "1" {
		t.Errorf("all runs over pages: %d, first %s", len(ids), ids[0])
	}
	n := 0
	for r, err := range p.Runs(ctx, Query{Flow: "F", Namespace: "user:bob"}) {
		if err != nil || r.User != "bob" {
			t.Fatalf("bob's runs: %+v %v", r, err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("bob has %d runs", n)
	}
	if err := p.Finish(ctx, "F", "1", "succeeded", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, "F", "1", "succeeded", time.Now()); err != nil {
		t.Errorf("finishing twice (a retry): %v", err)
	}
	path := store.TaskPath{Flow: "F", Run: "1", Step: "Start", Task: "0"}
	if err := p.StartAttempt(ctx, path, &store.Attempt{Attempt: 0, PID: 1, Started: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	data := &store.TaskData{Artifacts: map[string]store.Artifact{"X": {Hash: strings.Repeat("a", 64), Type: "int", Size: 1, Encoding: "json"}}}
	if err := p.FinishAttempt(ctx, path, &store.Done{Attempt: 0, OK: true, Finished: time.Now()}, data, []LogLocation{{"stdout", "F/1/Start/0/0.stdout"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Heartbeat(ctx, "F", "2"); err != nil {
		t.Fatal(err)
	}
	if flows, err := p.Flows(ctx); err != nil || !slices.Equal(flows, []string{"F"}) {
		t.Errorf("flows: %q %v", flows, err)
	}

	// A wrong token is one line naming the variable to set.
	_, err = NewService(base, "wrong").GetRun(ctx, "F", "1")
	if err == nil || !strings.Contains(err.Error(), "FLOWC_METADATA_TOKEN") || strings.Contains(err.Error(), "\n") {
		t.Errorf("a wrong token: %v", err)
	}

	// The service restarts while a client waits: its calls, minting
	// included (the connection is refused, so nothing was sent), go
	// through once it is back.
	addr := strings.TrimPrefix(base, "http://")
	stop()
	done := make(chan error, 1)
	go func() {
		r := &store.Run{Flow: "F", User: "dave", Namespace: "user:dave", Status: "running", Started: time.Now()}
		_, err := p.NewRun(ctx, r)
		if err == nil {
			err = p.Finish(ctx, "F", r.ID, "failed", time.Now())
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	serve(t, db, addr, "tok")
	if err := <-done; err != nil {
		t.Errorf("a mint and a finish across a service restart: %v", err)
	}

	// Unreachable for longer than the client retries: one line.
	s := NewService("http://127.0.0.1:1", "")
	s.RetryFor = 200 * time.Millisecond
	if _, err := s.GetRun(ctx, "F", "1"); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("no service: %v", err)
	}
}

// A run that a cloud scheduler drives has no runner to heartbeat: its
// tasks do. While a task beats, the run and the task are running; once
// its process is gone (the beats stop), both are reported killed.
func TestTaskHeartbeats(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()
	const timeout = 1200 * time.Millisecond // beats every 200 ms
	base, _ := serveFor(t, pg.NewDatabase(t), "127.0.0.1:0", "", timeout)
	p := NewService(base, "")
	r := &store.Run{Flow: "F", ID: "sfn-exec", User: "alice", Namespace: "user:alice", Status: "running", Started: time.Now()}
	if err := p.RegisterRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	path := store.TaskPath{Flow: "F", Run: "sfn-exec", Step: "Start", Task: "0"}
	if err := p.StartAttempt(ctx, path, &store.Attempt{Attempt: 0, PID: 1, Started: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	if p.HeartbeatEvery() != timeout/6 {
		t.Fatalf("the client heartbeats every %v; the service asked for %v in its first answer", p.HeartbeatEvery(), timeout/6)
	}
	status := func() (run, task string) {
		got, err := p.GetRun(ctx, "F", "sfn-exec")
		if err != nil {
			t.Fatal(err)
		}
		var tk mdapi.Task
		if err := p.call(ctx, "GET", mdapi.TaskPath("F", "sfn-exec", "Start", "0"), nil, &tk); err != nil {
			t.Fatal(err)
		}
		return got.Status, tk.Status
	}
	stop := BeatTask(ctx, p, path)
	time.Sleep(3 * timeout)
	if run, task := status(); run != "running" || task != "running" {
		stop()
		t.Fatalf("after three timeouts of a task heartbeating: run %q, task %q; want running", run, task)
	}
	stop()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		run, task := status()
		if run == "killed" && task == "killed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the task's beats stopped: run %q, task %q; want killed", run, task)
		}
	}
}

func TestParseService(t *testing.T) {
	for spec, want := range map[string]string{
		"service@http://h:8080":  "http://h:8080",
		"service@http://h:8080/": "http://h:8080",
		"service@https://h/x":    "https://h/x",
		"service@ftp://h":        "",
		"service@":               "",
		"service@http://u:p@h":   "",
		"postgres://h":           "",
	} {
		got, err := ParseService(spec)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ParseService(%q) = %q, %v", spec, got, err)
		}
	}
	_ = fmt.Sprint
}
