// Package flowtest builds the FieldDefs of the hand-written test flows.
// The generator emits the same shapes field by field, without generics;
// the runtime sees no difference.
package flowtest

import (
	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
)

// JSON is a json-encoded artifact.
func JSON[F, T any](name, typ string, get func(*F) *T) rt.FieldDef {
	return rt.FieldDef{
		Name: name, Type: typ, Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
		Encode: func(f any, w *codec.Writer) error { w.Marshal(*get(f.(*F))); return w.Err() },
		Decode: func(f any, r *codec.Reader, size int64) error { r.Unmarshal(get(f.(*F))); return r.Err() },
		Reset:  func(f any) { var z T; *get(f.(*F)) = z },
	}
}

// String is a raw string artifact.
func String[F any](name string, get func(*F) *string) rt.FieldDef {
	return rt.FieldDef{
		Name: name, Type: "string", Kind: rt.FieldArtifact, Encoding: rt.EncodingRaw,
		Encode: func(f any, w *codec.Writer) error { return w.RawString(*get(f.(*F))) },
		Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawStringTo(get(f.(*F)), size) },
		Reset:  func(f any) { *get(f.(*F)) = "" },
	}
}

// Bytes is a raw []byte artifact.
func Bytes[F any](name string, get func(*F) *[]byte) rt.FieldDef {
	return rt.FieldDef{
		Name: name, Type: "[]byte", Kind: rt.FieldArtifact, Encoding: rt.EncodingRaw,
		Encode: func(f any, w *codec.Writer) error { return w.Raw(*get(f.(*F))) },
		Decode: func(f any, r *codec.Reader, size int64) error { return r.ReadRawTo(get(f.(*F)), size) },
		Reset:  func(f any) { *get(f.(*F)) = nil },
	}
}

// Param marks fd as the parameter --name.
func Param(fd rt.FieldDef, name, def string, hasDefault, required bool) rt.FieldDef {
	fd.Kind, fd.ParamName, fd.Default, fd.HasDefault, fd.Required = rt.FieldParam, name, def, hasDefault, required
	return fd
}

// Include marks fd as the includefile --name.
func Include(fd rt.FieldDef, name, def string) rt.FieldDef {
	fd.Kind, fd.ParamName, fd.Default, fd.HasDefault = rt.FieldIncludeFile, name, def, def != ""
	return fd
}
