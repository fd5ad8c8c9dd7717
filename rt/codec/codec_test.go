package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

type inner struct {
	N    int
	Tags []string
}

type movie struct {
	Title    string `json:"title"`
	Year     int16
	Gross    float64
	Skip     string `json:"-"`
	Dash     int    `json:"-,"`
	Genres   []string
	Ratings  map[string]float32
	Inner    inner
	PInner   *inner
	Raw      []byte
	When     time.Time
	Took     time.Duration
	private  int
	Big      uint64
	Small    int8
	Arr      [3]int
	Nested   [][]float64
	IntKeys  map[int]string `json:"int_keys"`
	UintKeys map[uint8]bool
}

type tree struct {
	Name string
	Kids []*tree
}

func sampleMovie() movie {
	return movie{
		Title: `Alien <&> "quoted" \ ` + "tab\tnl\n\u2028é😀\x01", Year: -1979, Gross: 1.0e21,
		Genres:  []string{"horror", "sci-fi", ""},
		Ratings: map[string]float32{"b": 0.1, "a": 3.4028235e38, "": -1e-7},
		Inner:   inner{N: 7}, PInner: &inner{Tags: []string{}},
		Raw: []byte{0, 1, 2, 255}, When: time.Date(2026, 11, 21, 10, 0, 0, 123, time.UTC),
		Took: 90 * time.Second, Big: math.MaxUint64, Small: math.MinInt8, Arr: [3]int{1, -2, 3},
		Nested:   [][]float64{nil, {}, {1.5, -0.000001, 1e-7, 123456789}},
		IntKeys:  map[int]string{10: "ten", 9: "nine", -3: "minus"},
		UintKeys: map[uint8]bool{255: true, 0: false},
	}
}

func encode(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	encodeValue(w, reflect.ValueOf(v))
	if err := w.Flush(); err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return buf.Bytes()
}

// decodeInto decodes data into a new value of v's type, through a reader
// that returns one byte at a time so every refill path is taken.
func decodeInto(t testing.TB, data []byte, typ reflect.Type) (reflect.Value, error) {
	t.Helper()
	p := reflect.New(typ)
	r := NewReader(iotest.OneByteReader(bytes.NewReader(data)))
	decodeValue(r, p.Elem())
	return p.Elem(), r.End()
}

func roundTripValues() []any {
	s := "x"
	return []any{
		true, false, 0, -1, int64(math.MinInt64), uint64(math.MaxUint64), int8(-128),
		0.0, 1.5, -0.0, 1e-7, 5e-324, math.MaxFloat64, float32(0.1), float32(1e21),
		"", "plain", "<script>&amp;</script>", "\u2029\x7f\x00é",
		[]int(nil), []int{}, []float64{1, 2.5, 1e300},
		[]byte(nil), []byte{}, []byte("hello, world"),
		map[string][]float64{"z": {1}, "a": nil, "m": {}},
		map[string]int(nil),
		&s, (*string)(nil),
		[2][]string{{"a"}, nil},
		sampleMovie(), []movie{sampleMovie(), {}},
		tree{Name: "root", Kids: []*tree{{Name: "a"}, nil, {Name: "b", Kids: []*tree{{Name: "c"}}}}},
		time.Date(2000, 1, 2, 3, 4, 5, 6, time.UTC), // zone names are not kept (RFC 3339)
		&rt{"f"},
	}
}

// rt stands in for rt.Failure (a plain exported struct behind a pointer).
type rt struct{ Type string }

func TestRoundTrip(t *testing.T) {
	for _, v := range roundTripValues() {
		data := encode(t, v)
		typ := reflect.TypeOf(v)

		got, err := decodeInto(t, data, typ)
		if err != nil {
			t.Errorf("%T: decode of %s: %v", v, data, err)
			continue
		}
		if !equal(got.Interface(), v) {
			t.Errorf("%T: Reader round trip of %s\n got %#v\nwant %#v", v, data, got.Interface(), v)
		}

		p := reflect.New(typ)
		if err := json.Unmarshal(data, p.Interface()); err != nil {
			t.Errorf("%T: json.Unmarshal of %s: %v", v, data, err)
		} else if !equal(p.Elem().Interface(), v) {
			t.Errorf("%T: json.Unmarshal of %s\n got %#v\nwant %#v", v, data, p.Elem().Interface(), v)
		}

		// What encoding/json writes, our Reader reads.
		std, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err = decodeInto(t, std, typ)
		if err != nil {
			t.Errorf("%T: decode of json.Marshal output %s: %v", v, std, err)
		} else if !equal(got.Interface(), v) {
			t.Errorf("%T: Reader of json.Marshal output %s\n got %#v\nwant %#v", v, std, got.Interface(), v)
		}
		// Without integer-keyed maps our bytes are encoding/json's.
		if !strings.Contains(string(data), "int_keys") && !strings.Contains(string(data), "UintKeys") && !bytes.Equal(data, std) {
			t.Errorf("%T: output differs from json.Marshal\n got %s\nwant %s", v, data, std)
		}
	}
}

// equal is reflect.DeepEqual, except that the -0 float check wants the sign.
func equal(a, b any) bool {
	if fa, ok := a.(float64); ok {
		return math.Float64bits(fa) == math.Float64bits(b.(float64))
	}
	return reflect.DeepEqual(a, b)
}

func TestFloatsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		data := encode(t, f)
		std, _ := json.Marshal(f)
		if !bytes.Equal(data, std) {
			t.Fatalf("float %v: got %s, encoding/json %s", f, data, std)
		}
		got := NewBytesReader(data).Float(64)
		if math.Float64bits(got) != math.Float64bits(f) {
			t.Fatalf("float %v read back as %v", f, got)
		}
		f32 := math.Float32frombits(rng.Uint32())
		if math.IsNaN(float64(f32)) || math.IsInf(float64(f32), 0) {
			continue
		}
		data = encode(t, f32)
		std, _ = json.Marshal(f32)
		if !bytes.Equal(data, std) {
			t.Fatalf("float32 %v: got %s, encoding/json %s", f32, data, std)
		}
		if got := float32(NewBytesReader(data).Float(32)); got != f32 {
			t.Fatalf("float32 %v read back as %v", f32, got)
		}
	}
}

func TestNonFinite(t *testing.T) {
	data := encode(t, []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1})
	if want := `["NaN","+Inf","-Inf",1]`; string(data) != want {
		t.Fatalf("got %s, want %s", data, want)
	}
	got, err := decodeInto(t, data, reflect.TypeFor[[]float64]())
	if err != nil {
		t.Fatal(err)
	}
	s := got.Interface().([]float64)
	if !math.IsNaN(s[0]) || !math.IsInf(s[1], 1) || !math.IsInf(s[2], -1) || s[3] != 1 {
		t.Fatalf("got %v", s)
	}
}

func TestStringsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "\"", "\\", "<", ">", "&", "\x00", "\x1f", "\x7f", "é", "\u2028", "\u2029", "😀", "\xff", "\xe2\x82", " ", "/"}
	for range 5000 {
		var sb strings.Builder
		for range rng.IntN(12) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := sb.String()
		data := encode(t, s)
		std, _ := json.Marshal(s)
		if !bytes.Equal(data, std) {
			t.Fatalf("string %q: got %s, encoding/json %s", s, data, std)
		}
		var want string
		json.Unmarshal(data, &want)
		if got := NewBytesReader(data).String(); got != want {
			t.Fatalf("string %s: read %q, encoding/json reads %q", data, got, want)
		}
	}
	// Escapes encoding/json does not write but accepts.
	for _, in := range []string{`"\/\b\f\n\r\t\u00e9\u00E9"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00\ud83d\u0041"`, "\"\xff\xfe\"", `"\u0000"`} {
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		r := NewBytesReader([]byte(in))
		if got := r.String(); got != want || r.End() != nil {
			t.Errorf("%s: got %q (%v), want %q", in, got, r.Err(), want)
		}
	}
}

func TestMapsDeterministic(t *testing.T) {
	m := map[string][]float64{}
	im := map[int64]int{}
	for i := range 200 {
		m[string(rune('a'+i%26))+strings.Repeat("x", i%7)] = []float64{float64(i)}
		im[int64(i*7919%1000-500)] = i
	}
	first, firstInt := encode(t, m), encode(t, im)
	for range 20 {
		if !bytes.Equal(encode(t, m), first) || !bytes.Equal(encode(t, im), firstInt) {
			t.Fatal("map encoding is not deterministic")
		}
	}
	// Keys are ascending: numerically for integers.
	r := NewBytesReader(firstInt)
	r.BeginObject()
	prev := int64(math.MinInt64)
	for r.More() {
		k := r.KeyInt(64)
		r.Skip()
		if k <= prev {
			t.Fatalf("key %d after %d", k, prev)
		}
		prev = k
	}
	r.EndObject()
	if err := r.End(); err != nil {
		t.Fatal(err)
	}
	if got, want := string(encode(t, map[int]int{10: 1, 9: 2, -1: 3})), `{"-1":3,"9":2,"10":1}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	type ints struct{ A int8 }
	cases := []struct {
		in   string
		typ  reflect.Type
		want string
	}{
		{``, reflect.TypeFor[int](), "offset 0: unexpected end of input"},
		{`[1,2`, reflect.TypeFor[[]int](), "offset 4: unexpected end of input"},
		{`[1,2,]`, reflect.TypeFor[[]int](), `offset 5: expected a value after ',', found ']'`},
		{`[1 2]`, reflect.TypeFor[[]int](), `offset 3: expected ',' or the end of the array or object, found '2'`},
		{`[[]2]`, reflect.TypeFor[[][]int](), `offset 3: expected ',' or the end`},
		{`[1}`, reflect.TypeFor[[]int](), `offset 2: expected ']', found '}'`},
		{`{"A":128}`, reflect.TypeFor[ints](), "offset 5: number 128 overflows int8"},
		{`{"A":-129}`, reflect.TypeFor[ints](), "number -129 overflows int8"},
		{`{"A":1.5}`, reflect.TypeFor[ints](), "number 1.5 is not an integer"},
		{`{"A" 1}`, reflect.TypeFor[ints](), `expected ':', found '1'`},
		{`{"A":1,}`, reflect.TypeFor[ints](), `expected a value after ','`},
		{`-1`, reflect.TypeFor[uint](), "overflows uint64"},
		{`18446744073709551616`, reflect.TypeFor[uint64](), "overflows uint64"},
		{`9223372036854775808`, reflect.TypeFor[int64](), "overflows int64"},
		{`1e400`, reflect.TypeFor[float64](), "overflows float64"},
		{`1e39`, reflect.TypeFor[float32](), "overflows float32"},
		{`"Infinity"`, reflect.TypeFor[float64](), `expected a number, found string "Infinity"`},
		{`01`, reflect.TypeFor[int](), `invalid number "01"`},
		{`1.`, reflect.TypeFor[float64](), `invalid number "1."`},
		{`+1`, reflect.TypeFor[int](), `expected a number, found '+'`},
		{`"abc`, reflect.TypeFor[string](), "unexpected end of input"},
		{"\"a\nb\"", reflect.TypeFor[string](), `invalid control character '\n' in string`},
		{`"\x"`, reflect.TypeFor[string](), `invalid escape 'x' in string`},
		{`"\u12"`, reflect.TypeFor[string](), `invalid \u escape`},
		{`tru`, reflect.TypeFor[bool](), "unexpected end of input"},
		{`trux`, reflect.TypeFor[bool](), "invalid literal, expected true"},
		{`nul`, reflect.TypeFor[*int](), "unexpected end of input"},
		{`1 2`, reflect.TypeFor[int](), "offset 2: unexpected '2' after the value"},
		{`"!!"`, reflect.TypeFor[[]byte](), "invalid base64"},
		{`{"x":[1,{"y":}]}`, reflect.TypeFor[ints](), `expected a value, found '}'`},
		{`{"1x":1}`, reflect.TypeFor[map[int]int](), `map key "1x" is not an int64`},
		{`"2026-13-01T00:00:00Z"`, reflect.TypeFor[time.Time](), "offset 0: parsing time"},
		{strings.Repeat("[", maxDepth+1), reflect.TypeFor[ints](), "expected an object"},
	}
	for _, c := range cases {
		_, err := decodeInto(t, []byte(c.in), c.typ)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("decode %q into %s: got error %v, want %q", c.in, c.typ, err, c.want)
		}
	}
	// Skip bounds nesting.
	r := NewBytesReader([]byte(strings.Repeat("[", maxDepth+1)))
	r.Skip()
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep nesting: got %v", err)
	}
}

func TestErrorsAreSticky(t *testing.T) {
	r := NewBytesReader([]byte(`[1,x,3]`))
	r.BeginArray()
	var got []int64
	for r.More() {
		got = append(got, r.Int(64))
	}
	r.EndArray()
	var e *Error
	if !errors.As(r.End(), &e) || e.Offset != 3 {
		t.Fatalf("got %v, want an *Error at offset 3", r.End())
	}
	if len(got) != 2 || got[0] != 1 {
		t.Fatalf("values read: %v", got)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

func TestWriterStickyError(t *testing.T) {
	fw := &failWriter{}
	w := NewWriter(fw)
	w.BeginArray()
	for range 10000 {
		w.String("some text that fills the buffer")
	}
	w.EndArray()
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Fatalf("got %v", err)
	}
	if fw.n != 1 {
		t.Fatalf("%d writes after the first error", fw.n-1)
	}
	w.Marshal(func() {})
	w2 := NewWriter(&bytes.Buffer{})
	w2.Marshal(func() {})
	if w2.Err() == nil {
		t.Fatal("Marshal of a func: no error")
	}
}

type recordWriter struct{ writes [][]byte }

func (r *recordWriter) Write(p []byte) (int, error) {
	r.writes = append(r.writes, p)
	return len(p), nil
}

func TestRawWritesThrough(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10)
	rw := &recordWriter{}
	w := NewWriter(rw)
	if err := w.Raw([]byte("head")); err != nil {
		t.Fatal(err)
	}
	if err := w.Raw(big); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if len(rw.writes) != 2 || string(rw.writes[0]) != "head" || &rw.writes[1][0] != &big[0] {
		t.Fatalf("big Raw was copied or split: %d writes", len(rw.writes))
	}
}

// chunkReader returns data in odd-sized chunks and then an error of its
// own at the end, like the store's verifying reader for a corrupt blob.
type chunkReader struct {
	data []byte
	end  error
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, c.end
	}
	n := copy(p[:min(len(p), 7777)], c.data)
	c.data = c.data[n:]
	return n, nil
}

func TestRaw(t *testing.T) {
	data := bytes.Repeat([]byte("flowc\x00\xff"), 100000)
	var got []byte
	if err := NewReader(&chunkReader{data: data, end: io.EOF}).ReadRawTo(&got, int64(len(data))); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadRawTo: %v, equal %v", err, bytes.Equal(got, data))
	}
	var s string
	if err := NewReader(&chunkReader{data: data, end: io.EOF}).ReadRawStringTo(&s, int64(len(data))); err != nil || s != string(data) {
		t.Fatalf("ReadRawStringTo: %v", err)
	}
	corrupt := errors.New("corrupt blob")
	err := NewReader(&chunkReader{data: data, end: corrupt}).ReadRawTo(&got, int64(len(data)))
	if !errors.Is(err, corrupt) {
		t.Fatalf("the reader's error at the end: got %v", err)
	}
	err = NewReader(&chunkReader{data: data, end: io.EOF}).ReadRawTo(&got, int64(len(data))+1)
	if err == nil || !strings.Contains(err.Error(), "raw value has 700000 bytes, want 700001") {
		t.Fatalf("short raw: got %v", err)
	}
	err = NewReader(&chunkReader{data: data, end: io.EOF}).ReadRawTo(&got, int64(len(data))-1)
	if err == nil || !strings.Contains(err.Error(), "longer than its recorded size") {
		t.Fatalf("long raw: got %v", err)
	}
	if err := NewBytesReader(nil).ReadRawStringTo(&s, 0); err != nil || s != "" {
		t.Fatalf("empty raw: %q %v", s, err)
	}
	if _, err := NewBytesReader(nil).ReadRaw(-1); err == nil {
		t.Fatal("negative size: no error")
	}
}

func TestUnmarshalAcrossRefills(t *testing.T) {
	times := make([]time.Time, 2000)
	for i := range times {
		times[i] = time.Date(2026, 1, 1, 0, 0, i, i, time.UTC)
	}
	data := encode(t, times)
	r := NewReader(&chunkReader{data: data, end: io.EOF})
	var got []time.Time
	decodeValue(r, reflect.ValueOf(&got).Elem())
	if err := r.End(); err != nil || !reflect.DeepEqual(got, times) {
		t.Fatalf("err %v, equal %v", err, reflect.DeepEqual(got, times))
	}
}
