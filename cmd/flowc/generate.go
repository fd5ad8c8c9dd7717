package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/gen"
)

type generateCmd struct {
	Patterns []string `arg:"" optional:"" help:"Package patterns, as for go build (default: .)."`
}

// Run writes the generated files, and none at all when any package has an
// error. Unchanged files are not rewritten, so their mtime stays.
func (c *generateCmd) Run(e *env) error {
	results, ok, err := e.generate(c.Patterns, gen.Options{})
	if err != nil {
		return err
	}
	if !ok {
		return exitCode(1)
	}
	for _, r := range results {
		for _, f := range r.Files {
			if old, err := os.ReadFile(f.Path); err == nil && bytes.Equal(old, f.Content) {
				continue
			}
			if err := os.WriteFile(f.Path, f.Content, 0o666); err != nil {
				return fmt.Errorf("writing generated file: %w", err)
			}
		}
	}
	return nil
}
