// Package store is flowc's datastore and local metadata: content-addressed
// blobs, per-attempt artifact indexes, logs, commit markers, and run records.
//
// Layout under the root (".flowc/" locally; the same keys under s3://b/p later):
//
//	<Flow>/data/<hash[:2]>/<hash>                  blob: zstd of the serialized bytes; hash = sha256 hex of the serialized bytes
//	<Flow>/<run>/_run.json                         run record (Run), created with the run; changes add _run.<n>.json
//	<Flow>/<run>/_graph.json                       the flow's graph (rt.Graph's JSON) when the run started (graph.go)
//	<Flow>/<run>/<step>/<task>/<a>.data.json       TaskData: artifact name -> hash, type, size, encoding
//	<Flow>/<run>/<step>/<task>/<a>.stdout|.stderr  logs, in parts (.1, .2...; log.go)
//	<Flow>/<run>/<step>/<task>/task.json           Done of the attempt that succeeded: the commit marker, created once
//	<Flow>/<run>/<step>/<task>/<a>.done            Done of a failed attempt
//	<Flow>/<run>/<step>/<task>/<name>              a file for an engine (PutTaskFile: a foreach's items)
//
// Files of this package: store.go (Open, DefaultRoot), ids.go (ValidID and
// keys), blob.go + zstd.go (content-addressed blobs), rundb.go (run records,
// listings), scratch.go (spin's scratch runs), task.go and attempts.go
// (attempt files, commit markers, clones), log.go, and
// backend*.go (the object layer: a local directory or an S3 prefix).
//
// Durability: every file becomes visible atomically (temp file + rename, or
// link for exclusive creates), so a killed process (kill -9, OOM, timeout)
// never leaves a half file under a real name and a crashed attempt is never
// done. Nothing is fsynced: on this class of machine an fsync costs 0.25 ms
// idle and 3 ms under load, against a 5 ms budget per task, and the
// guarantee that matters for a local datastore is the one against process
// crashes. After a power loss the damage is detectable, never silent: a
// torn done marker or data.json reads as "not done" (the task reruns on
// resume), a torn run record is reported as damaged, a torn blob fails its
// hash check and is replaced by the next writer of its value.
package store

import (
	"errors"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// ErrNotFound is returned (wrapped, with the missing thing named) for unknown runs, steps, tasks, artifacts.
var ErrNotFound = errors.New("not found")

// ErrCorrupt is returned (wrapped) when a blob's content does not match its hash.
var ErrCorrupt = errors.New("corrupt blob")

// Store is one datastore root. A Store holds no open files, so many of them
// (in one process or many) can share a root; every method is safe for
// concurrent use.
type Store struct {
	root string
	b    backend
	cfg  Config
	// verified holds "flow/hash" of the blobs this process read whole with
	// a good hash or wrote itself, which writers need not check again.
	verified sync.Map
	// segments caches the run index's bucket versions this process read
	// (runindex.go): "flow/bucket" -> *cachedSeg.
	segments sync.Map
}

// Artifact is one entry of a data.json.
type Artifact struct {
	Hash     string `json:"hash"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`     // serialized (uncompressed) size
	Encoding string `json:"encoding"` // rt.EncodingRaw or rt.EncodingJSON
}

// TaskPath names a task.
type TaskPath struct{ Flow, Run, Step, Task string }

// ForeachFrame is one enclosing foreach of a task.
type ForeachFrame struct {
	Step      string `json:"step"`
	Index     int    `json:"index"`
	NumSplits int    `json:"num_splits"`
}

// TaskData is <attempt>.data.json.
type TaskData struct {
	Version      string              `json:"version,omitempty"` // FormatVersion of the writer
	Artifacts    map[string]Artifact `json:"artifacts"`
	ForeachStack []ForeachFrame      `json:"foreach_stack,omitempty"`
	// SplitBases holds, per open split (outermost first), the task path
	// "run/step/task" of the task that opened it; MergeArtifacts compares
	// against its artifacts to tell which branch changed a field.
	SplitBases []string `json:"split_bases,omitempty"`
	Parents    []string `json:"parents,omitempty"` // input paths "run/step/task"
	// Splits, in a foreach task's data.json, locates the items of its
	// foreach field in chunk blobs, so that each body reads its own item
	// without the whole field (a per-task cost flat in the foreach width).
	// Readers that ignore it read the field, which is always stored whole.
	Splits *Splits `json:"splits,omitempty"`
}

// Splits is the chunk index of a foreach field: chunk i holds the items
// from Chunks[i].Start up to the next chunk's start, its blob the JSON
// array of them (the same encoding as the field).
type Splits struct {
	Field  string       `json:"field"`
	Chunks []SplitChunk `json:"chunks"`
}

// SplitChunk is one chunk blob of a Splits.
type SplitChunk struct {
	Start int    `json:"start"`
	Hash  string `json:"hash"`
	Size  int64  `json:"size"`
}

// Done is the commit marker of an attempt: task.json for the attempt that
// succeeded, <a>.done for each one that failed (task.go).
type Done struct {
	Version    string      `json:"version,omitempty"` // FormatVersion of the writer
	Attempt    int         `json:"attempt"`
	OK         bool        `json:"ok"`
	Started    time.Time   `json:"started"`
	Finished   time.Time   `json:"finished"`
	Error      string      `json:"error,omitempty"`   // one line, for failed attempts
	Failure    *rt.Failure `json:"failure,omitempty"` // type/message/stack of a failed attempt
	Timeout    bool        `json:"timeout,omitempty"`
	NumSplits  int         `json:"num_splits,omitempty"`  // foreach steps
	SwitchCase string      `json:"switch_case,omitempty"` // switch steps: the chosen step
	Origin     string      `json:"origin,omitempty"`      // clones: "run/step/task" it was cloned from
	// What the attempt ran on, so that spin can rerun a task, a failed one
	// (which leaves no data.json) included, on the same inputs.
	Inputs     string `json:"inputs,omitempty"`      // --input-paths
	SplitIndex *int   `json:"split_index,omitempty"` // foreach bodies
}

// Run is <Flow>/<run>/_run.json.
type Run struct {
	Version   string            `json:"version,omitempty"` // FormatVersion of the writer (store.go)
	Flow      string            `json:"flow"`
	ID        string            `json:"id"`
	User      string            `json:"user"`
	Namespace string            `json:"namespace"`
	Tags      []string          `json:"tags,omitempty"`
	SysTags   []string          `json:"sys_tags,omitempty"`
	Params    map[string]string `json:"params,omitempty"` // as given, for display
	Status    string            `json:"status"`           // "running", "succeeded", "failed", "killed" (by a signal)
	Started   time.Time         `json:"started"`
	Finished  time.Time         `json:"finished,omitzero"`
	Origin    string            `json:"origin,omitempty"`    // resumed runs: the origin run id
	PID       int               `json:"pid,omitempty"`       // the scheduler process, to tell a dead "running" run
	PIDStart  string            `json:"pid_start,omitempty"` // its start token (package alive): a reused PID is not it
	// EngineRun is the execution id of the cloud engine that runs the run
	// (an Argo workflow UID, a Step Functions execution ARN), recorded by
	// the task that created it; a task of another execution is refused.
	EngineRun string `json:"engine_run,omitempty"`
	// LastBeat and BeatTimeout are a cloud run's liveness, read from its
	// tasks' heartbeat (heartbeat.go), not from the record: a running run
	// whose last beat is older than BeatTimeout is killed (runstate).
	LastBeat    time.Time     `json:"-"`
	BeatTimeout time.Duration `json:"-"`
}

// Attempt is an attempt's start, as a metadata provider records it (the
// datastore writes no file for it: the commit marker carries the same
// inputs, for spin).
type Attempt struct {
	Attempt    int       `json:"attempt"`
	PID        int       `json:"pid"`
	Started    time.Time `json:"started"`
	Inputs     string    `json:"inputs,omitempty"`      // --input-paths
	SplitIndex *int      `json:"split_index,omitempty"` // foreach bodies
}
