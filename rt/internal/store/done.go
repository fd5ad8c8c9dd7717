package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

// ReadDone reads the commit marker of one attempt, for a caller that knows
// the attempt (the scheduler, after the attempt's process exits): one read
// when it succeeded (task.json), two when it failed. An attempt without a
// marker, or with one torn by a power loss, is ErrNotFound.
func (s *Store) ReadDone(p TaskPath, attempt int) (*Done, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := validAttempt(p, attempt); err != nil {
		return nil, err
	}
	switch d, err := s.readTaskFile(p); {
	case err == nil && d.Attempt == attempt:
		return d, nil
	case err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDamaged):
		return nil, err
	}
	key := attemptKey(p, attempt, "done")
	data, err := s.b.readFile(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("attempt %d of task %q %w", attempt, p, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", s.b.where(key), err)
	}
	d := new(Done)
	if json.Unmarshal(data, d) != nil || d.Attempt != attempt {
		return nil, fmt.Errorf("attempt %d of task %q %w", attempt, p, ErrNotFound)
	}
	if err := checkVersion(fmt.Sprintf("%q", s.b.where(key)), d.Version); err != nil {
		return nil, err
	}
	return d, nil
}
