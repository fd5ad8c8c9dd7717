//go:build unix

package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// lock uses flock(2) on a file that is never renamed or removed, so every
// process locks the same inode. The kernel drops the lock if the holder
// dies, so a killed process never leaves a run locked.
func (l localFS) lock(key string) (func(), error) {
	p := l.path(key)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil && os.MkdirAll(filepath.Dir(p), dirMode) == nil {
		f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE, fileMode)
	}
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "flock", Path: p, Err: err}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
