package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// localFS is the backend on a local directory.
type localFS struct{ root string }

func (l localFS) path(key string) string { return filepath.Join(l.root, filepath.FromSlash(key)) }

func (l localFS) where(key string) string { return l.path(key) }

// tempPrefix starts every temporary name, so listings can skip them.
const tempPrefix = ".tmp-"

func (l localFS) put(key string, data []byte) error {
	p := l.path(key)
	f, err := os.CreateTemp(filepath.Dir(p), tempPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(p), 0o777); err == nil {
			f, err = os.CreateTemp(filepath.Dir(p), tempPrefix+"*")
		}
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// rename is atomic within a directory: a reader of p sees the old
		// file or the whole new one, never a prefix.
		err = os.Rename(f.Name(), p)
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

func (l localFS) putExclusive(key string, data []byte) error {
	p := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), tempPrefix+"*")
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

func (l localFS) create(dir string) (pending, error) {
	d := l.path(dir)
	if err := os.MkdirAll(d, 0o777); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(d, tempPrefix+"*")
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
		err = os.MkdirAll(filepath.Dir(dst), 0o777)
	}
	if err == nil {
		err = os.Rename(tmp, dst)
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

func (l localFS) open(key string) (io.ReadCloser, error) { return os.Open(l.path(key)) }

func (l localFS) readFile(key string) ([]byte, error) { return os.ReadFile(l.path(key)) }

func (l localFS) stat(key string) (int64, error) {
	fi, err := os.Stat(l.path(key))
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (l localFS) list(dir string) ([]entry, error) {
	des, err := os.ReadDir(l.path(dir))
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

func (l localFS) appendTo(key string) (io.WriteCloser, error) {
	p := l.path(key)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(p), 0o777); err == nil {
			f, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
		}
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}
