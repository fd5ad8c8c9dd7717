package annotations

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// parse parses src as flow.go and returns the directives and the errors as
// "line:col: message", the file name stripped.
func parse(t *testing.T, src string) (*token.FileSet, *ast.File, *File, []string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "flow.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("test source does not parse: %v\n%s", err, src)
	}
	out, errs := ParseFile(fset, f)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, strings.TrimPrefix(e.Error(), "flow.go:"))
	}
	return fset, f, out, msgs
}

func lookupType(out *File, name string) *Set {
	for ts, s := range out.Types {
		if ts.Name.Name == name {
			return s
		}
	}
	return nil
}

func lookupField(out *File, name string) *Set {
	for fld, s := range out.Fields {
		for _, id := range fld.Names {
			if id.Name == name {
				return s
			}
		}
	}
	return nil
}

func lookupMethod(out *File, name string) *Set {
	for fd, s := range out.Methods {
		if fd.Name.Name == name {
			return s
		}
	}
	return nil
}
