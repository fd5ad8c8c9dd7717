package artifact_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// testFlow has one field of each shape the generator emits: raw []byte and
// string (one Write of the field's own memory) and JSON written token by
// token, which flushes the codec's buffer many times for a large value.
type testFlow struct {
	Blob    []byte
	Text    string
	Ints    []int
	Strs    []string
	Failure *rt.Failure
}

// The codec's sizes, restated: values around them take different paths
// (buffered, flushed, written through).
const (
	rawDirect = 4 << 10
	flushAt   = 32 << 10
)

func testDef() *rt.FlowDef {
	get := func(f any) *testFlow { return f.(*testFlow) }
	return &rt.FlowDef{
		Graph: &rt.Graph{Flow: "ArtFlow"},
		New:   func() any { return new(testFlow) },
		Fields: []rt.FieldDef{
			{
				Name: "Blob", Type: "[]byte", Kind: rt.FieldArtifact, Encoding: rt.EncodingRaw,
				Encode: func(f any, w *codec.Writer) error { return w.Raw(get(f).Blob) },
				Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawTo(&get(f).Blob, size) },
				Reset:  func(f any) { get(f).Blob = nil },
			},
			{
				Name: "Text", Type: "string", Kind: rt.FieldArtifact, Encoding: rt.EncodingRaw,
				Encode: func(f any, w *codec.Writer) error { return w.RawString(get(f).Text) },
				Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawStringTo(&get(f).Text, size) },
				Reset:  func(f any) { get(f).Text = "" },
			},
			{
				Name: "Ints", Type: "[]int", Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
				Encode: func(f any, w *codec.Writer) error {
					v := get(f).Ints
					if v == nil {
						w.Null()
						return w.Err()
					}
					w.BeginArray()
					for _, x := range v {
						w.Int(int64(x))
					}
					w.EndArray()
					return w.Err()
				},
				Decode: func(f any, r *codec.Reader, size int64) error {
					if r.Null() {
						get(f).Ints = nil
						return r.Err()
					}
					s := make([]int, 0)
					r.BeginArray()
					for r.More() {
						s = append(s, int(r.Int(0)))
					}
					r.EndArray()
					get(f).Ints = s
					return r.Err()
				},
				Reset: func(f any) { get(f).Ints = nil },
			},
			{
				Name: "Strs", Type: "[]string", Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
				Encode: func(f any, w *codec.Writer) error {
					v := get(f).Strs
					if v == nil {
						w.Null()
						return w.Err()
					}
					w.BeginArray()
					for _, x := range v {
						w.String(x)
					}
					w.EndArray()
					return w.Err()
				},
				Decode: func(f any, r *codec.Reader, size int64) error {
					if r.Null() {
						get(f).Strs = nil
						return r.Err()
					}
					s := make([]string, 0)
					r.BeginArray()
					for r.More() {
						s = append(s, r.String())
					}
					r.EndArray()
					get(f).Strs = s
					return r.Err()
				},
				Reset: func(f any) { get(f).Strs = nil },
			},
			{
				Name: "Failure", Type: "*rt.Failure", Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
				Encode: func(f any, w *codec.Writer) error { w.Marshal(get(f).Failure); return w.Err() },
				Decode: func(f any, r *codec.Reader, size int64) error { r.Unmarshal(&get(f).Failure); return r.Err() },
				Reset:  func(f any) { get(f).Failure = nil },
			},
		},
	}
}

func newIO(t *testing.T) *artifact.IO {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), ".flowc"))
	if err != nil {
		t.Fatal(err)
	}
	return artifact.New(st, testDef())
}

func field(t *testing.T, a *artifact.IO, name string) *rt.FieldDef {
	t.Helper()
	k := a.Field(name)
	if k < 0 {
		t.Fatalf("Field(%q) = -1", name)
	}
	return &a.Def.Fields[k]
}

// serialized is what the field's encoder writes, collected by a writer
// that copies (bytes.Buffer): the reference the stored bytes must match.
func serialized(t *testing.T, f any, fd *rt.FieldDef) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := codec.NewWriter(&buf)
	if err := fd.Encode(f, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pattern is n bytes that never repeat with a short period, so a chunk
// stored in place of another is seen.
func pattern(n int) []byte {
	p := make([]byte, n)
	x := uint32(2463534242)
	for i := range p {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p[i] = 'a' + byte(x%26)
	}
	return p
}

// noise is n incompressible bytes.
func noise(n int) []byte {
	p := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range p {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		p[i] = byte(x >> 32)
	}
	return p
}

// sizes straddle the codec's raw-direct and flush thresholds.
var sizes = []int{0, 1, rawDirect - 1, rawDirect, rawDirect + 1, flushAt - 1, flushAt, flushAt + 1, 3*flushAt + 17, 1<<20 + 3}

// valueOf fills field name of a new testFlow with about n bytes of
// serialized value.
func valueOf(name string, n int) *testFlow {
	f := new(testFlow)
	p := pattern(n)
	switch name {
	case "Blob":
		f.Blob = p
		if n == 0 {
			f.Blob = nil
		}
	case "Text":
		f.Text = string(p)
	case "Ints":
		// ~7 bytes per element: a distinct number each
		f.Ints = make([]int, 0, n/7+1)
		for i := 0; len(f.Ints)*7 < n; i++ {
			f.Ints = append(f.Ints, 100000+i*7)
		}
	case "Strs":
		// strings of varied length, together about n bytes
		for off := 0; off < n; {
			l := min(1+off%97, n-off)
			f.Strs = append(f.Strs, string(p[off:off+l]))
			off += l
		}
	case "Failure":
		f.Failure = &rt.Failure{Type: "*errors.errorString", Message: string(p), Stack: "goroutine 1"}
	}
	return f
}

func sha(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}

// TestPutDecodeRoundTrip stores each field at sizes around the codec's
// thresholds and checks the blob holds exactly the serialized bytes (hash,
// size, Read) and decodes back to the value.
func TestPutDecodeRoundTrip(t *testing.T) {
	a := newIO(t)
	for _, name := range []string{"Blob", "Text", "Ints", "Strs", "Failure"} {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				fd := field(t, a, name)
				in := valueOf(name, n)
				want := serialized(t, in, fd)

				art, err := a.Put(in, fd)
				if err != nil {
					t.Fatal(err)
				}
				if art.Type != fd.Type || art.Encoding != fd.Encoding {
					t.Errorf("Put: type %q encoding %q, want %q %q", art.Type, art.Encoding, fd.Type, fd.Encoding)
				}
				if art.Size != int64(len(want)) {
					t.Errorf("Put: size %d, want %d", art.Size, len(want))
				}
				if art.Hash != sha(want) {
					t.Errorf("Put: hash %s is not the sha256 of the serialized value (%s)", art.Hash, sha(want))
				}
				h, size, err := a.Hash(in, fd)
				if err != nil {
					t.Fatal(err)
				}
				if h != art.Hash || size != art.Size {
					t.Errorf("Hash = %s %d, Put stored %s %d", h, size, art.Hash, art.Size)
				}
				got, err := a.Read(name, art)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("Read: %d bytes differ from the %d serialized (first difference at %d)", len(got), len(want), firstDiff(got, want))
				}
				out := new(testFlow)
				if err := a.Decode(out, fd, art); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(out, in) {
					t.Errorf("Decode did not give back the value put (%d bytes)", len(want))
				}
			})
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestPutIsContentAddressed: the same value stores under the same hash
// whichever flow value holds it; a different value under another.
func TestPutIsContentAddressed(t *testing.T) {
	a := newIO(t)
	fd := field(t, a, "Ints")
	one, err := a.Put(valueOf("Ints", 2*flushAt), fd)
	if err != nil {
		t.Fatal(err)
	}
	two, err := a.Put(valueOf("Ints", 2*flushAt), fd)
	if err != nil {
		t.Fatal(err)
	}
	if one != two {
		t.Errorf("the same value stored twice: %+v and %+v", one, two)
	}
	other := valueOf("Ints", 2*flushAt)
	other.Ints[len(other.Ints)-1]++
	three, err := a.Put(other, fd)
	if err != nil {
		t.Fatal(err)
	}
	if three.Hash == one.Hash {
		t.Errorf("a changed value stored under the old hash %s", one.Hash)
	}
	if !a.St.HasBlob(a.Flow, one.Hash) || !a.St.HasBlob(a.Flow, three.Hash) {
		t.Errorf("HasBlob is false for a blob Put stored")
	}
}

// TestPutThenMutate: after Put returns, changing the
// field's value does not change what was stored.
func TestPutThenMutate(t *testing.T) {
	a := newIO(t)
	for _, name := range []string{"Blob", "Ints"} {
		fd := field(t, a, name)
		in := valueOf(name, 2*flushAt)
		want := serialized(t, in, fd)
		art, err := a.Put(in, fd)
		if err != nil {
			t.Fatal(err)
		}
		if in.Blob != nil {
			for i := range in.Blob {
				in.Blob[i] = 'z'
			}
		}
		for i := range in.Ints {
			in.Ints[i] = 0
		}
		got, err := a.Read(name, art)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: stored bytes changed with the field after Put", name)
		}
	}
}

// TestDecodeCorruptBlob: a blob whose content no longer matches its hash
// is reported as corrupt, naming the artifact; it never decodes as good.
// The sizes cover a blob checked whole and one (incompressible, over the
// store's small-blob size) checked as it streams.
func TestDecodeCorruptBlob(t *testing.T) {
	a := newIO(t)
	for _, n := range []int{10, 3 * flushAt, 3 << 20} {
		fd := field(t, a, "Blob")
		in := &testFlow{Blob: noise(n)}
		art, err := a.Put(in, fd)
		if err != nil {
			t.Fatal(err)
		}
		// Store a different value of the same size under art's hash.
		p := blobFile(t, a.St.Root(), art.Hash)
		other, err := a.Put(&testFlow{Blob: noise(n + 1)[1:]}, fd)
		if err != nil {
			t.Fatal(err)
		}
		bad, err := os.ReadFile(blobFile(t, a.St.Root(), other.Hash))
		if err != nil {
			t.Fatal(err)
		}
		// damage puts the other blob's file under art's name; each check
		// gets a fresh one, as the store may set a damaged blob aside.
		damage := func() {
			os.MkdirAll(filepath.Dir(p), 0o777)
			os.Chmod(p, 0o644)
			if err := os.WriteFile(p, bad, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		damage()
		err = a.Decode(new(testFlow), fd, art)
		if !errors.Is(err, store.ErrCorrupt) {
			t.Fatalf("size %d: Decode of a damaged blob: %v, want ErrCorrupt", n, err)
		}
		if !strings.Contains(err.Error(), `"Blob"`) || !strings.Contains(err.Error(), art.Hash) {
			t.Errorf("size %d: error %q does not name the artifact and its blob", n, err)
		}
		damage()
		if _, err := artifact.ReadRaw(a.St, a.Flow, "Blob", art); !errors.Is(err, store.ErrCorrupt) {
			t.Errorf("size %d: ReadRaw of a damaged blob: %v, want ErrCorrupt", n, err)
		}
		// A decoder that stops before the end still gets the check.
		damage()
		lazy := *fd
		lazy.Decode = func(f any, r *codec.Reader, size int64) error { return nil }
		if err := a.Decode(new(testFlow), &lazy, art); !errors.Is(err, store.ErrCorrupt) {
			t.Errorf("size %d: Decode by a decoder that reads nothing: %v, want ErrCorrupt", n, err)
		}
	}
}

// TestDecodeMissingBlob names the artifact.
func TestDecodeMissingBlob(t *testing.T) {
	a := newIO(t)
	fd := field(t, a, "Text")
	art := store.Artifact{Hash: sha([]byte("never stored")), Type: "string", Encoding: rt.EncodingRaw, Size: 12}
	err := a.Decode(new(testFlow), fd, art)
	if err == nil || !strings.Contains(err.Error(), `"Text"`) {
		t.Fatalf("Decode of a missing blob: %v, want an error naming \"Text\"", err)
	}
}

// TestDecodeTrailingJSON: a JSON blob with more after its value fails
// rather than decoding a prefix.
func TestDecodeTrailingJSON(t *testing.T) {
	a := newIO(t)
	fd := field(t, a, "Ints")
	raw := []byte("[1,2] [3]")
	h, n, err := a.St.PutBlobBytes(a.Flow, raw)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Decode(new(testFlow), fd, store.Artifact{Hash: h, Size: n, Type: "[]int", Encoding: rt.EncodingJSON})
	if err == nil {
		t.Fatalf("Decode of %q succeeded", raw)
	}
}

// TestSetJSON fills a field (a //flow:catch *rt.Failure) from JSON.
func TestSetJSON(t *testing.T) {
	a := newIO(t)
	f := new(testFlow)
	if err := a.SetJSON(f, field(t, a, "Failure"), []byte(`{"Type":"T","Message":"m","Stack":"s"}`)); err != nil {
		t.Fatal(err)
	}
	if want := (&rt.Failure{Type: "T", Message: "m", Stack: "s"}); !reflect.DeepEqual(f.Failure, want) {
		t.Errorf("SetJSON: %+v, want %+v", f.Failure, want)
	}
	err := a.SetJSON(f, field(t, a, "Ints"), []byte(`{"not":"a list"}`))
	if err == nil || !strings.Contains(err.Error(), `"Ints"`) {
		t.Errorf("SetJSON of the wrong shape: %v, want an error naming \"Ints\"", err)
	}
}

func TestField(t *testing.T) {
	a := newIO(t)
	for i, fd := range a.Def.Fields {
		if got := a.Field(fd.Name); got != i {
			t.Errorf("Field(%q) = %d, want %d", fd.Name, got, i)
		}
	}
	if got := a.Field("Nope"); got != -1 {
		t.Errorf("Field(%q) = %d, want -1", "Nope", got)
	}
}

// blobFile finds the file holding the blob hash under root, wherever the
// store's layout puts it.
func blobFile(t *testing.T, root, hash string) string {
	t.Helper()
	var found string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == hash {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatalf("no file for blob %s under %s", hash, root)
	}
	return found
}
