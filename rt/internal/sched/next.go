package sched

import (
	"fmt"
	"slices"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
)

// handle takes a finished task: a failure fails the run, a success queues
// what comes next.
func (s *Scheduler) handle(r result) {
	n := r.n
	s.tick(n.step.Name)
	if r.err != nil || !r.done.OK {
		why := ""
		switch {
		case r.err != nil:
			why = r.err.Error()
		case r.done.Error != "":
			why = r.done.Error
		default:
			why = "it failed"
		}
		s.fail(fmt.Errorf("task %s/%s/%d failed: %s", s.RunID, n.step.Name, n.id, why))
		return
	}
	if s.failure != nil {
		return
	}
	if err := s.successors(n, r.done.NumSplits, r.done.SwitchCase); err != nil {
		s.fail(err)
	}
}

func (s *Scheduler) successors(n *node, numSplits int, switchCase string) error {
	st := n.step
	here := ref{st.Name, n.id}
	switch st.Kind {
	case rt.KindEnd:
		return nil
	case rt.KindForeach:
		if len(st.Next) != 1 {
			return fmt.Errorf("foreach step %q has %d next steps; want 1", st.Name, len(st.Next))
		}
		body := s.Graph.Step(st.Next[0])
		if body == nil {
			return fmt.Errorf("foreach step %q: unknown next step %q", st.Name, st.Next[0])
		}
		if numSplits > s.Opts.MaxNumSplits {
			return fmt.Errorf("foreach step %q (task %s/%s/%d) has %d splits, more than the limit of %d; raise it with --max-num-splits",
				st.Name, s.RunID, st.Name, n.id, numSplits, s.Opts.MaxNumSplits)
		}
		if numSplits == 0 {
			return fmt.Errorf("foreach step %q (task %s/%s/%d) has no splits: %q is empty; a foreach needs at least one item",
				st.Name, s.RunID, st.Name, n.id, st.Foreach)
		}
		fe := &frame{parent: n.frame, parentBranch: n.branch, opener: st,
			ends: make([]ipath.StepTask, numSplits), remaining: numSplits}
		s.push(&entry{fe: fe, body: body, parent: here, stack: n.stack})
		s.addTotal(body.Name, numSplits)
		return nil
	case rt.KindSplit:
		fr := &frame{parent: n.frame, parentBranch: n.branch, opener: st,
			ends: make([]ipath.StepTask, len(st.Next)), remaining: len(st.Next)}
		for i, name := range st.Next {
			next := s.Graph.Step(name)
			if next == nil {
				return fmt.Errorf("split step %q: unknown next step %q", st.Name, name)
			}
			s.push(&entry{n: &node{step: next, parent: here, splitIndex: -1, frame: fr, branch: i, stack: n.stack}})
		}
		return nil
	case rt.KindSwitch:
		if switchCase == "" {
			return fmt.Errorf("switch step %q (task %s/%s/%d) chose no case", st.Name, s.RunID, st.Name, n.id)
		}
		return s.continueTo(n, switchCase)
	}
	if len(st.Next) != 1 {
		return fmt.Errorf("step %q has %d next steps; want 1", st.Name, len(st.Next))
	}
	return s.continueTo(n, st.Next[0])
}

// continueTo queues the single successor of n, or, when it is the join of
// n's split, records n as its branch's end and queues the join once every
// branch has ended.
func (s *Scheduler) continueTo(n *node, name string) error {
	next := s.Graph.Step(name)
	if next == nil {
		return fmt.Errorf("step %q: unknown next step %q", n.step.Name, name)
	}
	if !next.Join {
		s.push(&entry{n: &node{step: next, parent: ref{n.step.Name, n.id}, splitIndex: -1,
			frame: n.frame, branch: n.branch, stack: n.stack}})
		return nil
	}
	fr := n.frame
	if fr == nil || fr.opener.MatchingJoin != "" && fr.opener.MatchingJoin != next.Name {
		return fmt.Errorf("step %q leads to join %q, which closes no split it is in", n.step.Name, next.Name)
	}
	fr.ends[n.branch] = ipath.StepTask{Step: n.step.Name, Task: n.id}
	fr.remaining--
	if fr.remaining > 0 {
		return nil
	}
	stack := n.stack
	if fr.opener.Kind == rt.KindForeach && len(stack) > 0 {
		stack = slices.Clip(stack[:len(stack)-1])
	}
	s.push(&entry{n: &node{step: next, join: fr, splitIndex: -1, frame: fr.parent, branch: fr.parentBranch, stack: stack}})
	return nil
}

func lineFor(run string, spec *TaskSpec, msg string) string {
	return string(console.Line(run+"/"+spec.Step+"/"+spec.TaskID, 0, msg))
}
