package store

import (
	"fmt"
	"slices"
	"strings"
)

// ScratchRuns lists the scratch runs of flow, oldest first.
func (s *Store) ScratchRuns(flow string) ([]string, error) {
	if err := ValidID("flow", flow); err != nil {
		return nil, err
	}
	es, err := s.b.list(flow)
	if err != nil {
		return nil, fmt.Errorf("listing runs of flow %q: %w", flow, err)
	}
	var nums []uint64
	for _, e := range es {
		if n, ok := intID(strings.TrimPrefix(e.name, ScratchPrefix)); ok && e.dir && IsScratch(e.name) {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	ids := make([]string, len(nums))
	for i, n := range nums {
		ids[i] = fmt.Sprintf("%s%d", ScratchPrefix, n)
	}
	return ids, nil
}

// RemoveScratchRun deletes scratch run id: its record, tasks and logs. The
// blobs its tasks wrote stay (they are shared by content with the flow's
// runs). Only scratch runs can be removed this way: a run of the flow is
// never deleted by flowc.
func (s *Store) RemoveScratchRun(flow, id string) error {
	if !IsScratch(id) {
		return fmt.Errorf("run %q of flow %q is not a scratch run; only spin's scratch runs are removed", id, flow)
	}
	if err := validRun(flow, id); err != nil {
		return err
	}
	key := runKey(flow, id)
	if err := s.removeTree(key); err != nil {
		return fmt.Errorf("removing scratch run %q: %w", s.b.where(key), err)
	}
	return nil
}

// removeTree deletes every key under dir, then dir itself (a directory
// locally; nothing on a store without directories). It uses only list and
// remove, so it works on every backend.
func (s *Store) removeTree(dir string) error {
	es, err := s.b.list(dir)
	if err != nil {
		return err
	}
	for _, e := range es {
		key := dir + "/" + e.name
		if e.dir {
			err = s.removeTree(key)
		} else {
			err = s.b.remove(key)
		}
		if err != nil {
			return err
		}
	}
	return s.b.remove(dir)
}
