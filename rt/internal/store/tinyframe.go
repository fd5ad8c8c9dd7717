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

// appendTinyFrame appends the frame of p (len(p) <= tinyBlob) to dst. An
// empty value gets one too, so `zstd -d` reads every blob.
func appendTinyFrame(dst, p []byte) []byte {
	dst = append(dst, tinyHead[:]...)
	h := rawBlockHeader(len(p), true)
	dst = append(dst, byte(len(p)), h[0], h[1], h[2])
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
	if h := rawBlockHeader(n, true); [3]byte(z[6:9]) != h || len(z) != tinyOverhead+n {
		return nil, false
	}
	return z[tinyOverhead:], true
}
