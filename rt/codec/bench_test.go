package codec

import (
	"bytes"
	"io"
	"os"
	"reflect"
	"strconv"
	"testing"
)

func floats(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)*1.37 + 0.001
	}
	return s
}

// The benchmarks call Writer and Reader directly, as generated code does.

func BenchmarkWriteFloat64s(b *testing.B) {
	s := floats(10000)
	w := NewWriter(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset(io.Discard)
		w.BeginArray()
		for _, f := range s {
			w.Float(f, 64)
		}
		w.EndArray()
		w.Flush()
	}
}

func BenchmarkReadFloat64s(b *testing.B) {
	data := encode(b, floats(10000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		s := make([]float64, 0)
		r.BeginArray()
		for r.More() {
			s = append(s, r.Float(64))
		}
		r.EndArray()
		if err := r.End(); err != nil || len(s) != 10000 {
			b.Fatal(err)
		}
	}
}

func genreStats() map[string][]float64 {
	m := map[string][]float64{}
	for i := range 100 {
		m["genre"+strconv.Itoa(i)] = floats(100)
	}
	return m
}

func BenchmarkWriteMapStringFloat64s(b *testing.B) {
	m := genreStats()
	w := NewWriter(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset(io.Discard)
		w.BeginObject()
		for _, k := range SortedKeys(m) {
			w.Key(k)
			w.BeginArray()
			for _, f := range m[k] {
				w.Float(f, 64)
			}
			w.EndArray()
		}
		w.EndObject()
		w.Flush()
	}
}

func BenchmarkReadMapStringFloat64s(b *testing.B) {
	data := encode(b, genreStats())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		m := map[string][]float64{}
		r.BeginObject()
		for r.More() {
			k := r.Key()
			s := make([]float64, 0)
			r.BeginArray()
			for r.More() {
				s = append(s, r.Float(64))
			}
			r.EndArray()
			m[k] = s
		}
		r.EndObject()
		if err := r.End(); err != nil || len(m) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReflectReadMovie is the test walker, for comparison with
// encoding/json on a struct-heavy value.
func BenchmarkReflectReadMovies(b *testing.B) {
	data := encode(b, []movie{sampleMovie(), sampleMovie()})
	b.ReportAllocs()
	for b.Loop() {
		var got []movie
		r := NewBytesReader(data)
		decodeValue(r, reflect.ValueOf(&got).Elem())
		if err := r.End(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawLarge writes a 64 MiB []byte artifact to a file and reads it
// back: the Writer must pass it through and the Reader allocate it once.
func BenchmarkRawLarge(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 4<<20)
	path := b.TempDir() + "/blob"
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := NewWriter(f)
		if err := w.Raw(data); err != nil || w.Flush() != nil || f.Close() != nil {
			b.Fatal(err)
		}
		f, err = os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var got []byte
		if err := NewReader(f).ReadRawTo(&got, int64(len(data))); err != nil || len(got) != len(data) {
			b.Fatal(err)
		}
		f.Close()
	}
}
