package annotations

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// FuzzLex: the lexer and the near-miss scanner never panic, and every
// position they report lies inside the comment. When the input makes a
// valid line comment, the whole of ParseFile runs on it too.
func FuzzLex(f *testing.F) {
	for _, s := range []string{
		"step", "retry times=3 minutes_between=2", `schedule cron="0 10 * * ? *" timezone=Europe/Paris`,
		"next A B", "switch on=M cases=a:A,b:B", `env A="x y" B=` + "`c`", "param required default=",
		`catch var="abc`, `catch var="a\qb"`, `x="a"b`, `a"b"`, "=3", "retry=3", "", " step",
		"Step", `"`, `\`, "foreach over=", "timeout hours=999999999 minutes=1", "\tx\x00=\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		inside := func(text string, slash token.Pos, errs diags) {
			for _, e := range errs {
				if e.Pos < slash || e.Pos >= slash+token.Pos(len(text)) {
					t.Fatalf("position %d outside the comment [%d, %d) for %q: %s", e.Pos, slash, slash+token.Pos(len(text)), text, e.Msg)
				}
			}
		}
		text := prefix + s
		d, errs := lex(text, base)
		inside(text, base, errs)
		for _, a := range d.Args {
			if a.ValuePos < base || a.ValuePos >= base+token.Pos(len(text)) || a.Key != "" && (a.KeyPos < base || a.KeyPos >= a.ValuePos) {
				t.Fatalf("argument %+v outside the comment %q", a, text)
			}
		}
		if s := registry[d.Name]; s != nil {
			var derrs diags
			s.decode(&d, s.check(&d, len(errs) == 0, &derrs), &derrs)
			inside(text, base, derrs)
		}
		for _, c := range []string{"//" + s, "/*" + strings.ReplaceAll(s, "*/", "") + "*/"} {
			var nerrs diags
			nearMiss(c, base, &nerrs)
			inside(c, base, nerrs)
		}
		if !strings.ContainsAny(s, "\n\r") {
			src := "package p\n\n" + text + "\ntype F struct{}\n" + text + "\nfunc (F) M() {}\n"
			fset := token.NewFileSet()
			if file, err := parser.ParseFile(fset, "f.go", src, parser.ParseComments); err == nil {
				ParseFile(fset, file)
			}
		}
	})
}
