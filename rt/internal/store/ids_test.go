package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	for _, id := range []string{"1", "123", "Start", "sfn-abc_1.2", "argo-wf.x", "Schätzen", strings.Repeat("a", 200)} {
		if err := ValidID("run id", id); err != nil {
			t.Errorf("ValidID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "../x", "a/b", `a\b`, "a\x00b", "a\nb", "a\tb", "-rf", ".hidden",
		strings.Repeat("a", 201), "a b", "a:b", "\xff", "~", "$HOME"} {
		err := ValidID("run id", id)
		if err == nil {
			t.Errorf("ValidID(%q) = nil, want an error", id)
			continue
		}
		if !strings.HasPrefix(err.Error(), "run id ") {
			t.Errorf("ValidID(%q) = %q, want it to name the run id", id, err)
		}
	}
	err := ValidID("run id", "../x")
	want := `run id "../x" is not valid; ids are integers or names made of letters, digits, '-', '_' and '.'`
	if err == nil || err.Error() != want {
		t.Errorf("ValidID(../x) = %v, want %s", err, want)
	}
}

func TestOpenCreatesRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "a", "b", ".flowc")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		t.Fatalf("root not created: %v", err)
	}
	if s.Root() != root {
		t.Errorf("Root() = %q, want %q", s.Root(), root)
	}
	if fs := files(t, s); len(fs) != 0 {
		t.Errorf("Open left files: %v", fs)
	}
}

func TestOpenNotWritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	// Root ignores permission bits, so use paths no one can write.
	for _, root := range []string{file, filepath.Join(file, "sub"), "/proc/flowc-test-root"} {
		_, err := Open(root)
		if err == nil {
			t.Errorf("Open(%q) = nil error, want not writable", root)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, `datastore root "`+root+`" is not writable: `) ||
			!strings.HasSuffix(msg, "; pass --datastore-root with a writable directory") {
			t.Errorf("Open(%q) error = %q", root, msg)
		}
	}
	if _, err := Open(""); err == nil {
		t.Error(`Open("") = nil error`)
	}
}

func TestDefaultRoot(t *testing.T) {
	top := t.TempDir()
	deep := filepath.Join(top, "a", "b")
	if err := os.MkdirAll(deep, 0o777); err != nil {
		t.Fatal(err)
	}
	if got, want := DefaultRoot(deep), filepath.Join(deep, ".flowc"); got != want {
		t.Errorf("no .flowc anywhere: DefaultRoot = %q, want %q", got, want)
	}
	if err := os.Mkdir(filepath.Join(top, ".flowc"), 0o777); err != nil {
		t.Fatal(err)
	}
	if got, want := DefaultRoot(deep), filepath.Join(top, ".flowc"); got != want {
		t.Errorf("parent has .flowc: DefaultRoot = %q, want %q", got, want)
	}
	// A .flowc file is not a datastore.
	if err := os.WriteFile(filepath.Join(deep, ".flowc"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if got, want := DefaultRoot(deep), filepath.Join(top, ".flowc"); got != want {
		t.Errorf("file .flowc in dir: DefaultRoot = %q, want %q", got, want)
	}
}
