package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// Per attempt a task writes at most five files: <a>.attempt.json when it
// starts, <a>.stdout and <a>.stderr as it runs, then <a>.data.json and
// finally <a>.done, the commit marker. Readers trust only attempts with a
// done marker, so a crash anywhere before it leaves the attempt invisible.
// (See the package doc for why nothing here is fsynced.)

// StartAttempt writes <a>.attempt.json (creating the task directory).
func (s *Store) StartAttempt(p TaskPath, a *Attempt) error {
	return s.writeJSON(p, a.Attempt, "attempt.json", a)
}

// WriteTaskData writes <a>.data.json atomically.
func (s *Store) WriteTaskData(p TaskPath, attempt int, d *TaskData) error {
	return s.writeJSON(p, attempt, "data.json", d)
}

// FinishAttempt writes the commit marker; call it last.
func (s *Store) FinishAttempt(p TaskPath, d *Done) error {
	return s.writeJSON(p, d.Attempt, "done", d)
}

func (s *Store) writeJSON(p TaskPath, attempt int, suffix string, v any) error {
	if err := p.validate(); err != nil {
		return err
	}
	if err := validAttempt(p, attempt); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	key := attemptKey(p, attempt, suffix)
	if err := s.b.put(key, append(data, '\n')); err != nil {
		return fmt.Errorf("writing %q: %w", s.b.where(key), err)
	}
	return nil
}

// ErrDamaged is returned (wrapped) for a record that does not parse: torn
// by a power loss, or edited. Resume treats such a task as not done.
var ErrDamaged = errors.New("damaged")

// ReadTaskData reads <a>.data.json.
func (s *Store) ReadTaskData(p TaskPath, attempt int) (*TaskData, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := validAttempt(p, attempt); err != nil {
		return nil, err
	}
	d := new(TaskData)
	if err := s.readJSON(attemptKey(p, attempt, "data.json"), d); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("artifacts of task %q attempt %d %w", p, attempt, ErrNotFound)
		}
		return nil, err
	}
	return d, nil
}

func (s *Store) readJSON(key string, v any) error {
	data, err := s.b.readFile(key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%q is %w: %v; rerun or resume the run that wrote it", s.b.where(key), ErrDamaged, err)
	}
	return nil
}

// LatestDone returns the highest-numbered committed attempt of a task. A
// task without one (never run, running, or crashed) is ErrNotFound. A
// marker that does not parse (torn by a power loss) does not count.
func (s *Store) LatestDone(p TaskPath) (*Done, error) {
	_, d, err := s.latestDone(p)
	return d, err
}

// latestDone also returns the attempt number; it lists the task directory
// once and reads one marker (more only after a power loss).
func (s *Store) latestDone(p TaskPath) (int, *Done, error) {
	if err := p.validate(); err != nil {
		return 0, nil, err
	}
	es, err := s.b.list(taskKey(p))
	if err != nil {
		return 0, nil, fmt.Errorf("listing task %q: %w", p, err)
	}
	var attempts []int
	for _, e := range es {
		num, ok := strings.CutSuffix(e.name, ".done")
		if !ok || e.dir {
			continue
		}
		if a, err := strconv.Atoi(num); err == nil && a >= 0 && strconv.Itoa(a) == num {
			attempts = append(attempts, a)
		}
	}
	slices.Sort(attempts)
	for i := len(attempts) - 1; i >= 0; i-- {
		a := attempts[i]
		key := attemptKey(p, a, "done")
		data, err := s.b.readFile(key)
		if err != nil {
			return 0, nil, fmt.Errorf("reading %q: %w", s.b.where(key), err)
		}
		d := new(Done)
		if json.Unmarshal(data, d) == nil && d.Attempt == a {
			return a, d, nil
		}
	}
	return 0, nil, fmt.Errorf("finished attempt of task %q %w", p, ErrNotFound)
}

// CloneTask makes dst (a task of a new run, with no attempts yet) a copy of
// src's latest successful attempt, as resume does for the steps before the
// one it restarts from: attempt 0 of dst gets src's data.json byte for byte
// (so the same blobs, nothing copied) and a done marker with Origin set to
// src's "run/step/task". The marker keeps src's times, split count and
// switch case, which later steps and the client read. Logs are not copied;
// they stay with the origin.
func (s *Store) CloneTask(src, dst TaskPath) error {
	if err := src.validate(); err != nil {
		return err
	}
	if err := dst.validate(); err != nil {
		return err
	}
	if src.Flow != dst.Flow {
		return fmt.Errorf("cannot clone task %q into flow %q; blobs are stored per flow", src, dst.Flow)
	}
	a, d, err := s.latestDone(src)
	if err != nil {
		return fmt.Errorf("cloning task %q: %w", src, err)
	}
	if !d.OK {
		return fmt.Errorf("cannot clone task %q: its last attempt failed; resume from its step instead", src)
	}
	data, err := s.b.readFile(attemptKey(src, a, "data.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cloning task %q: artifacts of attempt %d %w", src, a, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("cloning task %q: %w", src, err)
	}
	key := attemptKey(dst, 0, "data.json")
	if err := s.b.put(key, data); err != nil {
		return fmt.Errorf("writing %q: %w", s.b.where(key), err)
	}
	return s.FinishAttempt(dst, &Done{
		Attempt:    0,
		OK:         true,
		Started:    d.Started,
		Finished:   d.Finished,
		NumSplits:  d.NumSplits,
		SwitchCase: d.SwitchCase,
		Origin:     src.Run + "/" + src.Step + "/" + src.Task,
	})
}
