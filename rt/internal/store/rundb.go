package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Run records. A run directory becomes visible with its record already in
// it: NewRun creates _run.json exclusively (backend.putExclusive), which is
// also how two processes starting runs of one flow at once get distinct
// ids. Later rewrites (PutRun, UpdateRun) replace it atomically under an
// flock on _run.lock, so concurrent updates (a status change from the
// scheduler, a tag added from the CLI) do not lose each other.

const (
	runFile     = "_run.json"
	runLockFile = "_run.lock"
	// blobDir is <Flow>/data; never a run.
	blobDir = "data"
)

// NewRun allocates the next integer run id for flow (safe across
// processes), sets r.ID and writes r with it.
func (s *Store) NewRun(r *Run) (string, error) {
	if err := ValidID("flow", r.Flow); err != nil {
		return "", err
	}
	es, err := s.b.list(r.Flow)
	if err != nil {
		return "", fmt.Errorf("listing runs of flow %q: %w", r.Flow, err)
	}
	var next uint64
	for _, e := range es {
		if n, ok := intID(e.name); ok && e.dir && n >= next {
			next = n + 1
		}
	}
	if next == 0 {
		next = 1 // run ids start at 1, as Metaflow's local ones do
	}
	// Another process may claim the same id between our listing and our
	// create; the loser moves on to the next id. The bound only guards
	// against a file system that reports every name as taken.
	for range 10000 {
		r.ID = strconv.FormatUint(next, 10)
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return "", err
		}
		err = s.b.putExclusive(runKey(r.Flow, r.ID)+"/"+runFile, append(data, '\n'))
		if err == nil {
			s.indexRun(r)
			return r.ID, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			r.ID = ""
			return "", fmt.Errorf("creating run of flow %q: %w", r.Flow, err)
		}
		next++
	}
	r.ID = ""
	return "", fmt.Errorf("creating run of flow %q: no free run id in %q; check the datastore root", r.Flow, s.b.where(r.Flow))
}

// intID parses a plain decimal run id.
func intID(s string) (uint64, bool) {
	if s == "" || s[0] == '+' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// PutRun rewrites the run record atomically; it creates the run if it is
// missing (ids minted by a scheduler, like "sfn-...", never go through
// NewRun).
func (s *Store) PutRun(r *Run) error {
	if err := validRun(r.Flow, r.ID); err != nil {
		return err
	}
	unlock, err := s.b.lock(runKey(r.Flow, r.ID) + "/" + runLockFile)
	if err != nil {
		return fmt.Errorf("writing run %q: %w", r.Flow+"/"+r.ID, err)
	}
	defer unlock()
	return s.writeRun(r)
}

func (s *Store) writeRun(r *Run) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	key := runKey(r.Flow, r.ID) + "/" + runFile
	err = s.b.put(key, append(data, '\n'))
	if err != nil && noSpace(err) {
		// A full disk would leave the record saying "running", which
		// reads as killed once the scheduler is gone: the final status
		// (failed, often because of that very disk) would be lost. The
		// old record's own space still holds the new one, compacted.
		if o, ok := s.b.(inPlace); ok {
			if compact, jerr := json.Marshal(r); jerr == nil && o.overwrite(key, append(compact, '\n')) == nil {
				s.indexRun(r)
				return nil
			}
		}
	}
	if err != nil {
		return fmt.Errorf("writing run %q: %w", r.Flow+"/"+r.ID, err)
	}
	s.indexRun(r)
	return nil
}

// inPlace is a backend that can rewrite an existing small file within the
// space it already has (the local file system; an object store's put
// never runs out of space).
type inPlace interface {
	overwrite(key string, data []byte) error
}

func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// UpdateRun read-modify-writes the run record under a lock. If fn returns
// an error nothing is written and UpdateRun returns it.
func (s *Store) UpdateRun(flow, id string, fn func(*Run) error) error {
	if err := validRun(flow, id); err != nil {
		return err
	}
	// Check first: taking the lock would create the run's directory.
	if _, err := s.b.stat(runKey(flow, id) + "/" + runFile); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("run %q %w", flow+"/"+id, ErrNotFound)
	}
	unlock, err := s.b.lock(runKey(flow, id) + "/" + runLockFile)
	if err != nil {
		return fmt.Errorf("updating run %q: %w", flow+"/"+id, err)
	}
	defer unlock()
	r, err := s.GetRun(flow, id)
	if err != nil {
		return err
	}
	if err := fn(r); err != nil {
		return err
	}
	r.Flow, r.ID = flow, id // the record stays where it is
	return s.writeRun(r)
}

// GetRun reads a run record.
func (s *Store) GetRun(flow, id string) (*Run, error) {
	if err := validRun(flow, id); err != nil {
		return nil, err
	}
	key := runKey(flow, id) + "/" + runFile
	data, err := s.b.readFile(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("run %q %w", flow+"/"+id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading run %q: %w", flow+"/"+id, err)
	}
	r := new(Run)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("run record %q is damaged: %v; delete the run's directory", s.b.where(key), err)
	}
	return r, nil
}

func validRun(flow, id string) error {
	if err := ValidID("flow", flow); err != nil {
		return err
	}
	if err := ValidID("run id", id); err != nil {
		return err
	}
	if id == blobDir {
		return fmt.Errorf("run id %q is not valid; %q holds the flow's artifacts", id, blobDir)
	}
	if id == indexDir {
		return fmt.Errorf("run id %q is not valid; %q holds the flow's run index", id, indexDir)
	}
	return nil
}

// ListRuns returns run ids of flow, newest first: integer ids by value,
// then the others (minted by schedulers) by name, descending. Only runs
// whose record exists are listed. A flow without runs is ErrNotFound.
//
// Cost: one directory read plus one stat per run (about 2 ms for 1000).
func (s *Store) ListRuns(flow string) ([]string, error) {
	if err := ValidID("flow", flow); err != nil {
		return nil, err
	}
	es, err := s.b.list(flow)
	if err != nil {
		return nil, fmt.Errorf("listing runs of flow %q: %w", flow, err)
	}
	type run struct {
		id  string
		n   uint64
		int bool
	}
	runs := make([]run, 0, len(es))
	for _, e := range es {
		if !e.dir || e.name == blobDir || IsScratch(e.name) || ValidID("run id", e.name) != nil {
			continue // not a run, or a scratch run (scratch.go)
		}
		if _, err := s.b.stat(runKey(flow, e.name) + "/" + runFile); err != nil {
			continue // being created by NewRun, or not a run
		}
		n, ok := intID(e.name)
		runs = append(runs, run{e.name, n, ok})
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("flow %q %w in %q", flow, ErrNotFound, s.root)
	}
	slices.SortFunc(runs, func(a, b run) int {
		switch {
		case a.int && b.int:
			return cmp.Compare(b.n, a.n)
		case a.int != b.int:
			if a.int {
				return -1
			}
			return 1
		}
		return strings.Compare(b.id, a.id)
	})
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.id
	}
	return ids, nil
}

// ListFlows returns the flow names under the root, sorted.
func (s *Store) ListFlows() ([]string, error) {
	es, err := s.b.list("")
	if err != nil {
		return nil, fmt.Errorf("listing flows in %q: %w", s.root, err)
	}
	return dirNames(es, "flow"), nil
}

// ListSteps returns the step names that have tasks in a run, sorted.
func (s *Store) ListSteps(flow, run string) ([]string, error) {
	if err := validRun(flow, run); err != nil {
		return nil, err
	}
	es, err := s.b.list(runKey(flow, run))
	if err != nil {
		return nil, fmt.Errorf("listing steps of run %q: %w", flow+"/"+run, err)
	}
	steps := dirNames(es, "step")
	if len(steps) == 0 {
		if _, err := s.b.stat(runKey(flow, run) + "/" + runFile); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("run %q %w", flow+"/"+run, ErrNotFound)
		}
	}
	return steps, nil
}

// ListTasks returns task ids of a step, sorted numerically (non-numeric ids
// after the numbers, by name). A step without tasks is ErrNotFound.
func (s *Store) ListTasks(flow, run, step string) ([]string, error) {
	if err := validRun(flow, run); err != nil {
		return nil, err
	}
	if err := ValidID("step", step); err != nil {
		return nil, err
	}
	es, err := s.b.list(runKey(flow, run) + "/" + step)
	if err != nil {
		return nil, fmt.Errorf("listing tasks of step %q: %w", flow+"/"+run+"/"+step, err)
	}
	tasks := dirNames(es, "task id")
	if len(tasks) == 0 {
		return nil, fmt.Errorf("step %q %w", flow+"/"+run+"/"+step, ErrNotFound)
	}
	slices.SortFunc(tasks, func(a, b string) int {
		na, oka := intID(a)
		nb, okb := intID(b)
		switch {
		case oka && okb:
			return cmp.Compare(na, nb)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return tasks, nil
}

// dirNames keeps the directories that are valid ids, skipping temp and
// bookkeeping names, sorted by name.
func dirNames(es []entry, what string) []string {
	var names []string
	for _, e := range es {
		if e.dir && e.name[0] != '_' && ValidID(what, e.name) == nil {
			names = append(names, e.name)
		}
	}
	slices.Sort(names)
	return names
}
