package task

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/merge"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// loadParents reads each parent's latest committed attempt and its
// data.json. A wide join reads thousands of small files, so it reads them
// a few at a time.
func (t *task) loadParents() error {
	workers := min(8, len(t.parents))
	errs := make([]error, len(t.parents))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				errs[i] = t.loadParent(&t.parents[i])
			}
		})
	}
	for i := range t.parents {
		next <- i
	}
	close(next)
	wg.Wait()
	return firstErr(errs)
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *task) loadParent(p *parent) error {
	d, data, err := readCommitted(t.st, t.def.Graph.Flow, p.ref)
	p.done, p.data = d, data
	return err
}

func readCommitted(st *store.Store, flow string, r ipath.Ref) (*store.Done, *store.TaskData, error) {
	tp := store.TaskPath{Flow: flow, Run: r.Run, Step: r.Step, Task: r.Task}
	d, err := st.LatestDone(tp)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("input task %s has not finished; run it first", r)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("input task %s: %w", r, err)
	}
	if !d.OK {
		return nil, nil, fmt.Errorf("input task %s failed (attempt %d); resume the run", r, d.Attempt)
	}
	data, err := st.ReadTaskData(tp, d.Attempt)
	if err != nil {
		return nil, nil, fmt.Errorf("input task %s: %w", r, err)
	}
	return d, data, nil
}

// lineage computes the task's foreach stack and split bases from its first
// input: a child of a split or foreach opens one more level, a join closes
// the innermost.
func (t *task) lineage() ([]store.ForeachFrame, []string) {
	p0 := t.parents[0]
	stack := slices.Clone(p0.data.ForeachStack)
	bases := slices.Clone(p0.data.SplitBases)
	g := t.def.Graph
	if t.step.Join {
		if n := len(bases); n > 0 {
			base, _ := ipath.ParseRef(bases[n-1])
			opener := g.Step(base.Step)
			bases = bases[:n-1]
			if opener != nil && opener.Kind == rt.KindForeach && len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		return stack, bases
	}
	ps := g.Step(p0.ref.Step)
	if ps == nil {
		return stack, bases // the _parameters pseudo-task
	}
	switch ps.Kind {
	case rt.KindForeach:
		stack = append(stack, store.ForeachFrame{Step: ps.Name, Index: t.spec.SplitIndex, NumSplits: p0.done.NumSplits})
		bases = append(bases, p0.ref.String())
	case rt.KindSplit:
		bases = append(bases, p0.ref.String())
	}
	return stack, bases
}

// prepared is a flow value ready for the step, and what persisting it needs.
type prepared struct {
	f      any
	arts   map[string]store.Artifact // passed on by hash unless re-encoded
	encode []int                     // fields re-encoded after the step
	src    *merge.Source             // joins only
	// splitIndex is the index the step's dispatcher takes the item at: 0
	// when only the item was decoded (see splits.go).
	splitIndex int
}

// prepare builds the *F the step runs on. A non-join decodes only the
// fields the step uses (plus those the runtime itself reads); every other
// artifact passes through by hash. A join starts from the zero value plus
// the parameters, which every step sees, and reads the rest through its
// inputs.
func (t *task) prepare() (*prepared, error) {
	def := t.def
	p := &prepared{f: def.New(), arts: make(map[string]store.Artifact)}
	p.encode = t.fieldsTouched()
	p0 := t.parents[0].data
	if !t.step.Join {
		for name, a := range p0.Artifacts {
			p.arts[name] = a
		}
	} else {
		for i := range def.Fields {
			fd := &def.Fields[i]
			if a, ok := p0.Artifacts[fd.Name]; ok && fd.Kind != rt.FieldArtifact {
				p.arts[fd.Name] = a
			}
		}
		p.src = t.mergeSource()
	}
	p.splitIndex = t.spec.SplitIndex
	if k, psDef, ok := t.splitField(); ok && slices.Contains(p.encode, k) && t.decodeItem(p.f, k, psDef) == nil {
		// The field itself passes through by hash, never re-encoded.
		p.encode = slices.DeleteFunc(slices.Clone(p.encode), func(x int) bool { return x == k })
		p.splitIndex = 0
	}
	// Fields decode side by side (each into its own field of f): on S3
	// every blob is a request with a round trip.
	errs := make([]error, len(p.encode))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for i, k := range p.encode {
		fd := &def.Fields[k]
		if a, ok := p.arts[fd.Name]; ok {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				errs[i] = t.io.Decode(p.f, fd, a)
			})
		}
	}
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return nil, err
	}
	return p, nil
}

// fieldsTouched lists the fields the step may read or write.
func (t *task) fieldsTouched() []int {
	def := t.def
	if t.step.UsesAll {
		idx := make([]int, len(def.Fields))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	names := slices.Clone(t.step.Uses)
	if t.step.IsForeachBody {
		if ps := def.Graph.Step(t.parents[0].ref.Step); ps != nil && ps.Foreach != "" {
			names = append(names, ps.Foreach)
		}
	}
	if t.step.Foreach != "" {
		names = append(names, t.step.Foreach)
	}
	if t.step.Switch != nil {
		names = append(names, t.step.Switch.On)
	}
	var idx []int
	for i := range def.Fields {
		if slices.Contains(names, def.Fields[i].Name) {
			idx = append(idx, i)
		}
	}
	return idx
}

func (t *task) mergeSource() *merge.Source {
	src := &merge.Source{IO: t.io}
	for _, p := range t.parents {
		src.Inputs = append(src.Inputs, merge.Input{Ref: p.ref, Data: p.data})
	}
	bases := t.parents[0].data.SplitBases
	src.Base = func() (*store.TaskData, error) {
		if len(bases) == 0 {
			return nil, fmt.Errorf("the inputs of join %q record no split", t.step.Name)
		}
		ref, err := ipath.ParseRef(bases[len(bases)-1])
		if err != nil {
			return nil, fmt.Errorf("split base of join %q: %w", t.step.Name, err)
		}
		_, data, err := readCommitted(t.st, t.def.Graph.Flow, ref)
		return data, err
	}
	return src
}
