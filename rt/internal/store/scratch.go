package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Scratch runs hold what `spin` reruns: a step on the inputs of a past
// task. They live beside the flow's runs (so their tasks read the same
// blobs and input paths) under ids starting with ScratchPrefix, which
// ListRuns never lists: a scratch run is never a run of the flow for
// `runs`, the client's listings or resume's choice of an origin. It can
// still be read by its id (dump, logs, the client's Flow.Run).
const ScratchPrefix = "_spin-"

// IsScratch reports whether run id names a scratch run.
func IsScratch(id string) bool { return strings.HasPrefix(id, ScratchPrefix) }

// NewScratchRun allocates the next scratch run id of r.Flow (_spin-1,
// _spin-2, ...; safe across processes), sets r.ID and writes r with it.
func (s *Store) NewScratchRun(r *Run) (string, error) {
	if err := ValidID("flow", r.Flow); err != nil {
		return "", err
	}
	es, err := s.b.list(r.Flow)
	if err != nil {
		return "", fmt.Errorf("listing runs of flow %q: %w", r.Flow, err)
	}
	next := uint64(1)
	for _, e := range es {
		if n, ok := intID(strings.TrimPrefix(e.name, ScratchPrefix)); ok && e.dir && IsScratch(e.name) && n >= next {
			next = n + 1
		}
	}
	for range 10000 {
		r.ID = ScratchPrefix + strconv.FormatUint(next, 10)
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return "", err
		}
		err = s.b.create(runKey(r.Flow, r.ID)+"/"+runFile, append(data, '\n'))
		if err == nil {
			return r.ID, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			r.ID = ""
			return "", fmt.Errorf("creating a scratch run of flow %q: %w", r.Flow, err)
		}
		next++
	}
	r.ID = ""
	return "", fmt.Errorf("creating a scratch run of flow %q: no free id in %q; check the datastore root", r.Flow, s.b.where(r.Flow))
}
