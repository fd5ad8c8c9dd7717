package e2e

import (
	"io/fs"
	"path/filepath"
	"testing"
)

// TestIntegrityFileModes (issue 7 item 11): under a 000 umask a run's
// datastore is files 0644 and directories 0755, blobs and logs alike;
// before, blobs were 0600, logs 0644 and directories world-writable.
func TestIntegrityFileModes(t *testing.T) {
	b := integrityBin(t, "chain")
	r := execIn(t, b.dir, append(goEnv(), b.env...), "sh", "-c", `umask 000 && exec "$0" run`, b.path)
	if r.code != 0 {
		t.Fatalf("run under umask 000:\n%s", r)
	}
	var files, dirs int
	filepath.WalkDir(b.storeRoot(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, err := d.Info()
		if err != nil {
			t.Fatal(err)
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want, dirs = 0o755, dirs+1
		} else {
			files++
		}
		if m := fi.Mode().Perm(); m != want {
			rel, _ := filepath.Rel(b.storeRoot(), p)
			t.Errorf("%s has mode %v; want %v", rel, m, want)
		}
		return nil
	})
	if files < 10 || dirs < 5 {
		t.Errorf("walked %d files and %d directories; the run wrote more", files, dirs)
	}
}
