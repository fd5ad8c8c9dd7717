// Package mdapi is the wire contract of the metadata service: the JSON
// records and the URL paths that `flowc metadata-service` serves and that a
// flow binary's service client sends. It imports only the standard library,
// so the flow binary can speak the protocol without the service's database
// driver.
//
// Paths (every one under /v1, JSON in and out; errors are {"error": "..."},
// one line):
//
//	GET    /healthz                                           Health
//	GET    /v1/flows                                          FlowList
//	GET    /v1/runs?flow=&user=&namespace=&tag=&status=&limit=&after=   RunList (newest first, across users)
//	POST   /v1/flows/{flow}/runs                              mint an integer id: Run in, Run out (201)
//	PUT    /v1/flows/{flow}/runs/{run}                        register a scheduler's id as given (idempotent)
//	GET    /v1/flows/{flow}/runs/{run}                        Run, status "killed" when its heartbeats stopped
//	PATCH  /v1/flows/{flow}/runs/{run}                        RunUpdate: the final status
//	POST   /v1/flows/{flow}/runs/{run}/heartbeat              Heartbeat
//	POST   /v1/flows/{flow}/runs/{run}/tags                   TagChange, atomically; Run out
//	GET    /v1/flows/{flow}/runs/{run}/steps                  StepList
//	GET    /v1/flows/{flow}/runs/{run}/tasks?step=            TaskList
//	GET    /v1/flows/{flow}/runs/{run}/steps/{step}/tasks/{task}                 Task, with its attempts
//	POST   /v1/flows/{flow}/runs/{run}/steps/{step}/tasks/{task}/heartbeat       Heartbeat
//	PUT    /v1/flows/{flow}/runs/{run}/steps/{step}/tasks/{task}/attempts/{n}    AttemptStart (idempotent); Recorded out
//	PUT    /v1/flows/{flow}/runs/{run}/steps/{step}/tasks/{task}/attempts/{n}/done   AttemptDone (idempotent; a different one is 409 unless uncommitted); Recorded out
//	GET    /v1/flows/{flow}/runs/{run}/steps/{step}/tasks/{task}/attempts/{n}    Attempt
//
// Every write is idempotent (a mint through its Idempotency-Key), so a
// client retries them all with backoff.
package mdapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The run statuses. A record is written running and then once with its
// final status; the service reports a running run whose heartbeats stopped
// as killed.
const (
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusKilled    = "killed"
)

// TokenEnv names the bearer token's environment variable, for the service
// and its clients alike.
const TokenEnv = "FLOWC_METADATA_TOKEN"

// HeartbeatHeader, on the answers about a run, is the interval (a Go
// duration) its runner should heartbeat at: the service's timeout decides
// it, so the two always agree.
const HeartbeatHeader = "Flowc-Heartbeat-Every"

// IdempotencyHeader, on a mint (POST .../runs), is a key the client makes
// up once per run: sent again after a lost answer, it gets the same run,
// so minting is retried like every other write.
const IdempotencyHeader = "Idempotency-Key"

// Health is GET /healthz.
type Health struct {
	OK     bool `json:"ok"`
	Schema int  `json:"schema"` // the migration version the database is at
}

// Run is one run record.
type Run struct {
	Flow      string            `json:"flow"`
	ID        string            `json:"id"`
	User      string            `json:"user"`
	Namespace string            `json:"namespace"`
	Tags      []string          `json:"tags,omitempty"`
	SysTags   []string          `json:"sys_tags,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Status    string            `json:"status"`
	Started   time.Time         `json:"started"`
	Finished  time.Time         `json:"finished,omitzero"`
	Origin    string            `json:"origin,omitempty"`    // resumed runs: the origin run id
	Execution string            `json:"execution,omitempty"` // a scheduler's execution id (SFN execution ARN, Argo workflow UID)
	Graph     json.RawMessage   `json:"graph,omitempty"`     // the flow's graph, so a reader can draw the run
	// Set by the service, ignored on writes.
	Heartbeat time.Time `json:"heartbeat,omitzero"` // the last heartbeat
	Created   time.Time `json:"created,omitzero"`   // when the service recorded the run
}

// RunList is GET /v1/runs: newest first. Next, when set, is the after=
// value of the next page.
type RunList struct {
	Runs []Run  `json:"runs"`
	Next string `json:"next,omitempty"`
}

// FlowList is GET /v1/flows.
type FlowList struct {
	Flows []string `json:"flows"`
}

// RunUpdate is PATCH .../runs/{run}: the final status. Repeating the same
// final status is a no-op; changing a final status is a conflict.
type RunUpdate struct {
	Status   string    `json:"status"`
	Finished time.Time `json:"finished,omitzero"`
}

// TagChange is POST .../tags: add and remove, or replace all user tags,
// applied in one transaction. System tags never change.
type TagChange struct {
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`
	// Replace, when present ("replace": [] included), sets the user tags;
	// it excludes Add and Remove.
	Replace *[]string `json:"replace,omitempty"`
}

// Heartbeat is the answer to a heartbeat: the run's status, so a runner
// learns it was reported killed.
type Heartbeat struct {
	Status string `json:"status"`
}

// StepList is GET .../steps: the steps that have tasks, sorted.
type StepList struct {
	Steps []string `json:"steps"`
}

// TaskList is GET .../tasks.
type TaskList struct {
	Tasks []Task `json:"tasks"`
}

// ForeachFrame is one enclosing foreach of a task.
type ForeachFrame struct {
	Step      string `json:"step"`
	Index     int    `json:"index"`
	NumSplits int    `json:"num_splits"`
}

// Task is one task: its attempts, and which one committed.
type Task struct {
	Flow         string         `json:"flow"`
	Run          string         `json:"run"`
	Step         string         `json:"step"`
	Task         string         `json:"task"`
	Status       string         `json:"status"`           // running, succeeded, failed, killed
	Winner       *int           `json:"winner,omitempty"` // the attempt that committed successfully
	Origin       string         `json:"origin,omitempty"` // clones: "run/step/task"
	ForeachStack []ForeachFrame `json:"foreach_stack,omitempty"`
	Heartbeat    time.Time      `json:"heartbeat,omitzero"`
	Attempts     []Attempt      `json:"attempts,omitempty"`
}

// AttemptStart is PUT .../attempts/{n}, sent when an attempt starts.
type AttemptStart struct {
	PID          int            `json:"pid,omitempty"`
	Host         string         `json:"host,omitempty"`
	Started      time.Time      `json:"started"`
	Inputs       string         `json:"inputs,omitempty"`
	SplitIndex   *int           `json:"split_index,omitempty"`
	ForeachStack []ForeachFrame `json:"foreach_stack,omitempty"`
}

// Artifact is one artifact index entry; the value stays in the datastore.
type Artifact struct {
	Hash     string `json:"hash"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Encoding string `json:"encoding,omitempty"`
}

// LogLocation says where one log stream of an attempt is in the datastore.
type LogLocation struct {
	Stream   string `json:"stream"`   // stdout or stderr
	Location string `json:"location"` // a datastore key or URL
}

// AttemptDone is PUT .../attempts/{n}/done, sent before the attempt's
// commit marker is written: an attempt the service did not record is never
// committed.
type AttemptDone struct {
	OK         bool            `json:"ok"`
	Finished   time.Time       `json:"finished"`
	Error      string          `json:"error,omitempty"`
	Failure    json.RawMessage `json:"failure,omitempty"`
	Timeout    bool            `json:"timeout,omitempty"`
	NumSplits  int             `json:"num_splits,omitempty"`
	SwitchCase string          `json:"switch_case,omitempty"`
	Origin     string          `json:"origin,omitempty"`
	// ForeachStack is the task's, as its step computed it (a task learns
	// it from its inputs, after its start was recorded).
	ForeachStack []ForeachFrame      `json:"foreach_stack,omitempty"`
	Artifacts    map[string]Artifact `json:"artifacts,omitempty"`
	Logs         []LogLocation       `json:"logs,omitempty"`
	// Uncommitted marks a scheduler's record of a failed attempt whose
	// process ended without its commit marker. It replaces an end the
	// task recorded before it died (between its end and its marker), and
	// the task's winner if that end made it one: that attempt never
	// committed. Only OK false; sent only then, so a service that does not
	// know the field is not sent it otherwise.
	Uncommitted bool `json:"uncommitted,omitempty"`
}

// Attempt is GET .../attempts/{n}.
type Attempt struct {
	Attempt int `json:"attempt"`
	AttemptStart
	Done *AttemptDone `json:"done,omitempty"`
}

// Recorded answers an attempt's start or end: the service recorded it
// (or had already). It is small on purpose: tasks send these writes at
// thousands a second and already hold what they sent.
type Recorded struct {
	Attempt int `json:"attempt"`
}

// Error is the body of every 4xx and 5xx answer.
type Error struct {
	Error string `json:"error"`
}

// MaxIDLen bounds an id, as the datastore does (ids are path components).
const MaxIDLen = 200

// MaxTagLen bounds a tag, in bytes, as Metaflow's MAX_TAG_SIZE does: tags
// are labels to list and filter runs by, and every run record, run index
// entry and metadata-service row carries them.
const MaxTagLen = 500

// ValidID is the datastore's id rule: letters, digits, '-', '_' and '.',
// not starting with '-' or '.', at most MaxIDLen characters. The service
// applies it to every id in a path, so an id it stores is one a datastore
// can hold.
func ValidID(what, id string) error {
	for _, r := range id {
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%s %q is not valid; ids are integers or names made of letters, digits, '-', '_' and '.'", what, clip(id))
		}
	}
	switch {
	case id == "":
		return fmt.Errorf("%s %q is not valid; ids are integers or names made of letters, digits, '-', '_' and '.'", what, id)
	case id[0] == '-' || id[0] == '.':
		return fmt.Errorf("%s %q is not valid; ids do not start with '-' or '.'", what, clip(id))
	case len(id) > MaxIDLen:
		return fmt.Errorf("%s %q... is not valid; ids have at most %d characters", what, id[:40], MaxIDLen)
	}
	return nil
}

// ValidTag checks a tag: one non-blank line of printable UTF-8, at most
// MaxTagLen bytes. Any other character is allowed, quotes and semicolons
// included: tags are data, never SQL.
func ValidTag(t string) error {
	if !utf8.ValidString(t) || strings.TrimSpace(t) == "" || strings.IndexFunc(t, unicode.IsControl) >= 0 {
		return fmt.Errorf("tag %q is not valid; tags are one non-blank line of printable text", clip(t))
	}
	if len(t) > MaxTagLen {
		return fmt.Errorf("tag %q... is %d bytes long; a tag is at most %d, shorten it", clip(t), len(t), MaxTagLen)
	}
	return nil
}

// clip is the first 40 bytes of s, cut at a character.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// IsIntID reports whether id is a plain decimal integer id: the ids the
// service mints.
func IsIntID(id string) bool {
	if id == "" || id[0] == '+' || (len(id) > 1 && id[0] == '0') {
		return false
	}
	_, err := strconv.ParseUint(id, 10, 63)
	return err == nil
}

// RunPath is the path of a run: /v1/flows/{flow}/runs/{run}.
func RunPath(flow, run string) string {
	return "/v1/flows/" + url.PathEscape(flow) + "/runs/" + url.PathEscape(run)
}

// TaskPath is the path of a task.
func TaskPath(flow, run, step, task string) string {
	return RunPath(flow, run) + "/steps/" + url.PathEscape(step) + "/tasks/" + url.PathEscape(task)
}

// AttemptPath is the path of one attempt.
func AttemptPath(flow, run, step, task string, attempt int) string {
	return TaskPath(flow, run, step, task) + "/attempts/" + strconv.Itoa(attempt)
}
