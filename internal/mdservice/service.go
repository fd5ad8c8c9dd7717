// Package mdservice is `flowc metadata-service`: the HTTP+JSON API of
// package mdapi over PostgreSQL. It lives with the flowc command, never in
// a flow binary, so flow binaries carry no database driver.
//
// Files: service.go (Config, New, the handler's routes), http.go (auth,
// path checks, access logs, JSON in and out, errors), runs.go (minting,
// registering, status, heartbeats, tags), list.go (listings), tasks.go
// (tasks, attempts, artifact index entries, log locations), migrate.go and
// migrations/ (the schema).
package mdservice

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Config is what the service runs with.
type Config struct {
	DatabaseURL string
	// Token, when set, is required as "Authorization: Bearer <token>" on
	// every request but /healthz.
	Token string
	// HeartbeatTimeout is how long a running run (or task) may go without
	// a heartbeat before it is reported killed. Clients heartbeat at a
	// sixth of it, which the service tells them.
	HeartbeatTimeout time.Duration
	Log              *slog.Logger
}

// Service is one running metadata service.
type Service struct {
	cfg    Config
	pool   *pgxpool.Pool
	schema int
	// started is the database's clock when this service started. A run
	// whose last heartbeat is older than the timeout is killed only once
	// the service itself has been up for the timeout: while the service
	// was down, live runners could not heartbeat.
	started   time.Time
	tokenHash [32]byte
	writes    *batcher // the attempts' starts and ends
	every     string   // heartbeatEvery, as the header says it
}

// New connects to the database, applies the migrations, and returns a
// service ready to serve. Close releases it.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.HeartbeatTimeout <= 0 {
		cfg.HeartbeatTimeout = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	pcfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		// pgx's message quotes the URL, password included; name it only.
		return nil, fmt.Errorf("--database-url is not a PostgreSQL URL; use postgres://user:password@host:port/database")
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL at %s: %w", describe(pcfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL at %s: %s; check --database-url and that the server runs", describe(pcfg), lastLine(err))
	}
	schema, err := Migrate(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s := &Service{cfg: cfg, pool: pool, schema: schema}
	s.every = s.heartbeatEvery().String()
	if err := pool.QueryRow(ctx, "SELECT now()").Scan(&s.started); err != nil {
		pool.Close()
		return nil, fmt.Errorf("reading the database's clock: %w", err)
	}
	// One batch at a time: the next one fills while it runs, so under load
	// the batches are as large as they get. Each batch is a commit, and a
	// commit (its WAL flush) is what the database spends most on; with a
	// second worker the batches were half as large and an attempt cost the
	// database and the service a fifth more CPU (bench/metadata.sh). A
	// batch of 64 takes a few milliseconds, so one worker still records
	// thousands of attempts a second; pgxpool's other connections (one per
	// CPU, at least 4) serve the reads.
	s.writes = newBatcher(pool, 1)
	if cfg.Token != "" {
		s.tokenHash = sha256.Sum256([]byte(cfg.Token))
	}
	return s, nil
}

// lastLine is the innermost cause of a pgx connect error, which lists one
// line per address and TLS mode it tried.
func lastLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func describe(c *pgxpool.Config) string {
	return fmt.Sprintf("%s:%d/%s", c.ConnConfig.Host, c.ConnConfig.Port, c.ConnConfig.Database)
}

// Schema is the migration version the database is at.
func (s *Service) Schema() int { return s.schema }

// Close releases the database connections, once the batches under way
// are done.
func (s *Service) Close() {
	s.writes.close()
	s.pool.Close()
}

// heartbeatEvery is the interval the service asks its clients to
// heartbeat at.
func (s *Service) heartbeatEvery() time.Duration { return s.cfg.HeartbeatTimeout / 6 }

// Handler serves the API (package mdapi lists the paths).
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /v1/flows", s.listFlows)
	mux.HandleFunc("GET /v1/runs", s.listRuns)
	const run = "/v1/flows/{flow}/runs/{run}"
	mux.HandleFunc("POST /v1/flows/{flow}/runs", s.mintRun)
	mux.HandleFunc("PUT "+run, s.registerRun)
	mux.HandleFunc("GET "+run, s.getRun)
	mux.HandleFunc("PATCH "+run, s.updateRun)
	mux.HandleFunc("POST "+run+"/heartbeat", s.runHeartbeat)
	mux.HandleFunc("POST "+run+"/tags", s.changeTags)
	mux.HandleFunc("GET "+run+"/steps", s.listSteps)
	mux.HandleFunc("GET "+run+"/tasks", s.listTasks)
	const task = run + "/steps/{step}/tasks/{task}"
	mux.HandleFunc("GET "+task, s.getTask)
	mux.HandleFunc("POST "+task+"/heartbeat", s.taskHeartbeat)
	mux.HandleFunc("PUT "+task+"/attempts/{attempt}", s.startAttempt)
	mux.HandleFunc("PUT "+task+"/attempts/{attempt}/done", s.finishAttempt)
	mux.HandleFunc("GET "+task+"/attempts/{attempt}", s.getAttempt)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, fmt.Sprintf("no API at %s %q; the paths are listed in the mdapi package", r.Method, r.URL.Path))
	})
	return s.guard(mux)
}

func (s *Service) health(w http.ResponseWriter, r *http.Request) {
	if err := s.pool.Ping(r.Context()); err != nil {
		fail(w, http.StatusServiceUnavailable, "the database is unreachable: "+oneLine(err))
		return
	}
	reply(w, http.StatusOK, mdapi.Health{OK: true, Schema: s.schema})
}
