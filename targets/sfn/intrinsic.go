package sfn

import "strings"

// An argument or value the engine computes is an intrinsic function
// expression (States.Format, States.Array...); a literal inside one is
// single-quoted, with \ ' { } escaped. Nothing is ever passed through a
// shell: the command is an argv array.

// expr is one argument: a literal, or an expression the engine computes.
type expr struct {
	lit  string
	code string // an intrinsic or a path; "" for a literal
}

func lit(s string) expr { return expr{lit: s} }

// quote writes s as an intrinsic string literal.
func quote(s string) string { return "'" + escape(s) + "'" }

var escaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`)

func escape(s string) string { return escaper.Replace(s) }

// format is States.Format(template, args...) where template's "{}" are
// the holes (written by the caller with hole); a format without holes is
// a literal.
func format(parts ...expr) expr {
	var tmpl, plain strings.Builder
	var args []string
	for _, p := range parts {
		if p.code == "" {
			tmpl.WriteString(escape(p.lit))
			plain.WriteString(p.lit)
			continue
		}
		tmpl.WriteString("{}")
		args = append(args, p.code)
	}
	if len(args) == 0 {
		return lit(plain.String())
	}
	return expr{code: "States.Format('" + tmpl.String() + "', " + strings.Join(args, ", ") + ")"}
}

// src is the expression's source inside an intrinsic call.
func (e expr) src() string {
	if e.code == "" {
		return quote(e.lit)
	}
	return e.code
}

// set puts e into a Parameters-style map under key: a literal as is, an
// expression under key + ".$".
func (e expr) set(m map[string]any, key string) {
	if e.code == "" {
		m[key] = e.lit
	} else {
		m[key+".$"] = e.code
	}
}

// array is States.Array of the arguments, or a literal list when all of
// them are literals.
func setArray(m map[string]any, key string, args []expr) {
	dynamic := false
	for _, a := range args {
		dynamic = dynamic || a.code != ""
	}
	if !dynamic {
		l := make([]string, len(args))
		for i, a := range args {
			l[i] = a.lit
		}
		m[key] = l
		return
	}
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.src()
	}
	m[key+".$"] = "States.Array(" + strings.Join(s, ", ") + ")"
}

// The engine's values flowc uses.
var (
	execName = expr{code: "$$.Execution.Name"}
	execID   = expr{code: "$$.Execution.Id"}
	retryNum = expr{code: "States.Format('{}', $$.State.RetryCount)"}
)
