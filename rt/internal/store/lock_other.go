//go:build !unix

package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lock without flock: an exclusively created file, polled. A holder that
// dies leaves it behind, so a lock older than staleLock is taken over.
func (l localFS) lock(key string) (func(), error) {
	const staleLock = time.Minute
	p := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), dirMode); err != nil {
		return nil, err
	}
	for {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
		if err == nil {
			f.Close()
			return func() { os.Remove(p) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > staleLock {
			os.Remove(p)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
