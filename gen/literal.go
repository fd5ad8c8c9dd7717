package gen

import (
	"reflect"

	"github.com/dave/jennifer/jen"
)

// fields renders key: value pairs one per line, in the order given, as the
// inside of a composite literal (jen.Dict would sort them by key).
func fields(kvs ...jen.Code) []jen.Code {
	out := make([]jen.Code, 0, len(kvs)+1)
	for _, kv := range kvs {
		if kv != nil {
			out = append(out, jen.Line().Add(kv))
		}
	}
	if len(out) > 0 {
		out = append(out, jen.Line())
	}
	return out
}

// kv is one "Key: value" pair for fields.
func kv(key string, value jen.Code) jen.Code { return jen.Id(key).Op(":").Add(value) }

// rtLiteral renders v, a value of an rt type (Graph, Step, ...), as a Go
// composite literal. Zero fields are left out, so the literal holds exactly
// what the generator computed. elide drops the type name where Go allows it
// (elements of a slice literal).
func rtLiteral(v reflect.Value, elide bool) jen.Code {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return jen.Nil()
		}
		if elide {
			return rtLiteral(v.Elem(), true)
		}
		return jen.Op("&").Add(rtLiteral(v.Elem(), false))
	case reflect.Struct:
		var kvs []jen.Code
		for i := 0; i < v.NumField(); i++ {
			fv := v.Field(i)
			if fv.IsZero() || !v.Type().Field(i).IsExported() {
				continue
			}
			kvs = append(kvs, kv(v.Type().Field(i).Name, rtLiteral(fv, false)))
		}
		head := jen.Qual(rtPath, v.Type().Name())
		if elide {
			head = jen.Null()
		}
		if len(kvs) <= 2 && simpleFields(v) {
			return head.Values(kvs...)
		}
		return head.Values(fields(kvs...)...)
	case reflect.Slice:
		elem := v.Type().Elem()
		var items []jen.Code
		for i := 0; i < v.Len(); i++ {
			items = append(items, rtLiteral(v.Index(i), true))
		}
		head := jen.Index().Add(typeOfElem(elem))
		if elem.Kind() == reflect.String || elem.Kind() == reflect.Int {
			return head.Values(items...)
		}
		return head.Values(fields(items...)...)
	case reflect.String:
		return jen.Lit(v.String())
	case reflect.Int:
		return jen.Lit(int(v.Int()))
	case reflect.Bool:
		return jen.Lit(v.Bool())
	}
	panic("rtLiteral: unsupported kind " + v.Kind().String())
}

// simpleFields reports whether a struct holds only scalars, so a short
// literal of it reads best on one line.
func simpleFields(v reflect.Value) bool {
	for i := 0; i < v.NumField(); i++ {
		switch v.Field(i).Kind() {
		case reflect.String, reflect.Int, reflect.Bool:
		default:
			return false
		}
	}
	return true
}

func typeOfElem(t reflect.Type) jen.Code {
	switch t.Kind() {
	case reflect.Pointer:
		return jen.Op("*").Add(typeOfElem(t.Elem()))
	case reflect.String:
		return jen.String()
	case reflect.Int:
		return jen.Int()
	}
	return jen.Qual(rtPath, t.Name())
}
