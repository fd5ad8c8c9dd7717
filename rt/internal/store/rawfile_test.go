package store

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestRawFileReads(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 1 << 20} {
		want := bytes.Repeat([]byte{'x'}, size)
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFileRaw(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("readFileRaw of %d bytes: %d bytes, %v", size, len(got), err)
		}
		f, err := openRaw(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(f)
		f.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("openRaw of %d bytes: %d bytes, %v", size, len(got), err)
		}
	}
	missing := filepath.Join(dir, "missing")
	if _, err := readFileRaw(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("readFileRaw of a missing file: %v, want ErrNotExist", err)
	}
	if _, err := openRaw(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("openRaw of a missing file: %v, want ErrNotExist", err)
	}
	if _, err := readDirRaw(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("readDirRaw of a missing dir: %v, want ErrNotExist", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	des, err := readDirRaw(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"f", "sub"}) {
		t.Fatalf("readDirRaw: %v", names)
	}
	if _, err := readDirRaw(filepath.Join(dir, "f")); err == nil {
		t.Fatal("readDirRaw of a file: no error")
	}
}
