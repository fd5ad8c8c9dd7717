// Package gen is the flowc generator: it loads a Go package with
// go/packages, finds the //flow: annotated flows in it, lints their graphs
// and emits one typed runner file per flow.
//
// The pipeline follows google/wire: load, analyze, generate in memory
// ([]File), and leave writing to the command, so that `flowc check` and
// `flowc diff` share every step with `flowc generate`.
package gen

import (
	"context"
	"go/scanner"

	"github.com/flowc-dev/flowc/annotations"
)

// Runtime import paths the generated code uses, with the reserved aliases
// that keep them clear of user identifiers.
const (
	rtPath     = "github.com/flowc-dev/flowc/rt"
	codecPath  = "github.com/flowc-dev/flowc/rt/codec"
	runnerPath = "github.com/flowc-dev/flowc/rt/runner"
)

// buildTag excludes generated files while flowc loads a package, so a stale
// or broken generated file never stops the next generation.
const buildTag = "flowc"

// File is one generated file, not yet written.
type File struct {
	Path    string // absolute
	Content []byte
}

// Result is the outcome for one package: either files or errors.
type Result struct {
	PkgPath string
	Dir     string
	Files   []File
	// Errs are the package's type errors, annotation errors and lint
	// errors, sorted by position, with absolute file names. When non-empty,
	// Files is empty.
	Errs scanner.ErrorList
}

// Options tune Generate.
type Options struct {
	// LintOnly stops after the lint: no code is emitted (flowc check).
	LintOnly bool
	// SkipVerify skips type-checking the emitted code (tests that emit
	// deliberately broken output only).
	SkipVerify bool
}

// Generate loads the packages matching patterns (relative to dir) and
// returns, per package, the generated files or the errors. The error result
// is for failures to load at all (bad pattern, go command errors).
func Generate(ctx context.Context, dir string, patterns []string, opts Options) ([]Result, error) {
	pkgs, err := load(ctx, dir, patterns)
	if err != nil {
		return nil, err
	}
	results := make([]Result, 0, len(pkgs))
	for _, p := range pkgs {
		r := Result{PkgPath: p.PkgPath, Dir: pkgDir(p)}
		if errs := packageErrors(p); len(errs) > 0 {
			if clashes, names := nameClashes(p); len(clashes) > 0 {
				kept := clashes
				for _, e := range errs {
					if !echoesClash(e.Msg, names) {
						kept = append(kept, e)
					}
				}
				kept.Sort()
				errs = kept
			}
			// The annotations' own mistakes need no types: report them
			// with the Go errors, so that every mistake shows at once.
			for _, f := range p.Syntax {
				_, list := annotations.ParseFile(p.Fset, f)
				errs = append(errs, list...)
			}
			errs.Sort()
			r.Errs = errs
			results = append(results, r)
			continue
		}
		flows, errs := analyze(p)
		if len(errs) == 0 && !opts.LintOnly {
			r.Files, errs = emitPackage(p, flows)
		}
		errs.Sort()
		r.Errs = errs
		if len(errs) > 0 {
			r.Files = nil
		}
		results = append(results, r)
	}
	if !opts.LintOnly && !opts.SkipVerify {
		if err := verify(ctx, dir, pkgs, results); err != nil {
			return nil, err
		}
	}
	return results, nil
}
