package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func randomBytes(n int, seed uint64) []byte {
	p := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

func sha(p []byte) string { s := sha256.Sum256(p); return hex.EncodeToString(s[:]) }

var blobCases = map[string][]byte{
	"empty":           {},
	"tiny":            []byte("42"),
	"tiny-limit":      randomBytes(tinyBlob, 4),
	"just-over-tiny":  randomBytes(tinyBlob+1, 5),
	"at-limit":        randomBytes(smallBlob, 1),
	"random-3MB":      randomBytes(3<<20+7, 2),
	"zeros-5MB":       make([]byte, 5<<20), // compresses below smallBlob: the in-memory streaming path
	"text-2MB":        bytes.Repeat([]byte("the quick brown fox\n"), 100_000),
	"just-over-limit": randomBytes(smallBlob+1, 3),
}

func TestBlobRoundTrip(t *testing.T) {
	s := newStore(t)
	for name, p := range blobCases {
		t.Run(name, func(t *testing.T) {
			h := putBytes(t, s, "F", p)
			if h != sha(p) {
				t.Errorf("hash = %s, want sha256 %s", h, sha(p))
			}
			if !s.HasBlob("F", h) {
				t.Error("HasBlob = false after PutBlob")
			}
			if _, err := os.Stat(filepath.Join(s.Root(), "F", "data", h[:2], h)); err != nil {
				t.Errorf("blob not at its content address: %v", err)
			}
			got, err := readBlob(s, "F", h)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, p) {
				t.Fatalf("read %d bytes, want the %d written", len(got), len(p))
			}
			oh, on, err := s.HashOnly(func(w io.Writer) error { _, err := w.Write(p); return err })
			if err != nil || oh != h || on != int64(len(p)) {
				t.Errorf("HashOnly = %s, %d, %v; want %s, %d", oh, on, err, h, len(p))
			}
			bh, bn, err := s.PutBlobBytes("G", p)
			if err != nil || bh != h || bn != int64(len(p)) {
				t.Errorf("PutBlobBytes = %s, %d, %v; want %s, %d", bh, bn, err, h, len(p))
			}
			if got, err := readBlob(s, "G", h); err != nil || !bytes.Equal(got, p) {
				t.Errorf("reading the PutBlobBytes blob: %d bytes, %v", len(got), err)
			}
		})
	}
	noTempFiles(t, s)
}

func TestBlobIsZstd(t *testing.T) {
	s := newStore(t)
	p := []byte(strings.Repeat("readable outside Go ", 1000))
	h := putBytes(t, s, "F", p)
	z, err := os.ReadFile(filepath.Join(s.Root(), "F", "data", h[:2], h))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := zstd.NewReader(nil)
	defer d.Close()
	got, err := d.DecodeAll(z, nil)
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("blob is not a plain zstd frame of the value: %v", err)
	}
	if len(z) >= len(p) {
		t.Errorf("blob not compressed: %d bytes for %d", len(z), len(p))
	}
}

// Every value up to tinyBlob bytes is a frame any zstd decoder reads, and
// the store reads back without one; nothing but that exact frame passes
// for one.
func TestTinyFrame(t *testing.T) {
	s := newStore(t)
	d, _ := zstd.NewReader(nil)
	defer d.Close()
	for n := 0; n <= tinyBlob+1; n++ {
		p := randomBytes(n, uint64(n))
		h := putBytes(t, s, "F", p)
		z, err := os.ReadFile(blobPath(s, h))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := d.DecodeAll(z, nil); err != nil || !bytes.Equal(got, p) {
			t.Fatalf("%d bytes: the blob is not a zstd frame of the value: %v", n, err)
		}
		v, ok := tinyValue(z)
		if tiny := n <= tinyBlob; ok != tiny || tiny && !bytes.Equal(v, p) {
			t.Fatalf("%d bytes: tinyValue = %q, %v; want the value, %v", n, v, ok, tiny)
		}
		if got, err := readBlob(s, "F", h); err != nil || !bytes.Equal(got, p) {
			t.Fatalf("%d bytes: read back %q, %v", n, got, err)
		}
	}
	tiny := appendTinyFrame(nil, []byte("forty-two"))
	e, _ := zstd.NewWriter(nil)
	for name, z := range map[string][]byte{
		"compressed":  e.EncodeAll(bytes.Repeat([]byte("ab"), 50), nil),
		"truncated":   tiny[:len(tiny)-1],
		"longer":      append(slices.Clone(tiny), 'x'),
		"other size":  append(slices.Clone(tiny[:5]), append([]byte{8}, tiny[6:]...)...),
		"not last":    append(slices.Clone(tiny[:6]), append([]byte{tiny[6] &^ 1}, tiny[7:]...)...),
		"header only": tiny[:tinyOverhead-1],
	} {
		if v, ok := tinyValue(z); ok {
			t.Errorf("%s: tinyValue took %q for a tiny frame", name, v)
		}
	}
}

// Many small writes, as a codec makes, give the same blob as one write.
func TestPutBlobManyWrites(t *testing.T) {
	s := newStore(t)
	p := randomBytes(3<<20, 9)
	h, n, err := s.PutBlob("F", func(w io.Writer) error {
		for q := p; len(q) > 0; {
			k := min(len(q), 1000)
			if _, err := w.Write(q[:k]); err != nil {
				return err
			}
			q = q[k:]
		}
		return nil
	})
	if err != nil || h != sha(p) || n != int64(len(p)) {
		t.Fatalf("PutBlob = %s, %d, %v", h, n, err)
	}
	got, err := readBlob(s, "F", h)
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("round trip failed: %v", err)
	}
}

func TestBlobDedup(t *testing.T) {
	s := newStore(t)
	for _, name := range []string{"tiny", "random-3MB"} {
		p := blobCases[name]
		h := putBytes(t, s, "F", p)
		path := filepath.Join(s.Root(), "F", "data", h[:2], h)
		before, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		all := files(t, s)
		if h2 := putBytes(t, s, "F", p); h2 != h {
			t.Fatalf("%s: second PutBlob hash %s, first %s", name, h2, h)
		}
		if _, _, err := s.PutBlobBytes("F", p); err != nil {
			t.Fatal(err)
		}
		after, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(before, after) {
			t.Errorf("%s: blob rewritten by a second PutBlob", name)
		}
		if got := files(t, s); !slices.Equal(got, all) {
			t.Errorf("%s: second PutBlob changed the files: %v, was %v", name, got, all)
		}
	}
}

func TestPutBlobEncodeError(t *testing.T) {
	s := newStore(t)
	boom := errors.New("boom")
	for _, n := range []int{10, 3 << 20} {
		_, _, err := s.PutBlob("F", func(w io.Writer) error {
			if _, err := w.Write(make([]byte, n)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("%d bytes: PutBlob error = %v, want boom", n, err)
		}
	}
	if fs := files(t, s); len(fs) != 0 {
		t.Errorf("a failed PutBlob left files: %v", fs)
	}
}

func blobPath(s *Store, h string) string { return filepath.Join(s.Root(), "F", "data", h[:2], h) }

func wantCorrupt(t *testing.T, s *Store, h, what string) {
	t.Helper()
	_, err := readBlob(s, "F", h)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("%s: read error = %v, want ErrCorrupt", what, err)
	}
	if msg := err.Error(); !strings.Contains(msg, blobPath(s, h)) || !strings.Contains(msg, "rerun or resume the run") {
		t.Errorf("%s: error %q does not name the blob and the fix", what, msg)
	}
	// The reader removed it, so the next writer (or a resume, which
	// reruns a task whose blob is missing) stores it again.
	if _, err := os.Stat(blobPath(s, h)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s: the damaged blob is still there (%v)", what, err)
	}
}

// damages are what a fault does to a blob file.
var damages = map[string]func(z []byte) []byte{
	"flipped byte": func(z []byte) []byte { z = slices.Clone(z); z[len(z)/2] ^= 0x40; return z },
	"flipped last": func(z []byte) []byte { z = slices.Clone(z); z[len(z)-1] ^= 0x01; return z },
	"truncated":    func(z []byte) []byte { return z[:len(z)/2] },
	"empty":        func(z []byte) []byte { return nil },
}

// TestBlobRepairedOnWrite (issue 7 item 1): a new write of a value whose
// blob exists but is damaged replaces it, on every write path, from a
// process that has not seen the blob before (a fresh Store).
func TestBlobRepairedOnWrite(t *testing.T) {
	for _, name := range []string{"tiny", "text-2MB", "random-3MB", "zeros-5MB"} {
		p := blobCases[name]
		for dname, damage := range damages {
			for _, path := range []string{"PutBlob", "PutBlobBytes"} {
				t.Run(name+"/"+dname+"/"+path, func(t *testing.T) {
					s := newStore(t)
					h := putBytes(t, s, "F", p)
					orig, err := os.ReadFile(blobPath(s, h))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(blobPath(s, h), damage(orig), 0o644); err != nil {
						t.Fatal(err)
					}
					fresh, err := Open(s.Root())
					if err != nil {
						t.Fatal(err)
					}
					if path == "PutBlob" {
						putBytes(t, fresh, "F", p)
					} else if _, _, err := fresh.PutBlobBytes("F", p); err != nil {
						t.Fatal(err)
					}
					got, err := readBlob(fresh, "F", h)
					if err != nil || !bytes.Equal(got, p) {
						t.Fatalf("after a new write of the value: %d bytes, %v", len(got), err)
					}
					noTempFiles(t, s)
				})
			}
		}
	}
}

// TestOpenArtifactChecksRecord (issue 7 item 4): a record whose size does
// not match its blob, or whose encoding is unknown, is refused naming the
// blob and the fix; the blob itself is kept.
func TestOpenArtifactChecksRecord(t *testing.T) {
	s := newStore(t)
	for _, name := range []string{"tiny", "at-limit", "text-2MB", "random-3MB"} {
		p := blobCases[name]
		h, _, err := s.PutBlobBytes("F", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int64{int64(len(p)) - 1, int64(len(p)) + 1, 1 << 50} {
			r, err := s.OpenArtifact("F", Artifact{Hash: h, Type: "[]byte", Size: size, Encoding: "raw"})
			if err == nil {
				_, err = io.ReadAll(r)
				r.Close()
			}
			if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "resume from its step") {
				t.Errorf("%s recorded as %d bytes: %v, want ErrMismatch with the fix", name, size, err)
			}
		}
		if r, err := s.OpenArtifact("F", Artifact{Hash: h, Type: "[]byte", Size: 1 << 50, Encoding: "raw"}); err == nil && len(p) > smallBlob {
			r.Close()
			t.Errorf("%s: a frame recording its size did not refuse a record of 2^50 bytes up front", name)
		}
		r, err := s.OpenArtifact("F", Artifact{Hash: h, Type: "[]byte", Size: int64(len(p)), Encoding: "raw"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, p) {
			t.Errorf("%s with its true size: %d bytes, %v", name, len(got), err)
		}
		r.Close()
		if _, err := s.OpenArtifact("F", Artifact{Hash: h, Type: "string", Size: int64(len(p)), Encoding: "gob"}); !errors.Is(err, ErrMismatch) {
			t.Errorf("an unknown encoding: %v, want ErrMismatch", err)
		}
		if !s.HasBlob("F", h) {
			t.Errorf("%s: a record mismatch removed the blob", name)
		}
	}
}

func TestBlobCorruption(t *testing.T) {
	for _, name := range []string{"tiny", "text-2MB", "random-3MB", "zeros-5MB"} {
		p := blobCases[name]
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			h := putBytes(t, s, "F", p)
			path := blobPath(s, h)
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// A flipped byte anywhere: header, middle, checksum.
			for _, at := range []int{0, 4, len(orig) / 2, len(orig) - 1} {
				z := slices.Clone(orig)
				z[at] ^= 0x40
				os.WriteFile(path, z, 0o666)
				wantCorrupt(t, s, h, "flipped byte")
			}
			os.WriteFile(path, orig[:len(orig)/2], 0o666)
			wantCorrupt(t, s, h, "truncated")
			os.WriteFile(path, nil, 0o666)
			if len(p) > 0 {
				wantCorrupt(t, s, h, "empty file")
			}
			// A valid zstd stream of other content: only the hash check sees it.
			other := append(slices.Clone(p), 'x')
			var buf bytes.Buffer
			e, _ := zstd.NewWriter(&buf)
			e.Write(other)
			e.Close()
			os.WriteFile(path, buf.Bytes(), 0o666)
			wantCorrupt(t, s, h, "other content")
			os.WriteFile(path, orig, 0o666)
			if got, err := readBlob(s, "F", h); err != nil || !bytes.Equal(got, p) {
				t.Errorf("restored blob: %v", err)
			}
		})
	}
}

func TestOpenBlobErrors(t *testing.T) {
	s := newStore(t)
	missing := sha([]byte("never stored"))
	if _, err := s.OpenBlob("F", missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing blob: %v, want ErrNotFound", err)
	}
	for _, h := range []string{"", "../../etc/passwd", strings.ToUpper(missing), missing[:63]} {
		if _, err := s.OpenBlob("F", h); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("OpenBlob(%q) = %v, want an invalid hash error", h, err)
		}
		if s.HasBlob("F", h) {
			t.Errorf("HasBlob(%q) = true", h)
		}
	}
	if _, _, err := s.PutBlob("../x", func(io.Writer) error { return nil }); err == nil {
		t.Error("PutBlob with flow ../x succeeded")
	}
}

// A reader closed early returns its decoder to the pool; the next blob must
// still read correctly.
func TestOpenBlobCloseEarly(t *testing.T) {
	s := newStore(t)
	a, b := randomBytes(4<<20, 5), randomBytes(4<<20, 6)
	ha, hb := putBytes(t, s, "F", a), putBytes(t, s, "F", b)
	for range 3 {
		r, err := s.OpenBlob("F", ha)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(r, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if got, err := readBlob(s, "F", hb); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("blob after an early close: %v", err)
		}
	}
}

// Large values take one of two paths (the encoder, or raw blocks for an
// incompressible value); both must give a standard zstd frame, and only
// the compressible one may be smaller than the value.
func TestLargeBlobsAreStandardZstd(t *testing.T) {
	s := newStore(t)
	for _, tc := range []struct {
		name       string
		p          []byte
		compressed bool
	}{
		{"random", randomBytes(3<<20+5, 4), false},
		{"random-exact-blocks", randomBytes(4*rawBlockMax+smallBlob, 5), false},
		{"text", bytes.Repeat([]byte("the quick brown fox\n"), 200_000), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := putBytes(t, s, "F", tc.p)
			path := filepath.Join(s.Root(), "F", "data", h[:2], h)
			z, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := zstd.NewReader(nil)
			defer d.Close()
			if got, err := d.DecodeAll(z, nil); err != nil || !bytes.Equal(got, tc.p) {
				t.Fatalf("blob is not a zstd frame of the value: %v", err)
			}
			if tc.compressed != (len(z) < len(tc.p)/2) {
				t.Errorf("blob is %d bytes for a %d-byte value; compressed want %v", len(z), len(tc.p), tc.compressed)
			}
			if _, err := exec.LookPath("zstd"); err == nil {
				out, err := exec.Command("zstd", "-d", "-c", path).Output()
				if err != nil || !bytes.Equal(out, tc.p) {
					t.Errorf("zstd -d does not give the value back: %v", err)
				}
			}
		})
	}
}
