package gen

import (
	"go/types"
	"strconv"

	"github.com/dave/jennifer/jen"
)

// typeCode renders a go/types type as jennifer code, qualifying named
// types with their import path so jennifer writes the imports.
func typeCode(t types.Type) jen.Code {
	switch t := t.(type) {
	case *types.Alias:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return jen.Id(obj.Name())
		}
		return jen.Qual(obj.Pkg().Path(), obj.Name())
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return jen.Qual("unsafe", "Pointer")
		}
		return jen.Id(t.Name())
	case *types.Named:
		obj := t.Obj()
		var c *jen.Statement
		if obj.Pkg() == nil {
			c = jen.Id(obj.Name()) // error, comparable
		} else {
			c = jen.Qual(obj.Pkg().Path(), obj.Name())
		}
		if args := t.TypeArgs(); args.Len() > 0 {
			list := make([]jen.Code, args.Len())
			for i := range list {
				list[i] = typeCode(args.At(i))
			}
			c = c.Types(list...)
		}
		return c
	case *types.Pointer:
		return jen.Op("*").Add(typeCode(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(typeCode(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(typeCode(t.Elem()))
	case *types.Map:
		return jen.Map(typeCode(t.Key())).Add(typeCode(t.Elem()))
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return jen.Chan().Op("<-").Add(typeCode(t.Elem()))
		case types.RecvOnly:
			return jen.Op("<-").Chan().Add(typeCode(t.Elem()))
		}
		return jen.Chan().Add(typeCode(t.Elem()))
	case *types.Struct:
		fs := make([]jen.Code, t.NumFields())
		for i := range fs {
			f := t.Field(i)
			var c *jen.Statement
			if f.Embedded() {
				c = jen.Add(typeCode(f.Type()))
			} else {
				c = jen.Id(f.Name()).Add(typeCode(f.Type()))
			}
			if tag := t.Tag(i); tag != "" {
				c = c.Op(strconv.Quote(tag))
			}
			fs[i] = c
		}
		return jen.Struct(fs...)
	case *types.Interface:
		if t.Empty() {
			return jen.Any()
		}
	case *types.Signature:
		return jen.Func().Params(tupleCode(t.Params(), t.Variadic())...).Params(tupleCode(t.Results(), false)...)
	}
	// Interfaces with methods and the like never reach generated code:
	// the lint rejects them as artifacts and parameters.
	return jen.Id(types.TypeString(t, nil))
}

func tupleCode(tup *types.Tuple, variadic bool) []jen.Code {
	out := make([]jen.Code, tup.Len())
	for i := range out {
		t := tup.At(i).Type()
		if variadic && i == tup.Len()-1 {
			out[i] = jen.Op("...").Add(typeCode(t.(*types.Slice).Elem()))
			continue
		}
		out[i] = typeCode(t)
	}
	return out
}
