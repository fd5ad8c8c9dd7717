package rt

import (
	"encoding/json"
	"fmt"
	"time"
)

// Graph is a linted flow graph as the generator computed it. Generated code
// carries it as a literal so that the runtime and the deployment targets never
// reload or re-analyze source: every derived relation (parents, the split a
// join closes, foreach nesting) is filled in once, by the generator, through
// Link. The algorithms that read it (Order, Reachable, Reaches, SplitOf,
// OpenAfter) live in graphwalk.go, so the generator's lint, resume, show and
// the targets all answer the same questions the same way.
//
// # JSON
//
// `<bin> show --format json` prints the graph, and it is stored with each
// run, for targets, the run browser and other tools. The schema is the JSON
// tags below: snake_case keys; a key whose value is the zero value (false,
// 0, "", an empty list, no directive) is left out. Every document carries
// "version" (GraphVersion); a reader refuses a newer one. For example:
//
//	{
//	  "version": 1,
//	  "flow": "ForeachFlow",
//	  "steps": [
//	    {"name": "Start", "kind": "foreach", "pos": "flow.go:21:1",
//	     "next": ["A"], "foreach": "Titles", "matching_join": "Join", "uses": ["Titles"]},
//	    {"name": "A", "kind": "linear", "pos": "flow.go:28:1", "next": ["Join"],
//	     "in": ["Start"], "split_parents": ["Start"], "foreach_body": true,
//	     "retry": {"times": 3, "minutes_between": 2}, "timeout_seconds": 60}
//	  ],
//	  "schedule": {"cron": "0 0 * * ? *", "period": "daily", "timezone": "Europe/Paris"}
//	}
type Graph struct {
	Flow     string    `json:"flow"`               // flow name (the struct type's name)
	Doc      string    `json:"doc,omitempty"`      // the flow type's doc comment, directives stripped
	Steps    []*Step   `json:"steps"`              // in source order; Steps[0] is not necessarily Start
	Schedule *Schedule `json:"schedule,omitempty"` // nil when the flow has no //flow:schedule
	Project  string    `json:"project,omitempty"`  // //flow:project name, "" when none
	Image    string    `json:"image,omitempty"`    // //flow:image name, "" when none
}

// GraphVersion is the version of the graph's JSON schema. A change that a
// reader of the previous version would misread increments it.
const GraphVersion = 1

// Step kinds, as Metaflow names them.
const (
	KindStart   = "start"   // Start with a single next (Start may also be a split/foreach/switch; then Kind says so)
	KindLinear  = "linear"  // one static next
	KindSplit   = "split"   // several static nexts (Metaflow's split-and)
	KindForeach = "foreach" // //flow:foreach
	KindSwitch  = "switch"  // //flow:switch
	KindJoin    = "join"    // takes rt.Inputs; may itself have one next
	KindEnd     = "end"
)

// Step is one node of the graph.
type Step struct {
	Name string `json:"name"`
	Doc  string `json:"doc,omitempty"` // method doc comment, directives stripped
	Kind string `json:"kind"`          // one of the Kind* constants (Start is KindStart only when linear)
	Pos  string `json:"pos,omitempty"` // "file.go:line:col" relative to the package dir, for messages

	Next    []string    `json:"next,omitempty"`    // static successors; for foreach: [body]; for switch: distinct case targets in case order
	Foreach string      `json:"foreach,omitempty"` // the slice field iterated, when Kind == KindForeach
	Switch  *SwitchSpec `json:"switch,omitempty"`  // when Kind == KindSwitch
	Join    bool        `json:"join,omitempty"`    // the method takes rt.Inputs
	In      []string    `json:"in,omitempty"`      // predecessors (steps whose Next/cases include this one), sorted
	// SplitParents is the stack of open splits/foreaches enclosing this step,
	// outermost first (Metaflow's split_parents).
	SplitParents []string `json:"split_parents,omitempty"`
	// MatchingJoin is, for a split or foreach step, the join that closes it.
	MatchingJoin string `json:"matching_join,omitempty"`
	// IsForeachBody is true for the step right after a foreach (it takes the item).
	IsForeachBody bool `json:"foreach_body,omitempty"`

	Retry     *Retry      `json:"retry,omitempty"`
	Catch     string      `json:"catch,omitempty"`           // the *rt.Failure field set by //flow:catch, "" when none
	TimeoutS  int         `json:"timeout_seconds,omitempty"` // //flow:timeout in seconds, 0 when none
	Resources Resources   `json:"resources,omitzero"`
	Batch     *Batch      `json:"batch,omitempty"`
	K8s       *Kubernetes `json:"kubernetes,omitempty"`
	Env       []EnvVar    `json:"env,omitempty"` // sorted by Key

	// Uses lists the artifact fields the step's code (and the methods it
	// calls) can read or write. Fields not listed are passed from parent to
	// child by hash without being decoded. UsesAll is set when the receiver
	// escapes (passed to a function, copied, ...), so nothing can be skipped.
	Uses    []string `json:"uses,omitempty"`
	UsesAll bool     `json:"uses_all,omitempty"`
}

// SwitchSpec is a //flow:switch: the value of field On selects a case.
type SwitchSpec struct {
	On    string       `json:"on"`
	Cases []SwitchCase `json:"cases"`
}

// SwitchCase maps one value (as written in the annotation) to a step.
type SwitchCase struct {
	Value string `json:"value"`
	Step  string `json:"step"`
}

// Schedule is a //flow:schedule. Exactly one of the frequencies is set.
type Schedule struct {
	Cron     string `json:"cron"`               // as written, or derived: daily "0 0 * * ? *", hourly "0 * * * ? *", weekly "0 0 ? * SUN *"
	Period   string `json:"period,omitempty"`   // "daily", "hourly", "weekly" or "" for an explicit cron
	Timezone string `json:"timezone,omitempty"` // a tz database name; "" is UTC
}

// Retry is //flow:retry (defaults as Metaflow: times=3, minutes_between=2).
type Retry struct {
	Times          int `json:"times"`
	MinutesBetween int `json:"minutes_between"`
	// MinutesBetweenSet is true when minutes_between was written in the
	// annotation. A local run waits between attempts only then (Metaflow
	// retries at once when run locally); cloud targets wait MinutesBetween,
	// the default included.
	MinutesBetweenSet bool `json:"minutes_between_set,omitempty"`
}

// LocalWait is how long a local run waits before the next attempt.
func (r *Retry) LocalWait() time.Duration {
	if r == nil || !r.MinutesBetweenSet {
		return 0
	}
	return time.Duration(r.MinutesBetween) * time.Minute
}

// Resources are resource hints; zero means unset.
type Resources struct {
	CPU       int `json:"cpu,omitempty"`
	MemoryMiB int `json:"memory_mib,omitempty"`
	GPU       int `json:"gpu,omitempty"`
	DiskMiB   int `json:"disk_mib,omitempty"`
}

// Batch is //flow:batch.
type Batch struct {
	Queue   string `json:"queue,omitempty"`
	Image   string `json:"image,omitempty"`
	IAMRole string `json:"iam_role,omitempty"`
}

// Kubernetes is //flow:kubernetes.
type Kubernetes struct {
	Image          string `json:"image,omitempty"`
	Namespace      string `json:"namespace,omitempty"`
	ServiceAccount string `json:"service_account,omitempty"`
}

// EnvVar is one //flow:env pair.
type EnvVar struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// graphJSON is Graph on the wire: the fields plus the schema version.
type graphJSON struct {
	Version int `json:"version"`
	graphFields
}

type graphFields Graph // no methods: marshals field by field

// MarshalJSON writes the graph with its schema version.
func (g *Graph) MarshalJSON() ([]byte, error) {
	return json.Marshal(graphJSON{Version: GraphVersion, graphFields: graphFields(*g)})
}

// UnmarshalJSON reads a graph written by MarshalJSON, refusing a newer
// schema version than this binary knows.
func (g *Graph) UnmarshalJSON(b []byte) error {
	var w graphJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Version > GraphVersion {
		return fmt.Errorf("flow graph has format version %d, newer than this binary's %d; upgrade flowc", w.Version, GraphVersion)
	}
	*g = Graph(w.graphFields)
	return nil
}

// Step returns the step named name, or nil.
func (g *Graph) Step(name string) *Step {
	for _, s := range g.Steps {
		if s.Name == name {
			return s
		}
	}
	return nil
}
