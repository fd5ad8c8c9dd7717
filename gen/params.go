package gen

import (
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/flowc-dev/flowc/rt"
)

// paramFields are the fields that become CLI parameters, in source order.
func (m *flowModel) paramFields() []*fieldModel {
	var out []*fieldModel
	for _, f := range m.fields {
		if f.kind != rt.FieldArtifact {
			out = append(out, f)
		}
	}
	return out
}

// embedded reports whether the includefile's default file can be embedded:
// it exists in the package directory at generate time and go:embed accepts
// its path (local, no dot or underscore components).
func (m *flowModel) embedded(f *fieldModel) bool {
	if f.incl == nil || !f.incl.HasDefault {
		return false
	}
	p := f.incl.Default
	if !filepath.IsLocal(p) || strings.ContainsAny(p, "*?[\\\"`'") {
		return false
	}
	for _, part := range strings.Split(filepath.ToSlash(p), "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return false
		}
	}
	fi, err := os.Stat(filepath.Join(filepath.Dir(m.file), p))
	return err == nil && fi.Mode().IsRegular()
}

func (e *emitter) embeds(f *jen.File) {
	for _, fm := range e.m.paramFields() {
		if e.m.embedded(fm) {
			f.Anon("embed")
			f.Comment("//go:embed " + filepath.ToSlash(fm.incl.Default))
			f.Var().Id(e.m.embedVar(fm)).Index().Byte()
		}
	}
}

func (e *emitter) paramsFunc() jen.Code {
	if len(e.m.paramFields()) == 0 {
		return nil
	}
	return kv("Params", jen.Func().Params().Any().Block(jen.Return(jen.New(jen.Id(e.m.paramsType())))))
}

// paramsStruct declares the kong-tagged parameter struct the runner embeds
// into its run command.
func (e *emitter) paramsStruct(f *jen.File) {
	ps := e.m.paramFields()
	if len(ps) == 0 {
		return
	}
	var fs []jen.Code
	for _, fm := range ps {
		name := fm.paramName()
		tags := map[string]string{
			"name": name,
			"env":  rt.ParamEnv(name),
		}
		if doc := trimDoc(fm.doc); doc != "" {
			tags["help"] = strings.Join(strings.Fields(doc), " ")
		}
		if fm.incl != nil {
			// "" means the default, which is resolved at run start (the
			// working directory, else the embedded copy), so it cannot be
			// kong's default; --help still shows it.
			tags["placeholder"] = "FILE"
			if fm.incl.HasDefault {
				tags["help"] = strings.TrimSpace(strings.TrimSuffix(tags["help"], ".") + " (default: " + fm.incl.Default + ")")
			}
		}
		typ := jen.String() // includefile: the path; "" means the default
		if p := fm.param; p != nil {
			t := fm.v.Type()
			typ = jen.Add(typeCode(t))
			if p.HasDefault {
				tags["default"] = p.Default
			}
			if p.Required {
				tags["required"] = ""
			}
			switch paramShape(t) {
			case paramSlice:
				sep := p.Separator
				if sep == "" {
					sep = ","
				}
				tags["sep"] = sep
			case paramJSON:
				tags["type"] = "flowcjson"
			}
		}
		// kong reads ${name} in a tag as one of its variables, and an
		// unknown one fails every command of the binary; the user's text
		// is literal, so its '$' is kong's escaped "$$".
		for _, k := range []string{"help", "default"} {
			if v, ok := tags[k]; ok {
				tags[k] = strings.ReplaceAll(v, "$", "$$")
			}
		}
		fs = append(fs, jen.Id(fm.name).Add(typ).Tag(tags))
	}
	f.Commentf("%s are the command-line parameters of %s.", e.m.paramsType(), e.m.name)
	f.Type().Id(e.m.paramsType()).Struct(fs...)
}

// applyParams copies parsed parameters into the flow; includefiles are read
// through the runtime's read so it controls paths and defaults.
func (e *emitter) applyParams() jen.Code {
	ps := e.m.paramFields()
	if len(ps) == 0 {
		return nil
	}
	body := []jen.Code{
		jen.Id("p").Op(":=").Id("params").Assert(jen.Op("*").Id(e.m.paramsType())),
		jen.Id("x").Op(":=").Id("f").Assert(e.self),
	}
	for _, fm := range ps {
		if fm.param != nil {
			body = append(body, jen.Id("x").Dot(fm.name).Op("=").Id("p").Dot(fm.name))
			continue
		}
		set := jen.Id("x").Dot(fm.name).Op("=").Id("b")
		if isStringKind(fm.v.Type()) {
			set = jen.Id("x").Dot(fm.name).Op("=").String().Call(jen.Id("b"))
		}
		read := []jen.Code{
			jen.List(jen.Id("b"), jen.Err()).Op(":=").Id("read").Call(jen.Lit(fm.name), jen.Id("p").Dot(fm.name)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			set,
		}
		if fm.incl.HasDefault {
			body = append(body, jen.Block(read...))
		} else {
			// No default: an absent path leaves the field empty.
			body = append(body, jen.If(jen.Id("p").Dot(fm.name).Op("!=").Lit("")).Block(read...))
		}
	}
	body = append(body, jen.Return(jen.Nil()))
	return kv("ApplyParams", jen.Func().Params(
		jen.Id("params"), jen.Id("f").Any(),
		jen.Id("read").Func().Params(jen.Id("field"), jen.Id("path").String()).Params(jen.Index().Byte(), jen.Error()),
	).Error().Block(body...))
}

func trimDoc(s string) string { return strings.TrimSpace(s) }

func isStringKind(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// zeroValue is the literal zero value of t.
func zeroValue(t types.Type) jen.Code {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			return jen.Lit("")
		case u.Info()&types.IsBoolean != 0:
			return jen.False()
		case u.Kind() == types.UnsafePointer:
			return jen.Nil()
		}
		return jen.Lit(0)
	case *types.Struct, *types.Array:
		return jen.Add(typeCode(t)).Values()
	}
	return jen.Nil()
}
