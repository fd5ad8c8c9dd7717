package main

import "github.com/flowc-dev/flowc/gen"

type checkCmd struct {
	Patterns []string `arg:"" optional:"" help:"Package patterns (default: .)."`
}

// Run lints only: no code is emitted or written.
func (c *checkCmd) Run(e *env) error {
	_, ok, err := e.generate(c.Patterns, gen.Options{LintOnly: true})
	if err != nil {
		return err
	}
	if !ok {
		return exitCode(1)
	}
	return nil
}
