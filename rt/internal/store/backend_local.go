package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// localFS is the backend on a local directory.
type localFS struct{ root string }

func (l localFS) path(key string) string { return filepath.Join(l.root, filepath.FromSlash(key)) }

func (l localFS) where(key string) string { return l.path(key) }

// File modes. The datastore is shared like a repository: the client, the
// run browser, other users of a project and tools in other languages read
// it, so files are 0644 and directories 0755, always reduced by the
// umask (umask 077 makes a private store) and never widened by it (a 000
// umask used to make every directory world-writable). Temp files get the
// final mode when created, since they are renamed into place.
const (
	fileMode = 0o644
	dirMode  = 0o755
)

// Temp files live in one directory, tempDir under the root, named
// "<pid>-<random>" after the process writing them, so that the files of
// writers that were killed are found by reading one small directory (not
// the 100,000 blobs beside them) and told from those of live writers by
// their pid. Renaming from there to the final name is atomic: the root is
// one file system.
const (
	tempDir = ".tmp"
	// tempPrefix starts the temp names of older versions, which put them
	// next to their final names; listings skip every name starting with '.'.
	tempPrefix = ".tmp-"
)

var pidPrefix = strconv.Itoa(os.Getpid()) + "-"

// tempFile creates a new, empty temp file, with the datastore's file mode.
func (l localFS) tempFile() (*os.File, error) {
	dir := filepath.Join(l.root, tempDir)
	for tries := 0; ; tries++ {
		name := filepath.Join(dir, pidPrefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
		if errors.Is(err, fs.ErrNotExist) && tries == 0 {
			if err = os.MkdirAll(dir, dirMode); err == nil {
				continue
			}
		}
		if errors.Is(err, fs.ErrExist) && tries < 100 {
			continue
		}
		return f, err
	}
}

// renameInto moves a temp file to p, creating p's directory if needed.
func renameInto(tmp, p string) error {
	err := os.Rename(tmp, p)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(p), dirMode); err == nil {
			err = os.Rename(tmp, p)
		}
	}
	return err
}

func (l localFS) put(key string, data []byte) error {
	f, err := l.tempFile()
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// rename is atomic: a reader of the key sees the old file or the
		// whole new one, never a prefix.
		err = renameInto(f.Name(), l.path(key))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// overwrite rewrites the existing file key in place when data fits in its
// current size, so no new space is needed: the fallback of a run record's
// update on a full disk. Unlike put it is not atomic, which is why it is
// only a fallback.
func (l localFS) overwrite(key string, data []byte) error {
	f, err := os.OpenFile(l.path(key), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() < int64(len(data)) {
		err = fmt.Errorf("%d bytes do not fit in the %d of %s", len(data), fi.Size(), l.path(key))
	}
	if err == nil {
		_, err = f.WriteAt(data, 0)
	}
	if err == nil {
		err = f.Truncate(int64(len(data)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (l localFS) create(key string, data []byte) error {
	p := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), dirMode); err != nil {
		return err
	}
	f, err := l.tempFile()
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// link, unlike rename, fails when the target exists, and the target
	// appears with its full content: an exclusive and atomic create.
	return os.Link(f.Name(), p)
}

// upload ignores dir and a known key: a local temp file (in tempDir) is
// renamed at commit either way.
func (l localFS) upload(_, _ string) (pending, error) {
	f, err := l.tempFile()
	if err != nil {
		return nil, err
	}
	return &localPending{l: l, f: f}, nil
}

type localPending struct {
	l    localFS
	f    *os.File
	done bool
}

func (p *localPending) Write(b []byte) (int, error) { return p.f.Write(b) }

func (p *localPending) commit(key string) error {
	p.done = true
	tmp := p.f.Name()
	err := p.f.Close()
	dst := p.l.path(key)
	if err == nil {
		if _, serr := os.Stat(dst); serr == nil {
			return os.Remove(tmp) // someone stored the same content first
		}
		err = renameInto(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func (p *localPending) abort() {
	if !p.done {
		p.done = true
		p.f.Close()
		os.Remove(p.f.Name())
	}
}

// cleanStale removes the temp files of writers that are gone: those whose
// process no longer runs, and (in case a pid was reused) any not written
// for staleAfter. It reads the temp directory, and for the temp files older
// versions left beside the blobs, each flow's data directory (not the blob
// directories under it); it returns how many files it removed and their
// size.
func (l localFS) cleanStale() (n int, size int64, err error) {
	now := time.Now()
	drop := func(p string, fi fs.FileInfo) {
		if os.Remove(p) == nil {
			n++
			size += fi.Size()
		}
	}
	des, err := os.ReadDir(filepath.Join(l.root, tempDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, 0, err
	}
	for _, de := range des {
		pid, _, ok := strings.Cut(de.Name(), "-")
		p := filepath.Join(l.root, tempDir, de.Name())
		fi, err := de.Info()
		if err != nil || !ok {
			continue
		}
		id, perr := strconv.Atoi(pid)
		if perr != nil || id <= 0 || !processAlive(id) || now.Sub(fi.ModTime()) > staleAfter {
			drop(p, fi)
		}
	}
	flows, err := os.ReadDir(l.root)
	if err != nil {
		return n, size, err
	}
	for _, f := range flows {
		if !f.IsDir() || ValidID("flow", f.Name()) != nil {
			continue
		}
		data := filepath.Join(l.root, f.Name(), blobDir)
		des, _ := os.ReadDir(data)
		for _, de := range des {
			if de.IsDir() || !strings.HasPrefix(de.Name(), tempPrefix) {
				continue
			}
			// Legacy names carry no pid: only an old file is surely stale.
			if fi, err := de.Info(); err == nil && now.Sub(fi.ModTime()) > legacyStaleAfter {
				drop(filepath.Join(data, de.Name()), fi)
			}
		}
	}
	return n, size, nil
}

// staleAfter is how long a temp file of a live pid may go unwritten; a
// writer appends as it goes, so only a reused pid gets near it.
// legacyStaleAfter is the age from which an older version's temp file is
// taken for stale.
const (
	staleAfter       = 24 * time.Hour
	legacyStaleAfter = time.Hour
)

func (l localFS) open(key string) (io.ReadCloser, error) { return openRaw(l.path(key)) }

func (l localFS) readFile(key string) ([]byte, error) { return readFileRaw(l.path(key)) }

func (l localFS) stat(key string) (int64, error) {
	fi, err := os.Stat(l.path(key))
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (l localFS) list(dir string) ([]entry, error) {
	des, err := readDirRaw(l.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	es := make([]entry, 0, len(des))
	for _, de := range des {
		es = append(es, entry{name: de.Name(), dir: de.IsDir()})
	}
	return es, nil
}

func (l localFS) remove(key string) error {
	err := os.Remove(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
