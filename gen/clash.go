package gen

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// nameClashes finds the fields of //flow:flow structs that share their name
// with a method of the same type. Go rejects the type, but go/types reports
// it at the method, and its echoes ("cannot assign to f.Middle") at every
// use, none of which says what to do. Only syntax is used: the package did
// not type-check. It returns one error per clash, at the field, and the
// clashing names, so the caller can drop the echoes.
func nameClashes(p *packages.Package) (scanner.ErrorList, map[string]bool) {
	var list scanner.ErrorList
	names := map[string]bool{}
	type field struct {
		pos  token.Pos
		flow string
	}
	fields := map[string]map[string]field{} // flow type -> field name -> field
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if !ok || !hasFlowDirective(doc) {
					continue
				}
				byName := map[string]field{}
				for _, fl := range st.Fields.List {
					for _, n := range fl.Names {
						byName[n.Name] = field{n.Pos(), ts.Name.Name}
					}
				}
				fields[ts.Name.Name] = byName
			}
		}
	}
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			fl, ok := fields[recvName(fd.Recv.List[0].Type)][fd.Name.Name]
			if !ok {
				continue
			}
			what := "method"
			if hasDirective(fd.Doc, "//flow:step") {
				what = "step"
			}
			mpos := p.Fset.Position(fd.Name.Pos())
			list.Add(p.Fset.Position(fl.pos), fmt.Sprintf("field %q of flow %q has the name of its %s %q (%s:%d:%d), and a Go type cannot have a field and a method of one name; rename the field or the %s",
				fd.Name.Name, fl.flow, what, fd.Name.Name, filepath.Base(mpos.Filename), mpos.Line, mpos.Column, what))
			names[fd.Name.Name] = true
		}
	}
	return list, names
}

// echoesClash reports whether a type error only repeats a name clash: Go's
// own report of it, or a use of the name as a selector (f.Middle).
func echoesClash(msg string, names map[string]bool) bool {
	for n := range names {
		if msg == "field and method with the same name "+n {
			return true
		}
		for i := 0; ; {
			j := strings.Index(msg[i:], "."+n)
			if j < 0 {
				break
			}
			end := i + j + 1 + len(n)
			if end == len(msg) || !isIdentByte(msg[end]) {
				return true
			}
			i = end
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// recvName is the type name of a receiver: T, *T, T[P] or *T[P].
func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func hasFlowDirective(doc *ast.CommentGroup) bool { return hasDirective(doc, "//flow:flow") }

// hasDirective reports whether doc has the directive line name (alone or
// followed by arguments).
func hasDirective(doc *ast.CommentGroup, name string) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if c.Text == name || strings.HasPrefix(c.Text, name+" ") || strings.HasPrefix(c.Text, name+"\t") {
			return true
		}
	}
	return false
}
