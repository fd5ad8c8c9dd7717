package rt

import "time"

// Graph is a linted flow graph as the generator computed it. Generated code
// carries it as a literal so that the runtime and the deployment targets never
// reload or re-analyze source: every derived relation (parents, the split a
// join closes, foreach nesting) is filled in once, by the generator.
type Graph struct {
	Flow     string    // flow name (the struct type's name)
	Doc      string    // the flow type's doc comment, directives stripped
	Steps    []*Step   // in source order; Steps[0] is not necessarily Start
	Schedule *Schedule // nil when the flow has no //flow:schedule
	Project  string    // //flow:project name, "" when none
	Image    string    // //flow:image name, "" when none
}

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
	Name string
	Doc  string // method doc comment, directives stripped
	Kind string // one of the Kind* constants (Start is KindStart only when linear)
	Pos  string // "file.go:line:col" relative to the package dir, for messages

	Next    []string    // static successors; for foreach: [body]; for switch: distinct case targets in case order
	Foreach string      // the slice field iterated, when Kind == KindForeach
	Switch  *SwitchSpec // when Kind == KindSwitch
	Join    bool        // the method takes rt.Inputs
	In      []string    // predecessors (steps whose Next/cases include this one), sorted
	// SplitParents is the stack of open splits/foreaches enclosing this step,
	// outermost first (Metaflow's split_parents).
	SplitParents []string
	// MatchingJoin is, for a split or foreach step, the join that closes it.
	MatchingJoin string
	// IsForeachBody is true for the step right after a foreach (it takes the item).
	IsForeachBody bool

	Retry     *Retry
	Catch     string // the *rt.Failure field set by //flow:catch, "" when none
	TimeoutS  int    // //flow:timeout in seconds, 0 when none
	Resources Resources
	Batch     *Batch
	K8s       *Kubernetes
	Env       []EnvVar // sorted by Key

	// Uses lists the artifact fields the step's code (and the methods it
	// calls) can read or write. Fields not listed are passed from parent to
	// child by hash without being decoded. UsesAll is set when the receiver
	// escapes (passed to a function, copied, ...), so nothing can be skipped.
	Uses    []string
	UsesAll bool
}

// SwitchSpec is a //flow:switch: the value of field On selects a case.
type SwitchSpec struct {
	On    string
	Cases []SwitchCase
}

// SwitchCase maps one value (as written in the annotation) to a step.
type SwitchCase struct {
	Value string
	Step  string
}

// Schedule is a //flow:schedule. Exactly one of the frequencies is set.
type Schedule struct {
	Cron     string // as written, or derived: daily "0 0 * * ? *", hourly "0 * * * ? *", weekly "0 0 ? * SUN *"
	Period   string // "daily", "hourly", "weekly" or "" for an explicit cron
	Timezone string
}

// Retry is //flow:retry (defaults as Metaflow: times=3, minutes_between=2).
type Retry struct {
	Times          int
	MinutesBetween int
	// MinutesBetweenSet is true when minutes_between was written in the
	// annotation. A local run waits between attempts only then (Metaflow
	// retries at once when run locally); cloud targets wait MinutesBetween,
	// the default included.
	MinutesBetweenSet bool
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
	CPU       int
	MemoryMiB int
	GPU       int
	DiskMiB   int
}

// Batch is //flow:batch.
type Batch struct {
	Queue, Image, IAMRole string
}

// Kubernetes is //flow:kubernetes.
type Kubernetes struct {
	Image, Namespace, ServiceAccount string
}

// EnvVar is one //flow:env pair.
type EnvVar struct {
	Key, Value string
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
