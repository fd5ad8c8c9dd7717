package gen

// This file generates the typed code that serializes artifact fields in
// the format of rt/codec (see its package doc), so the runtime never
// reflects over artifacts.
//
// Use one codecs per generated file:
//
//	c := newCodecs(pkg, codecPath)
//	c.prefix = "flowc" + flowName // only needed when a package holds several flows
//	if why := c.check(t); why != "" { ...report the field... }
//	enc := c.encoding(t) // rt.EncodingRaw or rt.EncodingJSON
//	Encode: func(f any, w *codec.Writer) error { c.encodeStmt(t, f.(*F).X, w) }
//	Decode: func(f any, r *codec.Reader, size int64) error { c.decodeStmt(t, f.(*F).X, r, size) }
//	after all fields: file.Add(d) for each d in c.decls()
//
// encodeStmt and decodeStmt give whole function bodies (they end with a
// return). Composite types get one pair of helper functions each,
// <prefix>Enc<Name>(w *codec.Writer, v T) and <prefix>Dec<Name>(r
// *codec.Reader, v *T), named after the type's structure (Movie,
// SliceFloat64, MapStringSliceFloat64, PtrTree, TimeTime), which makes
// recursive types work and keeps the output deterministic. Writer and
// Reader errors are sticky, so helpers return nothing and the body checks
// once at the end. Encode does not flush the Writer: the caller does.

import (
	"fmt"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/flowc-dev/flowc/rt"
)

// codecs emits typed encode/decode code for artifact fields. One per
// generated file.
type codecs struct {
	pkg   *types.Package
	codec string // import path of rt/codec
	// prefix starts every helper name. Helpers of two generated files of
	// one package must not collide, so set it per flow when a package has
	// several.
	prefix string

	names   typeutil.Map // types.Type -> helper base name
	taken   map[string]bool
	helpers map[string][2]jen.Code // base name -> enc, dec funcs
}

func newCodecs(pkg *types.Package, codecPath string) *codecs {
	return &codecs{pkg: pkg, codec: codecPath, prefix: "flowc", taken: map[string]bool{}, helpers: map[string][2]jen.Code{}}
}

var (
	byteSliceType = types.NewSlice(types.Typ[types.Byte])
	marshalers    = []*types.Interface{
		iface("MarshalJSON", nil, byteSliceType),
		iface("MarshalText", nil, byteSliceType),
	}
	unmarshalers = []*types.Interface{
		iface("UnmarshalJSON", byteSliceType, nil),
		iface("UnmarshalText", byteSliceType, nil),
	}
)

// iface builds interface{ name(param) (result, error) } with an optional
// param and result.
func iface(name string, param, result types.Type) *types.Interface {
	var params, results []*types.Var
	if param != nil {
		params = append(params, types.NewParam(token.NoPos, nil, "", param))
	}
	if result != nil {
		results = append(results, types.NewParam(token.NoPos, nil, "", result))
	}
	results = append(results, types.NewParam(token.NoPos, nil, "", types.Universe.Lookup("error").Type()))
	sig := types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), types.NewTuple(results...), false)
	return types.NewInterfaceType([]*types.Func{types.NewFunc(token.NoPos, nil, name, sig)}, nil).Complete()
}

func implementsAny(t types.Type, ifaces []*types.Interface) bool {
	for _, i := range ifaces {
		if types.Implements(t, i) || types.Implements(types.NewPointer(t), i) {
			return true
		}
	}
	return false
}

// kinds of types, by how their code is generated.
type kind int

const (
	kBad       kind = iota
	kBasic          // inline token
	kBytes          // []byte-like: inline base64 token
	kBytesElem      // slice of a named byte type: base64 through a copy
	kMarshal        // json.Marshaler / encoding.TextMarshaler: encoding/json fallback
	kPointer
	kSlice
	kArray
	kMap
	kStruct
)

func kindOf(t types.Type) kind {
	t = types.Unalias(t)
	u := t.Underlying()
	if _, ok := u.(*types.Pointer); !ok {
		if _, ok := u.(*types.Interface); !ok && implementsAny(t, marshalers) {
			return kMarshal
		}
	}
	switch u := u.(type) {
	case *types.Basic:
		if u.Info()&(types.IsBoolean|types.IsInteger|types.IsFloat|types.IsString) != 0 && u.Info()&types.IsUntyped == 0 {
			return kBasic
		}
	case *types.Pointer:
		return kPointer
	case *types.Slice:
		if b, ok := types.Unalias(u.Elem()).Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 && !implementsAny(u.Elem(), marshalers) {
			if types.Identical(u.Elem(), types.Typ[types.Uint8]) {
				return kBytes
			}
			return kBytesElem
		}
		return kSlice
	case *types.Array:
		return kArray
	case *types.Map:
		return kMap
	case *types.Struct:
		return kStruct
	}
	return kBad
}

// encoding returns rt.EncodingRaw for fields of type exactly string or
// []byte (named types use JSON, so that their own methods cannot make raw
// ambiguous), else rt.EncodingJSON.
func (c *codecs) encoding(t types.Type) string {
	t = types.Unalias(t)
	if types.Identical(t, types.Typ[types.String]) || types.Identical(t, byteSliceType) {
		return rt.EncodingRaw
	}
	return rt.EncodingJSON
}

// check reports why values of t cannot be persisted, or "" if they can.
// Unexported struct fields are skipped, not an error.
func (c *codecs) check(t types.Type) string {
	return c.checkType(t, "", &typeutil.Map{})
}

func (c *codecs) checkType(t types.Type, at string, seen *typeutil.Map) string {
	t = types.Unalias(t)
	if seen.At(t) != nil {
		return ""
	}
	seen.Set(t, true)
	where := func(format string, args ...any) string {
		msg := fmt.Sprintf(format, args...)
		if at != "" {
			msg += " (at " + at + ")"
		}
		return msg
	}
	if n, ok := t.(*types.Named); ok {
		obj := n.Obj()
		if obj.Pkg() != nil && obj.Pkg().Path() != c.pkg.Path() && !obj.Exported() {
			return where("type %s is not exported by its package", c.typeString(t))
		}
		if obj.Pkg() != nil && obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope() {
			return where("type %s is declared inside a function", obj.Name())
		}
	}
	k := kindOf(t)
	if k == kMarshal {
		if !implementsAny(t, unmarshalers) {
			return where("type %s has MarshalJSON or MarshalText but no UnmarshalJSON or UnmarshalText to read it back", c.typeString(t))
		}
		return ""
	}
	sub := func(elem types.Type, path string) string {
		return c.checkType(elem, path, seen)
	}
	switch u := t.Underlying().(type) {
	case *types.Chan:
		return where("channels cannot be serialized")
	case *types.Signature:
		return where("funcs cannot be serialized")
	case *types.Interface:
		return where("interface types cannot be serialized")
	case *types.TypeParam:
		return where("type parameters cannot be serialized")
	case *types.Basic:
		if k == kBad {
			return where("%s values cannot be serialized", c.typeString(t))
		}
	case *types.Pointer:
		return sub(u.Elem(), at)
	case *types.Slice:
		return sub(u.Elem(), at+"[i]")
	case *types.Array:
		return sub(u.Elem(), at+"[i]")
	case *types.Map:
		kb, ok := types.Unalias(u.Key()).Underlying().(*types.Basic)
		if !ok || kb.Info()&(types.IsInteger|types.IsString) == 0 || kb.Kind() == types.Uintptr ||
			kb.Info()&types.IsString == 0 && implementsAny(u.Key(), marshalers) {
			return where("map keys must be strings or integers, not %s", c.typeString(u.Key()))
		}
		return sub(u.Elem(), at+"[k]")
	case *types.Struct:
		names := map[string]string{}
		for i := range u.NumFields() {
			f := u.Field(i)
			if f.Embedded() && f.Exported() {
				return where("embedded field %s of %s is not supported; give it a field name", f.Name(), c.typeString(t))
			}
			name, ok := jsonName(u, i)
			if !ok {
				continue
			}
			if prev, dup := names[name]; dup {
				return where("fields %s and %s of %s are both named %q in JSON; rename one with a json tag", prev, f.Name(), c.typeString(t), name)
			}
			names[name] = f.Name()
			if why := sub(f.Type(), join(at, f.Name())); why != "" {
				return why
			}
		}
	}
	return ""
}

func join(at, field string) string {
	if at == "" {
		return field
	}
	return at + "." + field
}

// jsonName is the member name of field i of s, as encoding/json names it;
// ok is false for fields that are not written (unexported, embedded, or
// tagged "-").
func jsonName(s *types.Struct, i int) (name string, ok bool) {
	f := s.Field(i)
	if !f.Exported() || f.Embedded() {
		return "", false
	}
	tag := reflect.StructTag(s.Tag(i)).Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ = strings.Cut(tag, ",")
	if !validTag(name) {
		name = f.Name()
	}
	return name, true
}

// validTag is encoding/json's rule for a usable tag name.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

func (c *codecs) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p.Path() == c.pkg.Path() {
			return ""
		}
		return p.Name()
	})
}

// typ renders t, qualifying types of other packages.
func (c *codecs) typ(t types.Type) *jen.Statement {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		obj := t.Obj()
		var s *jen.Statement
		if obj.Pkg() == nil || obj.Pkg().Path() == c.pkg.Path() {
			s = jen.Id(obj.Name())
		} else {
			s = jen.Qual(obj.Pkg().Path(), obj.Name())
		}
		if args := t.TypeArgs(); args.Len() > 0 {
			list := make([]jen.Code, args.Len())
			for i := range list {
				list[i] = c.typ(args.At(i))
			}
			s = s.Types(list...)
		}
		return s
	case *types.Basic:
		return jen.Id(t.Name())
	case *types.Pointer:
		return jen.Op("*").Add(c.typ(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(c.typ(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(c.typ(t.Elem()))
	case *types.Map:
		return jen.Map(c.typ(t.Key())).Add(c.typ(t.Elem()))
	case *types.Struct:
		fs := make([]jen.Code, t.NumFields())
		for i := range fs {
			f := t.Field(i)
			s := jen.Id(f.Name()).Add(c.typ(f.Type()))
			if f.Embedded() {
				s = c.typ(f.Type())
			}
			if tag := t.Tag(i); tag != "" {
				s = s.Op(strconv.Quote(tag))
			}
			fs[i] = s
		}
		return jen.Struct(fs...)
	}
	panic(fmt.Sprintf("codecgen: no code for type %s; check() should have refused it", t))
}

// baseName names t's helpers after its structure.
func (c *codecs) baseName(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		n := upperFirst(t.Obj().Name())
		if p := t.Obj().Pkg(); p != nil && p.Path() != c.pkg.Path() {
			n = upperFirst(p.Name()) + n
		}
		for i := range t.TypeArgs().Len() {
			n += c.baseName(t.TypeArgs().At(i))
		}
		return n
	case *types.Basic:
		return upperFirst(t.Name())
	case *types.Pointer:
		return "Ptr" + c.baseName(t.Elem())
	case *types.Slice:
		return "Slice" + c.baseName(t.Elem())
	case *types.Array:
		return fmt.Sprintf("Array%d%s", t.Len(), c.baseName(t.Elem()))
	case *types.Map:
		return "Map" + c.baseName(t.Key()) + c.baseName(t.Elem())
	}
	return "Struct"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (c *codecs) codecType(name string) *jen.Statement { return jen.Op("*").Qual(c.codec, name) }

// helper returns the base name of t's helper pair, generating it on first
// use. The name is registered before the bodies are built, so a recursive
// type refers to its own helpers.
func (c *codecs) helper(t types.Type) string {
	t = types.Unalias(t)
	if n := c.names.At(t); n != nil {
		return n.(string)
	}
	base := c.baseName(t)
	name := base
	for i := 2; c.taken[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	c.taken[name] = true
	c.names.Set(t, name)

	w, r, v := jen.Id("w"), jen.Id("r"), jen.Id("v")
	encBody, decBody := c.helperBodies(t, w, r, v)
	enc := jen.Func().Id(c.prefix+"Enc"+name).Params(jen.Id("w").Add(c.codecType("Writer")), jen.Id("v").Add(c.typ(t))).Block(encBody...)
	dec := jen.Func().Id(c.prefix+"Dec"+name).Params(jen.Id("r").Add(c.codecType("Reader")), jen.Id("v").Op("*").Add(c.typ(t))).Block(decBody...)
	c.helpers[name] = [2]jen.Code{enc, dec}
	return name
}

// place is an addressable destination: val to assign, addr to pass.
type place struct{ val, addr jen.Code }

func (c *codecs) helperBodies(t types.Type, w, r, v jen.Code) (enc, dec []jen.Code) {
	ifNil := jen.If(jen.Add(v).Op("==").Nil()).Block(jen.Add(w).Dot("Null").Call(), jen.Return())
	ifNull := func(set bool) jen.Code {
		body := []jen.Code{jen.Return()}
		if set {
			body = []jen.Code{jen.Op("*").Add(v).Op("=").Nil(), jen.Return()}
		}
		return jen.If(jen.Add(r).Dot("Null").Call()).Block(body...)
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		if kindOf(t) != kMarshal {
			enc = []jen.Code{ifNil, c.enc(u.Elem(), jen.Op("*").Add(v), w)}
			dec = []jen.Code{
				ifNull(true),
				jen.If(jen.Op("*").Add(v).Op("==").Nil()).Block(jen.Op("*").Add(v).Op("=").New(c.typ(u.Elem()))),
				c.dec(u.Elem(), place{val: jen.Op("*").Parens(jen.Op("*").Add(v)), addr: jen.Op("*").Add(v)}, r),
			}
			return enc, dec
		}
	case *types.Slice:
		switch kindOf(t) {
		case kBytesElem:
			b := jen.Id("b")
			enc = []jen.Code{
				ifNil,
				jen.Add(b).Op(":=").Make(jen.Index().Byte(), jen.Len(v)),
				jen.For(jen.List(jen.Id("i"), jen.Id("e")).Op(":=").Range().Add(v)).Block(jen.Add(b).Index(jen.Id("i")).Op("=").Byte().Call(jen.Id("e"))),
				jen.Add(w).Dot("Bytes").Call(b),
			}
			dec = []jen.Code{
				ifNull(true),
				jen.Add(b).Op(":=").Add(r).Dot("Bytes").Call(),
				jen.Id("s").Op(":=").Make(c.typ(t), jen.Len(b)),
				jen.For(jen.List(jen.Id("i"), jen.Id("e")).Op(":=").Range().Add(b)).Block(jen.Id("s").Index(jen.Id("i")).Op("=").Add(c.typ(u.Elem())).Call(jen.Id("e"))),
				jen.Op("*").Add(v).Op("=").Id("s"),
			}
			return enc, dec
		case kSlice:
			i, s := jen.Id("i"), jen.Id("s")
			enc = []jen.Code{
				ifNil,
				jen.Add(w).Dot("BeginArray").Call(),
				jen.For(jen.Add(i).Op(":=").Range().Add(v)).Block(c.enc(u.Elem(), jen.Add(v).Index(i), w)),
				jen.Add(w).Dot("EndArray").Call(),
			}
			var elem jen.Code
			if kindOf(u.Elem()) == kBasic {
				elem = jen.Add(s).Op("=").Append(s, c.readBasic(u.Elem(), r))
			} else {
				last := jen.Add(s).Index(jen.Len(s).Op("-").Lit(1))
				elem = jen.Add(s).Op("=").Append(s, jen.Op("*").New(c.typ(u.Elem()))).Line().
					Add(c.dec(u.Elem(), place{val: last, addr: jen.Op("&").Add(last)}, r))
			}
			dec = []jen.Code{
				ifNull(true),
				jen.Add(s).Op(":=").Make(c.typ(t), jen.Lit(0)),
				jen.Add(r).Dot("BeginArray").Call(),
				jen.For(jen.Add(r).Dot("More").Call()).Block(elem),
				jen.Add(r).Dot("EndArray").Call(),
				jen.Op("*").Add(v).Op("=").Add(s),
			}
			return enc, dec
		}
	case *types.Array:
		if kindOf(t) != kMarshal {
			i := jen.Id("i")
			enc = []jen.Code{
				jen.Add(w).Dot("BeginArray").Call(),
				jen.For(jen.Add(i).Op(":=").Range().Add(v)).Block(c.enc(u.Elem(), jen.Add(v).Index(i), w)),
				jen.Add(w).Dot("EndArray").Call(),
			}
			elem := jen.Add(v).Index(i)
			dec = []jen.Code{
				ifNull(false),
				jen.Clear(jen.Add(v).Index(jen.Op(":"))),
				jen.Add(r).Dot("BeginArray").Call(),
				jen.For(jen.Add(i).Op(":=").Lit(0), jen.Add(r).Dot("More").Call(), jen.Add(i).Op("++")).Block(
					jen.If(jen.Add(i).Op("<").Len(v)).Block(
						c.dec(u.Elem(), place{val: elem, addr: jen.Op("&").Add(elem)}, r),
					).Else().Block(jen.Add(r).Dot("Skip").Call()),
				),
				jen.Add(r).Dot("EndArray").Call(),
			}
			return enc, dec
		}
	case *types.Map:
		if kindOf(t) != kMarshal {
			k, m, e := jen.Id("k"), jen.Id("m"), jen.Id("e")
			kb := types.Unalias(u.Key()).Underlying().(*types.Basic)
			var writeKey, readKey jen.Code
			switch {
			case kb.Info()&types.IsString != 0:
				writeKey = jen.Add(w).Dot("Key").Call(convert(u.Key(), types.Typ[types.String], k))
				readKey = c.convertFrom(u.Key(), types.Typ[types.String], jen.Add(r).Dot("Key").Call())
			case kb.Info()&types.IsUnsigned != 0:
				writeKey = jen.Add(w).Dot("KeyUint").Call(convert(u.Key(), types.Typ[types.Uint64], k))
				readKey = c.convertFrom(u.Key(), types.Typ[types.Uint64], jen.Add(r).Dot("KeyUint").Call(jen.Lit(bits(kb))))
			default:
				writeKey = jen.Add(w).Dot("KeyInt").Call(convert(u.Key(), types.Typ[types.Int64], k))
				readKey = c.convertFrom(u.Key(), types.Typ[types.Int64], jen.Add(r).Dot("KeyInt").Call(jen.Lit(bits(kb))))
			}
			enc = []jen.Code{
				ifNil,
				jen.Add(w).Dot("BeginObject").Call(),
				jen.For(jen.List(jen.Id("_"), k).Op(":=").Range().Qual(c.codec, "SortedKeys").Call(v)).Block(
					writeKey,
					c.enc(u.Elem(), jen.Add(v).Index(k), w),
				),
				jen.Add(w).Dot("EndObject").Call(),
			}
			var elem []jen.Code
			if kindOf(u.Elem()) == kBasic {
				elem = []jen.Code{jen.Add(m).Index(k).Op("=").Add(c.readBasic(u.Elem(), r))}
			} else {
				elem = []jen.Code{
					jen.Var().Add(e).Add(c.typ(u.Elem())),
					c.dec(u.Elem(), place{val: e, addr: jen.Op("&").Add(e)}, r),
					jen.Add(m).Index(k).Op("=").Add(e),
				}
			}
			dec = []jen.Code{
				ifNull(true),
				jen.Add(m).Op(":=").Make(c.typ(t)),
				jen.Add(r).Dot("BeginObject").Call(),
				jen.For(jen.Add(r).Dot("More").Call()).Block(append([]jen.Code{jen.Add(k).Op(":=").Add(readKey)}, elem...)...),
				jen.Add(r).Dot("EndObject").Call(),
				jen.Op("*").Add(v).Op("=").Add(m),
			}
			return enc, dec
		}
	case *types.Struct:
		if kindOf(t) != kMarshal {
			enc = []jen.Code{jen.Add(w).Dot("BeginObject").Call()}
			var cases []jen.Code
			for i := range u.NumFields() {
				name, ok := jsonName(u, i)
				if !ok {
					continue
				}
				f := u.Field(i)
				enc = append(enc,
					jen.Add(w).Dot("Key").Call(jen.Lit(name)),
					c.enc(f.Type(), jen.Add(v).Dot(f.Name()), w),
				)
				val := jen.Add(v).Dot(f.Name())
				cases = append(cases, jen.Case(jen.Lit(name)).Block(c.dec(f.Type(), place{val: val, addr: jen.Op("&").Add(val)}, r)))
			}
			enc = append(enc, jen.Add(w).Dot("EndObject").Call())
			cases = append(cases, jen.Default().Block(jen.Add(r).Dot("Skip").Call()))
			dec = []jen.Code{
				ifNull(false),
				jen.Add(r).Dot("BeginObject").Call(),
				jen.For(jen.Add(r).Dot("More").Call()).Block(jen.Switch(jen.Add(r).Dot("Key").Call()).Block(cases...)),
				jen.Add(r).Dot("EndObject").Call(),
			}
			return enc, dec
		}
	}
	// kMarshal: encoding/json. A pointer lets methods with pointer
	// receivers be found, as they are for addressable values.
	return []jen.Code{jen.Add(w).Dot("Marshal").Call(jen.Op("&").Add(v))},
		[]jen.Code{jen.Add(r).Dot("Unmarshal").Call(v)}
}

// bits is the size argument of Reader.Int/Uint/Float for b (0: int size).
func bits(b *types.Basic) int {
	switch b.Kind() {
	case types.Int8, types.Uint8:
		return 8
	case types.Int16, types.Uint16:
		return 16
	case types.Int32, types.Uint32, types.Float32:
		return 32
	case types.Int64, types.Uint64, types.Float64:
		return 64
	}
	return 0
}

// convert renders v (of type from) as a value of to, converting only when
// the types differ.
func convert(from, to types.Type, v jen.Code) jen.Code {
	if types.Identical(from, to) {
		return v
	}
	return jen.Id(to.(*types.Basic).Name()).Call(v)
}

// convertFrom renders v (of basic type from) as a value of t.
func (c *codecs) convertFrom(t, from types.Type, v jen.Code) jen.Code {
	if types.Identical(t, from) {
		return v
	}
	return c.typ(t).Call(v)
}

// readBasic is the expression reading a value of basic-kind t.
func (c *codecs) readBasic(t types.Type, r jen.Code) jen.Code {
	b := types.Unalias(t).Underlying().(*types.Basic)
	switch {
	case b.Info()&types.IsBoolean != 0:
		return c.convertFrom(t, types.Typ[types.Bool], jen.Add(r).Dot("Bool").Call())
	case b.Info()&types.IsString != 0:
		return c.convertFrom(t, types.Typ[types.String], jen.Add(r).Dot("String").Call())
	case b.Info()&types.IsFloat != 0:
		return c.convertFrom(t, types.Typ[types.Float64], jen.Add(r).Dot("Float").Call(jen.Lit(bits(b))))
	case b.Info()&types.IsUnsigned != 0:
		return c.convertFrom(t, types.Typ[types.Uint64], jen.Add(r).Dot("Uint").Call(jen.Lit(bits(b))))
	}
	return c.convertFrom(t, types.Typ[types.Int64], jen.Add(r).Dot("Int").Call(jen.Lit(bits(b))))
}

// enc is one statement writing v of type t to w.
func (c *codecs) enc(t types.Type, v, w jen.Code) jen.Code {
	switch kindOf(t) {
	case kBasic:
		b := types.Unalias(t).Underlying().(*types.Basic)
		switch {
		case b.Info()&types.IsBoolean != 0:
			return jen.Add(w).Dot("Bool").Call(convert(t, types.Typ[types.Bool], v))
		case b.Info()&types.IsString != 0:
			return jen.Add(w).Dot("String").Call(convert(t, types.Typ[types.String], v))
		case b.Info()&types.IsFloat != 0:
			return jen.Add(w).Dot("Float").Call(convert(t, types.Typ[types.Float64], v), jen.Lit(bits(b)))
		case b.Info()&types.IsUnsigned != 0:
			return jen.Add(w).Dot("Uint").Call(convert(t, types.Typ[types.Uint64], v))
		}
		return jen.Add(w).Dot("Int").Call(convert(t, types.Typ[types.Int64], v))
	case kBytes:
		if types.Identical(t, byteSliceType) {
			return jen.Add(w).Dot("Bytes").Call(v)
		}
		return jen.Add(w).Dot("Bytes").Call(jen.Index().Byte().Call(v))
	case kBad:
		panic(fmt.Sprintf("codecgen: cannot encode %s; check() should have refused it", t))
	}
	return jen.Id(c.prefix+"Enc"+c.helper(t)).Call(w, v)
}

// dec is one statement reading a value of type t into p.
func (c *codecs) dec(t types.Type, p place, r jen.Code) jen.Code {
	switch kindOf(t) {
	case kBasic:
		return jen.Add(p.val).Op("=").Add(c.readBasic(t, r))
	case kBytes:
		return jen.Add(p.val).Op("=").Add(c.convertFrom(t, byteSliceType, jen.Add(r).Dot("Bytes").Call()))
	case kBad:
		panic(fmt.Sprintf("codecgen: cannot decode %s; check() should have refused it", t))
	}
	return jen.Id(c.prefix+"Dec"+c.helper(t)).Call(r, p.addr)
}

// encodeStmt returns the body of a FieldDef.Encode func writing v (of type
// t, in c.encoding(t)) to w; it ends with a return.
func (c *codecs) encodeStmt(t types.Type, v, w jen.Code) *jen.Statement {
	if c.encoding(t) == rt.EncodingRaw {
		if types.Identical(types.Unalias(t), types.Typ[types.String]) {
			return jen.Return(jen.Add(w).Dot("RawString").Call(v))
		}
		return jen.Return(jen.Add(w).Dot("Raw").Call(v))
	}
	return jen.Add(c.enc(t, v, w)).Line().Return(jen.Add(w).Dot("Err").Call())
}

// decodeStmt returns the body of a FieldDef.Decode func reading into the
// addressable dst (of type t) from r, size being the serialized size; it
// ends with a return.
func (c *codecs) decodeStmt(t types.Type, dst, r, size jen.Code) *jen.Statement {
	addr := jen.Op("&").Add(dst)
	if c.encoding(t) == rt.EncodingRaw {
		if types.Identical(types.Unalias(t), types.Typ[types.String]) {
			return jen.Return(jen.Add(r).Dot("ReadRawStringTo").Call(addr, size))
		}
		return jen.Return(jen.Add(r).Dot("ReadRawTo").Call(addr, size))
	}
	return jen.Add(c.dec(t, place{val: dst, addr: addr}, r)).Line().Return(jen.Add(r).Dot("End").Call())
}

// decls returns the helper functions generated so far, sorted by name.
func (c *codecs) decls() []jen.Code {
	names := make([]string, 0, len(c.helpers))
	for n := range c.helpers {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []jen.Code
	for _, n := range names {
		h := c.helpers[n]
		out = append(out, jen.Add(h[0]).Line(), jen.Add(h[1]).Line())
	}
	return out
}
