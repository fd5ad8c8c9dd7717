package gen

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"sort"

	"github.com/flowc-dev/flowc/annotations"
	"github.com/flowc-dev/flowc/rt"
	"golang.org/x/tools/go/packages"
)

// errorList collects positioned errors; every stage adds to it and never
// stops at the first.
type errorList struct {
	fset *token.FileSet
	list scanner.ErrorList
}

func (e *errorList) errorf(pos token.Pos, format string, args ...any) {
	e.list.Add(e.fset.Position(pos), fmt.Sprintf(format, args...))
}

// analyze finds the flows of p, builds their graphs and lints them. It
// returns the flows (meaningful only without errors) and all errors found.
func analyze(p *packages.Package) ([]*flowModel, scanner.ErrorList) {
	errs := &errorList{fset: p.Fset}
	files := make([]*annotations.File, len(p.Syntax))
	for i, f := range p.Syntax {
		af, list := annotations.ParseFile(p.Fset, f)
		errs.list = append(errs.list, list...)
		if af == nil {
			af = &annotations.File{}
		}
		files[i] = af
	}
	flows := findFlows(p, files, errs)
	if p.Name == "main" && len(flows) > 1 {
		for _, m := range flows[1:] {
			errs.errorf(m.spec.Name.Pos(), "package main has a second flow %q (the first is %q); move it to its own main package: one flow per main package", m.name, flows[0].name)
		}
	}
	flowFields := map[*ast.Field]bool{}
	for _, m := range flows {
		collectFields(m, files, flowFields, errs)
	}
	checkStrayFieldDirectives(p, files, flowFields, errs)
	collectSteps(p, files, flows, errs)
	for _, m := range flows {
		m.graph = buildGraph(m)
		lint(m, errs)
		if len(errs.list) == 0 {
			computeUses(m)
		}
	}
	checkGeneratedNames(p, flows, errs)
	errs.list.Sort()
	return flows, errs.list
}

// findFlows returns the //flow:flow types in source order.
func findFlows(p *packages.Package, files []*annotations.File, errs *errorList) []*flowModel {
	var flows []*flowModel
	for i, af := range files {
		for spec, set := range af.Types {
			if set.Flow == nil {
				for _, d := range []struct {
					on  bool
					pos token.Pos
					dir string
				}{
					{set.Schedule != nil, posOf(set.Schedule), "schedule"},
					{set.Project != nil, posOf(set.Project), "project"},
					{set.Image != nil, posOf(set.Image), "image"},
				} {
					if d.on {
						errs.errorf(d.pos, "//flow:%s on type %q, which is not a flow; add //flow:flow to it or delete the directive", d.dir, spec.Name.Name)
					}
				}
				continue
			}
			if _, ok := spec.Type.(*ast.StructType); !ok {
				errs.errorf(set.Flow.Pos, "flow %q is not a struct type; declare it as type %s struct { ... }", spec.Name.Name, spec.Name.Name)
				continue
			}
			if spec.TypeParams != nil {
				errs.errorf(spec.Name.Pos(), "flow %q has type parameters; a flow must be a plain struct type", spec.Name.Name)
				continue
			}
			obj, _ := p.TypesInfo.Defs[spec.Name].(*types.TypeName)
			if obj == nil {
				continue
			}
			named, _ := obj.Type().(*types.Named)
			if named == nil {
				errs.errorf(spec.Name.Pos(), "flow %q is an alias; declare a struct type", spec.Name.Name)
				continue
			}
			flows = append(flows, &flowModel{
				pkg:         p,
				name:        spec.Name.Name,
				named:       named,
				spec:        spec,
				set:         set,
				file:        p.Fset.File(p.Syntax[i].Pos()).Name(),
				doc:         typeDoc(p.Syntax[i], spec),
				fieldByName: map[string]*fieldModel{},
				stepByName:  map[string]*stepModel{},
				methods:     map[string]*ast.FuncDecl{},
			})
		}
	}
	sort.Slice(flows, func(i, j int) bool { return flows[i].spec.Pos() < flows[j].spec.Pos() })
	return flows
}

// typeDoc is the doc of spec, or of its GenDecl when the decl has one spec.
func typeDoc(f *ast.File, spec *ast.TypeSpec) string {
	if spec.Doc != nil {
		return spec.Doc.Text()
	}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && len(gd.Specs) == 1 && gd.Specs[0] == spec && gd.Doc != nil {
			return gd.Doc.Text()
		}
	}
	return ""
}

func collectFields(m *flowModel, files []*annotations.File, flowFields map[*ast.Field]bool, errs *errorList) {
	st := m.spec.Type.(*ast.StructType)
	for _, f := range st.Fields.List {
		flowFields[f] = true
		set := lookupField(files, f)
		if len(f.Names) == 0 {
			errs.errorf(f.Pos(), "flow %q embeds a field; give it a name (flow fields are artifacts, parameters or includefiles)", m.name)
			continue
		}
		for _, id := range f.Names {
			v, _ := m.pkg.TypesInfo.Defs[id].(*types.Var)
			if v == nil {
				continue
			}
			if !id.IsExported() {
				if set != nil && (set.Param != nil || set.IncludeFile != nil) {
					errs.errorf(id.Pos(), "field %q of flow %q is unexported, so it cannot be a parameter; export it", id.Name, m.name)
				}
				continue
			}
			fm := &fieldModel{name: id.Name, v: v, pos: id.Pos(), kind: rt.FieldArtifact}
			if f.Doc != nil {
				fm.doc = f.Doc.Text()
			}
			if set != nil {
				fm.param, fm.incl = set.Param, set.IncludeFile
				switch {
				case fm.param != nil && fm.incl != nil:
					errs.errorf(fm.incl.Pos, "field %q is both a //flow:param and a //flow:includefile; keep one", id.Name)
				case fm.param != nil:
					fm.kind = rt.FieldParam
				case fm.incl != nil:
					fm.kind = rt.FieldIncludeFile
				}
			}
			m.fields = append(m.fields, fm)
			m.fieldByName[fm.name] = fm
		}
	}
}

func lookupField(files []*annotations.File, f *ast.Field) *annotations.Set {
	for _, af := range files {
		if s := af.Fields[f]; s != nil {
			return s
		}
	}
	return nil
}

func checkStrayFieldDirectives(p *packages.Package, files []*annotations.File, flowFields map[*ast.Field]bool, errs *errorList) {
	for _, af := range files {
		for f, set := range af.Fields {
			if flowFields[f] {
				continue
			}
			if set.Param != nil {
				errs.errorf(set.Param.Pos, "//flow:param on a field of a struct that is not a flow; move it to a field of the //flow:flow type")
			}
			if set.IncludeFile != nil {
				errs.errorf(set.IncludeFile.Pos, "//flow:includefile on a field of a struct that is not a flow; move it to a field of the //flow:flow type")
			}
		}
	}
}

// collectSteps attaches each //flow:step method to its flow, and records
// every method of a flow type for the field-usage analysis.
func collectSteps(p *packages.Package, files []*annotations.File, flows []*flowModel, errs *errorList) {
	byNamed := map[*types.TypeName]*flowModel{}
	for _, m := range flows {
		byNamed[m.named.Obj()] = m
	}
	for i, f := range p.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			set := files[i].Methods[fd]
			fn, _ := p.TypesInfo.Defs[fd.Name].(*types.Func)
			var m *flowModel
			if fn != nil {
				if recv := fn.Signature().Recv(); recv != nil {
					m = byNamed[recvTypeName(recv.Type())]
				}
			}
			if m != nil && fd.Body != nil {
				m.methods[fd.Name.Name] = fd
			}
			if set == nil {
				continue
			}
			dir, pos := firstStepDirective(set)
			if dir == "" {
				continue
			}
			switch {
			case fd.Recv == nil:
				errs.errorf(pos, "//flow:%s on func %q, which has no receiver; steps are methods of the flow type", dir, fd.Name.Name)
				continue
			case m == nil:
				errs.errorf(pos, "//flow:%s on method %q of a type that is not a flow; add //flow:flow to the type or move the method", dir, fd.Name.Name)
				continue
			case set.Step == nil:
				errs.errorf(pos, "//flow:%s on method %q, which is not a step; add //flow:step", dir, fd.Name.Name)
				continue
			}
			s := &stepModel{name: fd.Name.Name, decl: fd, fn: fn, sig: fn.Signature(), pos: fd.Name.Pos(), set: set}
			s.join = s.sig.Params().Len() == 2 && isInputs(s.sig.Params().At(1).Type())
			m.steps = append(m.steps, s)
			m.stepByName[s.name] = s
		}
	}
	for _, m := range flows {
		sort.Slice(m.steps, func(i, j int) bool { return m.steps[i].pos < m.steps[j].pos })
	}
}

// firstStepDirective names the first method directive in set (by
// position), "" when there is none.
func firstStepDirective(set *annotations.Set) (string, token.Pos) {
	best, bestPos := "", token.NoPos
	for _, d := range []struct {
		name string
		pos  token.Pos
	}{
		{"step", posOf(set.Step)}, {"next", posOf(set.Next)}, {"foreach", posOf(set.Foreach)},
		{"switch", posOf(set.Switch)}, {"retry", posOf(set.Retry)}, {"catch", posOf(set.Catch)},
		{"timeout", posOf(set.Timeout)}, {"resources", posOf(set.Resources)}, {"batch", posOf(set.Batch)},
		{"kubernetes", posOf(set.Kubernetes)}, {"env", posOf(set.Env)},
	} {
		if d.pos.IsValid() && (best == "" || d.pos < bestPos) {
			best, bestPos = d.name, d.pos
		}
	}
	return best, bestPos
}

// posOf returns the Pos field of any directive value (nil → NoPos).
func posOf(d any) token.Pos {
	switch d := d.(type) {
	case *annotations.Schedule:
		if d != nil {
			return d.Pos
		}
	case *annotations.Project:
		if d != nil {
			return d.Pos
		}
	case *annotations.Image:
		if d != nil {
			return d.Pos
		}
	case *annotations.Step:
		if d != nil {
			return d.Pos
		}
	case *annotations.Next:
		if d != nil {
			return d.Pos
		}
	case *annotations.Foreach:
		if d != nil {
			return d.Pos
		}
	case *annotations.Switch:
		if d != nil {
			return d.Pos
		}
	case *annotations.Retry:
		if d != nil {
			return d.Pos
		}
	case *annotations.Catch:
		if d != nil {
			return d.Pos
		}
	case *annotations.Timeout:
		if d != nil {
			return d.Pos
		}
	case *annotations.Resources:
		if d != nil {
			return d.Pos
		}
	case *annotations.Batch:
		if d != nil {
			return d.Pos
		}
	case *annotations.Kubernetes:
		if d != nil {
			return d.Pos
		}
	case *annotations.Env:
		if d != nil {
			return d.Pos
		}
	}
	return token.NoPos
}

// recvTypeName is the named type of a receiver (T or *T).
func recvTypeName(t types.Type) *types.TypeName {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Origin().Obj()
	}
	return nil
}

// isInputs reports whether t is an instance of rt.Inputs.
func isInputs(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Origin().Obj()
	return obj.Name() == "Inputs" && obj.Pkg() != nil && obj.Pkg().Path() == rtPath
}
