package task

import (
	"bufio"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/console"
)

// logTee captures the process's own fd 1 and 2: each is replaced (dup2) by
// a pipe, so everything the task writes, from Go, C or the runtime, goes
// through a goroutine that appends it to the task's log file and, unless
// quiet, echoes it line by line with the console prefix to the original
// stream.
type logTee struct {
	streams [2]*teeStream
	wg      sync.WaitGroup
}

type teeStream struct {
	fd      int      // 1 or 2
	saved   int      // dup of the original fd
	console *os.File // the original stream, nil when quiet
	file    io.WriteCloser
	r       *os.File
}

// startLogs redirects fd 1 and 2 into files[0] (stdout) and files[1]
// (stderr). origin is the console prefix's "run/step/task".
func startLogs(files [2]io.WriteCloser, origin string, quiet bool) (*logTee, error) {
	t := &logTee{}
	pid := os.Getpid()
	for i, fd := range []int{1, 2} {
		r, w, err := os.Pipe()
		if err != nil {
			t.stop()
			return nil, err
		}
		saved, err := syscall.Dup(fd)
		if err != nil {
			r.Close()
			w.Close()
			t.stop()
			return nil, err
		}
		syscall.CloseOnExec(saved)
		if err := dup2(int(w.Fd()), fd); err != nil {
			r.Close()
			w.Close()
			syscall.Close(saved)
			t.stop()
			return nil, err
		}
		w.Close() // fd now holds the pipe's only write end
		s := &teeStream{fd: fd, saved: saved, file: files[i], r: r}
		if !quiet {
			s.console = os.NewFile(uintptr(saved), "console")
		}
		t.streams[i] = s
		t.wg.Add(1)
		go s.copy(&t.wg, origin, pid)
	}
	// A fatal runtime error bypasses the pipe's reader (it dies with the
	// process): have the runtime also write it straight to the stderr log,
	// or, where the log has no crash file (S3), to the original stderr.
	if c, ok := files[1].(interface{ CrashFile() *os.File }); ok && c.CrashFile() != nil {
		_ = debug.SetCrashOutput(c.CrashFile(), debug.CrashOptions{})
	} else {
		t.crashToStderr()
	}
	return t, nil
}

// crashToStderr makes the original fd 2 the runtime's crash output, so a
// fatal error reaches the engine's log of the task (or the console of
// the run) rather than dying in the pipe with its reader.
func (t *logTee) crashToStderr() {
	fd, err := syscall.Dup(t.streams[1].saved)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), "stderr")
	_ = debug.SetCrashOutput(f, debug.CrashOptions{}) // it keeps a dup of its own
	f.Close()
}

func (s *teeStream) copy(wg *sync.WaitGroup, origin string, pid int) {
	defer wg.Done()
	br := bufio.NewReaderSize(s.r, 64<<10)
	fw := bufio.NewWriterSize(s.file, 32<<10)
	var line []byte
	atStart := true
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			fw.Write(chunk)
			if s.console != nil {
				line = line[:0]
				if atStart {
					line = console.AppendPrefix(line, time.Now(), origin, pid)
				}
				line = append(line, chunk...)
				s.console.Write(line)
			}
			atStart = chunk[len(chunk)-1] == '\n'
			if atStart {
				// Keep the log current for `logs` on a running task
				// without a write per tiny line.
				if br.Buffered() == 0 {
					fw.Flush()
				}
			}
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			break
		}
	}
	if !atStart && s.console != nil {
		s.console.Write([]byte{'\n'})
	}
	fw.Flush()
	s.r.Close()
}

// stop restores fd 1 and 2, which closes the pipes' write ends, waits for
// everything written so far to reach the logs, and closes them.
func (t *logTee) stop() error {
	for _, s := range t.streams {
		if s != nil {
			dup2(s.saved, s.fd)
		}
	}
	t.wg.Wait()
	var first error
	for _, s := range t.streams {
		if s == nil {
			continue
		}
		if err := s.file.Close(); err != nil && first == nil {
			first = err
		}
		if s.console == nil {
			syscall.Close(s.saved)
		}
	}
	_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	return first
}

// stderr is the task's fd 2 (the log pipe while the task runs).
func stderr() *os.File { return os.Stderr }
