package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

func validStream(stream string) error {
	if stream != "stdout" && stream != "stderr" {
		return fmt.Errorf("log stream %q is not valid; use \"stdout\" or \"stderr\"", stream)
	}
	return nil
}

// CreateLog opens <a>.<stream> for appending ("stdout" or "stderr"). The
// task tees its output into it as it runs, so `logs` shows a running or
// crashed task's output; nothing is buffered in the writer.
func (s *Store) CreateLog(p TaskPath, attempt int, stream string) (io.WriteCloser, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := validAttempt(p, attempt); err != nil {
		return nil, err
	}
	if err := validStream(stream); err != nil {
		return nil, err
	}
	key := attemptKey(p, attempt, stream)
	w, err := s.b.appendTo(key)
	if err != nil {
		return nil, fmt.Errorf("creating log %q: %w", s.b.where(key), err)
	}
	return w, nil
}

// OpenLog opens a log; a missing log reads as empty (a task that printed
// nothing, or one that never started).
func (s *Store) OpenLog(p TaskPath, attempt int, stream string) (io.ReadCloser, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := validAttempt(p, attempt); err != nil {
		return nil, err
	}
	if err := validStream(stream); err != nil {
		return nil, err
	}
	r, err := s.b.open(attemptKey(p, attempt, stream))
	if errors.Is(err, fs.ErrNotExist) {
		return io.NopCloser(strings.NewReader("")), nil
	}
	return r, err
}
