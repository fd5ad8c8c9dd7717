package store

import (
	"io"
	"os"
)

// backend is the object layer under the store: every key is a slash-separated
// path relative to the root ("GenreStatsFlow/12/_run.json"). It has two
// implementations, a local directory (backend_local.go) and an S3 bucket
// prefix (backend_s3.go), and asks for nothing S3 lacks: no locks, no
// appends, no renames a reader could observe. Every method maps to S3 calls:
//
//	put        PutObject
//	create     PutObject with If-None-Match: *
//	upload     PutObject, or CreateMultipartUpload + UploadPart... +
//	           CompleteMultipartUpload with If-None-Match: * (known key);
//	           with no key yet, a local spool file uploaded the same way at commit
//	open       GetObject (streaming)
//	readFile   GetObject
//	stat       HeadObject
//	list       ListObjectsV2 with Delimiter "/" (paged)
//	remove     DeleteObject
//
// So the store keeps mutable state only where one writer owns it (an
// attempt's files) and changes shared records by creating new keys
// exclusively (rundb.go); logs are written in parts (log.go).
//
// Missing keys are reported as errors matching fs.ErrNotExist, existing ones
// (create, upload) as fs.ErrExist.
type backend interface {
	// put writes a small object whole: readers see the old content or
	// all of the new one.
	put(key string, data []byte) error
	// create is put that fails with fs.ErrExist if key exists: the one
	// atomic primitive shared records are built on.
	create(key string, data []byte) error
	// upload starts a streaming write under dir that stays invisible until
	// commit names it. key is the final key when the caller knows it
	// already (commit must then be given the same key), "" when not; a
	// known key lets S3 stream parts while the value is written.
	upload(dir, key string) (pending, error)
	// open opens key for reading.
	open(key string) (io.ReadCloser, error)
	// readFile reads a small object whole.
	readFile(key string) ([]byte, error)
	// stat returns the size of key.
	stat(key string) (int64, error)
	// list returns the entries of a directory (on S3: the keys and common
	// prefixes one level under dir/); a missing one is empty.
	list(dir string) ([]entry, error)
	// remove deletes key; a missing key is not an error.
	remove(key string) error
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

// openSized opens key and returns its size without a second request where
// the backend can: an open file's stat, an S3 GET's Content-Length.
func openSized(b backend, key string) (io.ReadCloser, int64, error) {
	rc, err := b.open(key)
	if err != nil {
		return nil, 0, err
	}
	switch r := rc.(type) {
	case interface{ Size() int64 }:
		return rc, r.Size(), nil
	case *os.File:
		fi, err := r.Stat()
		if err != nil {
			r.Close()
			return nil, 0, err
		}
		return rc, fi.Size(), nil
	}
	n, err := b.stat(key)
	if err != nil {
		rc.Close()
		return nil, 0, err
	}
	return rc, n, nil
}
