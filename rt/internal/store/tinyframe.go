package store

// A value of a few bytes (an int, a flag, a short string) hardly
// compresses, yet compressing it would build the zstd encoder's tables and
// reading it the decoder's buffers: in a task process that writes one int,
// that is most of the memory it allocates, and the garbage collection it
// then needs. Such a value is stored as the frame zstd itself writes for
// incompressible input: one raw block, in a single-segment frame with a
// one-byte content size (RFC 8878 §3.1.1). Any zstd tool or library reads
// it; tinyValue reads it back without a decoder.

// tinyBlob is the largest value stored in a tiny frame: the most a
// one-byte Frame_Content_Size can say.
const tinyBlob = 255

// tinyHead is a tiny frame's start: the magic number, then the frame
// header descriptor 0x20 (single segment, a one-byte content size, no
// checksum: the store checks the sha256 itself, no dictionary).
var tinyHead = [...]byte{0x28, 0xb5, 0x2f, 0xfd, 0x20}

// tinyOverhead is what a tiny frame adds to its value: the head, the
// content size and the 3-byte block header.
const tinyOverhead = len(tinyHead) + 1 + 3

// appendTinyFrame appends the frame of p (len(p) <= tinyBlob) to dst.
func appendTinyFrame(dst, p []byte) []byte {
	// The block header, little-endian: last block (bit 0), type raw
	// (bits 1-2 zero), size in the upper 21 bits.
	h := uint32(len(p))<<3 | 1
	dst = append(dst, tinyHead[:]...)
	dst = append(dst, byte(len(p)), byte(h), byte(h>>8), byte(h>>16))
	return append(dst, p...)
}

// tinyValue returns the value of z when z is exactly a tiny frame as
// appendTinyFrame writes it, aliasing z; ok is false for any other frame,
// which a decoder then reads.
func tinyValue(z []byte) (v []byte, ok bool) {
	if len(z) < tinyOverhead || [5]byte(z[:5]) != tinyHead {
		return nil, false
	}
	n := int(z[5])
	h := uint32(z[6]) | uint32(z[7])<<8 | uint32(z[8])<<16
	if h != uint32(n)<<3|1 || len(z) != tinyOverhead+n {
		return nil, false
	}
	return z[tinyOverhead:], true
}
