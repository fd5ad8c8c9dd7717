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

// Run records, without locks (S3 has none). A run directory becomes
// visible with its record already in it: NewRun creates _run.json
// exclusively (backend.create), which is also how two processes starting
// runs of one flow at once get distinct ids. A record is never rewritten in
// place: a change (a status from the scheduler, a tag added from the CLI)
// creates the next version, _run.1.json, _run.2.json..., exclusively, from
// the latest one it read; the loser of a race reads again and reapplies its
// change, so concurrent updates never lose each other. The current record
// is the highest version: one listing of the run directory and one read.

const (
	runFile = "_run.json"
	// blobDir is <Flow>/data; never a run.
	blobDir = "data"
)

// runVersionKey names version v of a run record (0 is _run.json).
func runVersionKey(flow, id string, v int) string {
	if v == 0 {
		return runKey(flow, id) + "/" + runFile
	}
	return runKey(flow, id) + "/_run." + strconv.Itoa(v) + ".json"
}

// runVersion parses a run record's name; ok is false for other names.
func runVersion(name string) (int, bool) {
	if name == runFile {
		return 0, true
	}
	num, ok := strings.CutPrefix(name, "_run.")
	if !ok {
		return 0, false
	}
	num, ok = strings.CutSuffix(num, ".json")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(num)
	if err != nil || v < 1 || strconv.Itoa(v) != num {
		return 0, false
	}
	return v, true
}

// latestRunVersion returns the highest record version of a run, -1 if it
// has none.
func (s *Store) latestRunVersion(flow, id string) (int, error) {
	es, err := s.b.list(runKey(flow, id))
	if err != nil {
		return 0, err
	}
	latest := -1
	for _, e := range es {
		if v, ok := runVersion(e.name); ok && !e.dir && v > latest {
			latest = v
		}
	}
	return latest, nil
}

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
	// against a store that reports every name as taken.
	for range 10000 {
		r.ID, r.Version = strconv.FormatUint(next, 10), FormatVersion
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return "", err
		}
		err = s.b.create(runVersionKey(r.Flow, r.ID, 0), append(data, '\n'))
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

// PutRun replaces the run record with r (as a new version); it creates the
// run if it is missing (ids minted by a scheduler, like "sfn-...", never go
// through NewRun).
func (s *Store) PutRun(r *Run) error {
	if err := validRun(r.Flow, r.ID); err != nil {
		return err
	}
	return s.updateRun(r.Flow, r.ID, true, func(old *Run) error {
		*old = *r
		return nil
	})
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

// UpdateRun read-modify-writes the run record. If fn returns an error
// nothing is written and UpdateRun returns it. fn may be called more than
// once, each time on the latest record, when another process updates the
// run at the same moment.
func (s *Store) UpdateRun(flow, id string, fn func(*Run) error) error {
	if err := validRun(flow, id); err != nil {
		return err
	}
	return s.updateRun(flow, id, false, fn)
}

func (s *Store) updateRun(flow, id string, create bool, fn func(*Run) error) error {
	// Each round loses only to a writer that created a newer version; the
	// bound guards against a store that reports every name as taken.
	for range 1000 {
		v, err := s.latestRunVersion(flow, id)
		if err != nil {
			return fmt.Errorf("updating run %q: %w", flow+"/"+id, err)
		}
		r := new(Run)
		if v < 0 && !create {
			return fmt.Errorf("run %q %w", flow+"/"+id, ErrNotFound)
		}
		if v >= 0 {
			if r, err = s.readRun(flow, id, v); err != nil {
				return err
			}
		}
		if err := fn(r); err != nil {
			return err
		}
		r.Flow, r.ID, r.Version = flow, id, FormatVersion // the record stays where it is
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		err = s.b.create(runVersionKey(flow, id, v+1), append(data, '\n'))
		if err == nil {
			s.indexRun(r)
			return nil
		}
		if noSpace(err) && v >= 0 {
			// A full disk would leave the record saying "running", which
			// reads as killed once the scheduler is gone: the final
			// status (failed, often because of that very disk) would be
			// lost. The latest version's own space still holds the new
			// record, compacted: rewritten in place, the one exception to
			// "never rewritten", and only as this fallback.
			if o, ok := s.b.(inPlace); ok {
				if compact, jerr := json.Marshal(r); jerr == nil && o.overwrite(runVersionKey(flow, id, v), append(compact, '\n')) == nil {
					s.indexRun(r)
					return nil
				}
			}
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("writing run %q: %w", flow+"/"+id, err)
		}
	}
	return fmt.Errorf("updating run %q: every record version is taken in %q; check the datastore root", flow+"/"+id, s.b.where(runKey(flow, id)))
}

// GetRun reads a run record: its latest version.
func (s *Store) GetRun(flow, id string) (*Run, error) {
	if err := validRun(flow, id); err != nil {
		return nil, err
	}
	v, err := s.latestRunVersion(flow, id)
	if err != nil {
		return nil, fmt.Errorf("reading run %q: %w", flow+"/"+id, err)
	}
	if v < 0 {
		return nil, fmt.Errorf("run %q %w", flow+"/"+id, ErrNotFound)
	}
	return s.readRun(flow, id, v)
}

// GetRunStart reads the run record as the run started (_run.json, one
// read): what never changes, such as its user, namespace and start tags,
// without the listing that finding the latest version takes. Tasks read it.
func (s *Store) GetRunStart(flow, id string) (*Run, error) {
	if err := validRun(flow, id); err != nil {
		return nil, err
	}
	r, err := s.readRun(flow, id, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("run %q %w", flow+"/"+id, ErrNotFound)
	}
	return r, err
}

func (s *Store) readRun(flow, id string, v int) (*Run, error) {
	key := runVersionKey(flow, id, v)
	data, err := s.b.readFile(key)
	if err != nil {
		// Versions are never deleted, so a missing one is an error too.
		return nil, fmt.Errorf("reading run %q: %w", flow+"/"+id, err)
	}
	r := new(Run)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("run record %q is damaged: %v; delete the run's directory", s.b.where(key), err)
	}
	if err := checkVersion(fmt.Sprintf("run record %q", s.b.where(key)), r.Version); err != nil {
		return nil, err
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
