package gen

import (
	"context"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// loadMode is what analysis needs and no more: dependencies come from export
// data (no NeedDeps), which keeps `go generate` fast with a warm cache.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
	packages.NeedTypes | packages.NeedTypesInfo

func load(ctx context.Context, dir string, patterns []string) ([]*packages.Package, error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	cfg := &packages.Config{
		Context:    ctx,
		Mode:       loadMode,
		Dir:        dir,
		BuildFlags: []string{"-tags=" + buildTag},
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	if len(pkgs) == 0 {
		// With the type-checking modes a failing go command (say, a go.mod
		// that needs tidying) can come back as no packages and no error;
		// a plain listing brings its message back.
		cfg.Mode = packages.NeedName
		if _, err := packages.Load(cfg, patterns...); err != nil {
			msg := err.Error()
			if _, after, ok := strings.Cut(msg, "stderr: "); ok {
				msg = after
			}
			return nil, fmt.Errorf("loading %s: %s", strings.Join(patterns, " "), strings.Join(strings.Fields(msg), " "))
		}
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// pkgDir is the package's directory, taken from its files since
// packages.Package.Dir needs a newer load mode than we use.
func pkgDir(p *packages.Package) string {
	if len(p.GoFiles) > 0 {
		return filepath.Dir(p.GoFiles[0])
	}
	if p.Dir != "" {
		return p.Dir
	}
	return ""
}

// packageErrors turns the load's errors (list, parse, type errors) into a
// positioned list. References to identifiers that only the generated file
// declares are dropped: with -tags=flowc that file is excluded on purpose.
func packageErrors(p *packages.Package) scanner.ErrorList {
	hasTypeErrors := false
	for _, e := range p.Errors {
		hasTypeErrors = hasTypeErrors || e.Kind == packages.TypeError
	}
	var list scanner.ErrorList
	for _, e := range p.Errors {
		// With type errors at hand, the go command's own report of the
		// failed compile only repeats them, without usable positions; a
		// continuation line ("\tother declaration of X") repeats a name.
		if hasTypeErrors && e.Kind != packages.TypeError || strings.HasPrefix(e.Msg, "\t") {
			continue
		}
		if e.Kind == packages.TypeError && refersToGenerated(e.Msg) {
			continue
		}
		list.Add(parsePos(e.Pos), e.Msg)
	}
	list.Sort()
	return list
}

func refersToGenerated(msg string) bool {
	name, ok := strings.CutPrefix(msg, "undefined: ")
	if !ok {
		return false
	}
	// Another package of the pattern calling a library's runner sees
	// "undefined: lib.RunSquares".
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.HasPrefix(name, "Load") || strings.HasPrefix(name, "Run")
}

// parsePos parses go/packages' "file:line:col" (col optional; "-" or ""
// when unknown).
func parsePos(s string) token.Position {
	var pos token.Position
	if s == "" || s == "-" {
		return pos
	}
	rest := s
	nums := []int{}
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	pos.Filename = rest
	if len(nums) > 0 {
		pos.Line = nums[0]
	}
	if len(nums) > 1 {
		pos.Column = nums[1]
	}
	return pos
}

// verify type-checks every package again with its generated files added,
// the way `go build` will see them (no flowc tag). Errors become the
// package's errors and its files are withdrawn: nothing that does not
// compile is ever written.
//
// The check runs in process over the syntax already loaded; only the
// imports' export data comes from the go command, in one call. (A second
// go/packages load with an overlay would recompile the package without the
// build cache, seconds instead of a fraction of one.)
func verify(ctx context.Context, dir string, pkgs []*packages.Package, results []Result) error {
	type job struct {
		r     *Result
		p     *packages.Package
		files []*ast.File
	}
	var jobs []job
	paths := map[string]bool{}
	for i := range results {
		r, p := &results[i], pkgs[i]
		if len(r.Files) == 0 {
			continue
		}
		j := job{r: r, p: p, files: slices.Clone(p.Syntax)}
		for _, f := range r.Files {
			af, err := parser.ParseFile(p.Fset, f.Path, f.Content, parser.SkipObjectResolution)
			if err != nil {
				return fmt.Errorf("parsing generated %s: %w", f.Path, err)
			}
			j.files = append(j.files, af)
		}
		for _, f := range j.files {
			for _, spec := range f.Imports {
				if path, err := strconv.Unquote(spec.Path.Value); err == nil && path != "unsafe" && path != "C" {
					paths[path] = true
				}
			}
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return nil
	}
	exports, loadProblem, err := exportFiles(ctx, dir, paths)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		imp := importer.ForCompiler(j.p.Fset, "gc", func(path string) (io.ReadCloser, error) {
			file := exports[path]
			if file == "" {
				return nil, fmt.Errorf("no export data for %q", path)
			}
			return os.Open(file)
		})
		generated := map[string]bool{}
		for _, f := range j.r.Files {
			generated[f.Path] = true
		}
		var list scanner.ErrorList
		conf := types.Config{
			Importer: imp,
			Error: func(err error) {
				te, ok := err.(types.Error)
				if !ok || te.Soft && strings.HasPrefix(te.Msg, "\t") {
					return
				}
				pos, msg := te.Fset.Position(te.Pos), te.Msg
				switch {
				case generated[pos.Filename] && loadProblem != "" && strings.HasPrefix(msg, "could not import "):
					// The module cannot build what the generated code
					// imports (a missing go.sum entry or requirement):
					// the user's module needs tidying, flowc is not at fault.
					msg = "the generated code imports what this module cannot build: " + loadProblem + `; name flowc as a tool of the module if it is not one (go mod edit -tool=github.com/flowc-dev/flowc/cmd/flowc) and run "go mod tidy", then go generate again`
				case generated[pos.Filename]:
					msg = "generated code does not compile: " + msg + "; this is a flowc bug, please report it"
				}
				list.Add(pos, msg)
			},
		}
		conf.Check(j.p.PkgPath, j.p.Fset, j.files, nil)
		if len(list) > 0 {
			list.Sort()
			j.r.Errs, j.r.Files = list, nil
		}
	}
	return nil
}

// exportFiles asks the go command, once, for the export data of paths (and
// what they need, which the gc importer finds through them). problem is
// the first error the go command reported for any of those packages (a
// missing go.sum entry, a module not required), "" when none.
func exportFiles(ctx context.Context, dir string, paths map[string]bool) (exports map[string]string, problem string, err error) {
	list := make([]string, 0, len(paths))
	for p := range paths {
		list = append(list, p)
	}
	sort.Strings(list)
	cfg := &packages.Config{Context: ctx, Mode: packages.NeedName | packages.NeedExportFile | packages.NeedDeps | packages.NeedImports, Dir: dir}
	pkgs, err := packages.Load(cfg, list...)
	if err != nil {
		return nil, "", fmt.Errorf("type-checking generated code: %w", err)
	}
	exports = map[string]string{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.ExportFile != "" {
			exports[p.PkgPath] = p.ExportFile
		}
		for _, e := range p.Errors {
			if problem == "" {
				problem = goProblem(e.Msg)
			}
		}
	})
	return exports, problem, nil
}

// goProblem keeps the first line of a go command error, without the
// "to add:" suggestion that follows it on the next (go mod tidy does that).
func goProblem(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg = strings.TrimSuffix(strings.TrimSpace(msg), "; to add:")
	return msg
}

// RelErrors returns list with file names made relative to base where they
// lie under it, for printing as "flow.go:31:6: message".
func RelErrors(list scanner.ErrorList, base string) scanner.ErrorList {
	out := make(scanner.ErrorList, len(list))
	for i, e := range list {
		e2 := *e
		if filepath.IsAbs(e2.Pos.Filename) && base != "" {
			if rel, err := filepath.Rel(base, e2.Pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				e2.Pos.Filename = rel
			}
		}
		out[i] = &e2
	}
	return out
}
