package gen

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyRejectsBrokenOutput proves the output type-check is real: a
// generated file that does not compile is withdrawn and reported.
func TestVerifyRejectsBrokenOutput(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join(goldenRoot, "linear"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := load(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	broken := []byte("//go:build !flowc\n\npackage main\n\nvar _ int = undefinedByFlowc\n")
	results := []Result{{PkgPath: pkgs[0].PkgPath, Dir: dir, Files: []File{{Path: filepath.Join(dir, "broken.flowc.go"), Content: broken}}}}
	if err := verify(context.Background(), dir, pkgs, results); err != nil {
		t.Fatal(err)
	}
	if len(results[0].Files) != 0 || len(results[0].Errs) != 1 {
		t.Fatalf("broken output kept: files %d, errors %v", len(results[0].Files), results[0].Errs)
	}
	got := RelErrors(results[0].Errs, dir)[0].Error()
	if want := "broken.flowc.go:5:13: generated code does not compile: undefined: undefinedByFlowc"; !strings.HasPrefix(got, want) {
		t.Errorf("error = %q, want prefix %q", got, want)
	}
}
