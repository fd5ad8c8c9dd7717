package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func golden(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func runAt(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runIn(dir, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheck(t *testing.T) {
	code, _, stderr := runAt(t, golden(t, "err_cycle"), "check")
	if code != 1 || !strings.HasPrefix(stderr, "flow.go:27:35: step \"B\" goes back to \"A\"") {
		t.Errorf("check on a cycle: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runAt(t, golden(t, "linear"), "check"); code != 0 || stderr != "" {
		t.Errorf("check on a good flow: code %d, stderr %q", code, stderr)
	}
}

func TestDiffUpToDate(t *testing.T) {
	if code, stdout, stderr := runAt(t, golden(t, "linear"), "diff"); code != 0 || stdout != "" || stderr != "" {
		t.Errorf("diff on golden: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, _ := runAt(t, golden(t, "err_cycle"), "diff"); code != 2 {
		t.Errorf("diff on a bad flow: code %d, want 2", code)
	}
}

// TestGenerateThenDiff runs the default command (what //go:generate runs)
// in a scratch copy of a golden case, in a scratch copy of the golden
// module (not inside it: gen's golden test takes every directory there for
// a case).
func TestGenerateThenDiff(t *testing.T) {
	src := golden(t, "linear")
	root := t.TempDir()
	gomod, err := os.ReadFile(filepath.Join(src, "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(src, "..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Dir(filepath.Dir(src))
	gomod = []byte(strings.Replace(string(gomod), "=> ..", "=> "+repo, 1))
	if err := os.WriteFile(filepath.Join(root, "go.mod"), gomod, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.sum"), gosum, 0o666); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "linear")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	flow, err := os.ReadFile(filepath.Join(src, "flow.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "flow.go"), flow, 0o666); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runAt(t, dir, "diff", "--name-only")
	if code != 1 || stdout != "linear_flow.flowc.go\n" {
		t.Errorf("diff before generate: code %d, stdout %q", code, stdout)
	}
	if code, _, stderr := runAt(t, dir); code != 0 {
		t.Fatalf("generate: code %d, stderr %q", code, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "linear_flow.flowc.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(src, "linear_flow.flowc.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("generated file differs from the golden one")
	}
	if code, _, _ := runAt(t, dir, "diff"); code != 0 {
		t.Errorf("diff after generate: code %d", code)
	}
	os.WriteFile(filepath.Join(dir, "linear_flow.flowc.go"), append(got, "// edited\n"...), 0o666)
	if code, stdout, _ := runAt(t, dir, "diff"); code != 1 || !strings.Contains(stdout, "-// edited") {
		t.Errorf("diff after edit: code %d, stdout %q", code, stdout)
	}
}

func TestGenerateWritesNothingOnError(t *testing.T) {
	dir := golden(t, "err_unreachable")
	if code, _, stderr := runAt(t, dir); code != 1 || !strings.Contains(stderr, "unreachable") {
		t.Errorf("generate on a bad flow: code %d, stderr %q", code, stderr)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.flowc.go"))
	if len(matches) != 0 {
		t.Errorf("wrote %v despite errors", matches)
	}
}

func TestHelpAndBadArgs(t *testing.T) {
	if code, stdout, _ := runAt(t, ".", "--help"); code != 0 || !strings.Contains(stdout, "check") {
		t.Errorf("--help: code %d, stdout %q", code, stdout)
	}
	if code, _, stderr := runAt(t, ".", "diff", "--bogus"); code != 2 || !strings.Contains(stderr, "bogus") {
		t.Errorf("bad flag: code %d, stderr %q", code, stderr)
	}
}
