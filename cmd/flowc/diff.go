package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/flowc-dev/flowc/gen"
)

type diffCmd struct {
	Patterns []string `arg:"" optional:"" help:"Package patterns (default: .)."`
	NameOnly bool     `help:"Print only the names of the files that would change."`
}

// Run compares what generate would write with the files on disk. Exit
// status: 0 all up to date, 1 some would change, 2 errors.
func (c *diffCmd) Run(e *env) error {
	results, ok, err := e.generate(c.Patterns, gen.Options{})
	if err != nil {
		fmt.Fprintln(e.stderr, "flowc:", err)
		return exitCode(2)
	}
	if !ok {
		return exitCode(2)
	}
	changed := false
	for _, r := range results {
		for _, f := range r.Files {
			old, err := os.ReadFile(f.Path)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				fmt.Fprintln(e.stderr, "flowc:", err)
				return exitCode(2)
			}
			if bytes.Equal(old, f.Content) {
				continue
			}
			changed = true
			name := relPath(e.dir, f.Path)
			if c.NameOnly {
				fmt.Fprintln(e.stdout, name)
				continue
			}
			fmt.Fprint(e.stdout, unifiedDiff(name, string(old), string(f.Content)))
		}
	}
	if changed {
		return exitCode(1)
	}
	return nil
}

func relPath(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
