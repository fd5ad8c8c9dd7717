package store

import (
	"errors"
	"fmt"
	"path/filepath"
)

// OpenReadOnly opens a local root for readers: unlike Open, opening it
// creates no directory and writes no probe file, so reading a datastore
// leaves it as it was and works where the reader may not write (a shared
// or read-only mount). rt/client, every reader's way in, opens with it;
// the few writes a reader makes on purpose (tags) fail there on their own.
func OpenReadOnly(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("datastore root is empty; pass --datastore-root with a .flowc directory")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("datastore root %q: %w", root, err)
	}
	return &Store{root: abs, b: localFS{root: abs}}, nil
}
