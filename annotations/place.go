package annotations

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"strings"
)

// target is what one comment group documents.
type target struct {
	on   placement // 0: a declaration no directive applies to
	what string    // for messages: `type "F"`, "a var declaration"
	// trailing marks a comment after a field or type on the same line:
	// Go does not treat it as documentation, so neither do we.
	trailing  bool
	notStruct string // for a type that is not a struct: its name

	set   *Set
	store func(*Set) // puts set into the File once it holds something
	seen  map[string]bool
}

// targets maps every comment group that documents a declaration to that
// declaration. Groups not in the map document nothing.
func targets(f *ast.File, out *File) map[*ast.CommentGroup]*target {
	m := map[*ast.CommentGroup]*target{}
	add := func(cg *ast.CommentGroup, t *target) {
		if cg != nil {
			m[cg] = t
		}
	}
	other := func(cg *ast.CommentGroup, what string) { add(cg, &target{what: what}) }
	other(f.Doc, "the package clause")

	topLevel := map[ast.Decl]bool{}
	for _, d := range f.Decls {
		topLevel[d] = true
	}
	typeTarget := func(ts *ast.TypeSpec) *target {
		t := &target{on: onType, what: fmt.Sprintf("type %q", ts.Name.Name)}
		if _, ok := ts.Type.(*ast.StructType); !ok {
			t.notStruct = ts.Name.Name
		}
		t.store = func(s *Set) { out.Types[ts] = s }
		return t
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			switch {
			case n.Tok != token.TYPE:
				other(n.Doc, "a "+n.Tok.String()+" declaration")
				for _, s := range n.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						other(s.Doc, "a "+n.Tok.String()+" declaration")
						add(s.Comment, &target{what: "a " + n.Tok.String() + " declaration", trailing: true})
					case *ast.ImportSpec:
						other(s.Doc, "an import")
						add(s.Comment, &target{what: "an import", trailing: true})
					}
				}
			case !topLevel[n]:
				other(n.Doc, "a type declared inside a function")
				for _, s := range n.Specs {
					other(s.(*ast.TypeSpec).Doc, "a type declared inside a function")
				}
			default:
				var single *target
				if len(n.Specs) == 1 {
					single = typeTarget(n.Specs[0].(*ast.TypeSpec))
					add(n.Doc, single)
				} else {
					other(n.Doc, "a group of several types")
				}
				for _, s := range n.Specs {
					ts := s.(*ast.TypeSpec)
					t := single
					if t == nil {
						t = typeTarget(ts)
					}
					add(ts.Doc, t)
					add(ts.Comment, &target{what: t.what, trailing: true})
				}
			}
		case *ast.StructType:
			for _, fld := range n.Fields.List {
				what := "an embedded field"
				if len(fld.Names) > 0 {
					names := make([]string, len(fld.Names))
					for i, id := range fld.Names {
						names[i] = id.Name
					}
					what = fmt.Sprintf("field %q", strings.Join(names, ", "))
				}
				add(fld.Doc, &target{on: onField, what: what, store: func(s *Set) { out.Fields[fld] = s }})
				add(fld.Comment, &target{what: what, trailing: true})
			}
		case *ast.InterfaceType:
			for _, fld := range n.Methods.List {
				other(fld.Doc, "an interface method")
				add(fld.Comment, &target{what: "an interface method", trailing: true})
			}
		case *ast.FuncDecl:
			what := fmt.Sprintf("function %q", n.Name.Name)
			if n.Recv != nil {
				what = fmt.Sprintf("method %q", n.Name.Name)
			}
			add(n.Doc, &target{on: onMethod, what: what, store: func(s *Set) { out.Methods[n] = s }})
		}
		return true
	})
	return m
}

func parseFile(fset *token.FileSet, f *ast.File) (*File, scanner.ErrorList) {
	out := &File{
		Types:   map[*ast.TypeSpec]*Set{},
		Fields:  map[*ast.Field]*Set{},
		Methods: map[*ast.FuncDecl]*Set{},
	}
	var errs diags
	groups := targets(f, out)
	for _, cg := range f.Comments {
		t := groups[cg]
		for _, c := range cg.List {
			if !strings.HasPrefix(c.Text, prefix) {
				nearMiss(c.Text, c.Slash, &errs)
				continue
			}
			directive(c, t, &errs)
		}
	}
	var list scanner.ErrorList
	for _, d := range errs {
		list.Add(fset.Position(d.Pos), d.Msg)
	}
	list.Sort()
	return out, list
}

// directive lexes one //flow: comment, checks it against the registry and
// its place, and stores its typed value in t when all of that succeeds.
func directive(c *ast.Comment, t *target, errs *diags) {
	before := len(*errs)
	d, lexErrs := lex(c.Text, c.Slash)
	*errs = append(*errs, lexErrs...)
	if d.Name == "" {
		return
	}
	s := registry[d.Name]
	if s == nil {
		if l := strings.ToLower(d.Name); registry[l] != nil {
			errs.errorf(d.NamePos, "%q is not a directive; write %q (directive names are lowercase)", prefix+d.Name, prefix+l)
		} else {
			errs.errorf(d.NamePos, "unknown directive %q; known directives: %s", d.Name, knownNames)
		}
		return
	}
	switch {
	case t == nil:
		errs.errorf(d.NamePos, "//flow:%s documents no declaration; put it in the doc comment directly above %s", d.Name, s.on.where())
	case t.trailing:
		errs.errorf(d.NamePos, "//flow:%s in a trailing comment documents nothing; move it to its own line above %s", d.Name, t.what)
	case t.on != s.on:
		errs.errorf(d.NamePos, "//flow:%s does not apply to %s; put it on %s", d.Name, t.what, s.on.where())
	case t.on == onType && t.notStruct != "":
		errs.errorf(d.NamePos, "//flow:%s needs a struct type; %q is not a struct", d.Name, t.notStruct)
	case t.seen[d.Name]:
		errs.errorf(d.NamePos, "duplicate //flow:%s on %s; keep only one", d.Name, t.what)
	default:
		if t.seen == nil {
			t.seen = map[string]bool{}
		}
		t.seen[d.Name] = true
		a := s.check(&d, len(lexErrs) == 0, errs)
		apply := s.decode(&d, a, errs)
		if len(*errs) > before {
			return
		}
		if t.set == nil {
			t.set = &Set{}
			t.store(t.set)
		}
		apply(t.set)
	}
}
