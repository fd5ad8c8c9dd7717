package codec

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

const (
	// flushAt is the buffered size at which the Writer hands bytes to the
	// underlying io.Writer; big enough to amortize syscalls and zstd calls.
	flushAt = 32 << 10
	// rawDirect is the size from which Raw bypasses the buffer, so a large
	// []byte artifact is never copied.
	rawDirect = 4 << 10
)

// Writer serializes one artifact value: raw bytes (Raw, RawString) or one
// canonical JSON value built from tokens. Commas are inserted automatically
// between array elements and object members. Errors are sticky: after the
// first error every call is a no-op and Err (and Flush) report it, so
// generated code checks once at the end.
type Writer struct {
	w   io.Writer // nil in memory mode (NewBufferWriter)
	buf []byte
	err error
	// direct is, in memory mode only, the caller's own memory of a large
	// Raw or RawString written when nothing else was: kept, not copied,
	// until something follows it. The bytes of buf come after it.
	direct []byte
	// comma is true when the next value or key must be preceded by a comma:
	// a value has been completed inside the current container. Key and
	// Begin* clear it; a completed value sets it. No stack is needed.
	comma bool
}

// NewWriter returns a Writer on w. The Writer reuses its buffer after
// each Write to w, as io.Writer allows: w must not keep the slices it is
// given. To keep the serialized bytes, use NewBufferWriter.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w, buf: make([]byte, 0, 512)} }

// NewBufferWriter returns a Writer that keeps the whole value in memory,
// for Buffered. A value written as one large Raw or RawString (a []byte or
// string artifact) is not copied: Buffered returns the caller's own memory.
func NewBufferWriter() *Writer { return &Writer{buf: make([]byte, 0, 512)} }

// Reset makes the Writer write to w (nil: keep the value in memory, as
// NewBufferWriter does), keeping its buffer for reuse.
func (w *Writer) Reset(to io.Writer) {
	w.w, w.buf, w.err, w.comma, w.direct = to, w.buf[:0], nil, false, nil
}

// Buffered returns the value written to a Writer made by NewBufferWriter. It
// may be the memory of a slice or string passed to Raw or RawString, so it
// is only to be read, and only while that memory is unchanged; otherwise it
// is the Writer's buffer, valid until the Writer is used again.
func (w *Writer) Buffered() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.w != nil {
		return nil, errors.New("codec: Buffered on a Writer that writes to an io.Writer; use NewBufferWriter")
	}
	if w.direct != nil && len(w.buf) == 0 {
		return w.direct, nil
	}
	w.inline()
	return w.buf, nil
}

// inline copies a kept direct value into buf, ahead of what followed it.
func (w *Writer) inline() {
	if w.direct == nil {
		return
	}
	b := make([]byte, 0, len(w.direct)+len(w.buf)+512)
	b = append(append(b, w.direct...), w.buf...)
	w.buf, w.direct = b, nil
}

// Err returns the first error met, if any.
func (w *Writer) Err() error { return w.err }

// Flush writes any buffered bytes to the underlying writer; in memory
// mode it does nothing.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) > 0 && w.w != nil {
		_, err := w.w.Write(w.buf)
		w.buf = w.buf[:0]
		if err != nil {
			w.err = err
		}
	}
	return w.err
}

func (w *Writer) maybeFlush() {
	if len(w.buf) >= flushAt && w.w != nil {
		w.Flush()
	}
}

// Raw writes p as is. Large slices are written straight through after the
// buffered bytes, without copying.
func (w *Writer) Raw(p []byte) error {
	if w.err != nil {
		return w.err
	}
	if len(p) < rawDirect {
		w.buf = append(w.buf, p...)
		w.maybeFlush()
		return w.err
	}
	if w.w == nil {
		w.keep(p)
		return nil
	}
	if w.Flush() != nil {
		return w.err
	}
	if _, err := w.w.Write(p); err != nil {
		w.err = err
	}
	return w.err
}

// RawString writes s as is.
func (w *Writer) RawString(s string) error {
	if w.err != nil {
		return w.err
	}
	if len(s) < rawDirect {
		w.buf = append(w.buf, s...)
		w.maybeFlush()
		return w.err
	}
	if w.w == nil {
		w.keep(unsafe.Slice(unsafe.StringData(s), len(s)))
		return nil
	}
	if w.Flush() != nil {
		return w.err
	}
	// io.WriteString uses the writer's WriteString when it has one (hashers,
	// bytes.Buffer, os.File do), avoiding a copy of s.
	if _, err := io.WriteString(w.w, s); err != nil {
		w.err = err
	}
	return w.err
}

// keep holds a large raw value in memory mode: by reference when it is the
// first thing written, else copied after what came before.
func (w *Writer) keep(p []byte) {
	if w.direct == nil && len(w.buf) == 0 {
		w.direct = p
		return
	}
	w.inline()
	w.buf = append(w.buf, p...)
}

// value starts a value: a comma if one is due.
func (w *Writer) value() {
	if w.comma {
		w.buf = append(w.buf, ',')
	}
	w.comma = true
}

// Null writes null.
func (w *Writer) Null() {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = append(w.buf, "null"...)
	w.maybeFlush()
}

// Bool writes true or false.
func (w *Writer) Bool(b bool) {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = strconv.AppendBool(w.buf, b)
	w.maybeFlush()
}

// Int writes a JSON integer.
func (w *Writer) Int(i int64) {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = strconv.AppendInt(w.buf, i, 10)
	w.maybeFlush()
}

// Uint writes a JSON integer.
func (w *Writer) Uint(u uint64) {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = strconv.AppendUint(w.buf, u, 10)
	w.maybeFlush()
}

// Float writes f, a float32 when bits is 32, exactly as encoding/json does
// (shortest representation that parses back to the same value; exponent
// form below 1e-6 and from 1e21). NaN and ±Inf, which JSON numbers cannot
// express, are written as the strings "NaN", "+Inf" and "-Inf".
func (w *Writer) Float(f float64, bits int) {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = appendFloat(w.buf, f, bits)
	w.maybeFlush()
}

func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	}
	if bits != 32 {
		bits = 64
	}
	// Same choice of format as encoding/json (ES6 number to string).
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// String writes s as a JSON string, escaped exactly as encoding/json.Marshal
// does: <, >, & and U+2028/U+2029 as \u escapes (HTML-safe), invalid UTF-8
// replaced by U+FFFD.
func (w *Writer) String(s string) {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = appendString(w.buf, s)
	w.maybeFlush()
}

const hex = "0123456789abcdef"

// safe marks the ASCII bytes written unescaped: from space up (DEL
// included, as encoding/json), except " \ < > &.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Bytes writes p as a JSON string holding its standard base64 (with
// padding), as encoding/json does for []byte; nil is written as null.
func (w *Writer) Bytes(p []byte) {
	if w.err != nil {
		return
	}
	if p == nil {
		w.Null()
		return
	}
	w.value()
	w.buf = append(w.buf, '"')
	w.buf = base64.StdEncoding.AppendEncode(w.buf, p)
	w.buf = append(w.buf, '"')
	w.maybeFlush()
}

// BeginArray writes [.
func (w *Writer) BeginArray() {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = append(w.buf, '[')
	w.comma = false
}

// EndArray writes ].
func (w *Writer) EndArray() {
	if w.err != nil {
		return
	}
	w.buf = append(w.buf, ']')
	w.comma = true
	w.maybeFlush()
}

// BeginObject writes {.
func (w *Writer) BeginObject() {
	if w.err != nil {
		return
	}
	w.value()
	w.buf = append(w.buf, '{')
	w.comma = false
}

// Key writes an object member's key and the colon; the member's value
// follows.
func (w *Writer) Key(k string) {
	if w.err != nil {
		return
	}
	if w.comma {
		w.buf = append(w.buf, ',')
	}
	w.buf = appendString(w.buf, k)
	w.buf = append(w.buf, ':')
	w.comma = false
}

// KeyInt writes an integer map key as a JSON string, as encoding/json does.
func (w *Writer) KeyInt(k int64) {
	if w.err != nil {
		return
	}
	if w.comma {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, '"')
	w.buf = strconv.AppendInt(w.buf, k, 10)
	w.buf = append(w.buf, '"', ':')
	w.comma = false
}

// KeyUint writes an unsigned integer map key as a JSON string.
func (w *Writer) KeyUint(k uint64) {
	if w.err != nil {
		return
	}
	if w.comma {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, '"')
	w.buf = strconv.AppendUint(w.buf, k, 10)
	w.buf = append(w.buf, '"', ':')
	w.comma = false
}

// EndObject writes }.
func (w *Writer) EndObject() {
	if w.err != nil {
		return
	}
	w.buf = append(w.buf, '}')
	w.comma = true
	w.maybeFlush()
}

// Marshal writes v with encoding/json. Generated code uses it only for
// types that define their own JSON or text form (json.Marshaler,
// encoding.TextMarshaler, e.g. time.Time); their output is trusted to be
// deterministic. It must be a single JSON value, which encoding/json
// guarantees and compacts.
func (w *Writer) Marshal(v any) {
	if w.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		w.err = errors.New("codec: " + err.Error())
		return
	}
	w.value()
	w.buf = append(w.buf, b...)
	w.maybeFlush()
}
