package annotations

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
)

// prefix starts every directive comment. Go's own directives (//go:generate,
// //line) have the same shape, which keeps them out of godoc.
const prefix = "//flow:"

// diag is one error before it is resolved to a file position; the lexer and
// the decoders work in token.Pos so that they need no FileSet.
type diag struct {
	Pos token.Pos
	Msg string
}

type diags []diag

func (d *diags) errorf(pos token.Pos, format string, args ...any) {
	*d = append(*d, diag{pos, fmt.Sprintf(format, args...)})
}

// lex splits one //flow: comment into a Directive. text is the comment text
// as go/ast holds it (starting with "//flow:") and slash the position of its
// first byte; every position is slash plus a byte offset into text, so it
// lies inside the comment. Lexing does not stop at a bad argument: it skips
// to the next space and goes on, so one pass reports every problem.
func lex(text string, slash token.Pos) (Directive, diags) {
	var errs diags
	d := Directive{Pos: slash}
	at := func(off int) token.Pos { return slash + token.Pos(off) }
	if !strings.HasPrefix(text, prefix) {
		errs.errorf(slash, "%q is not a directive; write %q", text, prefix+"step")
		return d, errs
	}
	i := len(prefix)
	for i < len(text) && isNameByte(text[i]) {
		i++
	}
	d.Name = text[len(prefix):i]
	d.NamePos = at(len(prefix))
	if d.Name == "" {
		errs.errorf(slash, "missing directive name after %q; write e.g. %q", prefix, prefix+"step")
		return d, errs
	}
	if i < len(text) && !isSpace(text[i]) {
		errs.errorf(at(i), "unexpected %q after directive name %q; separate arguments with spaces", text[i], d.Name)
		i = skipToken(text, i)
	}

	for {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return d, errs
		}
		start := i
		if text[i] == '"' {
			v, end, ok := lexQuoted(text, i, at, &errs)
			if ok {
				d.Args = append(d.Args, Arg{Value: v, Quoted: true, ValuePos: at(start)})
			}
			i = end
			continue
		}
		j := i
		for j < len(text) && !isSpace(text[j]) && text[j] != '=' && text[j] != '"' {
			j++
		}
		switch {
		case j < len(text) && text[j] == '"':
			errs.errorf(at(j), "unexpected quote inside %q; quote the whole value", text[i:j])
			i = skipToken(text, j)
		case j < len(text) && text[j] == '=':
			key := text[i:j]
			if key == "" {
				errs.errorf(at(i), "missing key before \"=\"; write key=value")
				i = skipToken(text, j)
				continue
			}
			v := j + 1
			switch {
			case v >= len(text) || isSpace(text[v]):
				errs.errorf(at(i), "missing value after %q; write %s=value, or %s=\"\" for an empty value", key+"=", key, key)
				i = v
			case text[v] == '"':
				val, end, ok := lexQuoted(text, v, at, &errs)
				if ok {
					d.Args = append(d.Args, Arg{Key: key, Value: val, Quoted: true, KeyPos: at(i), ValuePos: at(v)})
				}
				i = end
			default:
				end := skipToken(text, v)
				if q := strings.IndexByte(text[v:end], '"'); q >= 0 {
					errs.errorf(at(v+q), "unexpected quote inside the value of %q; quote the whole value: %s=\"...\"", key, key)
				} else {
					d.Args = append(d.Args, Arg{Key: key, Value: text[v:end], KeyPos: at(i), ValuePos: at(v)})
				}
				i = end
			}
		default:
			d.Args = append(d.Args, Arg{Value: text[i:j], ValuePos: at(i)})
			i = j
		}
	}
}

// lexQuoted reads the Go double-quoted string starting at text[q] and returns
// its value and the offset just past it. On error it reports at the opening
// quote and returns the offset to resume at.
func lexQuoted(text string, q int, at func(int) token.Pos, errs *diags) (string, int, bool) {
	lit, err := strconv.QuotedPrefix(text[q:])
	if err != nil {
		end := closingQuote(text, q)
		if end < 0 {
			errs.errorf(at(q), "unterminated quoted string; end it with a double quote")
			return "", len(text), false
		}
		errs.errorf(at(q), "bad quoted string %s; use Go string escapes", text[q:end+1])
		return "", skipToken(text, end+1), false
	}
	end := q + len(lit)
	v, err := strconv.Unquote(lit)
	if err != nil { // QuotedPrefix accepted it, so this does not happen
		errs.errorf(at(q), "bad quoted string %s; use Go string escapes", lit)
		return "", skipToken(text, end), false
	}
	if end < len(text) && !isSpace(text[end]) {
		errs.errorf(at(end), "unexpected %q after quoted string; separate arguments with spaces", text[end])
		return "", skipToken(text, end), false
	}
	return v, end, true
}

// closingQuote is the offset of the '"' that ends the string opened at
// text[q], honouring backslash escapes, or -1.
func closingQuote(text string, q int) int {
	for i := q + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func skipToken(text string, i int) int {
	for i < len(text) && !isSpace(text[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// isNameByte accepts more than the known names (upper case, digits) so that
// "//flow:Step" lexes as one name and gets a precise message.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
