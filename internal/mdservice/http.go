package mdservice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// maxBody bounds a request body: a run's graph and a task's artifact index
// are well under it; anything larger is a client bug or an attack.
const maxBody = 4 << 20

// guard wraps the routes with what every request gets: an access log
// line, a path check, the token check and a body limit.
func (s *Service) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			// Milliseconds with microsecond precision: the unit people
			// read latencies in.
			ms := float64(time.Since(start).Microseconds()) / 1000
			s.cfg.Log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
				slog.Float64("ms", ms), slog.String("remote", r.RemoteAddr))
		}()
		// ServeMux would answer "/v1/flows/F/runs/../x" with a redirect
		// to the cleaned path: refuse instead, so no id is ever "..".
		if p := r.URL.Path; p != "/" && (path.Clean(p) != p || strings.Contains(p, "//")) {
			fail(rec, http.StatusBadRequest, fmt.Sprintf("path %q is not valid; ids cannot be \"..\", \".\" or empty", clip(p)))
			return
		}
		if s.cfg.Token != "" && r.URL.Path != "/healthz" && !s.authorized(r) {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="flowc"`)
			fail(rec, http.StatusUnauthorized, "the metadata service needs a valid token; set "+mdapi.TokenEnv+" to the token it was started with")
			return
		}
		r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
		// Every answer says how often to heartbeat: a task learns it
		// from its first request, before its first beat is due.
		rec.Header().Set(mdapi.HeartbeatHeader, s.every)
		next.ServeHTTP(rec, r)
	})
}

// authorized compares the bearer token in constant time: hashing both
// sides first makes the comparison independent of the tokens' lengths too.
func (s *Service) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return false
	}
	got := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(got[:], s.tokenHash[:]) == 1
}

type recorder struct {
	http.ResponseWriter
	status, bytes int
	wrote         bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func reply(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		fail(w, http.StatusInternalServerError, "encoding the answer: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(append(data, '\n'))
}

// fail answers with one line of error text, as JSON.
func fail(w http.ResponseWriter, code int, msg string) {
	data, _ := json.Marshal(mdapi.Error{Error: oneLine(errors.New(msg))})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(code)
	w.Write(append(data, '\n'))
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// decode reads one JSON value into v, strictly: unknown fields, trailing
// data and oversized bodies are the client's error, reported in one line.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is over %d bytes; send less", maxBody))
			return false
		}
		fail(w, http.StatusBadRequest, "reading the request body: "+err.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fail(w, http.StatusBadRequest, "request body is not valid JSON for this path: "+err.Error())
		return false
	}
	if dec.More() {
		fail(w, http.StatusBadRequest, "request body has data after its JSON value; send one value")
		return false
	}
	return true
}

// ids reads and checks the path's ids; a bad one is answered and ok is false.
type ids struct {
	flow, run, step, task string
	attempt               int
}

// key names the task, for the batcher's lock order.
func (id ids) key() string { return id.flow + "/" + id.run + "/" + id.step + "/" + id.task }

func pathIDs(w http.ResponseWriter, r *http.Request, names ...string) (ids, bool) {
	var out ids
	for _, n := range names {
		v := r.PathValue(n)
		var err error
		switch n {
		case "flow":
			out.flow, err = v, mdapi.ValidID("flow", v)
		case "run":
			out.run, err = v, mdapi.ValidID("run id", v)
			if err == nil && v == "data" {
				err = fmt.Errorf("run id %q is not valid; %q holds a flow's artifacts in the datastore", v, v)
			}
		case "step":
			out.step, err = v, mdapi.ValidID("step", v)
		case "task":
			out.task, err = v, mdapi.ValidID("task id", v)
		case "attempt":
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 0 || n > 1000 || strconv.Itoa(n) != v {
				err = fmt.Errorf("attempt %q is not valid; attempts are integers from 0", clip(v))
			}
			out.attempt = n
		}
		if err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return out, false
		}
	}
	return out, true
}

// dbFail answers a database error: unknown rows are 404, conflicts 409, a
// database that cannot be reached 503 (clients retry), the rest 500.
func (s *Service) dbFail(w http.ResponseWriter, r *http.Request, what string, err error) {
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		fail(w, http.StatusNotFound, what+" not found")
	case errors.As(err, &pe) && pe.Code == "23503": // foreign_key_violation
		fail(w, http.StatusNotFound, what+": its run or task is not recorded; record it first")
	case errors.As(err, &pe) && pe.Code == "23505": // unique_violation
		fail(w, http.StatusConflict, what+" already exists")
	case errors.As(err, &pe) && (pe.Code[:2] == "22" || pe.Code[:2] == "23"): // data exceptions, other constraints
		fail(w, http.StatusBadRequest, what+": "+pe.Message)
	case errors.Is(err, errStopping):
		fail(w, http.StatusServiceUnavailable, what+": "+errStopping.Error()+"; retry")
	case errors.Is(err, context.Canceled):
		fail(w, 499, what+": the request was canceled")
	case errors.As(err, &pe) && (pe.Code[:2] == "08" || pe.Code[:2] == "57" || pe.Code == "40001" || pe.Code == "40P01"):
		// Connection exceptions, a server shutting down or restarting,
		// serialization failures and deadlocks: all pass with a retry.
		s.cfg.Log.Error("database unavailable", "what", what, "err", err.Error())
		fail(w, http.StatusServiceUnavailable, what+": the database is unavailable ("+pe.Code+"); retry")
	case errors.As(err, &pe):
		s.cfg.Log.Error("database error", "what", what, "err", err.Error())
		fail(w, http.StatusInternalServerError, what+": database error "+pe.Code)
	default:
		// Connection refused, reset, timeouts: the database is away.
		s.cfg.Log.Error("database unavailable", "what", what, "err", err.Error())
		fail(w, http.StatusServiceUnavailable, what+": the database is unavailable; retry")
	}
}
