package gen

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../golden")

// goldenRoot is the golden module: one directory per case, holding flow.go
// and either the expected generated file(s) or errors.txt. It is its own
// module so CI can build and vet the expected output.
const goldenRoot = "../golden"

const acceptCmd = "go test ./gen -run TestGolden -update"

// TestGolden generates every case twice (the output must not change) and
// compares it with the committed files. Generate type-checks the output.
// The cases are found by walking the tree, as sqlc does, so a case cannot
// be left out by a pattern that misses it (testdata/ is walked too).
func TestGolden(t *testing.T) {
	root, err := filepath.Abs(goldenRoot)
	if err != nil {
		t.Fatal(err)
	}
	first, err := runGolden(root, false)
	if err != nil {
		t.Fatal(err)
	}
	second, err := runGolden(root, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.generated, second.generated); diff != "" {
		t.Errorf("generating twice gave different output (-first +second):\n%s", diff)
	}
	if len(first.cases) < 25 {
		t.Errorf("only %d golden cases; want at least 25", len(first.cases))
	}
	if *update {
		if first, err = runGolden(root, true); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range first.cases {
		t.Run(name, func(t *testing.T) {
			if msg := first.failures[name]; msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestGoldenCatchesWrongExpectations proves that TestGolden can fail: in
// a scratch golden module, a case whose errors.txt is wrong, the same case
// hidden under testdata/, and a case that expects nothing must each fail,
// while a correct case passes.
func TestGoldenCatchesWrongExpectations(t *testing.T) {
	src, err := filepath.Abs(goldenRoot)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	mod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Dir(src)
	mod = []byte(strings.Replace(string(mod), "=> ..", "=> "+repo, 1))
	files := map[string]string{"go.mod": string(mod)}
	copyFrom := func(to, from string) {
		b, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		files[to] = string(b)
	}
	copyFrom("go.sum", "go.sum")
	copyFrom("ok/flow.go", "linear/flow.go")
	copyFrom("ok/linear_flow.flowc.go", "linear/linear_flow.flowc.go")
	copyFrom("err_x/flow.go", "err_cycle/flow.go")
	files["err_x/errors.txt"] = "WRONG\n"
	copyFrom("testdata/err_y/flow.go", "err_cycle/flow.go")
	files["testdata/err_y/errors.txt"] = "WRONG\n"
	files["nothing/nothing.go"] = "package nothing\n"
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	got, err := runGolden(root, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"err_x", "nothing", "ok", "testdata/err_y"}; !cmp.Equal(got.cases, want) {
		t.Errorf("cases found = %v, want %v", got.cases, want)
	}
	for _, name := range []string{"err_x", "testdata/err_y", "nothing"} {
		if got.failures[name] == "" {
			t.Errorf("case %s passed; a wrong or missing expectation must fail", name)
		}
	}
	if msg := got.failures["ok"]; msg != "" {
		t.Errorf("the correct case failed:\n%s", msg)
	}
}

// goldenRun is one pass over a golden tree.
type goldenRun struct {
	cases []string // relative, slash-separated, sorted
	// generated is, per case, what the generator gave by base name: the
	// generated files, or errors.txt.
	generated map[string]map[string]string
	failures  map[string]string // per case, why it failed; absent when it passed
}

// runGolden finds every case under root, generates them all in one load
// and compares each with its files on disk (or, with update, rewrites
// them). The error result is for failures to run at all.
func runGolden(root string, update bool) (*goldenRun, error) {
	cases, err := goldenCases(root)
	if err != nil {
		return nil, err
	}
	patterns := make([]string, len(cases))
	for i, c := range cases {
		patterns[i] = "./" + c
	}
	results, err := Generate(context.Background(), root, patterns, Options{})
	if err != nil {
		return nil, err
	}
	run := &goldenRun{cases: cases, generated: map[string]map[string]string{}, failures: map[string]string{}}
	for _, r := range results {
		rel, err := filepath.Rel(root, r.Dir)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		files := map[string]string{}
		if len(r.Errs) > 0 {
			var b strings.Builder
			for _, e := range RelErrors(r.Errs, r.Dir) {
				b.WriteString(e.Error() + "\n")
			}
			files["errors.txt"] = b.String()
		}
		for _, f := range r.Files {
			if filepath.Dir(f.Path) != r.Dir {
				run.failures[rel] += fmt.Sprintf("generated %s outside the package directory\n", f.Path)
			}
			files[filepath.Base(f.Path)] = string(f.Content)
		}
		run.generated[rel] = files
	}
	for _, c := range cases {
		want, ok := run.generated[c]
		switch {
		case !ok:
			run.failures[c] += "the generator found no package in this case; give it a flow.go\n"
			continue
		case len(want) == 0:
			run.failures[c] += "this case expects nothing: it has no flow and no errors; add a //flow:flow type or delete the case\n"
			continue
		}
		msg, err := goldenCheck(filepath.Join(root, filepath.FromSlash(c)), want, update)
		if err != nil {
			return nil, err
		}
		run.failures[c] += msg
	}
	for c, msg := range run.failures {
		if msg == "" {
			delete(run.failures, c)
		}
	}
	return run, nil
}

// goldenCases lists every directory under root that holds Go files or an
// expectation (errors.txt, *.flowc.go): a directory with only an
// expectation is a case too, and fails for want of a package.
func goldenCases(root string) ([]string, error) {
	var cases []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && p != root && (n == "errors.txt" || strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go")) {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				cases = append(cases, filepath.ToSlash(rel))
				break
			}
		}
		return nil
	})
	sort.Strings(cases)
	return cases, err
}

// goldenCheck compares the expected files in dir with want and returns
// the difference ("" when equal); with update it rewrites them instead.
func goldenCheck(dir string, want map[string]string, update bool) (string, error) {
	onDisk := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if n := e.Name(); n == "errors.txt" || strings.HasSuffix(n, ".flowc.go") {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				return "", err
			}
			onDisk[n] = string(b)
		}
	}
	if update {
		for n := range onDisk {
			if _, ok := want[n]; !ok {
				if err := os.Remove(filepath.Join(dir, n)); err != nil {
					return "", err
				}
			}
		}
		for n, content := range want {
			if onDisk[n] == content {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, n), []byte(content), 0o666); err != nil {
				return "", err
			}
		}
		return "", nil
	}
	if diff := cmp.Diff(onDisk, want); diff != "" {
		return fmt.Sprintf("output differs from the golden files (-golden +generated):\n%s\naccept with: %s", diff, acceptCmd), nil
	}
	return "", nil
}
