// API CONTRACT (drafted by the lead; the annotations work implements it and
// may extend it; gen codes against it). The package doc is in doc.go.

package annotations

import (
	"go/ast"
	"go/scanner"
	"go/token"
)

// Arg is one argument of a directive: key=value, or a bare value (Key "").
type Arg struct {
	Key      string
	Value    string // unquoted
	Quoted   bool
	KeyPos   token.Pos // NoPos for a bare value
	ValuePos token.Pos
}

// Directive is one //flow: line, lexed but not validated.
type Directive struct {
	Name    string
	NamePos token.Pos // position of the name, after "//flow:"
	Pos     token.Pos // position of the "//"
	Args    []Arg
}

// Ident is a name with its position (a step or field named in a directive).
type Ident struct {
	Name string
	Pos  token.Pos
}

// One typed value per directive. Pos is the directive's name position.
type (
	Flow     struct{ Pos token.Pos }
	Schedule struct {
		Pos      token.Pos
		Period   string // "daily", "hourly", "weekly", or "" with Cron set
		Cron     string
		Timezone string
	}
	Project struct {
		Pos  token.Pos
		Name string
	}
	Image struct {
		Pos  token.Pos
		Name string
	}
	Param struct {
		Pos        token.Pos
		Name       string // "" = kebab-case of the field name
		Default    string
		HasDefault bool
		DefaultPos token.Pos
		Required   bool
		Separator  string // "" when not given
	}
	IncludeFile struct {
		Pos        token.Pos
		Name       string
		Default    string
		HasDefault bool
		DefaultPos token.Pos
	}
	Step struct{ Pos token.Pos }
	Next struct {
		Pos     token.Pos
		Targets []Ident
	}
	Foreach struct {
		Pos  token.Pos
		Over Ident
		Next Ident
	}
	Switch struct {
		Pos   token.Pos
		On    Ident
		Cases []Case
	}
	Case struct {
		Value string
		Step  Ident
	}
	Retry struct {
		Pos            token.Pos
		Times          int // default 3
		MinutesBetween int // default 2
		// MinutesBetweenSet is true when minutes_between was written:
		// local runs wait only then (as Metaflow retries at once locally),
		// cloud targets apply the default.
		MinutesBetweenSet bool
	}
	Catch struct {
		Pos token.Pos
		Var Ident
	}
	Timeout struct {
		Pos     token.Pos
		Seconds int // the sum of seconds, minutes*60 and hours*3600
	}
	Resources struct {
		Pos                 token.Pos
		CPU, MemoryMiB, GPU int
		DiskMiB             int
	}
	Batch struct {
		Pos                   token.Pos
		Queue, Image, IAMRole string
	}
	Kubernetes struct {
		Pos                              token.Pos
		Image, Namespace, ServiceAccount string
	}
	Env struct {
		Pos  token.Pos
		Vars []EnvVar // in the order written
	}
	EnvVar struct {
		Key, Value string
		Pos        token.Pos
	}
)

// Set is the directives found on one declaration, decoded and validated.
// A directive that is absent is nil.
type Set struct {
	Flow        *Flow
	Schedule    *Schedule
	Project     *Project
	Image       *Image
	Param       *Param
	IncludeFile *IncludeFile
	Step        *Step
	Next        *Next
	Foreach     *Foreach
	Switch      *Switch
	Retry       *Retry
	Catch       *Catch
	Timeout     *Timeout
	Resources   *Resources
	Batch       *Batch
	Kubernetes  *Kubernetes
	Env         *Env
}

// File is the directives of one Go file, by the declaration they document.
// A type's directives are found on its TypeSpec doc or, for a single-spec
// GenDecl, on the GenDecl doc; both are keyed by the TypeSpec.
type File struct {
	Types   map[*ast.TypeSpec]*Set
	Fields  map[*ast.Field]*Set // fields of struct types (any struct type)
	Methods map[*ast.FuncDecl]*Set
}

// ParseFile finds every //flow: directive in f, checks its grammar, its
// arguments and its placement (kind of declaration), and reports near misses
// ("// flow:step", "//flow:Step", "//flows:step") and directives that document
// nothing. It never stops at the first error. The File holds everything that
// was valid even when errs is non-empty.
//
// A directive with any error is left out of the File (its Set field stays
// nil); the maps hold only declarations with at least one valid directive.
func ParseFile(fset *token.FileSet, f *ast.File) (*File, scanner.ErrorList) {
	return parseFile(fset, f)
}
