package gen

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode"

	"github.com/flowc-dev/flowc/annotations"
	"github.com/flowc-dev/flowc/rt"
	"golang.org/x/tools/go/packages"
)

// flowModel is one //flow:flow struct as analysis found it: the source
// facts, the graph built from them, and what emission needs.
type flowModel struct {
	pkg   *packages.Package
	name  string
	named *types.Named
	spec  *ast.TypeSpec
	set   *annotations.Set
	file  string // absolute path of the declaring file
	doc   string

	fields      []*fieldModel // exported fields in source order
	fieldByName map[string]*fieldModel
	steps       []*stepModel // in source order
	stepByName  map[string]*stepModel
	// methods are all methods declared on the flow type in this package,
	// steps or not, for the field-usage analysis.
	methods map[string]*ast.FuncDecl

	graph *rt.Graph
}

type fieldModel struct {
	name  string
	v     *types.Var
	pos   token.Pos
	doc   string
	kind  string // rt.FieldArtifact, rt.FieldParam, rt.FieldIncludeFile
	param *annotations.Param
	incl  *annotations.IncludeFile
}

func (f *fieldModel) paramName() string {
	switch {
	case f.param != nil && f.param.Name != "":
		return f.param.Name
	case f.incl != nil && f.incl.Name != "":
		return f.incl.Name
	}
	return kebab(f.name)
}

type stepModel struct {
	name string
	decl *ast.FuncDecl
	fn   *types.Func
	sig  *types.Signature
	pos  token.Pos
	set  *annotations.Set
	join bool // the second parameter is an rt.Inputs
	step *rt.Step
}

// transitions counts the transition directives of the step.
func (s *stepModel) transitions() int {
	n := 0
	if s.set.Next != nil {
		n++
	}
	if s.set.Foreach != nil {
		n++
	}
	if s.set.Switch != nil {
		n++
	}
	return n
}

// position renders pos as "file.go:line:col" relative to the package dir.
func (m *flowModel) position(pos token.Pos) string {
	p := m.pkg.Fset.Position(pos)
	name := p.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return name + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// kebab turns a Go identifier into a CLI name: MaxGenres → max-genres,
// HTTPPort → http-port.
func kebab(s string) string { return splitWords(s, '-') }

// snake turns a flow name into a file name stem: GenreStatsFlow →
// genre_stats_flow.
func snake(s string) string { return splitWords(s, '_') }

func splitWords(s string, sep rune) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i > 0 && i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				b.WriteRune(sep)
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if r == '_' || r == '-' {
			r = sep
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lowerFirst makes an unexported identifier from a flow name:
// GenreStatsFlow → genreStatsFlow.
func lowerFirst(s string) string {
	rs := []rune(s)
	i := 0
	for i < len(rs) && unicode.IsUpper(rs[i]) {
		i++
	}
	// keep the last capital of an initialism when a word follows: HTTPFlow → httpFlow
	if i > 1 && i < len(rs) {
		i--
	}
	if i == 0 {
		i = 1
	}
	for j := 0; j < i && j < len(rs); j++ {
		rs[j] = unicode.ToLower(rs[j])
	}
	return string(rs)
}
