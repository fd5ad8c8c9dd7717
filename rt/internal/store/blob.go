package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"

	"github.com/klauspost/compress/zstd"
)

// Blobs are written without fsync (see the package doc): a blob torn by a
// power loss fails its hash check on read. Visibility is atomic: a blob
// appears under its name complete or not at all.
//
// A blob that exists is trusted only once checked, because a damaged one
// would otherwise stay damaged for ever (every later writer of the same
// value would skip it). Writers check an existing blob before skipping it
// and replace it when it fails; readers that find one failing its hash
// remove it, so that the next writer of the value, or a resume, which
// reruns a task whose blobs are missing, stores it again. The check is the
// hash itself (read, decompress, sha256), skipped for a blob this process
// has already verified, such as a foreach body's list, read and then
// stored again unchanged.

// PutBlob streams encode's output to the blob store: hashed, compressed,
// written to a temp file then renamed; a good blob that exists is not
// rewritten, a damaged one is replaced.
//
// Values up to smallBlob are buffered, hashed, and compressed in one piece
// only if the blob must be written. Larger values stream (sha256 and zstd
// side by side) into a temp file under <Flow>/data that is renamed to its
// content address when encode returns; memory stays bounded whatever the
// value's size.
func (s *Store) PutBlob(flow string, encode func(w io.Writer) error) (hash string, size int64, err error) {
	if err := ValidID("flow", flow); err != nil {
		return "", 0, err
	}
	bp := bufPool.Get().(*[]byte)
	w := &blobWriter{s: s, flow: flow, h: sha256.New(), buf: (*bp)[:0]}
	defer func() {
		if cap(w.buf) <= 2*smallBlob {
			*bp = w.buf[:0]
			bufPool.Put(bp)
		}
	}()
	err = encode(w)
	if err == nil {
		err = w.err // an encoder that dropped a Write error
	}
	if err != nil {
		w.abort()
		return "", 0, err
	}
	hash = hex.EncodeToString(w.h.Sum(nil))
	if w.p == nil {
		if err := s.putSmall(flow, hash, w.buf); err != nil {
			return "", 0, err
		}
		return hash, w.n, nil
	}
	err = w.enc.Close()
	releaseZ(&w.z)
	w.enc = nil
	if err != nil {
		w.abort()
		return "", 0, fmt.Errorf("storing a blob of flow %q: %w", flow, err)
	}
	key := blobKey(flow, hash)
	if s.keepExisting(flow, hash, w.n) {
		w.p.abort()
		return hash, w.n, nil
	}
	if err := w.p.commit(key); err != nil {
		return "", 0, fmt.Errorf("storing blob %q: %w", s.b.where(key), err)
	}
	s.markVerified(flow, hash)
	return hash, w.n, nil
}

// PutBlobBytes is PutBlob for a value already in memory: it hashes first,
// so a value whose good blob exists is never compressed. p is only read.
func (s *Store) PutBlobBytes(flow string, p []byte) (hash string, size int64, err error) {
	if err := ValidID("flow", flow); err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256(p)
	hash = hex.EncodeToString(sum[:])
	if len(p) <= smallBlob {
		if err := s.putSmall(flow, hash, p); err != nil {
			return "", 0, err
		}
		return hash, int64(len(p)), nil
	}
	key := blobKey(flow, hash)
	if s.keepExisting(flow, hash, int64(len(p))) {
		return hash, int64(len(p)), nil
	}
	pw, err := s.b.upload(flow+"/data", key)
	if err != nil {
		return "", 0, fmt.Errorf("storing blob %q: %w", s.b.where(key), err)
	}
	var z *zstd.Encoder
	// The size is known, so the frame records it: a reader checks it
	// against the artifact's recorded size before allocating for it.
	enc := s.compressor(pw, p[:smallBlob], int64(len(p)), &z)
	_, err = enc.Write(p)
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	releaseZ(&z)
	if err == nil {
		err = pw.commit(key)
	}
	if err != nil {
		pw.abort()
		return "", 0, fmt.Errorf("storing blob %q: %w", s.b.where(key), err)
	}
	s.markVerified(flow, hash)
	return hash, int64(len(p)), nil
}

// putSmall stores a value of at most smallBlob bytes unless its good blob
// exists. p is only read.
//
// Locally a check skips the compression of a good duplicate. On S3 a HEAD
// is a request like the PUT it would save, so the PUT goes out directly,
// with If-None-Match: the server's 412 says the blob exists (and the
// server checked its ChecksumSHA256 when it was written).
func (s *Store) putSmall(flow, hash string, p []byte) error {
	key := blobKey(flow, hash)
	_, local := s.b.(localFS)
	if local && s.keepExisting(flow, hash, int64(len(p))) {
		return nil
	}
	bp := bufPool.Get().(*[]byte)
	var z []byte
	if len(p) <= tinyBlob {
		z = appendTinyFrame((*bp)[:0], p)
	} else {
		z = zEnc().EncodeAll(p, (*bp)[:0])
	}
	var err error
	if local {
		err = s.b.put(key, z) // put does not keep z, which goes back to the pool
	} else if err = s.b.create(key, z); errors.Is(err, fs.ErrExist) {
		err = nil // written once; the same content is there
	}
	if cap(z) <= 2*smallBlob {
		*bp = z[:0]
		bufPool.Put(bp)
	}
	if err != nil {
		return fmt.Errorf("storing blob %q: %w", s.b.where(key), err)
	}
	s.markVerified(flow, hash)
	return nil
}

// keepExisting reports whether the blob of hash exists and holds its
// value, so a writer can skip it. A blob that exists but fails the check
// is removed, so that the write which follows replaces it whatever the
// backend's rule for existing keys.
func (s *Store) keepExisting(flow, hash string, size int64) bool {
	key := blobKey(flow, hash)
	if _, err := s.b.stat(key); err != nil {
		return false
	}
	if _, local := s.b.(localFS); !local || s.isVerified(flow, hash) {
		// An S3 object is whole or absent and its ChecksumSHA256 was
		// checked by the server when it was written; checking it again
		// would GET all of it. (A reader that finds one damaged anyway,
		// edited in place, removes it.)
		return true
	}
	r, err := s.openBlob(flow, hash, size, false)
	if err == nil {
		_, err = io.Copy(io.Discard, r)
		r.Close()
	}
	if err == nil {
		return true // openBlob marked it verified
	}
	s.b.remove(key)
	return false
}

// markVerified and isVerified remember the blobs this process has checked
// (read to the end with a good hash) or written itself.
func (s *Store) markVerified(flow, hash string) { s.verified.Store(flow+"/"+hash, struct{}{}) }

func (s *Store) isVerified(flow, hash string) bool {
	_, ok := s.verified.Load(flow + "/" + hash)
	return ok
}

// blobWriter buffers the first smallBlob bytes of a value, then spills to
// a streaming encoder on a pending temp file.
type blobWriter struct {
	s    *Store
	flow string
	h    hash.Hash
	n    int64
	buf  []byte
	p    pending
	enc  io.WriteCloser // z, or a rawFrame for an incompressible value
	z    *zstd.Encoder  // pooled; nil when not taken
	err  error
}

func (w *blobWriter) Write(b []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.h.Write(b)
	w.n += int64(len(b))
	if w.p == nil {
		if len(w.buf)+len(b) <= smallBlob {
			w.buf = append(w.buf, b...)
			return len(b), nil
		}
		if w.err = w.spill(b); w.err != nil {
			return 0, w.err
		}
	}
	if _, err := w.enc.Write(b); err != nil {
		w.err = fmt.Errorf("storing a blob of flow %q: %w", w.flow, err)
		return 0, w.err
	}
	return len(b), nil
}

// spill moves to the streaming path; next is the write that overflowed the
// buffer, sampled instead of the buffer when that holds too little to judge.
func (w *blobWriter) spill(next []byte) error {
	p, err := w.s.b.upload(w.flow+"/data", "")
	if err != nil {
		return fmt.Errorf("storing a blob of flow %q: %w", w.flow, err)
	}
	w.p = p
	sample := w.buf
	if len(sample) < smallBlob/2 {
		sample = next[:min(len(next), smallBlob)]
	}
	w.enc = w.s.compressor(p, sample, -1, &w.z)
	if _, err := w.enc.Write(w.buf); err != nil {
		return fmt.Errorf("storing a blob of flow %q: %w", w.flow, err)
	}
	w.buf = w.buf[:0]
	return nil
}

// compressor returns the writer a large value is compressed through,
// chosen on its first bytes: the pooled zstd encoder (left in *z, to be
// given back with releaseZ), or raw blocks when sample does not compress.
// size, when not negative, is the value's size, recorded in the frame.
func (s *Store) compressor(dst io.Writer, sample []byte, size int64, z **zstd.Encoder) io.WriteCloser {
	if incompressible(sample) {
		return newRawFrame(dst, size)
	}
	*z = encPool.Get().(*zstd.Encoder)
	if size > 0 {
		(*z).ResetContentSize(dst, size)
	} else {
		(*z).Reset(dst)
	}
	return *z
}

// releaseZ stops a pooled encoder's goroutines and pools it again.
func releaseZ(z **zstd.Encoder) {
	if *z != nil {
		(*z).Reset(nil)
		encPool.Put(*z)
		*z = nil
	}
}

func (w *blobWriter) abort() {
	releaseZ(&w.z)
	w.enc = nil
	if w.p != nil {
		w.p.abort()
	}
}

// HashOnly returns what PutBlob would return without writing anything.
func (s *Store) HashOnly(encode func(w io.Writer) error) (hash string, size int64, err error) {
	h := sha256.New()
	c := &countWriter{w: h}
	if err := encode(c); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), c.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// HasBlob reports whether the blob exists.
func (s *Store) HasBlob(flow, hash string) bool {
	if ValidID("flow", flow) != nil || validHash(hash) != nil {
		return false
	}
	_, err := s.b.stat(blobKey(flow, hash))
	return err == nil
}

// OpenBlob returns the decompressed serialized bytes. Small blobs are
// checked whole, so their corruption is reported by OpenBlob itself; large
// ones stream, hashed on the fly, and Read returns an error wrapping
// ErrCorrupt at EOF if the hash does not match (or earlier, if the zstd
// stream is damaged). Either way no caller sees a damaged value as good,
// and the damaged blob is removed so that the next writer replaces it.
func (s *Store) OpenBlob(flow, hash string) (io.ReadCloser, error) {
	return s.openBlob(flow, hash, -1, true)
}

// OpenArtifact is OpenBlob for an artifact of a data.json, checking what
// the record claims against the blob: its size (before a byte is read when
// the blob records it, else as the bytes go by) and a known encoding. (Its
// type and encoding are checked against the flow's field by the caller
// that has one.) A mismatch wraps ErrMismatch; the blob is kept, since it
// is the record that is wrong.
func (s *Store) OpenArtifact(flow string, a Artifact) (io.ReadCloser, error) {
	switch {
	case a.Encoding != "raw" && a.Encoding != "json":
		return nil, fmt.Errorf("%w: blob %s is recorded with encoding %q, which this version of flowc does not know; upgrade flowc, or rerun the run that wrote it", ErrMismatch, a.Hash, a.Encoding)
	case a.Size < 0:
		return nil, fmt.Errorf("%w: blob %s is recorded with size %d; %s", ErrMismatch, a.Hash, a.Size, recordFix)
	}
	return s.openBlob(flow, a.Hash, a.Size, true)
}

// recordFix is what to do about a data.json that does not match its blobs.
const recordFix = "the task's record (data.json) is damaged: resume from its step (resume STEP), or rerun"

// openBlob opens a blob; size, when not negative, is the serialized size
// it must have. drop removes a blob found corrupt.
func (s *Store) openBlob(flow, hash string, size int64, drop bool) (io.ReadCloser, error) {
	if err := ValidID("flow", flow); err != nil {
		return nil, err
	}
	if err := validHash(hash); err != nil {
		return nil, err
	}
	key := blobKey(flow, hash)
	// One open, which also gives the size (one GET on S3).
	src, zsize, err := openSized(s.b, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %q of flow %q %w", hash, flow, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	damaged := func(why string) error { return s.damaged(key, drop, why) }
	if zsize <= smallBlob {
		z, err := io.ReadAll(src)
		src.Close()
		if err != nil {
			return nil, err
		}
		// The shared decoder refuses frames with more than 2*smallBlob of
		// output or window, so a big value that compressed very well
		// streams instead of landing in memory whole.
		v, ok := tinyValue(z)
		if !ok {
			v, err = zDec().DecodeAll(z, nil)
		}
		if err == nil {
			if sum := sha256.Sum256(v); hex.EncodeToString(sum[:]) != hash {
				return nil, damaged("its content does not match its hash")
			}
			s.markVerified(flow, hash)
			if size >= 0 && int64(len(v)) != size {
				return nil, sizeMismatch(hash, int64(len(v)), size)
			}
			return io.NopCloser(bytes.NewReader(v)), nil
		}
		if !errors.Is(err, zstd.ErrDecoderSizeExceeded) && !errors.Is(err, zstd.ErrWindowSizeExceeded) {
			return nil, damaged(err.Error())
		}
		src = io.NopCloser(bytes.NewReader(z)) // a big value that compressed well
	}
	r := &blobReader{s: s, flow: flow, key: key, drop: drop, src: &trackReader{r: src}, c: src,
		h: sha256.New(), want: hash, where: s.b.where(key), size: size}
	if size >= 0 {
		// A frame that records its content size is checked before a byte
		// is read, so a record claiming a huge size allocates nothing.
		var head [zstd.HeaderMaxSize]byte
		n, _ := io.ReadFull(r.src, head[:])
		var h zstd.Header
		if h.Decode(head[:n]) == nil && h.HasFCS && int64(h.FrameContentSize) != size {
			src.Close()
			return nil, sizeMismatch(hash, int64(h.FrameContentSize), size)
		}
		r.src = &trackReader{r: io.MultiReader(bytes.NewReader(head[:n]), r.src)}
	}
	r.dec = decPool.Get().(*zstd.Decoder)
	if err := r.dec.Reset(r.src); err != nil {
		r.Close()
		return nil, damaged(err.Error())
	}
	return r, nil
}

// ErrMismatch is returned (wrapped) when an artifact's record does not
// match its blob: the size, or the encoding its type requires.
var ErrMismatch = errors.New("artifact record does not match its blob")

func sizeMismatch(hash string, has, recorded int64) error {
	return fmt.Errorf("%w: blob %s holds %d bytes, but the record says %d; %s", ErrMismatch, hash, has, recorded, recordFix)
}

// damaged reports the blob at key as corrupt and, with drop, removes it,
// so that the next writer of its value stores it again and a resume reruns
// the tasks that need it.
func (s *Store) damaged(key string, drop bool, why string) error {
	where := s.b.where(key)
	if !drop {
		return fmt.Errorf("%w %q: %s", ErrCorrupt, where, why)
	}
	if err := s.b.remove(key); err != nil {
		return fmt.Errorf("%w %q: %s; remove it (%v), then rerun or resume the run, which stores it again", ErrCorrupt, where, why, err)
	}
	return fmt.Errorf("%w %q: %s; the damaged blob was removed: rerun or resume the run, which stores it again", ErrCorrupt, where, why)
}

// blobReader decompresses and verifies a blob as it is read.
type blobReader struct {
	s     *Store
	flow  string
	key   string
	drop  bool // remove the blob if it is found corrupt
	src   *trackReader
	c     io.Closer
	dec   *zstd.Decoder
	h     hash.Hash
	want  string
	where string
	size  int64 // the recorded size, or -1
	n     int64 // bytes returned so far
	err   error // sticky: io.EOF or the first failure
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.dec.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	switch {
	case err == io.EOF:
		if hex.EncodeToString(r.h.Sum(nil)) != r.want {
			r.err = r.damaged("its content does not match its hash")
		} else if r.s.markVerified(r.flow, r.want); r.size >= 0 && r.n != r.size {
			r.err = sizeMismatch(r.want, r.n, r.size)
		} else {
			r.err = io.EOF
		}
	case err != nil && r.src.err != nil:
		r.err = fmt.Errorf("reading blob %q: %w", r.where, r.src.err) // the disk, not the data
	case err != nil:
		r.err = r.damaged(err.Error())
	case r.size >= 0 && r.n > r.size:
		r.err = sizeMismatch(r.want, r.n, r.size) // at least that many
	}
	return n, r.err
}

func (r *blobReader) damaged(why string) error { return r.s.damaged(r.key, r.drop, why) }

func (r *blobReader) Close() error {
	if r.dec != nil {
		r.dec.Reset(nil) // stops its goroutines before it is pooled
		decPool.Put(r.dec)
		r.dec = nil
	}
	if r.err == nil {
		r.err = errors.New("read of a closed blob")
	}
	return r.c.Close()
}

// trackReader remembers a read error of the file itself, to tell I/O
// errors from damaged data.
type trackReader struct {
	r   io.Reader
	err error
}

func (t *trackReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}
