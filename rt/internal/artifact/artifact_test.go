package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Sizes around every buffer the bytes of a value pass through: the codec
// Writer's raw-direct threshold (4 KiB) and flush size (32 KiB), the
// store's one-piece limit (1 MiB), and well above them.
var sizes = []int{0, 1, 4<<10 - 1, 4 << 10, 4<<10 + 1, 32<<10 - 1, 32 << 10, 32<<10 + 1, 64<<10 + 7, 1<<20 - 1, 1 << 20, 1<<20 + 1, 5<<20 + 3}

type holder struct {
	Raw  []byte
	Str  string
	Ints []int
	Strs []string
}

// fields are FieldDefs written the way the generator writes them.
var fields = []rt.FieldDef{
	{Name: "Raw", Type: "[]byte", Encoding: rt.EncodingRaw,
		Encode: func(f any, w *codec.Writer) error { return w.Raw(f.(*holder).Raw) },
		Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawTo(&f.(*holder).Raw, size) }},
	{Name: "Str", Type: "string", Encoding: rt.EncodingRaw,
		Encode: func(f any, w *codec.Writer) error { return w.RawString(f.(*holder).Str) },
		Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawStringTo(&f.(*holder).Str, size) }},
	{Name: "Ints", Type: "[]int", Encoding: rt.EncodingJSON,
		Encode: func(f any, w *codec.Writer) error {
			w.BeginArray()
			for _, v := range f.(*holder).Ints {
				w.Int(int64(v))
			}
			w.EndArray()
			return w.Err()
		},
		Decode: func(f any, r *codec.Reader, size int64) error {
			h := f.(*holder)
			h.Ints = nil
			r.BeginArray()
			for r.More() {
				h.Ints = append(h.Ints, int(r.Int(0)))
			}
			r.EndArray()
			return r.End()
		}},
	{Name: "Strs", Type: "[]string", Encoding: rt.EncodingJSON,
		Encode: func(f any, w *codec.Writer) error {
			w.BeginArray()
			for _, v := range f.(*holder).Strs {
				w.String(v)
			}
			w.EndArray()
			return w.Err()
		},
		Decode: func(f any, r *codec.Reader, size int64) error {
			h := f.(*holder)
			h.Strs = nil
			r.BeginArray()
			for r.More() {
				h.Strs = append(h.Strs, r.String())
			}
			r.EndArray()
			return r.End()
		}},
}

// ints returns integers whose JSON array is about n bytes.
func ints(n int) []int {
	out := []int{}
	size := 2
	for i := 0; size < n; i++ {
		out = append(out, i)
		size += len(fmt.Sprint(i)) + 1
	}
	return out
}

// TestPutReadBack stores values of every encoding at, below and above each
// buffer size and reads them back, comparing the bytes with what
// encoding/json (or the raw value) gives and the hash with their sha256.
func TestPutReadBack(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := &IO{St: st, Def: &rt.FlowDef{Fields: fields}, Flow: "F"}
	for _, n := range sizes {
		raw := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), n/36+1)[:n]
		h := &holder{Raw: raw, Str: string(raw), Ints: ints(n), Strs: []string{strings.Repeat("x", max(n-4, 0))}}
		for i := range fields {
			fd := &fields[i]
			art, err := a.Put(h, fd)
			if err != nil {
				t.Fatalf("size %d, %s: %v", n, fd.Name, err)
			}
			var want []byte
			switch fd.Name {
			case "Raw", "Str":
				want = raw
			case "Ints":
				want, _ = json.Marshal(h.Ints)
			case "Strs":
				want, _ = json.Marshal(h.Strs)
			}
			sum := sha256.Sum256(want)
			if art.Hash != hex.EncodeToString(sum[:]) || art.Size != int64(len(want)) {
				t.Errorf("size %d, %s: stored as %s (%d bytes); want the sha256 of its serialization, %d bytes", n, fd.Name, art.Hash, art.Size, len(want))
			}
			got, err := a.Read(fd.Name, art)
			if err != nil {
				t.Fatalf("size %d, %s: %v", n, fd.Name, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("size %d, %s: read back %.40q..., want %.40q...", n, fd.Name, got, want)
			}
			back := new(holder)
			if err := a.Decode(back, fd, art); err != nil {
				t.Errorf("size %d, %s: decode: %v", n, fd.Name, err)
			}
		}
	}
}

// TestHashMatchesPut: Hash (which streams to a hasher) and Put agree.
func TestHashMatchesPut(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := &IO{St: st, Def: &rt.FlowDef{Fields: fields}, Flow: "F"}
	h := &holder{Ints: ints(200 << 10)}
	art, err := a.Put(h, &fields[2])
	if err != nil {
		t.Fatal(err)
	}
	hash, n, err := a.Hash(h, &fields[2])
	if err != nil || hash != art.Hash || n != art.Size {
		t.Errorf("Hash = %s, %d, %v; Put stored %s, %d", hash, n, err, art.Hash, art.Size)
	}
}

var _ = io.Discard
