// Package goldens is what the targets' golden tests share: the graphs of
// golden/'s shapes and of every example, loaded in process, and the check
// (or rewrite) of one golden file.
package goldens

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowc-dev/flowc/gen"
	"github.com/flowc-dev/flowc/rt"
)

// Graphs loads the graph of golden/<shape> for each of shapes, by shape,
// and of every example, as example_<dir>; root is the repository's root.
// Fewer graphs than the shapes and five examples is an error: a pattern
// that matched nothing would otherwise pass for a smaller set of goldens.
func Graphs(t testing.TB, root string, shapes []string) map[string]*rt.Graph {
	t.Helper()
	ctx := context.Background()
	root, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	var pats []string
	for _, c := range shapes {
		pats = append(pats, "./"+c)
	}
	out := map[string]*rt.Graph{}
	gs, err := gen.Graphs(ctx, filepath.Join(root, "golden"), pats)
	if err != nil {
		t.Fatal(err)
	}
	for dir, list := range gs {
		out[filepath.Base(dir)] = list[0]
	}
	if gs, err = gen.Graphs(ctx, filepath.Join(root, "examples"), []string{"./..."}); err != nil {
		t.Fatal(err)
	}
	for dir, list := range gs {
		out["example_"+filepath.Base(dir)] = list[0]
	}
	if len(out) < len(shapes)+5 {
		t.Fatalf("found %d graphs; want the %d shapes and the examples", len(out), len(shapes))
	}
	return out
}

// Check compares got with the golden file, which update rewrites first.
// A missing or different file is an error naming accept, the command that
// rewrites the goldens; Check reports whether the file matched.
func Check(t testing.TB, file string, got []byte, update bool, accept string) bool {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Errorf("%v; create it with: %s", err, accept)
		return false
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("the output differs from %s (-golden +rendered):\n%s\naccept with: %s", file, diff, accept)
		return false
	}
	return true
}
