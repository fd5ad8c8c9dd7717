package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /", assetHandler())
	m.HandleFunc("GET /api/runs", s.apiRuns)
	m.HandleFunc("GET /api/runs/{flow}/{run}", s.apiRun)
	m.HandleFunc("GET /api/runs/{flow}/{run}/events", s.apiEvents)
	m.HandleFunc("GET /api/runs/{flow}/{run}/tasks", s.apiTasks)
	m.HandleFunc("POST /api/runs/{flow}/{run}/tags", s.apiTags)
	m.HandleFunc("GET /api/runs/{flow}/{run}/{step}/{task}", s.apiTask)
	m.HandleFunc("GET /api/runs/{flow}/{run}/{step}/{task}/log", s.apiLog)
	m.HandleFunc("GET /api/runs/{flow}/{run}/{step}/{task}/artifacts/{name}", s.apiArtifact)
	m.HandleFunc("GET /api/compare", s.apiCompare)
	s.mux = m
}

// httpError is an error with the status it is answered with.
type httpError struct {
	code int
	err  error
}

func (e *httpError) Error() string { return e.err.Error() }

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Errorf(format, args...)}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	var he *httpError
	var nn *client.NotInNamespace
	switch {
	case errors.As(err, &he):
		code = he.code
	case errors.Is(err, client.ErrNotFound), errors.As(err, &nn):
		code = http.StatusNotFound
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// ids validates the URL's ids the way the CLI does before they reach the
// store (they become path components).
func ids(r *http.Request, names ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, n := range names {
		v := r.PathValue(n)
		what := map[string]string{"flow": "flow", "run": "run id", "step": "step", "task": "task id", "name": "artifact"}[n]
		if err := store.ValidID(what, v); err != nil {
			return nil, &httpError{http.StatusBadRequest, err}
		}
		out[n] = v
	}
	return out, nil
}

func (s *Server) run(ctx context.Context, flow, id string) (*client.Run, error) {
	c, err := s.client()
	if err != nil {
		return nil, err
	}
	return c.Flow(flow).Run(ctx, id)
}

func intParam(r *http.Request, name string, def, maxV int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxV {
		return 0, badRequest("%s %q is not a number from 0 to %d", name, v, maxV)
	}
	return n, nil
}

var statuses = []client.Status{client.StatusRunning, client.StatusSucceeded, client.StatusFailed, client.StatusKilled}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rq := client.RunQuery{Flow: q.Get("flow"), User: q.Get("user"), Status: client.Status(q.Get("status"))}
	for _, t := range q["tag"] {
		if t != "" {
			rq.Tags = append(rq.Tags, t)
		}
	}
	if rq.Status != "" && !slices.Contains(statuses, rq.Status) {
		writeErr(w, badRequest("status %q is not a run status; use running, succeeded, failed or killed", rq.Status))
		return
	}
	if rq.Flow != "" {
		if err := store.ValidID("flow", rq.Flow); err != nil {
			writeErr(w, &httpError{http.StatusBadRequest, err})
			return
		}
	}
	var err error
	if rq.Offset, err = intParam(r, "offset", 0, 1<<30); err == nil {
		rq.Limit, err = intParam(r, "limit", 50, 1000)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	if rq.Limit == 0 {
		rq.Limit = 50
	}
	c, err := s.client()
	if err != nil {
		writeErr(w, err)
		return
	}
	runs, total, err := c.ListRuns(r.Context(), rq)
	if err != nil {
		writeErr(w, err)
		return
	}
	flows, err := c.Flows()
	if err != nil {
		writeErr(w, err)
		return
	}
	names := make([]string, len(flows))
	for i, f := range flows {
		names[i] = f.Name()
	}
	writeJSON(w, map[string]any{
		"runs": nonNilRuns(runs), "total": total, "offset": rq.Offset, "limit": rq.Limit,
		"flows": names, "namespace": c.CurrentNamespace(), "root": c.Root(),
	})
}

func nonNilRuns(r []client.RunInfo) []client.RunInfo {
	if r == nil {
		return []client.RunInfo{}
	}
	return r
}

// runJSON is a run's own record, parameters included.
type runJSON struct {
	Flow      string            `json:"flow"`
	ID        string            `json:"id"`
	User      string            `json:"user"`
	Namespace string            `json:"namespace"`
	Tags      []string          `json:"tags"`
	SysTags   []string          `json:"sys_tags"`
	Status    client.Status     `json:"status"`
	Started   time.Time         `json:"started"`
	Finished  time.Time         `json:"finished,omitzero"`
	Origin    string            `json:"origin,omitempty"`
	Params    map[string]string `json:"params"`
}

func runOf(r *client.Run) runJSON {
	return runJSON{
		Flow: r.Flow(), ID: r.ID(), User: r.User(), Namespace: r.Namespace(),
		Tags: orEmpty(r.Tags()), SysTags: orEmpty(r.SysTags()), Status: r.Status(),
		Started: r.Started(), Finished: r.FinishedAt(), Origin: r.Origin(), Params: r.Params(),
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type taskRow struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Attempt int    `json:"attempt"`
}

// stepJSON is a step of the run page: its counts by status, and its
// tasks when they are few (a step of one task opens it on a click); a
// foreach's list comes from GET .../tasks?step= when the page shows it, so
// the page and each live update stay small however wide the foreach.
type stepJSON struct {
	Name   string         `json:"name"`
	N      int            `json:"n"`
	Tasks  []taskRow      `json:"tasks,omitempty"`
	Counts map[string]int `json:"counts"`
}

// inlineTasks is the most tasks a step's answer lists inline.
const inlineTasks = 20

// taskStatus is what the graph colors a task by. A failed attempt with a
// later one started is running again (a //flow:retry) while its run runs.
func taskStatus(ctx context.Context, t *client.Task, runOver bool) string {
	switch {
	case t.Successful():
		return "succeeded"
	case t.Finished():
		if !runOver {
			if as, err := t.Attempts(ctx); err == nil && len(as) > 0 && as[len(as)-1] > t.Attempt() {
				return "running"
			}
		}
		return "failed"
	case runOver:
		return "unfinished" // started, never committed: its process died
	}
	return "running"
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	p, err := ids(r, "flow", "run")
	if err != nil {
		writeErr(w, err)
		return
	}
	v, _, err := s.runState(r.Context(), p["flow"], p["run"], nil)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, v)
}

// runPage is what the run page draws: the run, its steps' counts and the
// graph.
type runPage struct {
	Run   runJSON    `json:"run"`
	Steps []stepJSON `json:"steps"`
	Graph *rt.Graph  `json:"graph"`
}

// liveCache is what a live view keeps between two reads of a run: its
// graph, read once.
type liveCache struct {
	graph *rt.Graph
	read  bool // graph is the run's
}

// runState reads the run page's state and whether the run is over; lc,
// when not nil, is kept across calls (see liveCache).
func (s *Server) runState(ctx context.Context, flow, id string, lc *liveCache) (*runPage, bool, error) {
	run, err := s.run(ctx, flow, id)
	if err != nil {
		return nil, false, err
	}
	steps, err := run.Steps(ctx)
	if err != nil {
		return nil, false, err
	}
	over := run.Finished()
	done := s.done.of(run)
	out := make([]stepJSON, 0, len(steps))
	for _, st := range steps {
		rows, err := stepTasks(ctx, st, over, done)
		if err != nil {
			return nil, false, err
		}
		sj := stepJSON{Name: st.Name(), N: len(rows), Counts: map[string]int{}}
		for _, row := range rows {
			sj.Counts[row.Status]++
		}
		if len(rows) <= inlineTasks {
			sj.Tasks = rows
		}
		out = append(out, sj)
	}
	if lc != nil && lc.read {
		return &runPage{Run: runOf(run), Steps: out, Graph: lc.graph}, over, nil
	}
	g, err := s.graph(ctx, run)
	if err != nil {
		return nil, false, err
	}
	if lc != nil {
		lc.graph, lc.read = g, true
	}
	return &runPage{Run: runOf(run), Steps: out, Graph: g}, over, nil
}

// stepTasks is a step's task rows, in task order: one listing, and a read
// of each task not known to have succeeded.
func stepTasks(ctx context.Context, st *client.Step, over bool, done *runDone) ([]taskRow, error) {
	name := st.Name()
	ids, tasks, err := st.TasksIf(ctx, func(tid string) bool { _, ok := done.get(name + "/" + tid); return !ok })
	if err != nil {
		return nil, err
	}
	rows := make([]taskRow, len(ids))
	for i, tid := range ids {
		t := tasks[i]
		if t == nil {
			rows[i], _ = done.get(name + "/" + tid)
			continue
		}
		rows[i] = taskRow{ID: tid, Status: taskStatus(ctx, t, over), Attempt: t.Attempt()}
		if rows[i].Status == "succeeded" {
			done.put(name+"/"+tid, rows[i])
		}
	}
	return rows, nil
}

// apiTasks is one step's task list (the run page's list of a foreach).
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) {
	p, err := ids(r, "flow", "run")
	if err != nil {
		writeErr(w, err)
		return
	}
	step := r.URL.Query().Get("step")
	if err := store.ValidID("step", step); err != nil {
		writeErr(w, &httpError{http.StatusBadRequest, err})
		return
	}
	ctx := r.Context()
	run, err := s.run(ctx, p["flow"], p["run"])
	if err != nil {
		writeErr(w, err)
		return
	}
	rows, err := stepTasks(ctx, run.Step(step), run.Finished(), s.done.of(run))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, map[string]any{"step": step, "tasks": rows})
}

// graph is the one stored with the run; for a run from before runs stored
// their graph, Options.Graph's, if any.
func (s *Server) graph(ctx context.Context, run *client.Run) (*rt.Graph, error) {
	g, err := run.Graph(ctx)
	if !errors.Is(err, client.ErrNotFound) {
		return g, err
	}
	if s.opt.Graph == nil {
		return nil, nil
	}
	return s.opt.Graph(ctx, run)
}

func (s *Server) task(r *http.Request) (*client.Task, error) {
	p, err := ids(r, "flow", "run", "step", "task")
	if err != nil {
		return nil, err
	}
	run, err := s.run(r.Context(), p["flow"], p["run"])
	if err != nil {
		return nil, err
	}
	return run.Step(p["step"]).TaskByID(r.Context(), p["task"])
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request) {
	t, err := s.task(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	ctx := r.Context()
	run, err := s.run(ctx, t.Flow(), t.RunID())
	if err != nil {
		writeErr(w, err)
		return
	}
	attempts, err := t.Attempts(ctx)
	if err != nil {
		writeErr(w, err)
		return
	}
	out := map[string]any{
		"path": t.Path(), "flow": t.Flow(), "run": t.RunID(), "step": t.Step(), "id": t.ID(),
		"status": taskStatus(ctx, t, run.Finished()), "attempt": t.Attempt(), "attempts": orEmptyInts(attempts),
		"started": t.Started(), "finished": t.FinishedAt(), "origin": t.Origin(),
		"artifacts": []artifactJSON{},
	}
	if f := t.Failure(); f != nil {
		out["failure"] = map[string]string{"type": f.Type, "message": f.Message, "stack": f.Stack}
	}
	if t.Finished() {
		arts, err := t.ArtifactInfos(ctx)
		if err != nil && !errors.Is(err, client.ErrNotFound) {
			writeErr(w, err)
			return
		}
		list := make([]artifactJSON, len(arts))
		for i, a := range arts {
			list[i] = artifactOf(a)
		}
		out["artifacts"] = list
		if idx, err := t.ForeachIndex(ctx); err == nil && len(idx) > 0 {
			out["foreach_index"] = idx
		}
	}
	writeJSON(w, out)
}

// artifactJSON is client.ArtifactInfo for the page.
type artifactJSON struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Encoding string `json:"encoding"`
	Hash     string `json:"hash"`
}

func artifactOf(a client.ArtifactInfo) artifactJSON {
	return artifactJSON{Name: a.Name, Type: a.Type, Size: a.Size, Encoding: a.Encoding, Hash: a.Hash}
}

func orEmptyInts(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}
