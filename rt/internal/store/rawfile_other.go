//go:build !unix

package store

import (
	"io/fs"
	"os"
)

// Elsewhere the os package's own calls serve: the poller detour they avoid on
// unix (see rawfile_unix.go) does not exist there.

func openRaw(path string) (*os.File, error) { return os.Open(path) }

func readFileRaw(path string) ([]byte, error) { return os.ReadFile(path) }

func readDirRaw(path string) ([]fs.DirEntry, error) { return os.ReadDir(path) }
