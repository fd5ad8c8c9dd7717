package sched

import (
	"fmt"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/console"
)

// wide is the number of tasks of a step from which progress is reported:
// below it the tasks' own output is enough.
const wide = 50

// progress counts the finished tasks of one step.
type progress struct {
	total, done int
	lastAt      time.Time
	lastTenth   int
}

func (s *Scheduler) addTotal(step string, n int) {
	p := s.progress[step]
	if p == nil {
		p = &progress{lastAt: time.Now()}
		s.progress[step] = p
	}
	p.total += n
}

// tick counts a finished task and prints `[run/Step] k/n tasks done` at
// most once a second or every 10%, and at the end.
func (s *Scheduler) tick(step string) {
	p := s.progress[step]
	if p == nil {
		return
	}
	p.done++
	if p.total < wide {
		return
	}
	tenth := p.done * 10 / p.total
	now := time.Now()
	if p.done < p.total && tenth == p.lastTenth && now.Sub(p.lastAt) < time.Second {
		return
	}
	p.lastAt, p.lastTenth = now, tenth
	s.printf("%s", console.Line(s.RunID+"/"+step, 0, fmt.Sprintf("%d/%d tasks done", p.done, p.total)))
}
