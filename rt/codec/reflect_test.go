package codec

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// The tests drive Writer and Reader through these reflection-based walkers,
// which follow the same rules as the code gen/codecgen.go generates, so that
// many Go types can be checked against encoding/json.

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func usesMarshal(t reflect.Type) bool {
	return t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)
}

func fieldName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}

func encodeValue(w *Writer, v reflect.Value) {
	t := v.Type()
	if t.Kind() != reflect.Pointer && usesMarshal(t) {
		p := reflect.New(t)
		p.Elem().Set(v)
		w.Marshal(p.Interface())
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		w.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.Int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.Uint(v.Uint())
	case reflect.Float32:
		w.Float(v.Float(), 32)
	case reflect.Float64:
		w.Float(v.Float(), 64)
	case reflect.String:
		w.String(v.String())
	case reflect.Pointer:
		if v.IsNil() {
			w.Null()
			return
		}
		encodeValue(w, v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			w.Null()
			return
		}
		if t.Elem().Kind() == reflect.Uint8 {
			w.Bytes(v.Bytes())
			return
		}
		fallthrough
	case reflect.Array:
		w.BeginArray()
		for i := range v.Len() {
			encodeValue(w, v.Index(i))
		}
		w.EndArray()
	case reflect.Map:
		if v.IsNil() {
			w.Null()
			return
		}
		keys := v.MapKeys()
		switch t.Key().Kind() {
		case reflect.String:
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			slices.SortFunc(keys, func(a, b reflect.Value) int { return compare(a.Int(), b.Int()) })
		default:
			slices.SortFunc(keys, func(a, b reflect.Value) int { return compare(a.Uint(), b.Uint()) })
		}
		w.BeginObject()
		for _, k := range keys {
			switch t.Key().Kind() {
			case reflect.String:
				w.Key(k.String())
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				w.KeyInt(k.Int())
			default:
				w.KeyUint(k.Uint())
			}
			encodeValue(w, v.MapIndex(k))
		}
		w.EndObject()
	case reflect.Struct:
		w.BeginObject()
		for i := range t.NumField() {
			if name, ok := fieldName(t.Field(i)); ok {
				w.Key(name)
				encodeValue(w, v.Field(i))
			}
		}
		w.EndObject()
	default:
		panic(fmt.Sprintf("test encoder: unsupported %s", t))
	}
}

func compare[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// decodeValue decodes into the settable v.
func decodeValue(r *Reader, v reflect.Value) {
	t := v.Type()
	if t.Kind() != reflect.Pointer && usesMarshal(t) {
		r.Unmarshal(v.Addr().Interface())
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(r.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(r.Int(t.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint(t.Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(r.Float(t.Bits()))
	case reflect.String:
		v.SetString(r.String())
	case reflect.Pointer:
		if r.Null() {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		decodeValue(r, v.Elem())
	case reflect.Slice:
		if r.Null() {
			v.SetZero()
			return
		}
		if t.Elem().Kind() == reflect.Uint8 {
			v.SetBytes(r.Bytes())
			return
		}
		s := reflect.MakeSlice(t, 0, 0)
		r.BeginArray()
		for r.More() {
			s = reflect.Append(s, reflect.Zero(t.Elem()))
			decodeValue(r, s.Index(s.Len()-1))
		}
		r.EndArray()
		v.Set(s)
	case reflect.Array:
		v.SetZero()
		r.BeginArray()
		for i := 0; r.More(); i++ {
			if i < v.Len() {
				decodeValue(r, v.Index(i))
			} else {
				r.Skip()
			}
		}
		r.EndArray()
	case reflect.Map:
		if r.Null() {
			v.SetZero()
			return
		}
		m := reflect.MakeMap(t)
		r.BeginObject()
		for r.More() {
			k := reflect.New(t.Key()).Elem()
			switch t.Key().Kind() {
			case reflect.String:
				k.SetString(r.Key())
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				k.SetInt(r.KeyInt(t.Key().Bits()))
			default:
				k.SetUint(r.KeyUint(t.Key().Bits()))
			}
			e := reflect.New(t.Elem()).Elem()
			decodeValue(r, e)
			m.SetMapIndex(k, e)
		}
		r.EndObject()
		v.Set(m)
	case reflect.Struct:
		if r.Null() {
			return
		}
		r.BeginObject()
		for r.More() {
			key := r.Key()
			found := false
			for i := range t.NumField() {
				if name, ok := fieldName(t.Field(i)); ok && name == key {
					decodeValue(r, v.Field(i))
					found = true
					break
				}
			}
			if !found {
				r.Skip()
			}
		}
		r.EndObject()
	default:
		panic(fmt.Sprintf("test decoder: unsupported %s", t))
	}
}
