package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Open opens (creating if needed) the datastore root and checks it is
// writable, so a bad --datastore-root fails before a run starts rather than
// in its first task.
func Open(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("datastore root is empty; pass --datastore-root with a writable directory")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, notWritable(root, err)
	}
	if err := os.MkdirAll(abs, dirMode); err != nil {
		return nil, notWritable(root, err)
	}
	l := localFS{root: abs}
	f, err := l.tempFile()
	if err != nil {
		return nil, notWritable(root, err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Store{root: abs, b: l}, nil
}

// CleanStale removes the temp files that writers which were killed left
// behind (kill -9, the OOM killer, a timeout), and reports how many files
// of how many bytes it removed. It costs one small directory read per
// flow, so run and resume call it when they start.
func (s *Store) CleanStale() (files int, size int64, err error) {
	c, ok := s.b.(interface {
		cleanStale() (int, int64, error)
	})
	if !ok {
		return 0, 0, nil // a backend without temp files of its own
	}
	files, size, err = c.cleanStale()
	if err != nil {
		return files, size, fmt.Errorf("removing stale temp files in %q: %w", s.root, err)
	}
	return files, size, nil
}

func notWritable(root string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is already in the message
	}
	return fmt.Errorf("datastore root %q is not writable: %v; pass --datastore-root with a writable directory", root, err)
}

// DefaultRoot returns ".flowc" in dir or its nearest parent that has one,
// else dir/.flowc, so commands run from a subdirectory of a project find the
// project's runs (as git finds .git).
func DefaultRoot(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	for d := dir; ; {
		if fi, err := os.Stat(filepath.Join(d, ".flowc")); err == nil && fi.IsDir() {
			return filepath.Join(d, ".flowc")
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return filepath.Join(dir, ".flowc")
}

// Root is the root directory.
func (s *Store) Root() string { return s.root }
