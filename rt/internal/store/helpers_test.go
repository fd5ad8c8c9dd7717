package store

import (
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), ".flowc"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readBlob reads a whole blob, with corruption reported by OpenBlob or Read.
func readBlob(s *Store, flow, hash string) ([]byte, error) {
	r, err := s.OpenBlob(flow, hash)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func putBytes(t testing.TB, s *Store, flow string, p []byte) string {
	t.Helper()
	h, n, err := s.PutBlob(flow, func(w io.Writer) error { _, err := w.Write(p); return err })
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(p)) {
		t.Fatalf("PutBlob size = %d, want %d", n, len(p))
	}
	return h
}

// files lists every regular file under the root, relative, slash-separated.
func files(t testing.TB, s *Store) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(s.Root(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(s.Root(), p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func noTempFiles(t testing.TB, s *Store) {
	t.Helper()
	for _, f := range files(t, s) {
		if strings.Contains(f, tempPrefix) || strings.HasPrefix(f, tempDir+"/") {
			t.Errorf("temp file left behind: %s", f)
		}
	}
}
