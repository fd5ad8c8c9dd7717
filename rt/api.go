package rt

import (
	"context"
	"fmt"
	"slices"
)

// Failure is what //flow:catch stores in its field when a step's last
// attempt fails: the error's (or panic value's) type, its message, and the
// stack of the failing goroutine. It is nil on success.
type Failure struct {
	Type    string
	Message string
	Stack   string
}

func (f *Failure) Error() string {
	if f == nil {
		return "<nil>"
	}
	return f.Type + ": " + f.Message
}

// Info describes the task a step is running in.
type Info struct {
	Flow         string
	RunID        string
	Step         string
	TaskID       string
	RetryCount   int   // attempt number, 0 for the first
	ForeachIndex int   // index in the innermost foreach, -1 outside any foreach
	ForeachStack []int // indices of all enclosing foreaches, outermost first
	Namespace    string
	User         string
	Tags         []string
}

type currentKey struct{}

// Current returns the task the calling step runs in. Outside a task it
// returns a zero Info with ForeachIndex -1.
func Current(ctx context.Context) Info {
	if in, ok := ctx.Value(currentKey{}).(*Info); ok {
		return *in
	}
	return Info{ForeachIndex: -1}
}

// WithCurrent returns ctx carrying info; the runtime calls it once per task.
func WithCurrent(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, currentKey{}, &info)
}

// InputSource is the runtime's side of a join's inputs. Load returns the
// i-th input's flow value (a *F) with all its artifacts decoded.
type InputSource interface {
	Len() int
	Load(i int) (any, error)
	StepName(i int) string
	// Merge implements Inputs.MergeArtifacts for into (a *F).
	Merge(into any, opts MergeOptions) error
}

// Inputs are the parents of a join step, in a stable order: static split
// branches in the order of the split's //flow:next, foreach tasks in split
// order.
type Inputs[T any] struct {
	src InputSource
}

// NewInputs wraps the runtime's input source; generated dispatchers call it.
func NewInputs[T any](src InputSource) Inputs[T] { return Inputs[T]{src: src} }

// Len is the number of inputs.
func (in Inputs[T]) Len() int { return in.src.Len() }

// At returns input i with its artifacts loaded. A storage failure while
// loading is a task failure (At panics with it and the runtime reports it).
func (in Inputs[T]) At(i int) T {
	v, err := in.src.Load(i)
	if err != nil {
		panic(&loadError{err: err})
	}
	return v.(T)
}

// All returns every input, in order.
func (in Inputs[T]) All() []T {
	out := make([]T, in.Len())
	for i := range out {
		out[i] = in.At(i)
	}
	return out
}

// Step returns the input that came from the branch step named name. It
// panics (a task failure) when no input comes from that step.
func (in Inputs[T]) Step(name string) T {
	for i := 0; i < in.Len(); i++ {
		if in.src.StepName(i) == name {
			return in.At(i)
		}
	}
	panic(fmt.Errorf("no input from step %q; the inputs come from %v", name, in.stepNames()))
}

func (in Inputs[T]) stepNames() []string {
	var names []string
	for i := 0; i < in.Len(); i++ {
		if n := in.src.StepName(i); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// MergeArtifacts sets the fields of into from the inputs: a field the join
// already set (non-zero) is kept; a field equal in all inputs, or changed in
// only one branch since the split, is taken; any other field is a conflict,
// reported by name. Exclude and Include narrow which fields are considered.
func (in Inputs[T]) MergeArtifacts(into T, opts ...MergeOption) error {
	var o MergeOptions
	for _, opt := range opts {
		opt(&o)
	}
	return in.src.Merge(into, o)
}

// MergeOptions select the fields MergeArtifacts considers.
type MergeOptions struct {
	Include []string // when non-empty, only these fields
	Exclude []string // never these fields
}

// MergeOption is Exclude or Include.
type MergeOption func(*MergeOptions)

// Exclude leaves the named fields out of MergeArtifacts.
func Exclude(names ...string) MergeOption {
	return func(o *MergeOptions) { o.Exclude = append(o.Exclude, names...) }
}

// Include restricts MergeArtifacts to the named fields; a named field that
// cannot be merged is an error rather than skipped.
func Include(names ...string) MergeOption {
	return func(o *MergeOptions) { o.Include = append(o.Include, names...) }
}

// loadError marks a panic raised by Inputs.At for a storage failure, so the
// runtime reports it as such rather than as a bug in the step.
type loadError struct{ err error }

// InputLoadFailure returns the storage error when v, a value recovered from
// a step's panic, is the one Inputs.At raised; the runtime calls it to
// report a storage failure (naming the blob) instead of a panic with its
// stack.
func InputLoadFailure(v any) (error, bool) {
	if e, ok := v.(*loadError); ok {
		return e.err, true
	}
	return nil, false
}

func (e *loadError) Error() string { return "loading join input: " + e.err.Error() }
func (e *loadError) Unwrap() error { return e.err }
