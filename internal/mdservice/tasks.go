package mdservice

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/jackc/pgx/v5"
)

// taskStatusExpr is a task's status as reported: its winner succeeded;
// else its latest attempt says how it is going; a started attempt whose
// task stopped heartbeating (and whose run is over or silent) is killed.
const taskStatusExpr = `CASE
	WHEN t.winner IS NOT NULL THEN 'succeeded'
	WHEN la.done IS NOT NULL THEN 'failed'
	WHEN greatest(t.heartbeat, @since) < now() - @timeout * interval '1 microsecond' THEN 'killed'
	ELSE 'running' END`

const taskCols = `t.step, t.task, ` + taskStatusExpr + `, t.winner, t.origin, t.foreach_stack, t.heartbeat`

const taskFrom = ` FROM tasks t LEFT JOIN LATERAL (
	SELECT a.done FROM attempts a
	WHERE a.flow = t.flow AND a.run = t.run AND a.step = t.step AND a.task = t.task
	ORDER BY a.attempt DESC LIMIT 1) la ON true `

func scanTask(row scanner, flow, run string) (mdapi.Task, error) {
	t := mdapi.Task{Flow: flow, Run: run}
	var stack []byte
	err := row.Scan(&t.Step, &t.Task, &t.Status, &t.Winner, &t.Origin, &stack, &t.Heartbeat)
	if err == nil {
		err = decodeJSON(stack, &t.ForeachStack)
	}
	return t, err
}

func (s *Service) listSteps(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	if !s.runExists(w, r, id) {
		return
	}
	rows, err := s.pool.Query(r.Context(), "SELECT DISTINCT step FROM tasks WHERE flow = $1 AND run = $2 ORDER BY step", id.flow, id.run)
	if err != nil {
		s.dbFail(w, r, "steps", err)
		return
	}
	steps, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		s.dbFail(w, r, "steps", err)
		return
	}
	reply(w, http.StatusOK, mdapi.StepList{Steps: append([]string{}, steps...)})
}

// runExists answers 404 for a run that is not recorded, so that listing
// the steps of a missing run is not an empty success.
func (s *Service) runExists(w http.ResponseWriter, r *http.Request, id ids) bool {
	var one int
	err := s.pool.QueryRow(r.Context(), "SELECT 1 FROM runs WHERE flow = $1 AND id = $2", id.flow, id.run).Scan(&one)
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run %q", id.flow+"/"+id.run), err)
		return false
	}
	return true
}

func (s *Service) listTasks(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	args := s.liveness(pgx.NamedArgs{"flow": id.flow, "run": id.run})
	sql := "SELECT " + taskCols + taskFrom + "WHERE t.flow = @flow AND t.run = @run"
	for k, v := range r.URL.Query() {
		if k != "step" {
			fail(w, http.StatusBadRequest, fmt.Sprintf("query parameter %q is not known; use step", clip(k)))
			return
		}
		if err := mdapi.ValidID("step", v[0]); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
		sql, args["step"] = sql+" AND t.step = @step", v[0]
	}
	if !s.runExists(w, r, id) {
		return
	}
	rows, err := s.pool.Query(r.Context(), sql, args)
	if err != nil {
		s.dbFail(w, r, "tasks", err)
		return
	}
	defer rows.Close()
	out := mdapi.TaskList{Tasks: []mdapi.Task{}}
	for rows.Next() {
		t, err := scanTask(rows, id.flow, id.run)
		if err != nil {
			s.dbFail(w, r, "tasks", err)
			return
		}
		out.Tasks = append(out.Tasks, t)
	}
	if err := rows.Err(); err != nil {
		s.dbFail(w, r, "tasks", err)
		return
	}
	slices.SortFunc(out.Tasks, func(a, b mdapi.Task) int {
		return cmp.Or(strings.Compare(a.Step, b.Step), compareIDs(a.Task, b.Task))
	})
	reply(w, http.StatusOK, &out)
}

// compareIDs orders integer ids by value, before the other ids by name,
// as the datastore lists them.
func compareIDs(a, b string) int {
	na, ea := strconv.ParseUint(a, 10, 64)
	nb, eb := strconv.ParseUint(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		return cmp.Compare(na, nb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func (s *Service) getTask(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run", "step", "task")
	if !ok {
		return
	}
	what := fmt.Sprintf("task %q", id.flow+"/"+id.run+"/"+id.step+"/"+id.task)
	args := s.liveness(pgx.NamedArgs{"flow": id.flow, "run": id.run, "step": id.step, "task": id.task})
	t, err := scanTask(s.pool.QueryRow(r.Context(), "SELECT "+taskCols+taskFrom+
		"WHERE t.flow = @flow AND t.run = @run AND t.step = @step AND t.task = @task", args), id.flow, id.run)
	if err != nil {
		s.dbFail(w, r, what, err)
		return
	}
	if t.Attempts, err = s.attempts(r, args, -1); err != nil {
		s.dbFail(w, r, what, err)
		return
	}
	reply(w, http.StatusOK, &t)
}

func (s *Service) getAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run", "step", "task", "attempt")
	if !ok {
		return
	}
	args := pgx.NamedArgs{"flow": id.flow, "run": id.run, "step": id.step, "task": id.task}
	as, err := s.attempts(r, args, id.attempt)
	if err == nil && len(as) == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("attempt %d of task %q", id.attempt, id.flow+"/"+id.run+"/"+id.step+"/"+id.task), err)
		return
	}
	reply(w, http.StatusOK, &as[0])
}

// attempts reads a task's attempts (only attempt only, unless it is -1)
// with their artifact index entries.
func (s *Service) attempts(r *http.Request, args pgx.NamedArgs, only int) ([]mdapi.Attempt, error) {
	args["only"] = only
	const pk = "flow = @flow AND run = @run AND step = @step AND task = @task AND (@only < 0 OR attempt = @only)"
	rows, err := s.pool.Query(r.Context(), "SELECT attempt, start, done, artifacts FROM attempts WHERE "+pk+" ORDER BY attempt", args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mdapi.Attempt
	for rows.Next() {
		var a mdapi.Attempt
		var start, done, arts []byte
		if err := rows.Scan(&a.Attempt, &start, &done, &arts); err != nil {
			return nil, err
		}
		if err := decodeJSON(start, &a.AttemptStart); err != nil {
			return nil, err
		}
		if done != nil {
			a.Done = new(mdapi.AttemptDone)
			if err := decodeJSON(done, a.Done); err != nil {
				return nil, err
			}
			if err := decodeJSON(arts, &a.Done.Artifacts); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// taskHeartbeat keeps a task, and so its run, from being reported killed:
// a run that a cloud scheduler drives has no process of its own to
// heartbeat, its tasks do it.
func (s *Service) taskHeartbeat(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run", "step", "task")
	if !ok {
		return
	}
	var status string
	err := s.pool.QueryRow(r.Context(), `
		WITH t AS (UPDATE tasks SET heartbeat = now() WHERE flow = $1 AND run = $2 AND step = $3 AND task = $4 RETURNING 1)
		UPDATE runs SET heartbeat = now() WHERE flow = $1 AND id = $2 AND EXISTS (SELECT 1 FROM t) RETURNING status`,
		id.flow, id.run, id.step, id.task).Scan(&status)
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("task %q", id.flow+"/"+id.run+"/"+id.step+"/"+id.task), err)
		return
	}
	reply(w, http.StatusOK, mdapi.Heartbeat{Status: status})
}

func checkStack(stack []mdapi.ForeachFrame) error {
	if len(stack) > 100 {
		return fmt.Errorf("foreach stack has %d frames; at most 100", len(stack))
	}
	for _, f := range stack {
		if err := mdapi.ValidID("foreach step", f.Step); err != nil {
			return err
		}
		if f.Index < 0 || f.NumSplits < 0 || f.Index >= max(f.NumSplits, 1) {
			return fmt.Errorf("foreach frame %q has index %d of %d splits; an index is from 0 to splits-1", f.Step, f.Index, f.NumSplits)
		}
	}
	return nil
}

// startSQL records an attempt's start ($6, $7, $8), creating its task
// ($1-$5) if its run exists. It answers whether the task is recorded and
// whether the attempt is (false: it was started differently).
const startSQL = `
	WITH t AS (
		INSERT INTO tasks (flow, run, step, task, foreach_stack)
		SELECT $1, $2, $3, $4, $5::jsonb WHERE EXISTS (SELECT 1 FROM runs WHERE flow = $1 AND id = $2)
		ON CONFLICT (flow, run, step, task) DO UPDATE SET heartbeat = now()
		RETURNING 1),
	a AS (
		INSERT INTO attempts AS a (flow, run, step, task, attempt, start, started)
		SELECT $1, $2, $3, $4, $6, $7::jsonb, $8 FROM t
		ON CONFLICT (flow, run, step, task, attempt) DO UPDATE SET start = a.start WHERE a.start = EXCLUDED.start
		RETURNING 1)
	SELECT EXISTS (SELECT 1 FROM t), EXISTS (SELECT 1 FROM a)`

// startAttempt records an attempt's start, creating its task. Repeating
// the same start is a no-op; a different start of the same attempt is a
// conflict (two processes think they run it).
func (s *Service) startAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run", "step", "task", "attempt")
	if !ok {
		return
	}
	var in mdapi.AttemptStart
	if !decode(w, r, &in) {
		return
	}
	what := fmt.Sprintf("attempt %d of task %q", id.attempt, id.flow+"/"+id.run+"/"+id.step+"/"+id.task)
	err := checkStack(in.ForeachStack)
	switch {
	case err != nil:
	case in.Started.IsZero():
		err = errors.New("attempt start has no started time; send when it started")
	case in.Host != "":
		err = checkText("host", in.Host, 255)
	case len(in.Inputs) > 1<<20:
		err = errors.New("attempt inputs are over 1 MiB; send the input paths only")
	}
	if err != nil {
		fail(w, http.StatusBadRequest, what+": "+err.Error())
		return
	}
	start, _ := json.Marshal(&in)
	var stack any
	if len(in.ForeachStack) > 0 {
		b, _ := json.Marshal(in.ForeachStack)
		stack = string(b)
	}
	var task, recorded bool
	err = s.writes.do(r.Context(), id.key(), startSQL,
		[]any{id.flow, id.run, id.step, id.task, stack, id.attempt, string(start), in.Started}, &task, &recorded)
	switch {
	case err != nil:
		s.dbFail(w, r, what, err)
		return
	case !task:
		fail(w, http.StatusNotFound, fmt.Sprintf("%s: run %q is not recorded; create the run first", what, id.flow+"/"+id.run))
		return
	case !recorded:
		fail(w, http.StatusConflict, what+" was already started differently; an attempt number is used once")
		return
	}
	reply(w, http.StatusOK, mdapi.Recorded{Attempt: id.attempt})
}

func checkDone(in *mdapi.AttemptDone) error {
	if in.Finished.IsZero() {
		return errors.New("attempt done has no finished time; send when it finished")
	}
	if in.Uncommitted && (in.OK || len(in.Artifacts) > 0) {
		return errors.New("an uncommitted end is a failure without artifacts; send ok false and no artifacts")
	}
	if len(in.Error) > 64<<10 {
		return errors.New("error text is over 64 KiB; send its first line")
	}
	if len(in.Failure) > 0 && in.Failure[0] != '{' {
		return errors.New("failure is not a JSON object; send rt.Failure's JSON form")
	}
	if in.SwitchCase != "" {
		if err := mdapi.ValidID("switch case", in.SwitchCase); err != nil {
			return err
		}
	}
	if in.Origin != "" {
		parts := strings.Split(in.Origin, "/")
		if len(parts) != 3 {
			return fmt.Errorf("origin %q is not a task path; send run/step/task", clip(in.Origin))
		}
		for _, p := range parts {
			if err := mdapi.ValidID("origin", p); err != nil {
				return err
			}
		}
	}
	if len(in.Artifacts) > 10000 {
		return fmt.Errorf("%d artifacts is too many; a task records at most 10000", len(in.Artifacts))
	}
	for name, a := range in.Artifacts {
		if err := mdapi.ValidID("artifact", name); err != nil {
			return err
		}
		if len(a.Hash) != 64 || strings.Trim(a.Hash, "0123456789abcdef") != "" {
			return fmt.Errorf("artifact %q has hash %q; hashes are 64 lowercase hex digits", name, clip(a.Hash))
		}
		if a.Size < 0 {
			return fmt.Errorf("artifact %q has size %d; sizes are not negative", name, a.Size)
		}
		if err := checkText("artifact type", a.Type, 1000); err != nil {
			return fmt.Errorf("artifact %q: %w", name, err)
		}
		if len(a.Encoding) > 50 {
			return fmt.Errorf("artifact %q has encoding %q; encodings are short names", name, clip(a.Encoding))
		}
	}
	if len(in.Logs) > 10 {
		return fmt.Errorf("%d log locations is too many; an attempt has stdout and stderr", len(in.Logs))
	}
	for _, l := range in.Logs {
		if l.Stream != "stdout" && l.Stream != "stderr" {
			return fmt.Errorf("log stream %q is not valid; use stdout or stderr", clip(l.Stream))
		}
		if err := checkText("log location", l.Location, 2048); err != nil {
			return err
		}
	}
	return nil
}

// doneSQL records an attempt's end ($6-$8), its artifact index entries
// ($11, a JSON object) and, for the first successful attempt, its task's
// winner and origin ($9). An uncommitted end ($12) replaces the end
// recorded before, and takes back the winner that end made. The sub-statements see the rows as they were before the
// statement: prev is the end already recorded, if any. It answers how many
// attempts it recorded (0 or 1), whether the attempt was started and
// whether its recorded end is this one.
const doneSQL = `
	WITH a AS (
		UPDATE attempts SET done = $6::jsonb, ok = $7, finished = $8, artifacts = $11::jsonb
		WHERE flow = $1 AND run = $2 AND step = $3 AND task = $4 AND attempt = $5 AND (done IS NULL OR $12)
		RETURNING 1),
	t AS (
		UPDATE tasks SET
			winner = CASE WHEN $7 AND winner IS NULL THEN $5 WHEN $12 AND winner = $5 THEN NULL ELSE winner END,
			origin = CASE WHEN $7 AND winner IS NULL THEN $9 WHEN $12 AND winner = $5 THEN '' ELSE origin END,
			foreach_stack = coalesce($10::jsonb, foreach_stack), heartbeat = now()
		WHERE flow = $1 AND run = $2 AND step = $3 AND task = $4 AND EXISTS (SELECT 1 FROM a)),
	prev AS (
		SELECT done FROM attempts
		WHERE flow = $1 AND run = $2 AND step = $3 AND task = $4 AND attempt = $5)
	SELECT (SELECT count(*) FROM a), EXISTS (SELECT 1 FROM prev), coalesce((SELECT done = $6::jsonb FROM prev), false)`

// finishAttempt records how an attempt ended, with its artifact index and
// log locations, in one statement: a client sends it before writing the
// commit marker, so a committed attempt is always recorded. Repeating it
// is a no-op; a different end of the same attempt is a conflict (a
// committed attempt is never rewritten), but for an uncommitted one, which
// a scheduler sends when it knows there is no marker. The first successful
// attempt of a task is its winner.
func (s *Service) finishAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run", "step", "task", "attempt")
	if !ok {
		return
	}
	var in mdapi.AttemptDone
	if !decode(w, r, &in) {
		return
	}
	what := fmt.Sprintf("attempt %d of task %q", id.attempt, id.flow+"/"+id.run+"/"+id.step+"/"+id.task)
	err := checkDone(&in)
	if err == nil {
		err = checkStack(in.ForeachStack)
	}
	if err != nil {
		fail(w, http.StatusBadRequest, what+": "+err.Error())
		return
	}
	// The end is stored without its artifacts, which have a column of
	// their own and are not compared on a repeat.
	var arts any
	if len(in.Artifacts) > 0 {
		b, _ := json.Marshal(in.Artifacts)
		arts = string(b)
	}
	in.Artifacts = nil
	uncommitted := in.Uncommitted
	in.Uncommitted = false // what is stored is how the attempt ended
	done, _ := json.Marshal(&in)
	var stack any
	if len(in.ForeachStack) > 0 {
		b, _ := json.Marshal(in.ForeachStack)
		stack = string(b)
	}
	var recorded int
	var exists, same bool
	err = s.writes.do(r.Context(), id.key(), doneSQL,
		[]any{id.flow, id.run, id.step, id.task, id.attempt, string(done), in.OK, in.Finished, in.Origin, stack, arts, uncommitted},
		&recorded, &exists, &same)
	switch {
	case err != nil:
		s.dbFail(w, r, what, err)
	case recorded == 0 && !exists:
		fail(w, http.StatusNotFound, what+" was never started; PUT its start first")
	case recorded == 0 && !same:
		fail(w, http.StatusConflict, what+" already ended differently; a finished attempt is never rewritten")
	default:
		reply(w, http.StatusOK, mdapi.Recorded{Attempt: id.attempt})
	}
}
