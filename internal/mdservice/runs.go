package mdservice

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// runCols are the columns every run query returns, in scanRun's order.
// The status is computed: a running run whose heartbeats stopped is
// killed, and its finish time is its last heartbeat.
const runCols = `r.flow, r.id, r.user_name, r.namespace, r.tags, r.sys_tags, r.params, ` + statusExpr + `,
	r.started, r.finished, r.origin, r.execution, r.graph, r.heartbeat, r.created, r.seq`

// statusExpr is a run's status as reported.
const statusExpr = `CASE WHEN r.status = 'running' AND greatest(r.heartbeat, @since) < now() - @timeout * interval '1 microsecond'
	THEN 'killed' ELSE r.status END`

// liveness are the named arguments runCols needs.
func (s *Service) liveness(args pgx.NamedArgs) pgx.NamedArgs {
	args["since"] = s.started
	args["timeout"] = s.cfg.HeartbeatTimeout.Microseconds()
	return args
}

type scanner interface{ Scan(dest ...any) error }

func scanRun(row scanner, out *mdapi.Run) (seq int64, err error) {
	var finished *time.Time
	var graph []byte
	err = row.Scan(&out.Flow, &out.ID, &out.User, &out.Namespace, &out.Tags, &out.SysTags, &out.Params,
		&out.Status, &out.Started, &finished, &out.Origin, &out.Execution, &graph, &out.Heartbeat, &out.Created, &seq)
	if err != nil {
		return 0, err
	}
	if finished != nil {
		out.Finished = *finished
	} else if out.Status == mdapi.StatusKilled {
		out.Finished = out.Heartbeat
	}
	if len(graph) > 0 {
		out.Graph = graph
	}
	if len(out.Params) == 0 {
		out.Params = nil
	}
	return seq, nil
}

// checkRun validates a run record from a client before anything is stored.
func checkRun(in *mdapi.Run) error {
	if err := checkText("user", in.User, 200); err != nil {
		return err
	}
	if err := checkText("namespace", in.Namespace, 500); err != nil {
		return err
	}
	switch in.Status {
	case "":
		in.Status = mdapi.StatusRunning
	case mdapi.StatusRunning, mdapi.StatusSucceeded, mdapi.StatusFailed, mdapi.StatusKilled:
	default:
		return fmt.Errorf("status %q is not valid; use running, succeeded, failed or killed", clip(in.Status))
	}
	var err error
	if in.Tags, err = checkTags(in.Tags); err != nil {
		return err
	}
	if in.SysTags, err = checkTags(in.SysTags); err != nil {
		return err
	}
	if len(in.Params) > 1000 {
		return fmt.Errorf("a run has %d parameters; at most 1000 are recorded", len(in.Params))
	}
	for k, v := range in.Params {
		if err := mdapi.ValidID("parameter", k); err != nil {
			return err
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("parameter %q is not valid UTF-8; send its value as text", k)
		}
	}
	if in.Origin != "" {
		if err := mdapi.ValidID("origin run id", in.Origin); err != nil {
			return err
		}
	}
	if in.Execution != "" {
		if err := checkText("execution", in.Execution, 2048); err != nil {
			return err
		}
	}
	if len(in.Graph) > 0 && in.Graph[0] != '{' {
		return errors.New("graph is not a JSON object; send the flow's graph as rt's JSON form")
	}
	if in.Started.IsZero() {
		in.Started = time.Now()
	}
	if in.Params == nil {
		in.Params = map[string]string{}
	}
	return nil
}

// checkText checks a one-line printable field.
func checkText(what, v string, max int) error {
	switch {
	case !utf8.ValidString(v) || strings.TrimSpace(v) == "" || strings.IndexFunc(v, unicode.IsControl) >= 0:
		return fmt.Errorf("%s %q is not valid; send one non-blank line of printable text", what, clip(v))
	case len(v) > max:
		return fmt.Errorf("%s %q is not valid; at most %d bytes", what, clip(v), max)
	}
	return nil
}

// checkTags validates tags and drops repeats, keeping the first of each.
func checkTags(tags []string) ([]string, error) {
	if len(tags) > 1000 {
		return nil, fmt.Errorf("%d tags is too many; a run carries at most 1000", len(tags))
	}
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if err := mdapi.ValidTag(t); err != nil {
			return nil, err
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Service) runArgs(id ids, in *mdapi.Run) pgx.NamedArgs {
	var graph any
	if len(in.Graph) > 0 {
		graph = string(in.Graph)
	}
	var finished any
	if !in.Finished.IsZero() {
		finished = in.Finished
	}
	return s.liveness(pgx.NamedArgs{
		"flow": id.flow, "user": in.User, "namespace": in.Namespace,
		"tags": in.Tags, "sys_tags": in.SysTags, "params": in.Params, "status": in.Status,
		"started": in.Started, "finished": finished, "origin": in.Origin, "execution": in.Execution,
		"graph": graph,
	})
}

// mintRun records a new run under the flow's next integer id. The flow's
// row is the counter: the upsert takes its row lock, so concurrent mints
// of one flow get consecutive, distinct ids, and mints of other flows do
// not wait.
func (s *Service) mintRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow")
	if !ok {
		return
	}
	var in mdapi.Run
	if !decode(w, r, &in) {
		return
	}
	if in.ID != "" {
		fail(w, http.StatusBadRequest, fmt.Sprintf("run id %q was sent to be minted; send no id to mint one, or PUT a scheduler's id to %s", clip(in.ID), mdapi.RunPath(id.flow, "ID")))
		return
	}
	if in.Flow != "" && in.Flow != id.flow {
		fail(w, http.StatusBadRequest, fmt.Sprintf("run of flow %q sent to flow %q's path; send it to its own flow", clip(in.Flow), id.flow))
		return
	}
	if err := checkRun(&in); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	args := s.runArgs(id, &in)
	var key any
	if k := r.Header.Get(mdapi.IdempotencyHeader); k != "" {
		if err := checkText(mdapi.IdempotencyHeader, k, 200); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
		key = k
	}
	args["key"] = key
	var out mdapi.Run
	// A repeated key is a mint whose answer was lost: the same run again.
	again := func() error {
		_, err := scanRun(s.pool.QueryRow(r.Context(), "SELECT "+runCols+" FROM runs r WHERE r.flow = @flow AND r.mint_key = @key", args), &out)
		return err
	}
	if key != nil {
		if err := again(); err == nil {
			s.replyRun(w, http.StatusCreated, &out)
			return
		} else if !errors.Is(err, pgx.ErrNoRows) {
			s.dbFail(w, r, fmt.Sprintf("run of flow %q", id.flow), err)
			return
		}
	}
	row := s.pool.QueryRow(r.Context(), `
		WITH f AS (
			INSERT INTO flows (name, last_run) VALUES (@flow, 1)
			ON CONFLICT (name) DO UPDATE SET last_run = flows.last_run + 1
			RETURNING last_run)
		INSERT INTO runs AS r (flow, id, user_name, namespace, tags, sys_tags, params, status, started, finished, origin, execution, graph, mint_key)
		SELECT @flow, f.last_run::text, @user, @namespace, @tags, @sys_tags, @params, @status, @started, @finished, @origin, @execution, @graph, @key
		FROM f
		RETURNING `+runCols, args)
	_, err := scanRun(row, &out)
	var pe *pgconn.PgError
	if key != nil && errors.As(err, &pe) && pe.Code == "23505" {
		err = again() // the same key, sent twice at once: the first one won
	}
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run of flow %q", id.flow), err)
		return
	}
	s.replyRun(w, http.StatusCreated, &out)
}

// replyRun answers with a run and the heartbeat interval its runner
// should keep.
func (s *Service) replyRun(w http.ResponseWriter, code int, run *mdapi.Run) {
	reply(w, code, run)
}

// registerRun records a run under an id its scheduler minted ("sfn-...",
// "argo-..."). Repeating it is a no-op that returns the recorded run; the
// same id from another execution is a conflict, never a no-op.
func (s *Service) registerRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	var in mdapi.Run
	if !decode(w, r, &in) {
		return
	}
	if (in.ID != "" && in.ID != id.run) || (in.Flow != "" && in.Flow != id.flow) {
		fail(w, http.StatusBadRequest, fmt.Sprintf("run %q sent to %q's path; send it to its own path", clip(in.Flow+"/"+in.ID), id.flow+"/"+id.run))
		return
	}
	if mdapi.IsIntID(id.run) {
		fail(w, http.StatusBadRequest, fmt.Sprintf("run id %q is an integer, and integer ids are minted by the service; POST the run to %s to get one", id.run, "/v1/flows/"+id.flow+"/runs"))
		return
	}
	if err := checkRun(&in); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	args := s.runArgs(id, &in)
	args["id"] = id.run
	var out mdapi.Run
	err := pgx.BeginFunc(r.Context(), s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(r.Context(), "INSERT INTO flows (name) VALUES (@flow) ON CONFLICT DO NOTHING", args); err != nil {
			return err
		}
		row := tx.QueryRow(r.Context(), `
			INSERT INTO runs AS r (flow, id, user_name, namespace, tags, sys_tags, params, status, started, finished, origin, execution, graph)
			VALUES (@flow, @id, @user, @namespace, @tags, @sys_tags, @params, @status, @started, @finished, @origin, @execution, @graph)
			ON CONFLICT (flow, id) DO NOTHING
			RETURNING `+runCols, args)
		_, err := scanRun(row, &out)
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = scanRun(tx.QueryRow(r.Context(), "SELECT "+runCols+" FROM runs r WHERE r.flow = @flow AND r.id = @id", args), &out)
		}
		return err
	})
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run %q", id.flow+"/"+id.run), err)
		return
	}
	if out.Execution != in.Execution {
		fail(w, http.StatusConflict, fmt.Sprintf("run %q belongs to execution %q, not %q; a scheduler's run id is never reused", id.flow+"/"+id.run, clip(out.Execution), clip(in.Execution)))
		return
	}
	s.replyRun(w, http.StatusOK, &out)
}

func (s *Service) getRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	var out mdapi.Run
	_, err := scanRun(s.pool.QueryRow(r.Context(), "SELECT "+runCols+" FROM runs r WHERE r.flow = @flow AND r.id = @id",
		s.liveness(pgx.NamedArgs{"flow": id.flow, "id": id.run})), &out)
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run %q", id.flow+"/"+id.run), err)
		return
	}
	s.replyRun(w, http.StatusOK, &out)
}

// updateRun records a run's final status. Repeating it is a no-op (the
// first finish time stays); another final status is a conflict. A run
// reported killed for lack of heartbeats may still finish: its runner is
// the authority on how it ended.
func (s *Service) updateRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	var in mdapi.RunUpdate
	if !decode(w, r, &in) {
		return
	}
	switch in.Status {
	case mdapi.StatusSucceeded, mdapi.StatusFailed, mdapi.StatusKilled:
	default:
		fail(w, http.StatusBadRequest, fmt.Sprintf("status %q is not a final status; use succeeded, failed or killed", clip(in.Status)))
		return
	}
	var finished any
	if !in.Finished.IsZero() {
		finished = in.Finished
	}
	args := s.liveness(pgx.NamedArgs{"flow": id.flow, "id": id.run, "status": in.Status, "finished": finished})
	var out mdapi.Run
	_, err := scanRun(s.pool.QueryRow(r.Context(), `
		UPDATE runs r SET
			finished = CASE WHEN r.status = 'running' THEN coalesce(@finished, now()) ELSE r.finished END,
			status = @status, heartbeat = now()
		WHERE r.flow = @flow AND r.id = @id AND (r.status = 'running' OR r.status = @status)
		RETURNING `+runCols, args), &out)
	if errors.Is(err, pgx.ErrNoRows) {
		// Either no such run, or it finished otherwise: say which.
		_, err = scanRun(s.pool.QueryRow(r.Context(), "SELECT "+runCols+" FROM runs r WHERE r.flow = @flow AND r.id = @id", args), &out)
		if err == nil {
			fail(w, http.StatusConflict, fmt.Sprintf("run %q already finished as %s; a final status never changes", id.flow+"/"+id.run, out.Status))
			return
		}
	}
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run %q", id.flow+"/"+id.run), err)
		return
	}
	s.replyRun(w, http.StatusOK, &out)
}

// runHeartbeat keeps a running run from being reported killed.
func (s *Service) runHeartbeat(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	var status string
	err := s.pool.QueryRow(r.Context(), "UPDATE runs SET heartbeat = now() WHERE flow = $1 AND id = $2 RETURNING status", id.flow, id.run).Scan(&status)
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run %q", id.flow+"/"+id.run), err)
		return
	}
	reply(w, http.StatusOK, mdapi.Heartbeat{Status: status})
}

// changeTags applies a TagChange in one transaction, under the run's row
// lock, so concurrent changes from several processes never lose each
// other. Removing a system tag is an error and changes nothing, as in a
// local datastore.
func (s *Service) changeTags(w http.ResponseWriter, r *http.Request) {
	id, ok := pathIDs(w, r, "flow", "run")
	if !ok {
		return
	}
	var in mdapi.TagChange
	if !decode(w, r, &in) {
		return
	}
	if in.Replace != nil && (len(in.Add) > 0 || len(in.Remove) > 0) {
		fail(w, http.StatusBadRequest, "a tag change has replace and add or remove; send replace alone, or add and remove")
		return
	}
	for _, list := range [][]string{in.Add, in.Remove} {
		if _, err := checkTags(list); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	var replace []string
	if in.Replace != nil {
		var err error
		if replace, err = checkTags(*in.Replace); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	args := s.liveness(pgx.NamedArgs{"flow": id.flow, "id": id.run})
	var out mdapi.Run
	var refused error
	err := pgx.BeginFunc(r.Context(), s.pool, func(tx pgx.Tx) error {
		var tags, sys []string
		err := tx.QueryRow(r.Context(), "SELECT tags, sys_tags FROM runs WHERE flow = @flow AND id = @id FOR UPDATE", args).Scan(&tags, &sys)
		if err != nil {
			return err
		}
		if refused = sysTagRemoved(id.run, in, tags, sys); refused != nil {
			return nil
		}
		if in.Replace != nil {
			tags = replace
		} else {
			for _, t := range in.Add {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			tags = slices.DeleteFunc(tags, func(t string) bool { return slices.Contains(in.Remove, t) })
		}
		if len(tags) > 1000 {
			refused = fmt.Errorf("run %s would carry %d tags; a run carries at most 1000", id.run, len(tags))
			return nil
		}
		args["tags"] = tags
		_, err = scanRun(tx.QueryRow(r.Context(), "UPDATE runs r SET tags = @tags WHERE r.flow = @flow AND r.id = @id RETURNING "+runCols, args), &out)
		return err
	})
	if refused != nil {
		fail(w, http.StatusBadRequest, refused.Error())
		return
	}
	if err != nil {
		s.dbFail(w, r, fmt.Sprintf("run %q", id.flow+"/"+id.run), err)
		return
	}
	reply(w, http.StatusOK, &out)
}

// sysTagRemoved is the error for a change that would drop a system tag
// the run does not also carry as a user tag.
func sysTagRemoved(run string, in mdapi.TagChange, tags, sys []string) error {
	for _, t := range in.Remove {
		if slices.Contains(sys, t) && !slices.Contains(tags, t) {
			return fmt.Errorf("tag %q of run %s is a system tag; system tags cannot be removed", t, run)
		}
	}
	return nil
}

// decodeJSON is json.Unmarshal for values the service itself stored.
func decodeJSON(data []byte, v any) error {
	if len(data) == 0 {
		return nil
	}
	return json.Unmarshal(data, v)
}
