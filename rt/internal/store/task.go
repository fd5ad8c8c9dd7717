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

// Per attempt a task writes at most four files: <a>.stdout and <a>.stderr
// as it runs, then <a>.data.json and finally its commit marker. The marker
// of the attempt that succeeds is the task's task.json, created once
// (If-None-Match on S3), so engines and readers that cannot know the
// attempt number read one key, and two deliveries of one task cannot both
// commit; a failed attempt's marker is <a>.done. Readers trust only
// attempts with a marker, so a crash anywhere before it leaves the attempt
// invisible. (See the package doc for why nothing here is fsynced.) On S3
// a task of three artifacts costs seven PUTs: the blobs, data.json, the two
// logs and the marker.

// InputsOf is what a marker records of an attempt's inputs (Done.Inputs
// and SplitIndex): its --input-paths and, for a foreach body (split >= 0),
// its index.
func InputsOf(inputs string, split int) (string, *int) {
	if split < 0 {
		return inputs, nil
	}
	return inputs, &split
}

// taskFile is the commit marker of a task's successful attempt.
const taskFile = "task.json"

// WriteTaskData writes <a>.data.json atomically.
func (s *Store) WriteTaskData(p TaskPath, attempt int, d *TaskData) error {
	d.Version = FormatVersion
	return s.writeJSON(p, attempt, "data.json", d)
}

// FinishAttempt writes the commit marker; call it last. A successful
// attempt creates task.json, which fails (wrapping fs.ErrExist) when
// another attempt of the task has already succeeded.
func (s *Store) FinishAttempt(p TaskPath, d *Done) error {
	d.Version = FormatVersion
	if !d.OK {
		return s.writeJSON(p, d.Attempt, "done", d)
	}
	if err := p.validate(); err != nil {
		return err
	}
	if err := validAttempt(p, d.Attempt); err != nil {
		return err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	key := taskKey(p) + "/" + taskFile
	err = s.b.create(key, data)
	if errors.Is(err, fs.ErrExist) {
		old, rerr := s.readTaskFile(p)
		switch {
		case errors.Is(rerr, ErrDamaged):
			err = s.b.put(key, data) // torn by a power loss: nobody committed
		case rerr == nil:
			return fmt.Errorf("committing attempt %d of task %q: attempt %d already succeeded (%s): %w", d.Attempt, p, old.Attempt, s.b.where(key), fs.ErrExist)
		}
	}
	if err != nil {
		return fmt.Errorf("writing %q: %w", s.b.where(key), err)
	}
	return nil
}

// PutTaskFile writes name, a small file for an engine, beside the task's
// commit marker, whole (a Step Functions Distributed Map reads a foreach's
// items from one). name is no file of the store's own: not task.json, and
// not an attempt's (which start with the attempt number).
func (s *Store) PutTaskFile(p TaskPath, name string, data []byte) error {
	if err := p.validate(); err != nil {
		return err
	}
	if name == "" || name == taskFile || strings.ContainsAny(name, "/\\") || name[0] >= '0' && name[0] <= '9' || name[0] == '.' {
		return fmt.Errorf("task file %q of task %q: not a name the store leaves to engines", name, p)
	}
	key := taskKey(p) + "/" + name
	if err := s.b.put(key, data); err != nil {
		return fmt.Errorf("writing %q: %w", s.b.where(key), err)
	}
	return nil
}

// readTaskFile reads task.json: ErrNotFound when the task has not
// succeeded, ErrDamaged when it does not parse.
func (s *Store) readTaskFile(p TaskPath) (*Done, error) {
	key := taskKey(p) + "/" + taskFile
	d := new(Done)
	err := s.readJSON(key, d)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("successful attempt of task %q %w", p, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("%q", s.b.where(key)), d.Version); err != nil {
		return nil, err
	}
	if !d.OK || d.Attempt < 0 {
		return nil, fmt.Errorf("%q is %w: it records attempt %d as ok=%v; rerun or resume the run that wrote it", s.b.where(key), ErrDamaged, d.Attempt, d.OK)
	}
	return d, nil
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
	if err := checkVersion(fmt.Sprintf("%q", s.b.where(attemptKey(p, attempt, "data.json"))), d.Version); err != nil {
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

// LatestDone returns the committed attempt of a task that counts: the one
// that succeeded, else the highest-numbered failed one. A task without one
// (never run, running, or crashed) is ErrNotFound. A marker that does not
// parse (torn by a power loss) does not count.
func (s *Store) LatestDone(p TaskPath) (*Done, error) {
	_, d, err := s.latestDone(p, false)
	return d, err
}

// LatestDoneOfNew is LatestDone for a task that is expected not to have
// finished yet (a task checking, as it starts, that it is not a repeat):
// it lists the task first, one request where LatestDone spends two on a
// task without task.json.
func (s *Store) LatestDoneOfNew(p TaskPath) (*Done, error) {
	_, d, err := s.latestDone(p, true)
	return d, err
}

// latestDone also returns the attempt number. A task that succeeded costs
// one read (task.json); one that did not, that read, a listing of the task
// directory and one read of a marker (more only after a power loss). With
// listFirst, the listing comes first and task.json is read only if it is
// listed.
func (s *Store) latestDone(p TaskPath, listFirst bool) (int, *Done, error) {
	if err := p.validate(); err != nil {
		return 0, nil, err
	}
	var es []entry
	if listFirst {
		var err error
		if es, err = s.b.list(taskKey(p)); err != nil {
			return 0, nil, fmt.Errorf("listing task %q: %w", p, err)
		}
	}
	if !listFirst || slices.ContainsFunc(es, func(e entry) bool { return e.name == taskFile && !e.dir }) {
		d, err := s.readTaskFile(p)
		if err == nil {
			return d.Attempt, d, nil
		}
		if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDamaged) {
			return 0, nil, err
		}
	}
	// Failed attempts, and the successful one of a datastore written
	// before task.json (<a>.done with ok).
	if !listFirst {
		var err error
		if es, err = s.b.list(taskKey(p)); err != nil {
			return 0, nil, fmt.Errorf("listing task %q: %w", p, err)
		}
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
			if err := checkVersion(fmt.Sprintf("%q", s.b.where(key)), d.Version); err != nil {
				return 0, nil, err
			}
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
	a, d, err := s.latestDone(src, false)
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
