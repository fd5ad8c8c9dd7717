package resume

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Executor is the scheduler's executor in a resumed run: a task the plan
// can clone is cloned (store.CloneTask: records only, blobs shared) under
// the id the scheduler gave it, and its cloned marker returned as if it had
// run; every other task goes to Next, which starts a process.
//
// Cloning as the scheduler walks, rather than up front, is what lets the
// new run mint its own task ids in its own order: the scheduler decides
// ids, and a clone is found by step and foreach index path.
type Executor struct {
	Plan  *Plan
	Store *store.Store
	Run   string // the new run's id
	Next  sched.Executor
	// Record, when set, records a clone with the metadata service once it
	// is cloned, so that the service holds the resumed run's every task,
	// with its origin (DESIGN §9). The local provider's records are the
	// clone's own files, so it is nil there.
	Record func(ctx context.Context, p store.TaskPath) error

	once   sync.Once
	mu     sync.Mutex
	byKey  map[string][]*Clone // step + foreach index path -> clones, in origin order
	cursor map[string]int      // next clone to hand out per key (switch loops)
}

func key(step string, index []int) string {
	var b strings.Builder
	b.WriteString(step)
	for _, i := range index {
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

func (x *Executor) index() {
	x.byKey = make(map[string][]*Clone, len(x.Plan.Clones))
	x.cursor = map[string]int{}
	for i := range x.Plan.Clones {
		c := &x.Plan.Clones[i]
		if c.Step == ParamsStep {
			continue
		}
		k := key(c.Step, c.Index())
		x.byKey[k] = append(x.byKey[k], c)
	}
}

// take returns the clone for spec, or nil when the task runs anew. A switch
// that loops to itself has several tasks at one index path; they are handed
// out in the order the origin run made them.
func (x *Executor) take(spec *sched.TaskSpec) *Clone {
	x.once.Do(x.index)
	x.mu.Lock()
	defer x.mu.Unlock()
	k := key(spec.Step, spec.ForeachStack)
	cs := x.byKey[k]
	i := x.cursor[k]
	if spec.Attempt > 0 {
		// A retry of a clone that failed to write: the same clone again.
		// (Tasks sharing a key are a switch loop's, one after the other.)
		i--
	}
	if i < 0 || i >= len(cs) {
		return nil
	}
	if spec.Attempt == 0 {
		x.cursor[k] = i + 1
	}
	return cs[i]
}

// Execute clones or runs one attempt.
func (x *Executor) Execute(ctx context.Context, spec *sched.TaskSpec) (*store.Done, error) {
	if x.Plan.Reruns(spec.Step) {
		return x.Next.Execute(ctx, spec)
	}
	c := x.take(spec)
	if c == nil {
		// A step the origin run never reached (a switch case it did not
		// take): nothing to clone, so it runs.
		return x.Next.Execute(ctx, spec)
	}
	dst := store.TaskPath{Flow: x.Plan.Flow, Run: x.Run, Step: spec.Step, Task: spec.TaskID}
	if err := x.Store.CloneTask(c.Origin, dst); err != nil {
		return nil, err
	}
	if x.Record != nil {
		if err := x.Record(ctx, dst); err != nil {
			return nil, fmt.Errorf("recording the clone %s of %s: %w", dst, c.Origin, err)
		}
	}
	return &store.Done{
		Attempt: 0, OK: true,
		NumSplits: c.NumSplits, SwitchCase: c.SwitchCase,
		Origin: c.Origin.Run + "/" + c.Origin.Step + "/" + c.Origin.Task,
	}, nil
}

// CloneParams copies the origin run's parameters task into the new run as
// task 0 of ParamsStep, Start's input, so the resumed run sees the origin's
// parameter values.
func (p *Plan) CloneParams(st *store.Store, newRun string) error {
	for _, c := range p.Cloned(ParamsStep) {
		if newRun == p.Origin {
			return fmt.Errorf("cannot clone run %s into itself; resume into a new run", p.Origin)
		}
		return st.CloneTask(c.Origin, store.TaskPath{Flow: p.Flow, Run: newRun, Step: ParamsStep, Task: "0"})
	}
	return fmt.Errorf("cannot resume run %s of flow %q: it has no recorded parameters; start a new run", p.Origin, p.Flow)
}

// StepClones is, per cloned step in plan order, how many tasks are cloned;
// the console reports one line per step.
func (p *Plan) StepClones() (steps []string, counts map[string]int) {
	counts = map[string]int{}
	for _, c := range p.Clones {
		if c.Step == ParamsStep {
			continue
		}
		if counts[c.Step] == 0 {
			steps = append(steps, c.Step)
		}
		counts[c.Step]++
	}
	return steps, counts
}
