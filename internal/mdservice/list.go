package mdservice

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/jackc/pgx/v5"
)

func (s *Service) listFlows(w http.ResponseWriter, r *http.Request) {
	rows, err := s.pool.Query(r.Context(), "SELECT name FROM flows ORDER BY name")
	if err != nil {
		s.dbFail(w, r, "flows", err)
		return
	}
	flows, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		s.dbFail(w, r, "flows", err)
		return
	}
	reply(w, http.StatusOK, mdapi.FlowList{Flows: append([]string{}, flows...)})
}

// listRuns lists runs newest first, across flows, users and namespaces,
// filtered by the query's flow, user, namespace, status and tags (a run
// must carry every tag, user or system). A page is at most limit runs
// (default 100, at most 1000); next resumes after its last one. Every
// filter is an indexed column, so the first page costs the same with a
// hundred runs or a million.
func (s *Service) listRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "flow", "user", "namespace", "tag", "status", "limit", "after":
		default:
			fail(w, http.StatusBadRequest, fmt.Sprintf("query parameter %q is not known; use flow, user, namespace, tag, status, limit or after", clip(k)))
			return
		}
	}
	args := s.liveness(pgx.NamedArgs{})
	var where []string
	if v := q.Get("flow"); v != "" {
		if err := mdapi.ValidID("flow", v); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
		where, args["flow"] = append(where, "r.flow = @flow"), v
	}
	if v := q.Get("user"); v != "" {
		where, args["user"] = append(where, "r.user_name = @user"), v
	}
	if v, ok := q["namespace"]; ok && v[0] != "" {
		where, args["namespace"] = append(where, "r.namespace = @namespace"), v[0]
	}
	if tags := q["tag"]; len(tags) > 0 {
		if _, err := checkTags(tags); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
		where, args["tags"] = append(where, "r.all_tags @> @tags"), tags
	}
	if v := q.Get("status"); v != "" {
		switch v {
		case mdapi.StatusRunning, mdapi.StatusSucceeded, mdapi.StatusFailed, mdapi.StatusKilled:
		default:
			fail(w, http.StatusBadRequest, fmt.Sprintf("status %q is not valid; use running, succeeded, failed or killed", clip(v)))
			return
		}
		where, args["status"] = append(where, statusExpr+" = @status"), v
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			fail(w, http.StatusBadRequest, fmt.Sprintf("limit %q is not valid; use 1 to 1000", clip(v)))
			return
		}
		limit = n
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			fail(w, http.StatusBadRequest, fmt.Sprintf("after %q is not valid; pass the next value of the previous page", clip(v)))
			return
		}
		where, args["after"] = append(where, "r.seq < @after"), n
	}
	sql := "SELECT " + runCols + " FROM runs r"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	// One more than the page tells whether there is a next one.
	sql += " ORDER BY r.seq DESC LIMIT " + strconv.Itoa(limit+1)
	rows, err := s.pool.Query(r.Context(), sql, args)
	if err != nil {
		s.dbFail(w, r, "runs", err)
		return
	}
	defer rows.Close()
	out := mdapi.RunList{Runs: []mdapi.Run{}}
	var last int64
	for rows.Next() {
		if len(out.Runs) == limit {
			out.Next = strconv.FormatInt(last, 10)
			break
		}
		var run mdapi.Run
		seq, err := scanRun(rows, &run)
		if err != nil {
			s.dbFail(w, r, "runs", err)
			return
		}
		out.Runs, last = append(out.Runs, run), seq
	}
	if err := rows.Err(); err != nil {
		s.dbFail(w, r, "runs", err)
		return
	}
	reply(w, http.StatusOK, &out)
}
