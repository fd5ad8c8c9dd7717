package codec

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"
)

// A buffer Writer's value must survive every flush threshold: bytes are
// never handed out of a buffer that is reused afterwards.
func TestBufferWriterAcrossFlushes(t *testing.T) {
	for _, n := range []int{1, flushAt - 1, flushAt, flushAt + 1, 3*flushAt + 5, 1 << 20} {
		w := NewBufferWriter()
		var want bytes.Buffer
		ref := NewWriter(&want)
		for _, x := range []*Writer{w, ref} {
			x.BeginArray()
			for i := 0; i < n/2; i++ {
				x.Int(int64(i % 10))
			}
			x.EndArray()
		}
		ref.Flush()
		got, err := w.Buffered()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%d ints: buffered value differs from the streamed one (%.30q... vs %.30q...)", n/2, got, want.Bytes())
		}
	}
}

// A large raw value alone is kept by reference; anything around it is
// copied in order.
func TestBufferWriterRaw(t *testing.T) {
	big := bytes.Repeat([]byte("ab"), rawDirect)
	w := NewBufferWriter()
	w.Raw(big)
	got, _ := w.Buffered()
	if unsafe.SliceData(got) != unsafe.SliceData(big) || len(got) != len(big) {
		t.Errorf("a lone large Raw was copied")
	}

	s := strings.Repeat("xy", rawDirect)
	w.Reset(nil)
	w.RawString(s)
	got, _ = w.Buffered()
	if string(got) != s || unsafe.SliceData(got) != unsafe.StringData(s) {
		t.Errorf("a lone large RawString was copied or changed")
	}

	for _, parts := range [][]string{{"<", string(big), ">"}, {string(big), "-", s}, {"a", s, string(big), "z"}} {
		w.Reset(nil)
		for _, p := range parts {
			w.RawString(p)
		}
		got, err := w.Buffered()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Join(parts, ""); string(got) != want {
			t.Errorf("parts of %v bytes: got %d bytes, not in order", len(parts), len(got))
		}
	}
}

func TestBufferedOnStreamingWriter(t *testing.T) {
	if _, err := NewWriter(&bytes.Buffer{}).Buffered(); err == nil {
		t.Error("Buffered on a streaming Writer: no error")
	}
}
