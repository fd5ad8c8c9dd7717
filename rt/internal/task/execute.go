package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// execute runs the attempt after it has started and returns its commit
// marker (not yet written).
func (t *task) execute(ctx context.Context) *store.Done {
	done := &store.Done{Attempt: t.spec.Attempt, Started: t.started}
	done.Inputs, done.SplitIndex = store.InputsOf(t.spec.InputPaths, t.spec.SplitIndex)
	if err := t.loadParents(); err != nil {
		return failed(done, errFailure(err), false)
	}
	stack, bases := t.lineage()
	p, err := t.prepare()
	if err != nil {
		return failed(done, errFailure(err), false)
	}
	ctx = rt.WithCurrent(ctx, t.info(stack))

	fail, timedOut := t.callWithDeadline(ctx, p)
	// A step that failed after the task was told to stop (Ctrl-C, SIGTERM)
	// failed because of that, whatever it returned (ctx.Err(), or nothing
	// yet from one that ignores ctx): it is an interruption, and it is not
	// caught, so that a resume reruns it rather than clone it.
	interrupted := fail != nil && ctx.Err() != nil
	if interrupted {
		fail = interruption(ctx)
	}
	if fail == nil {
		fail = t.finishStep(p, done)
	}
	if fail != nil {
		if t.step.Catch == "" || !t.lastAttempt() || interrupted {
			failed(done, fail, timedOut)
			done.Error = oneLine(t.describe(fail))
			return done
		}
		// The last attempt of a step with //flow:catch: record the
		// failure in the catch field of the step's inputs and go on.
		if p, err = t.prepare(); err != nil {
			return failed(done, errFailure(err), false)
		}
		if err := t.setCatch(p, fail); err != nil {
			return failed(done, errFailure(err), false)
		}
		fmt.Fprintf(stderr(), "%s; caught in %q (//flow:catch)\n", oneLine(t.describe(fail)), t.step.Catch)
		done.NumSplits, done.SwitchCase = 0, ""
		if f := t.finishStep(p, done); f != nil {
			return failed(done, f, false)
		}
	}
	if err := t.persist(p, stack, bases); err != nil {
		return failed(done, errFailure(err), false)
	}
	done.OK = true
	return done
}

func failed(done *store.Done, f *rt.Failure, timeout bool) *store.Done {
	done.OK = false
	done.Timeout = timeout
	done.Failure = f
	done.Error = oneLine(f.Message)
	return done
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func errFailure(err error) *rt.Failure {
	return &rt.Failure{Type: fmt.Sprintf("%T", err), Message: err.Error()}
}

// callWithDeadline calls the step; with //flow:timeout it stops waiting at
// the deadline even if the step ignores ctx (the process exits soon after,
// taking the step's goroutine with it). It stops waiting too when the task
// itself is told to stop (the run was interrupted): that is an
// interruption, not a timeout, and not a failure a retry would mend.
func (t *task) callWithDeadline(parent context.Context, p *prepared) (*rt.Failure, bool) {
	if t.step.TimeoutS <= 0 {
		return t.call(parent, p), false
	}
	limit := time.Duration(t.step.TimeoutS) * time.Second
	ctx, cancel := context.WithDeadline(parent, t.started.Add(limit))
	defer cancel()
	res := make(chan *rt.Failure, 1)
	go func() { res <- t.call(ctx, p) }()
	select {
	case f := <-res:
		return f, false
	case <-ctx.Done():
		// A step that returned right at the deadline still counts.
		select {
		case f := <-res:
			return f, false
		default:
		}
		if parent.Err() != nil {
			return interruption(parent), false
		}
		return &rt.Failure{
			Type:    "timeout",
			Message: fmt.Sprintf("timed out after %s (//flow:timeout)", limit),
		}, true
	}
}

// interruption is the failure of a step whose task was told to stop.
func interruption(ctx context.Context) *rt.Failure {
	return &rt.Failure{Type: "interrupted", Message: "interrupted: " + context.Cause(ctx).Error()}
}

// describe is the console and marker text of a step's failure. The Failure
// itself keeps the step's own message, which is what a //flow:catch field
// and a join reading it want; the step's name is added here.
func (t *task) describe(f *rt.Failure) string {
	switch {
	case strings.HasPrefix(f.Message, fmt.Sprintf("step %q", t.step.Name)):
		return f.Message
	case f.Type == "timeout":
		return fmt.Sprintf("step %q %s", t.step.Name, f.Message)
	case f.Stack != "":
		return fmt.Sprintf("step %q panicked: %s", t.step.Name, f.Message)
	}
	return fmt.Sprintf("step %q: %s", t.step.Name, f.Message)
}

// call runs the step method; a panic is a failure with its stack. The
// failure's message is the error's or panic's own, without the step name.
func (t *task) call(ctx context.Context, p *prepared) (fail *rt.Failure) {
	defer func() {
		if v := recover(); v != nil {
			if err, ok := rt.InputLoadFailure(v); ok {
				// Not a bug in the step: no stack, and the message names
				// the input and the blob.
				fail = &rt.Failure{Type: "storage", Message: "loading the join's inputs: " + err.Error()}
				return
			}
			msg := fmt.Sprint(v)
			if err, ok := v.(error); ok {
				msg = err.Error()
			}
			fail = &rt.Failure{
				Type:    fmt.Sprintf("%T", v),
				Message: msg,
				Stack:   trimStack(debug.Stack()),
			}
		}
	}()
	call := rt.StepCall{SplitIndex: p.splitIndex}
	if p.src != nil {
		call.Inputs = p.src
	}
	if err := t.stepDef.Run(ctx, p.f, call); err != nil {
		var rf *rt.Failure
		if errors.As(err, &rf) && rf != nil {
			return rf
		}
		return &rt.Failure{Type: fmt.Sprintf("%T", err), Message: err.Error()}
	}
	return nil
}

// finishStep records what the scheduler needs from a successful step: the
// split count of a foreach, the chosen case of a switch.
func (t *task) finishStep(p *prepared, done *store.Done) *rt.Failure {
	switch {
	case t.step.Switch != nil && t.stepDef.SwitchValue != nil:
		v := t.stepDef.SwitchValue(p.f)
		var cases []string
		for _, c := range t.step.Switch.Cases {
			if c.Value == v {
				done.SwitchCase = c.Step
				return nil
			}
			cases = append(cases, c.Value)
		}
		return &rt.Failure{Type: "switch", Message: fmt.Sprintf(
			"step %q: switch field %q is %q, which matches no case; the cases are %s",
			t.step.Name, t.step.Switch.On, v, strings.Join(cases, ", "))}
	case t.step.Foreach != "" && t.stepDef.ForeachLen != nil:
		done.NumSplits = t.stepDef.ForeachLen(p.f)
	}
	return nil
}

func (t *task) setCatch(p *prepared, fail *rt.Failure) error {
	k := t.io.Field(t.step.Catch)
	if k < 0 {
		return fmt.Errorf("catch field %q of step %q is not a persisted field", t.step.Catch, t.step.Name)
	}
	js, err := json.Marshal(fail)
	if err != nil {
		return err
	}
	if err := t.io.SetJSON(p.f, &t.def.Fields[k], js); err != nil {
		return err
	}
	p.encode = append(p.encode, k)
	return nil
}

// persist stores the fields the step may have changed and writes the
// attempt's data.json.
func (t *task) persist(p *prepared, stack []store.ForeachFrame, bases []string) error {
	if p.src != nil {
		for name, a := range p.src.Merged {
			p.arts[name] = a
		}
	}
	arts, err := t.putFields(p)
	if err != nil {
		return err
	}
	var zero any
	for i, k := range p.encode {
		fd := &t.def.Fields[k]
		a := arts[i]
		if _, merged := p.arts[fd.Name]; !merged && p.src != nil {
			// A join starts from the zero value: a field it neither set
			// nor merged is not an artifact of the join (as in Metaflow).
			if zero == nil {
				zero = t.def.New()
			}
			zh, _, err := t.io.Hash(zero, fd)
			if err != nil {
				return err
			}
			if a.Hash == zh {
				continue
			}
		}
		p.arts[fd.Name] = a
	}
	splits, err := t.writeSplits(p)
	if err != nil {
		return err
	}
	d := &store.TaskData{Artifacts: p.arts, ForeachStack: stack, SplitBases: bases, Splits: splits}
	for _, par := range t.parents {
		d.Parents = append(d.Parents, par.ref.String())
	}
	if err := t.st.WriteTaskData(t.path, t.spec.Attempt, d); err != nil {
		return err
	}
	t.data = d
	return nil
}

// putFields stores the fields p.encode names, putParallel at a time: on S3
// each blob is a request with a round trip, so a task's artifacts upload
// side by side.
func (t *task) putFields(p *prepared) ([]store.Artifact, error) {
	const putParallel = 8
	arts := make([]store.Artifact, len(p.encode))
	errs := make([]error, len(p.encode))
	var wg sync.WaitGroup
	slots := make(chan struct{}, putParallel)
	for i, k := range p.encode {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			arts[i], errs[i] = t.io.Put(p.f, &t.def.Fields[k])
		})
	}
	wg.Wait()
	return arts, firstErr(errs)
}
