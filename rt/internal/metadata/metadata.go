// Package metadata is where a flow binary keeps run metadata: run ids, run
// records, tags, listings, heartbeats and status, and a record of each
// attempt. Artifacts, task data, logs and commit markers stay in the
// datastore (package store) whatever the provider.
//
// Two providers: Local keeps everything in the datastore (the run records
// under <Flow>/<run>/, liveness by the scheduler's PID); Service talks to
// `flowc metadata-service` over HTTP+JSON (package mdapi), with liveness by
// heartbeats. Service is a plain net/http client: a flow binary never
// links a database driver.
package metadata

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Provider is one metadata provider.
type Provider interface {
	// Name is what a datastore root is bound to: "local" or
	// "service@URL". A root bound to one provider refuses runs through
	// another, since each mints its own run ids.
	Name() string
	// NewRun mints the run's integer id, sets r.ID and records r.
	NewRun(ctx context.Context, r *store.Run) (string, error)
	// RegisterRun records a run under the id its scheduler minted; the
	// same id from another execution is an error.
	RegisterRun(ctx context.Context, r *store.Run) error
	// GetRun is the run's current record; its Status says killed when
	// the provider knows its runner is gone.
	GetRun(ctx context.Context, flow, id string) (*store.Run, error)
	// RunStart is the run's record as it started: what never changes
	// (user, namespace, start tags, parameters), at the lowest cost; tasks
	// read it.
	RunStart(ctx context.Context, flow, id string) (*store.Run, error)
	// Finish records the run's final status.
	Finish(ctx context.Context, flow, id, status string, finished time.Time) error
	// ChangeTags adds and removes user tags atomically and returns the
	// run's user tags after the change. Removing a system tag is an
	// error that changes nothing.
	ChangeTags(ctx context.Context, flow, id string, add, remove []string) ([]string, error)
	// Runs yields the runs of q, newest first; an unreadable record is
	// yielded as an error naming it, and the listing goes on.
	Runs(ctx context.Context, q Query) iter.Seq2[*store.Run, error]
	// Flows are the flows that have runs, by name.
	Flows(ctx context.Context) ([]string, error)
	// HeartbeatEvery is how often a runner must call Heartbeat; 0 when
	// the provider tells live runs another way.
	HeartbeatEvery() time.Duration
	// Heartbeat says the run's runner is alive.
	Heartbeat(ctx context.Context, flow, id string) error
	// TaskHeartbeat says a task's process is alive, and so its run: a run
	// that a cloud scheduler drives has no runner, its tasks heartbeat.
	TaskHeartbeat(ctx context.Context, p store.TaskPath) error
	// StartAttempt and FinishAttempt record an attempt's start and end;
	// FinishAttempt is called before the attempt's commit marker is
	// written, so a committed attempt is always recorded.
	StartAttempt(ctx context.Context, p store.TaskPath, a *store.Attempt, stack []store.ForeachFrame) error
	FinishAttempt(ctx context.Context, p store.TaskPath, d *store.Done, data *store.TaskData, logs []LogLocation) error
	// FinishUncommitted is a scheduler's record of a failed attempt whose
	// process ended without its commit marker, d. It replaces an end the
	// task recorded before it died, between FinishAttempt and its marker:
	// that attempt never committed, whatever it recorded.
	FinishUncommitted(ctx context.Context, p store.TaskPath, d *store.Done) error
}

// LogLocation is where one log stream of an attempt lives in the datastore.
type LogLocation struct{ Stream, Location string }

// Query selects runs. User, Tags and Status narrow the list where the
// provider can do it at the source (the service does, in SQL; the local one
// lists its index and ignores them), so callers check them again.
type Query struct {
	Flow      string   // required
	Namespace string   // "" for every namespace
	User      string   // who started the run
	Tags      []string // user or system tags, all of them
	Status    string   // running, succeeded, failed or killed
	Max       int      // a hint: the caller reads at most this many (0: all)
}

// ErrListing is wrapped by an error Runs yields when it cannot list at all
// (as opposed to one record it cannot read): the listing ends there, and a
// command that lists must fail.
var ErrListing = errors.New("listing runs failed")

type listError struct{ err error }

func (e *listError) Error() string        { return e.err.Error() }
func (e *listError) Unwrap() error        { return e.err }
func (e *listError) Is(target error) bool { return target == ErrListing }

// ErrNotFound is store.ErrNotFound, so callers test one error for both
// providers.
var ErrNotFound = store.ErrNotFound

// Open returns the provider spec names ("local", or "service@URL"), over
// the datastore st for the local one; token is the service's ("" for
// FLOWC_METADATA_TOKEN).
func Open(spec, token string, st *store.Store) (Provider, error) {
	if spec == "" || spec == "local" {
		if st == nil {
			return nil, errors.New("the local metadata provider needs a datastore; pass --datastore-root")
		}
		return NewLocal(st), nil
	}
	u, err := ParseService(spec)
	if err != nil {
		return nil, err
	}
	s := NewService(u, token)
	if v := os.Getenv(RetryEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%s %q is not a duration; use one like 30s or 5m", RetryEnv, v)
		}
		s.RetryFor = d
	}
	return s, nil
}

// RetryEnv names how long the service's client retries a call before it
// gives up (default 2m): a task that cannot record its end in that time
// fails, uncommitted.
const RetryEnv = "FLOWC_METADATA_RETRY"

// ParseService checks a "service@URL" spec and returns its URL.
func ParseService(spec string) (string, error) { return ParseServiceFrom("--metadata", spec) }

// ParseServiceFrom is ParseService for a spec that came from where (a
// flag, FLOWC_METADATA, a client option), which its errors name.
func ParseServiceFrom(where, spec string) (string, error) {
	raw, ok := strings.CutPrefix(spec, "service@")
	if !ok {
		return "", fmt.Errorf("%s %q is not a metadata provider; use local or service@http://HOST:PORT", where, spec)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%s %q does not name a service URL; use service@http://HOST:PORT (the token goes in FLOWC_METADATA_TOKEN)", where, spec)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// IsService reports whether spec names the metadata service.
func IsService(spec string) bool { return strings.HasPrefix(spec, "service@") }
