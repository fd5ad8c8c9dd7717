package codec

import (
	"encoding/base64"
	"encoding/json"

	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds the nesting Skip and Unmarshal accept, so hostile input
// cannot recurse without limit.
const maxDepth = 10000

// Error is a decoding error: where in the serialized bytes it happened and
// why. Err, when set, is the underlying read error (a corrupt blob, a
// truncated stream) for errors.Is.
type Error struct {
	Offset int64
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("codec: offset %d: %s: %v", e.Offset, e.Msg, e.Err)
	}
	return fmt.Sprintf("codec: offset %d: %s", e.Offset, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Reader deserializes one artifact value: raw bytes (ReadRaw) or one JSON
// value read token by token with a hand-written scanner. Errors are sticky:
// after the first one every call returns a zero value, More returns false,
// and Err and End report the error with its byte offset.
type Reader struct {
	r    io.Reader // nil for NewBytesReader
	buf  []byte
	pos  int   // next unread byte in buf
	base int64 // stream offset of buf[0]
	mark int   // start of the value Unmarshal is capturing, -1 if none
	eof  bool  // r returned io.EOF (or there is no r)
	err  error

	// first is true right after Begin*: the container's first member needs
	// no comma. More clears it and End* clears it (the container is the
	// parent's completed value), so no stack is needed.
	first   bool
	depth   int
	scratch []byte
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r, mark: -1} }

// NewBytesReader returns a Reader on b, which it does not modify.
func NewBytesReader(b []byte) *Reader { return &Reader{buf: b, eof: true, mark: -1} }

// Err returns the first error met, if any.
func (r *Reader) Err() error { return r.err }

// Offset is the number of bytes consumed so far.
func (r *Reader) Offset() int64 { return r.base + int64(r.pos) }

func (r *Reader) fail(msg string, err error) {
	if r.err == nil {
		r.err = &Error{Offset: r.Offset(), Msg: msg, Err: err}
	}
}

func (r *Reader) failf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...), nil) }

func (r *Reader) failEOF() {
	if r.err == nil {
		r.fail("unexpected end of input", io.ErrUnexpectedEOF)
	}
}

// fill reads more bytes into buf, keeping what is unread (and a captured
// value), and reports whether it got any.
func (r *Reader) fill() bool {
	if r.eof || r.err != nil {
		return false
	}
	keep := r.pos
	if r.mark >= 0 && r.mark < keep {
		keep = r.mark
	}
	if keep > 0 {
		n := copy(r.buf, r.buf[keep:])
		r.buf = r.buf[:n]
		r.pos -= keep
		if r.mark >= 0 {
			r.mark -= keep
		}
		r.base += int64(keep)
	}
	if len(r.buf) == cap(r.buf) {
		nb := make([]byte, len(r.buf), max(2*cap(r.buf), 8192))
		copy(nb, r.buf)
		r.buf = nb
	}
	for range 100 {
		n, err := r.r.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if err == io.EOF {
			r.eof = true
			return n > 0
		}
		if err != nil {
			r.pos = len(r.buf) // report the offset where reading stopped
			r.fail("read failed", err)
			return false
		}
		if n > 0 {
			return true
		}
	}
	r.fail("read failed", io.ErrNoProgress)
	return false
}

// peek skips whitespace and returns the next byte without consuming it.
func (r *Reader) peek() (byte, bool) {
	for {
		for r.pos < len(r.buf) {
			switch c := r.buf[r.pos]; c {
			case ' ', '\n', '\r', '\t':
				r.pos++
			default:
				return c, true
			}
		}
		if !r.fill() {
			return 0, false
		}
	}
}

// next is peek for a byte that must be there.
func (r *Reader) next() (byte, bool) {
	if r.err != nil {
		return 0, false
	}
	c, ok := r.peek()
	if !ok {
		r.failEOF()
	}
	return c, ok
}

func describe(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (r *Reader) unexpected(c byte, want string) {
	r.failf("expected %s, found %s", want, describe(c))
}

func (r *Reader) literal(lit string) bool {
	for len(r.buf)-r.pos < len(lit) && r.fill() {
	}
	if len(r.buf)-r.pos < len(lit) {
		if r.err == nil {
			if string(r.buf[r.pos:]) == lit[:len(r.buf)-r.pos] {
				r.failEOF()
			} else {
				r.failf("invalid literal, expected %s", lit)
			}
		}
		return false
	}
	if string(r.buf[r.pos:r.pos+len(lit)]) != lit {
		r.failf("invalid literal, expected %s", lit)
		return false
	}
	r.pos += len(lit)
	return true
}

// Null consumes a null and reports true if the next value is one.
func (r *Reader) Null() bool {
	if c, ok := r.next(); !ok || c != 'n' {
		return false
	}
	return r.literal("null")
}

// null consumes a null where a bool, number or string is expected: like
// encoding/json, which leaves the destination as it is, the result is the
// zero value (what a fresh destination holds).
func (r *Reader) null() bool {
	c, ok := r.next()
	return !ok || c == 'n' && r.literal("null")
}

// Bool reads true or false; null gives false.
func (r *Reader) Bool() bool {
	c, ok := r.next()
	switch {
	case !ok:
		return false
	case c == 'n':
		r.literal("null")
		return false
	case c == 't':
		return r.literal("true")
	case c == 'f':
		r.literal("false")
		return false
	}
	r.unexpected(c, "true or false")
	return false
}

func isNumByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number consumes a JSON number and returns its bytes, valid until the next
// call; integer reports that it has no fraction or exponent.
func (r *Reader) number() (tok []byte, integer bool) {
	c, ok := r.next()
	if !ok {
		return nil, false
	}
	if c != '-' && !isDigit(c) {
		r.unexpected(c, "a number")
		return nil, false
	}
	n := 0
	for {
		for r.pos+n < len(r.buf) && isNumByte(r.buf[r.pos+n]) {
			n++
		}
		if r.pos+n < len(r.buf) || !r.fill() {
			break
		}
	}
	tok = r.buf[r.pos : r.pos+n]
	integer, ok = scanNumber(tok)
	if !ok {
		r.failf("invalid number %q", tok)
		return nil, false
	}
	r.pos += n
	return tok, integer
}

// scanNumber checks s against JSON's number grammar.
func scanNumber(s []byte) (integer, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return false, false
	case s[i] == '0':
		i++
	case isDigit(s[i]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false, false
	}
	integer = true
	if i < len(s) && s[i] == '.' {
		integer = false
		i++
		if i == len(s) || !isDigit(s[i]) {
			return false, false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return false, false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return integer, i == len(s)
}

func intSize(bits int) int {
	if bits <= 0 || bits > 64 {
		return strconv.IntSize
	}
	return bits
}

// parseDigits parses decimal digits into a uint64, reporting overflow.
func parseDigits(s []byte) (uint64, bool) {
	var u uint64
	for _, c := range s {
		if u > math.MaxUint64/10 {
			return 0, false
		}
		d := uint64(c - '0')
		if u*10+d < u*10 {
			return 0, false
		}
		u = u*10 + d
	}
	return u, true
}

// Int reads an integer that fits in a signed integer of bits bits (0 means
// the size of int); null gives 0.
func (r *Reader) Int(bits int) int64 {
	if r.null() {
		return 0
	}
	start := r.Offset()
	tok, integer := r.number()
	if tok == nil {
		return 0
	}
	bits = intSize(bits)
	if !integer {
		r.failAt(start, fmt.Sprintf("number %s is not an integer", tok))
		return 0
	}
	neg := tok[0] == '-'
	digits := tok
	if neg {
		digits = tok[1:]
	}
	u, ok := parseDigits(digits)
	limit := uint64(1) << (bits - 1)
	if !ok || !neg && u >= limit || neg && u > limit {
		r.failAt(start, fmt.Sprintf("number %s overflows int%d", tok, bits))
		return 0
	}
	if neg {
		return -int64(u)
	}
	return int64(u)
}

// Uint reads an integer that fits in an unsigned integer of bits bits (0
// means the size of uint); null gives 0.
func (r *Reader) Uint(bits int) uint64 {
	if r.null() {
		return 0
	}
	start := r.Offset()
	tok, integer := r.number()
	if tok == nil {
		return 0
	}
	bits = intSize(bits)
	if !integer {
		r.failAt(start, fmt.Sprintf("number %s is not an integer", tok))
		return 0
	}
	u, ok := parseDigits(tok)
	if tok[0] == '-' || !ok || bits < 64 && u >= 1<<bits {
		r.failAt(start, fmt.Sprintf("number %s overflows uint%d", tok, bits))
		return 0
	}
	return u
}

func (r *Reader) failAt(off int64, msg string) {
	if r.err == nil {
		r.err = &Error{Offset: off, Msg: msg}
	}
}

// Float reads a number as a float64, or a float32 when bits is 32. It also
// accepts the strings "NaN", "+Inf" and "-Inf" that Writer.Float writes;
// null gives 0.
func (r *Reader) Float(bits int) float64 {
	if r.null() {
		return 0
	}
	c, _ := r.peek()
	if bits != 32 {
		bits = 64
	}
	start := r.Offset()
	if c == '"' {
		switch s := r.String(); s {
		case "NaN":
			return math.NaN()
		case "+Inf":
			return math.Inf(1)
		case "-Inf":
			return math.Inf(-1)
		default:
			if r.err == nil {
				r.failAt(start, fmt.Sprintf("expected a number, found string %q", s))
			}
			return 0
		}
	}
	tok, _ := r.number()
	if tok == nil {
		return 0
	}
	// The number grammar was checked, so ParseFloat only fails on range;
	// the unsafe string does not outlive the call.
	f, err := strconv.ParseFloat(unsafe.String(&tok[0], len(tok)), bits)
	if err != nil {
		r.failAt(start, fmt.Sprintf("number %s overflows float%d", tok, bits))
		return 0
	}
	return f
}

// stringToken consumes a JSON string and returns its contents between the
// quotes, still escaped, valid until the next call; plain reports that it
// holds only ASCII and no escapes.
func (r *Reader) stringToken() (tok []byte, plain, ok bool) {
	c, ok := r.next()
	if !ok {
		return nil, false, false
	}
	if c != '"' {
		r.unexpected(c, "a string")
		return nil, false, false
	}
	plain = true
	n := 1
	for {
		for r.pos+n < len(r.buf) {
			c := r.buf[r.pos+n]
			switch {
			case c == '"':
				tok = r.buf[r.pos+1 : r.pos+n]
				r.pos += n + 1
				return tok, plain, true
			case c == '\\':
				plain = false
				n += 2
			case c < 0x20:
				r.pos += n
				r.failf("invalid control character %s in string", describe(c))
				return nil, false, false
			default:
				if c >= utf8.RuneSelf {
					plain = false
				}
				n++
			}
		}
		if !r.fill() {
			r.failEOF()
			return nil, false, false
		}
	}
}

// unquote decodes an escaped string token into r.scratch, replacing invalid
// UTF-8 and lone surrogates with U+FFFD as encoding/json does.
func (r *Reader) unquote(s []byte) ([]byte, bool) {
	b := r.scratch[:0]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				r.failf("invalid escape in string")
				return nil, false
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r1, ok := hex4(s[i+2:])
				if !ok {
					r.failf("invalid \\u escape in string")
					return nil, false
				}
				i += 6
				if utf16.IsSurrogate(r1) {
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r2, ok := hex4(s[i+2:]); ok {
							if dec := utf16.DecodeRune(r1, r2); dec != utf8.RuneError {
								b = utf8.AppendRune(b, dec)
								i += 6
								continue
							}
						}
					}
					r1 = utf8.RuneError
				}
				b = utf8.AppendRune(b, r1)
				continue
			default:
				r.failf("invalid escape %s in string", describe(e))
				return nil, false
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			rr, size := utf8.DecodeRune(s[i:])
			if rr == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	r.scratch = b
	return b, true
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var x rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		x = x<<4 | rune(c)
	}
	return x, true
}

// stringBytes reads a string and returns its decoded bytes, valid until
// the next call.
func (r *Reader) stringBytes() ([]byte, bool) {
	tok, plain, ok := r.stringToken()
	if !ok {
		return nil, false
	}
	if plain {
		return tok, true
	}
	return r.unquote(tok)
}

// String reads a string; null gives "".
func (r *Reader) String() string {
	if r.null() {
		return ""
	}
	b, ok := r.stringBytes()
	if !ok {
		return ""
	}
	return string(b)
}

// Bytes reads a base64 string (standard encoding, as encoding/json writes
// []byte) or null, which gives nil.
func (r *Reader) Bytes() []byte {
	if r.Null() {
		return nil
	}
	start := r.Offset()
	s, ok := r.stringBytes()
	if !ok {
		return nil
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	if err != nil {
		r.failAt(start, "invalid base64 string: "+err.Error())
		return nil
	}
	return b[:n]
}

func (r *Reader) open(c byte, what string) {
	got, ok := r.next()
	if !ok {
		return
	}
	if got != c {
		r.unexpected(got, what)
		return
	}
	r.pos++
	r.first = true
}

func (r *Reader) close(c byte) {
	got, ok := r.next()
	if !ok {
		return
	}
	if got != c {
		r.unexpected(got, describe(c))
		return
	}
	r.pos++
	r.first = false
}

// BeginArray consumes [.
func (r *Reader) BeginArray() { r.open('[', "an array") }

// EndArray consumes ].
func (r *Reader) EndArray() { r.close(']') }

// BeginObject consumes {.
func (r *Reader) BeginObject() { r.open('{', "an object") }

// EndObject consumes }.
func (r *Reader) EndObject() { r.close('}') }

// More reports whether the current array or object has another element or
// member, consuming the comma before it.
func (r *Reader) More() bool {
	c, ok := r.next()
	if !ok {
		return false
	}
	if c == ']' || c == '}' {
		return false
	}
	if r.first {
		r.first = false
		return true
	}
	if c != ',' {
		r.unexpected(c, "',' or the end of the array or object")
		return false
	}
	r.pos++
	if c, ok = r.next(); ok && (c == ']' || c == '}') {
		r.unexpected(c, "a value after ','")
		return false
	}
	return ok
}

// Key reads an object member's key and the colon after it.
func (r *Reader) Key() string {
	s := r.String()
	r.colon()
	return s
}

func (r *Reader) colon() {
	if c, ok := r.next(); ok {
		if c != ':' {
			r.unexpected(c, "':'")
			return
		}
		r.pos++
	}
}

// KeyInt reads a map key written by Writer.KeyInt: a string holding an
// integer of bits bits (0 means int).
func (r *Reader) KeyInt(bits int) int64 {
	start := r.Offset()
	b, ok := r.stringBytes()
	if !ok {
		return 0
	}
	i, err := strconv.ParseInt(string(b), 10, intSize(bits))
	if err != nil {
		r.failAt(start, fmt.Sprintf("map key %q is not an int%d", b, intSize(bits)))
		return 0
	}
	r.colon()
	return i
}

// KeyUint reads a map key written by Writer.KeyUint.
func (r *Reader) KeyUint(bits int) uint64 {
	start := r.Offset()
	b, ok := r.stringBytes()
	if !ok {
		return 0
	}
	u, err := strconv.ParseUint(string(b), 10, intSize(bits))
	if err != nil {
		r.failAt(start, fmt.Sprintf("map key %q is not a uint%d", b, intSize(bits)))
		return 0
	}
	r.colon()
	return u
}

// Skip consumes one value of any kind, checking that it is well formed.
// Generated code skips object members it does not know.
func (r *Reader) Skip() {
	c, ok := r.next()
	if !ok {
		return
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxDepth {
		r.failf("values nested deeper than %d", maxDepth)
		return
	}
	switch {
	case c == '{':
		r.BeginObject()
		for r.More() {
			r.stringBytes()
			r.colon()
			r.Skip()
		}
		r.EndObject()
	case c == '[':
		r.BeginArray()
		for r.More() {
			r.Skip()
		}
		r.EndArray()
	case c == '"':
		r.stringBytes()
	case c == 't':
		r.literal("true")
	case c == 'f':
		r.literal("false")
	case c == 'n':
		r.literal("null")
	case c == '-' || isDigit(c):
		r.number()
	default:
		r.unexpected(c, "a value")
	}
}

// Unmarshal reads one value with encoding/json into v. Generated code uses
// it for types that define their own JSON or text form (time.Time).
func (r *Reader) Unmarshal(v any) {
	if _, ok := r.next(); !ok {
		return
	}
	start := r.Offset()
	r.mark = r.pos
	r.Skip()
	raw := r.buf[r.mark:r.pos]
	r.mark = -1
	if r.err != nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		r.failAt(start, err.Error())
	}
}

// End checks that only whitespace follows the value and returns the first
// error met, if any.
func (r *Reader) End() error {
	if r.err != nil {
		return r.err
	}
	if c, ok := r.peek(); ok {
		r.failf("unexpected %s after the value", describe(c))
	}
	return r.err
}

// ReadRaw reads the next size bytes into a new slice, allocated once; size
// 0 gives nil. It reads straight from the underlying reader, so a large
// artifact is never copied.
func (r *Reader) ReadRaw(size int64) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if size < 0 || int64(int(size)) != size {
		r.failf("invalid raw size %d", size)
		return nil, r.err
	}
	if size == 0 {
		return nil, nil
	}
	p := make([]byte, size)
	n := copy(p, r.buf[r.pos:])
	r.pos += n
	if n == len(p) {
		return p, nil
	}
	if r.eof {
		r.fail(fmt.Sprintf("raw value has %d bytes, want %d", n, size), io.ErrUnexpectedEOF)
		return nil, r.err
	}
	// The buffer is drained; read the rest directly.
	r.base += int64(len(r.buf))
	r.buf, r.pos = r.buf[:0], 0
	m, err := io.ReadFull(r.r, p[n:])
	r.base += int64(m)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		r.fail(fmt.Sprintf("raw value has %d bytes, want %d", n+m, size), err)
		return nil, r.err
	}
	return p, nil
}

// ReadRawString is ReadRaw returning a string that shares the freshly read
// bytes (no second copy).
func (r *Reader) ReadRawString(size int64) (string, error) {
	p, err := r.ReadRaw(size)
	if err != nil || len(p) == 0 {
		return "", err
	}
	return unsafe.String(unsafe.SliceData(p), len(p)), nil
}

// ReadRawTo reads a whole raw artifact of size bytes into *dst and checks
// that the input ends there (which lets a verifying reader report a
// corrupt blob).
func (r *Reader) ReadRawTo(dst *[]byte, size int64) error {
	p, err := r.ReadRaw(size)
	if err != nil {
		return err
	}
	if err := r.rawEnd(); err != nil {
		return err
	}
	*dst = p
	return nil
}

// ReadRawStringTo is ReadRawTo for a string.
func (r *Reader) ReadRawStringTo(dst *string, size int64) error {
	s, err := r.ReadRawString(size)
	if err != nil {
		return err
	}
	if err := r.rawEnd(); err != nil {
		return err
	}
	*dst = s
	return nil
}

func (r *Reader) rawEnd() error {
	if r.pos < len(r.buf) || r.fill() {
		r.fail("raw value is longer than its recorded size", nil)
	}
	return r.err
}
