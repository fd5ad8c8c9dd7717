package store

import (
	"bufio"
	"encoding/binary"
	"io"
)

// Large values are often incompressible (model weights, images, already
// compressed files). For those the zstd encoder spends most of the write
// finding nothing to compress, then stores raw blocks anyway. rawFrame
// writes those raw blocks directly: still a standard zstd frame (any zstd
// tool or library reads it), at the speed of a copy.

// rawBlockMax is the largest zstd block; the frame's window is sized to it.
const rawBlockMax = 128 << 10

// incompressible reports whether sample hardly shrinks at the fastest
// level, in which case the whole value is stored in raw blocks.
func incompressible(sample []byte) bool {
	bp := bufPool.Get().(*[]byte)
	z := zEnc().EncodeAll(sample, (*bp)[:0])
	small := len(z) > len(sample)-len(sample)/16
	if cap(z) <= 2*smallBlob {
		*bp = z[:0]
		bufPool.Put(bp)
	}
	return small
}

// rawFrame is an io.WriteCloser producing one zstd frame of raw blocks.
type rawFrame struct {
	w       *bufio.Writer
	pending []byte // < rawBlockMax bytes not yet in a block
}

// newRawFrame starts a frame on w; size, when not negative, is the
// content size, recorded in the frame header.
func newRawFrame(w io.Writer, size int64) *rawFrame {
	f := &rawFrame{w: bufio.NewWriterSize(w, 256<<10), pending: make([]byte, 0, rawBlockMax)}
	// Magic number; frame header descriptor: no checksum (the store
	// verifies the sha256 itself), and either no content size (0x00) or an
	// 8-byte one (0xc0); window descriptor 0x38 = 2^(10+7) bytes, one block.
	if size < 0 {
		f.w.Write([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38})
		return f
	}
	f.w.Write([]byte{0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x38})
	f.w.Write(binary.LittleEndian.AppendUint64(nil, uint64(size)))
	return f
}

func (f *rawFrame) Write(p []byte) (int, error) {
	n := len(p)
	if len(f.pending) > 0 {
		k := min(rawBlockMax-len(f.pending), len(p))
		f.pending = append(f.pending, p[:k]...)
		p = p[k:]
		if len(f.pending) < rawBlockMax {
			return n, nil
		}
		if err := f.block(f.pending, false); err != nil {
			return 0, err
		}
		f.pending = f.pending[:0]
	}
	// Whole blocks straight from the caller's slice; keep the tail, since
	// only the last block of the frame may be short.
	for len(p) >= rawBlockMax {
		if err := f.block(p[:rawBlockMax], false); err != nil {
			return 0, err
		}
		p = p[rawBlockMax:]
	}
	f.pending = append(f.pending, p...)
	return n, nil
}

// Close writes the last block (possibly empty) and flushes.
func (f *rawFrame) Close() error {
	if err := f.block(f.pending, true); err != nil {
		return err
	}
	return f.w.Flush()
}

// block writes one raw block: its header and the bytes.
func (f *rawFrame) block(b []byte, last bool) error {
	h := rawBlockHeader(len(b), last)
	f.w.Write(h[:])
	_, err := f.w.Write(b)
	return err
}

// rawBlockHeader is the 3-byte little-endian header of a raw block of n
// bytes: the last-block bit, block type 0 (raw), the size.
func rawBlockHeader(n int, last bool) [3]byte {
	h := uint32(n) << 3
	if last {
		h |= 1
	}
	return [3]byte{byte(h), byte(h >> 8), byte(h >> 16)}
}
