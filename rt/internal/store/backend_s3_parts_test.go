package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestS3MultipartBoundaries saves and loads values whose stored objects
// land one byte short of a part, on a part, one byte past it and one byte
// past two parts, through both upload paths (PutBlobBytes knows the key
// and sends parts as the value is written; PutBlob hashes as it streams,
// spools, and sends the parts at commit), then reads each back through a
// second, read-only store: the bytes, the hash and the object's size, and
// the number of parts that went out. Sizes are of the stored object, not
// the value: a large random value is stored in a raw zstd frame, a few
// bytes longer than the value, so the value is sized for its object to
// hit the boundary. Values sized at the boundaries themselves are checked
// too.
func TestS3MultipartBoundaries(t *testing.T) {
	f := newFakeS3(t)
	var creates, parts, puts atomic.Int64
	f.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodPost && q.Has("uploads"):
			creates.Add(1)
		case r.Method == http.MethodPut && q.Has("partNumber"):
			parts.Add(1)
		case isPut(r) && strings.Contains(r.URL.Path, "/data/"):
			puts.Add(1)
		}
		next.ServeHTTP(w, r)
	})
	w := newS3Store(t, f, "parts", ReadWrite)
	rd := newS3Store(t, f, "parts", ReadOnly)

	type tcase struct {
		name     string
		n        int  // the value's size
		object   int  // the object's size it was chosen for; 0: n is at the boundary
		streamed bool // PutBlob, else PutBlobBytes
	}
	var cases []tcase
	for _, b := range []struct {
		name string
		n    int
	}{{"partSize-1", partSize - 1}, {"partSize", partSize}, {"partSize+1", partSize + 1}, {"2*partSize+1", 2*partSize + 1}} {
		for _, streamed := range []bool{false, true} {
			how := fmt.Sprintf("streamed %v", streamed)
			// PutBlobBytes records the value's size in the frame header;
			// PutBlob does not know it yet.
			cases = append(cases,
				tcase{"value of " + b.name + ", " + how, b.n, 0, streamed},
				tcase{"object of " + b.name + ", " + how, valueForObject(t, b.n, !streamed), b.n, streamed})
		}
	}
	seed := uint64(100)
	for _, tc := range cases {
		name, streamed := tc.name, tc.streamed
		seed++
		data := randBytes(tc.n, seed)
		sum := sha256.Sum256(data)
		want := hex.EncodeToString(sum[:])
		creates.Store(0)
		parts.Store(0)
		puts.Store(0)
		var hash string
		var n int64
		var err error
		if streamed {
			hash, n, err = w.PutBlob("F", func(out io.Writer) error {
				// Writes of odd sizes, as an encoder makes them.
				for off := 0; off < len(data); off += 100003 {
					if _, err := out.Write(data[off:min(off+100003, len(data))]); err != nil {
						return err
					}
				}
				return nil
			})
		} else {
			hash, n, err = w.PutBlobBytes("F", data)
		}
		if err != nil || hash != want || n != int64(len(data)) {
			t.Fatalf("%s: put = %s, %d, %v; want %s, %d", name, hash, n, err, want, len(data))
		}
		objSize, err := rd.b.stat(blobKey("F", hash))
		if err != nil {
			t.Fatalf("%s: stat: %v", name, err)
		}
		if tc.object != 0 && objSize != int64(tc.object) {
			t.Errorf("%s: the object has %d bytes, want %d", name, objSize, tc.object)
		}
		// A value written as it comes (the key known) starts its
		// multipart upload on the first full part; a spooled one knows
		// its size and sends one PUT unless it is larger than a part.
		multipart := objSize > partSize || (!streamed && objSize == partSize)
		wantParts := int64(0)
		if multipart {
			wantParts = (objSize + partSize - 1) / partSize
		}
		if got := parts.Load(); got != wantParts || (creates.Load() == 1) != multipart || (puts.Load() == 1) == multipart {
			t.Errorf("%s (object %d bytes): %d multipart uploads of %d parts and %d single PUTs; want multipart %v with %d parts",
				name, objSize, creates.Load(), got, puts.Load(), multipart, wantParts)
		}
		r, err := rd.OpenArtifact("F", Artifact{Hash: hash, Size: n, Encoding: "raw"})
		if err != nil {
			t.Fatalf("%s: open: %v", name, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		gotSum := sha256.Sum256(got)
		if err != nil || !bytes.Equal(got, data) || hex.EncodeToString(gotSum[:]) != want {
			t.Errorf("%s: read back %d bytes (%v), want the %d written", name, len(got), err, len(data))
		}
		// Done with this value: keep the fake server's memory small.
		if err := w.b.remove(blobKey("F", hash)); err != nil {
			t.Fatal(err)
		}
	}
}

// rawFrameSize is the size of the raw zstd frame that stores n bytes: the
// header (with the content size when known), and each block's 3-byte
// header; a value filling its last block exactly is followed by an empty
// last block.
func rawFrameSize(n int, sizeKnown bool) int {
	h := 6
	if sizeKnown {
		h += 8
	}
	return h + n + 3*(n/rawBlockMax+1)
}

// valueForObject is the value size whose raw frame has object bytes.
func valueForObject(t *testing.T, object int, sizeKnown bool) int {
	t.Helper()
	n := object - rawFrameSize(0, sizeKnown) - 3*(object/rawBlockMax)
	for ; n <= object; n++ {
		if s := rawFrameSize(n, sizeKnown); s == object {
			return n
		} else if s > object {
			break
		}
	}
	t.Fatalf("no value is stored in an object of %d bytes", object)
	return 0
}
