package codec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"testing/iotest"
)

// FuzzReader checks that the Reader never panics, accepts exactly what
// encoding/json accepts as one value, and reads a []float64 or a
// map[string][]int64 whenever encoding/json can.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`null`, `[1,2.5,-3e-7]`, `{"a":[1,2],"b":null}`, `"\ud83d\ude00\n"`, `[[[]]]`,
		`{"x":{"y":[true,false,null,"s"]}}`, `["NaN","+Inf"]`, `1e400`, `[1,]`, "\"\xff\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewBytesReader(data)
		r.Skip()
		err := r.End()
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("Skip of %q: error %v, but json.Valid says %v", data, err, valid)
		}

		var fs []float64
		jsonErr := json.Unmarshal(data, &fs)
		got, err := decodeInto(t, data, reflect.TypeFor[[]float64]())
		if jsonErr == nil && (err != nil || !reflect.DeepEqual(got.Interface(), fs)) {
			t.Fatalf("[]float64 from %q: got %v (%v), encoding/json %v", data, got, err, fs)
		}

		var m map[string][]int64
		jsonErr = json.Unmarshal(data, &m)
		r = NewReader(iotest.HalfReader(bytes.NewReader(data)))
		var gm map[string][]int64
		decodeValue(r, reflect.ValueOf(&gm).Elem())
		if err := r.End(); jsonErr == nil && !bytes.Contains(data, []byte(`":null`)) && (err != nil || !reflect.DeepEqual(gm, m)) {
			t.Fatalf("map from %q: got %v (%v), encoding/json %v", data, gm, err, m)
		}
	})
}
