//go:build unix

package store

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Reads of the local datastore bypass os.Open's poller registration. For a
// regular file the runtime poller cannot help (epoll refuses it), yet
// os.Open still switches the descriptor to non-blocking, tries epoll_ctl and
// switches it back: five system calls per open where one does. A join reads
// a few files per input, so at 10,000 inputs this is most of its cost.

// openRaw opens path read-only as an *os.File that is not registered with
// the poller.
func openRaw(path string) (*os.File, error) {
	fd, err := openFD(path, syscall.O_RDONLY)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// readFileRaw reads the whole file at path: open, fstat, read, close.
func readFileRaw(path string) ([]byte, error) {
	fd, err := openFD(path, syscall.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	// One more byte than the size, so a file that grew since the fstat is
	// still read to its end by the loop below rather than cut.
	buf := make([]byte, 0, st.Size+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// readDirRaw lists the directory at path.
func readDirRaw(path string) ([]fs.DirEntry, error) {
	fd, err := openFD(path, syscall.O_RDONLY|syscall.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err == io.EOF {
		err = nil
	}
	return des, err
}

func openFD(path string, mode int) (int, error) {
	for {
		fd, err := syscall.Open(path, mode|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return fd, nil
	}
}
