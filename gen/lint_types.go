package gen

import (
	"encoding/json"
	"go/types"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// typeString renders t as the flow's package sees it ("[]Movie",
// "time.Duration").
func (m *flowModel) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == m.pkg.Types {
			return ""
		}
		return p.Name()
	})
}

func (m *flowModel) signatureWant(s *stepModel, role string) string {
	head := "func (f *" + m.name + ") " + s.name + "(ctx context.Context"
	switch role {
	case "foreach body":
		if over := m.foreachParentField(s); over != nil {
			if el := elemType(over.v.Type()); el != nil {
				return head + ", item " + m.typeString(el) + ") error"
			}
		}
		return head + ", item T) error"
	case "join":
		return head + ", inputs rt.Inputs[*" + m.name + "]) error"
	}
	return head + ") error"
}

// foreachParentField is the over field of the foreach step feeding the
// foreach body s, or nil.
func (m *flowModel) foreachParentField(s *stepModel) *fieldModel {
	for _, p := range m.steps {
		if f := p.set.Foreach; f != nil && f.Next.Name == s.name {
			return m.fieldByName[f.Over.Name]
		}
	}
	return nil
}

// elemType is the element type of a slice or array, nil otherwise.
func elemType(t types.Type) types.Type {
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return u.Elem()
	case *types.Array:
		return u.Elem()
	}
	return nil
}

func checkSignatures(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		body := s.step.IsForeachBody
		role := "plain"
		switch {
		case body && s.join:
			errs.errorf(s.pos, "step %q is a foreach body and takes inputs; a foreach body takes the item, add a step in between", s.name)
			continue
		case body:
			role = "foreach body"
		case s.join:
			role = "join"
		}
		if !s.decl.Name.IsExported() {
			errs.errorf(s.pos, "step %q is unexported; export it (steps are named by their method)", s.name)
		}
		if _, ok := s.sig.Recv().Type().(*types.Pointer); !ok {
			errs.errorf(s.decl.Recv.Pos(), "step %q has a value receiver; use a pointer receiver: %s", s.name, m.signatureWant(s, role))
		}
		if s.sig.TypeParams().Len() > 0 || s.sig.RecvTypeParams().Len() > 0 {
			errs.errorf(s.pos, "step %q has type parameters; want %s", s.name, m.signatureWant(s, role))
			continue
		}
		if !signatureOK(m, s, role) {
			errs.errorf(s.pos, "step %q has the wrong signature for a %s step; want %s", s.name, role, m.signatureWant(s, role))
		}
	}
}

func signatureOK(m *flowModel, s *stepModel, role string) bool {
	sig := s.sig
	res := sig.Results()
	if res.Len() != 1 || !types.Identical(res.At(0).Type(), types.Universe.Lookup("error").Type()) || sig.Variadic() {
		return false
	}
	params := sig.Params()
	if params.Len() == 0 || !isContext(params.At(0).Type()) {
		return false
	}
	switch role {
	case "plain":
		return params.Len() == 1
	case "join":
		if params.Len() != 2 {
			return false
		}
		n := types.Unalias(params.At(1).Type()).(*types.Named)
		args := n.TypeArgs()
		if args.Len() != 1 {
			return false
		}
		p, ok := args.At(0).(*types.Pointer)
		return ok && types.Identical(p.Elem(), m.named)
	case "foreach body":
		if params.Len() != 2 {
			return false
		}
		over := m.foreachParentField(s)
		if over == nil {
			return true // checkForeachOver reports the field
		}
		el := elemType(over.v.Type())
		return el == nil || types.Identical(el, params.At(1).Type())
	}
	return false
}

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == "Context" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context"
}

func checkForeachOver(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		f := s.set.Foreach
		if f == nil {
			continue
		}
		fm := m.fieldByName[f.Over.Name]
		if fm == nil {
			errs.errorf(f.Over.Pos, "step %q iterates over %q, which is not an exported field of flow %q; name a slice field", s.name, f.Over.Name, m.name)
			continue
		}
		if elemType(fm.v.Type()) == nil {
			errs.errorf(f.Over.Pos, "step %q iterates over field %q of type %s; //flow:foreach needs a slice (or array) field", s.name, fm.name, m.typeString(fm.v.Type()))
		}
	}
}

func checkCatch(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		c := s.set.Catch
		if c == nil {
			continue
		}
		fm := m.fieldByName[c.Var.Name]
		if fm == nil {
			errs.errorf(c.Var.Pos, "step %q catches into %q, which is not an exported field of flow %q; add a field %s *rt.Failure", s.name, c.Var.Name, m.name, c.Var.Name)
			continue
		}
		if !isFailurePtr(fm.v.Type()) {
			errs.errorf(c.Var.Pos, "step %q catches into field %q of type %s; the catch var must be a *rt.Failure field", s.name, fm.name, m.typeString(fm.v.Type()))
		}
	}
}

func isFailurePtr(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Name() == "Failure" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == rtPath
}

// switchKind classifies the type of a switch field: "string", "bool",
// "int", "uint", or "" when a switch cannot use it.
func switchKind(t types.Type) string {
	b, ok := t.Underlying().(*types.Basic)
	if !ok {
		return ""
	}
	switch info := b.Info(); {
	case info&types.IsString != 0:
		return "string"
	case info&types.IsBoolean != 0:
		return "bool"
	case info&types.IsInteger != 0 && info&types.IsUnsigned != 0:
		return "uint"
	case info&types.IsInteger != 0:
		return "int"
	}
	return ""
}

func checkSwitch(m *flowModel, errs *errorList) {
	for _, s := range m.steps {
		sw := s.set.Switch
		if sw == nil {
			continue
		}
		fm := m.fieldByName[sw.On.Name]
		if fm == nil {
			errs.errorf(sw.On.Pos, "step %q switches on %q, which is not an exported field of flow %q; name a string, bool or integer field", s.name, sw.On.Name, m.name)
			continue
		}
		kind := switchKind(fm.v.Type())
		if kind == "" {
			errs.errorf(sw.On.Pos, "step %q switches on field %q of type %s; //flow:switch needs a string, bool or integer field", s.name, fm.name, m.typeString(fm.v.Type()))
			continue
		}
		for _, c := range sw.Cases {
			canon, ok := canonicalCase(kind, fm.v.Type(), c.Value)
			switch {
			case !ok:
				errs.errorf(c.Step.Pos, "case %q of the switch on %q is not a valid %s; write a value of the field's type", c.Value, fm.name, m.typeString(fm.v.Type()))
			case canon != c.Value:
				errs.errorf(c.Step.Pos, "case %q of the switch on %q never matches as written; write it %q", c.Value, fm.name, canon)
			}
		}
	}
}

// canonicalCase parses a case value as the switch field's type and formats
// it back the way the generated SwitchValue does.
func canonicalCase(kind string, t types.Type, v string) (string, bool) {
	bits := 64
	if b, ok := t.Underlying().(*types.Basic); ok {
		bits = basicBits(b)
	}
	switch kind {
	case "string":
		return v, true
	case "bool":
		b, err := strconv.ParseBool(v)
		return strconv.FormatBool(b), err == nil
	case "int":
		n, err := strconv.ParseInt(v, 10, bits)
		return strconv.FormatInt(n, 10), err == nil
	case "uint":
		n, err := strconv.ParseUint(v, 10, bits)
		return strconv.FormatUint(n, 10), err == nil
	}
	return "", false
}

func basicBits(b *types.Basic) int {
	switch b.Kind() {
	case types.Int8, types.Uint8:
		return 8
	case types.Int16, types.Uint16:
		return 16
	case types.Int32, types.Uint32, types.Float32:
		return 32
	}
	return 64
}

// Param shapes: how a param's type reaches kong.
const (
	paramScalar = "scalar" // kong parses it natively
	paramSlice  = "slice"  // slice of scalars, with sep
	paramJSON   = "json"   // any other type, through the flowcjson mapper
)

func isDuration(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == "Duration" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time"
}

func isScalarParam(t types.Type) bool {
	if isDuration(t) {
		return true
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsString|types.IsBoolean|types.IsInteger|types.IsFloat) != 0 && b.Kind() != types.UnsafePointer
}

// paramShape classifies a param type; "" for types no parameter can have.
func paramShape(t types.Type) string {
	if isScalarParam(t) {
		return paramScalar
	}
	if s, ok := t.Underlying().(*types.Slice); ok && isScalarParam(s.Elem()) {
		return paramSlice
	}
	switch t.Underlying().(type) {
	case *types.Chan, *types.Signature, *types.Interface:
		return ""
	}
	if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsComplex != 0 {
		return ""
	}
	return paramJSON
}

func checkParams(m *flowModel, errs *errorList) {
	seen := map[string]*fieldModel{}
	for _, f := range m.fields {
		if f.kind == rt.FieldArtifact {
			continue
		}
		t := f.v.Type()
		name := f.paramName()
		pos := f.pos
		if f.param != nil {
			pos = f.param.Pos
		} else {
			pos = f.incl.Pos
		}
		if r, ok := rt.ReservedParam(name); ok {
			what := "built-in option " + r.What
			if !strings.HasPrefix(r.What, "--") {
				what = "runtime setting " + r.What
			}
			errs.errorf(pos, "parameter %q of field %q collides with the %s; rename it with name=", name, f.name, what)
		}
		if prev := seen[name]; prev != nil {
			errs.errorf(pos, "parameter %q of field %q is already the parameter of field %q; rename one with name=", name, f.name, prev.name)
		}
		seen[name] = f
		if f.incl != nil {
			if !isStringOrBytes(t) {
				errs.errorf(f.pos, "includefile field %q has type %s; an includefile field must be string or []byte", f.name, m.typeString(t))
			}
			continue
		}
		shape := paramShape(t)
		if shape == "" {
			errs.errorf(f.pos, "parameter field %q has type %s, which cannot be parsed from the command line; use a string, bool, number, time.Duration, a slice of these, or a JSON-encodable type", f.name, m.typeString(t))
			continue
		}
		if f.param.HasDefault {
			if why := checkDefault(t, shape, f.param.Default, f.param.Separator); why != "" {
				errs.errorf(f.param.DefaultPos, "default %q of parameter %q is not a valid %s: %s; fix the default", f.param.Default, name, m.typeString(t), why)
			}
		}
	}
}

func isStringOrBytes(t types.Type) bool {
	if types.Identical(t, types.Typ[types.String]) {
		return true
	}
	s, ok := t.(*types.Slice)
	return ok && types.Identical(s.Elem(), types.Typ[types.Byte])
}

// checkDefault says why def is not a value of t, "" when it is.
func checkDefault(t types.Type, shape, def, sep string) string {
	switch shape {
	case paramJSON:
		if !json.Valid([]byte(def)) {
			return "not valid JSON"
		}
		return ""
	case paramSlice:
		if sep == "" {
			sep = ","
		}
		if def == "" {
			return ""
		}
		el := t.Underlying().(*types.Slice).Elem()
		for _, part := range strings.Split(def, sep) {
			if why := checkScalar(el, part); why != "" {
				return why
			}
		}
		return ""
	}
	return checkScalar(t, def)
}

func checkScalar(t types.Type, v string) string {
	var err error
	if isDuration(t) {
		_, err = time.ParseDuration(v)
	} else if b, ok := t.Underlying().(*types.Basic); ok {
		info := b.Info()
		switch {
		case info&types.IsBoolean != 0:
			_, err = strconv.ParseBool(v)
		case info&types.IsUnsigned != 0:
			_, err = strconv.ParseUint(v, 0, basicBits(b))
		case info&types.IsInteger != 0:
			_, err = strconv.ParseInt(v, 0, basicBits(b))
		case info&types.IsFloat != 0:
			_, err = strconv.ParseFloat(v, basicBits(b))
		}
	}
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok {
			return ne.Err.Error()
		}
		return err.Error()
	}
	return ""
}

func checkArtifacts(m *flowModel, errs *errorList) {
	c := newCodecs(m.pkg.Types, codecPath)
	for _, f := range m.fields {
		if why := c.check(f.v.Type()); why != "" {
			errs.errorf(f.pos, "field %q of type %s cannot be stored as an artifact: %s; change its type, or unexport it to keep it out of the datastore", f.name, m.typeString(f.v.Type()), why)
		}
	}
}
