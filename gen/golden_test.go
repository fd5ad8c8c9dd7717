package gen

import (
	"context"
	"flag"
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
func TestGolden(t *testing.T) {
	root, err := filepath.Abs(goldenRoot)
	if err != nil {
		t.Fatal(err)
	}
	// testdata holds the cases that cannot build (a type error, a main
	// package without main); go build ./... skips it, so name them.
	patterns := []string{"./...", "./testdata/err_two_flows_main", "./testdata/err_type_error"}
	first := goldenGenerate(t, root, patterns)
	second := goldenGenerate(t, root, patterns)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("generating twice gave different output (-first +second):\n%s", diff)
	}
	if len(first) < 25 {
		t.Errorf("only %d golden cases; want at least 25", len(first))
	}
	for _, name := range goldenKeys(first) {
		t.Run(name, func(t *testing.T) {
			goldenCheck(t, filepath.Join(root, name), first[name])
		})
	}
}

// goldenGenerate returns, per case directory (relative to root), the
// expected files by base name: the generated files, or errors.txt.
func goldenGenerate(t *testing.T, root string, patterns []string) map[string]map[string]string {
	t.Helper()
	results, err := Generate(context.Background(), root, patterns, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]map[string]string{}
	for _, r := range results {
		rel, err := filepath.Rel(root, r.Dir)
		if err != nil {
			t.Fatal(err)
		}
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
				t.Errorf("%s: generated %s outside the package directory", rel, f.Path)
			}
			files[filepath.Base(f.Path)] = string(f.Content)
		}
		cases[filepath.ToSlash(rel)] = files
	}
	return cases
}

func goldenCheck(t *testing.T, dir string, want map[string]string) {
	onDisk := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); n == "errors.txt" || strings.HasSuffix(n, ".flowc.go") {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			onDisk[n] = string(b)
		}
	}
	if *update {
		for n := range onDisk {
			if _, ok := want[n]; !ok {
				if err := os.Remove(filepath.Join(dir, n)); err != nil {
					t.Fatal(err)
				}
			}
		}
		for n, content := range want {
			if onDisk[n] == content {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, n), []byte(content), 0o666); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if diff := cmp.Diff(onDisk, want); diff != "" {
		t.Errorf("output differs from the golden files (-golden +generated):\n%s\naccept with: %s", diff, acceptCmd)
	}
}

func goldenKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
