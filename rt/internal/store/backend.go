package store

import "io"

// backend is the file layer under the store: every key is a slash-separated
// path relative to the root ("GenreStatsFlow/12/_run.json"). The local
// filesystem is the only implementation today; an S3 one maps each method to
// one or two API calls (put → PutObject, putExclusive → PutObject with
// If-None-Match, create/commit → upload to a temp key then copy, list →
// ListObjectsV2 with a delimiter), which is why the store never asks it for
// anything richer.
//
// Missing keys are reported as errors matching fs.ErrNotExist, existing ones
// (putExclusive) as fs.ErrExist.
type backend interface {
	// put writes a small file atomically: readers see the old content or
	// all of the new one.
	put(key string, data []byte) error
	// putExclusive is put that fails with fs.ErrExist if key exists.
	putExclusive(key string, data []byte) error
	// create starts a streaming write under dir that stays invisible until
	// commit names it.
	create(dir string) (pending, error)
	// open opens key for reading.
	open(key string) (io.ReadCloser, error)
	// readFile reads a small file whole.
	readFile(key string) ([]byte, error)
	// stat returns the size of key.
	stat(key string) (int64, error)
	// list returns the entries of a directory; a missing one is empty.
	list(dir string) ([]entry, error)
	// remove deletes key; a missing key is not an error.
	remove(key string) error
	// appendTo opens key for appending (creating it and its directory).
	appendTo(key string) (io.WriteCloser, error)
	// lock takes an exclusive lock named key, held until unlock is called.
	lock(key string) (unlock func(), err error)
	// where names key for messages: a file path, or an s3:// URL.
	where(key string) string
}

// entry is one name in a listed directory.
type entry struct {
	name string
	dir  bool
}

// pending is a streaming write in progress.
type pending interface {
	io.Writer
	// commit makes the written bytes visible at key. If key already exists
	// it is kept and the new bytes are dropped: keys written this way are
	// content-addressed, so both copies are the same.
	commit(key string) error
	// abort drops the written bytes; it is a no-op after commit.
	abort()
}
