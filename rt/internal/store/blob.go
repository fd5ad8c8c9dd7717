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

// Blobs are written without fsync: a blob torn by a power loss fails its
// hash check on read (ErrCorrupt, with the fix), and syncing thousands of
// small blobs per run would cost more than the rare rerun. Visibility is
// still atomic: a blob appears under its name complete or not at all.

// PutBlob streams encode's output to the blob store: hashed, compressed,
// written to a temp file then renamed; a blob that exists is not rewritten.
//
// Values up to smallBlob are buffered, hashed, and compressed in one piece
// only if the blob is missing, so storing a duplicate costs one stat. Larger
// values stream (sha256 and zstd side by side) into a temp file under
// <Flow>/data that is renamed to its content address when encode returns;
// memory stays bounded whatever the value's size.
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
	if err := w.p.commit(blobKey(flow, hash)); err != nil {
		return "", 0, fmt.Errorf("storing blob %q: %w", s.b.where(blobKey(flow, hash)), err)
	}
	return hash, w.n, nil
}

// PutBlobBytes is PutBlob for a value already in memory: it hashes first,
// so a duplicate is never compressed.
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
	if _, err := s.b.stat(key); err == nil {
		return hash, int64(len(p)), nil
	}
	pw, err := s.b.create(flow + "/data")
	if err != nil {
		return "", 0, fmt.Errorf("storing blob %q: %w", s.b.where(key), err)
	}
	var z *zstd.Encoder
	enc := s.compressor(pw, p[:smallBlob], &z)
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
	return hash, int64(len(p)), nil
}

// putSmall stores a value of at most smallBlob bytes unless it exists.
func (s *Store) putSmall(flow, hash string, p []byte) error {
	key := blobKey(flow, hash)
	if _, err := s.b.stat(key); err == nil {
		return nil
	}
	zEnc, _ := shared()
	bp := bufPool.Get().(*[]byte)
	z := zEnc.EncodeAll(p, (*bp)[:0])
	err := s.b.put(key, z)
	if cap(z) <= 2*smallBlob {
		*bp = z[:0]
		bufPool.Put(bp)
	}
	if err != nil {
		return fmt.Errorf("storing blob %q: %w", s.b.where(key), err)
	}
	return nil
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
	p, err := w.s.b.create(w.flow + "/data")
	if err != nil {
		return fmt.Errorf("storing a blob of flow %q: %w", w.flow, err)
	}
	w.p = p
	sample := w.buf
	if len(sample) < smallBlob/2 {
		sample = next[:min(len(next), smallBlob)]
	}
	w.enc = w.s.compressor(p, sample, &w.z)
	if _, err := w.enc.Write(w.buf); err != nil {
		return fmt.Errorf("storing a blob of flow %q: %w", w.flow, err)
	}
	w.buf = w.buf[:0]
	return nil
}

// compressor returns the writer a large value is compressed through,
// chosen on its first bytes: the pooled zstd encoder (left in *z, to be
// given back with releaseZ), or raw blocks when sample does not compress.
func (s *Store) compressor(dst io.Writer, sample []byte, z **zstd.Encoder) io.WriteCloser {
	if incompressible(sample) {
		return newRawFrame(dst)
	}
	*z = encPool.Get().(*zstd.Encoder)
	(*z).Reset(dst)
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
// stream is damaged). Either way no caller sees a damaged value as good.
func (s *Store) OpenBlob(flow, hash string) (io.ReadCloser, error) {
	if err := ValidID("flow", flow); err != nil {
		return nil, err
	}
	if err := validHash(hash); err != nil {
		return nil, err
	}
	key := blobKey(flow, hash)
	size, err := s.b.stat(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %q of flow %q %w", hash, flow, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var src io.ReadCloser
	if size <= smallBlob {
		z, err := s.b.readFile(key)
		if err != nil {
			return nil, err
		}
		// The shared decoder refuses frames with more than 2*smallBlob of
		// output or window, so a big value that compressed very well
		// streams instead of landing in memory whole.
		_, zDec := shared()
		v, err := zDec.DecodeAll(z, nil)
		if err == nil {
			if sum := sha256.Sum256(v); hex.EncodeToString(sum[:]) != hash {
				return nil, corrupt(s.b.where(key), "its content does not match its hash")
			}
			return io.NopCloser(bytes.NewReader(v)), nil
		}
		if !errors.Is(err, zstd.ErrDecoderSizeExceeded) && !errors.Is(err, zstd.ErrWindowSizeExceeded) {
			return nil, corrupt(s.b.where(key), err.Error())
		}
		src = io.NopCloser(bytes.NewReader(z)) // a big value that compressed well
	} else if src, err = s.b.open(key); err != nil {
		return nil, err
	}
	r := &blobReader{src: &trackReader{r: src}, c: src, h: sha256.New(), want: hash, where: s.b.where(key)}
	r.dec = decPool.Get().(*zstd.Decoder)
	if err := r.dec.Reset(r.src); err != nil {
		r.Close()
		return nil, corrupt(r.where, err.Error())
	}
	return r, nil
}

func corrupt(where, why string) error {
	return fmt.Errorf("%w %q: %s; the blob is damaged, rerun or resume the run that wrote it", ErrCorrupt, where, why)
}

// blobReader decompresses and verifies a blob as it is read.
type blobReader struct {
	src   *trackReader
	c     io.Closer
	dec   *zstd.Decoder
	h     hash.Hash
	want  string
	where string
	err   error // sticky: io.EOF or the first failure
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.dec.Read(p)
	r.h.Write(p[:n])
	switch {
	case err == io.EOF:
		if hex.EncodeToString(r.h.Sum(nil)) != r.want {
			r.err = corrupt(r.where, "its content does not match its hash")
		} else {
			r.err = io.EOF
		}
	case err != nil && r.src.err != nil:
		r.err = fmt.Errorf("reading blob %q: %w", r.where, r.src.err) // the disk, not the data
	case err != nil:
		r.err = corrupt(r.where, err.Error())
	}
	return n, r.err
}

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
