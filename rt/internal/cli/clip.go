package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A value echoed in a message (a parameter, a path, a tag) can be as long
// as its user made it; an error line stays readable by showing its start
// and its length. maxEcho bounds one echoed value, maxLine a whole line.
const (
	maxEcho = 120
	maxLine = 2000
)

// quote is %q of s, clipped to maxEcho bytes with its full length named.
func quote(s string) string {
	if len(s) <= maxEcho {
		return strconv.Quote(s)
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// clipLine is the safety net for messages built elsewhere (kong, the
// store, a step's own error): every Go-quoted string longer than maxEcho
// is clipped, then a line still over maxLine keeps its head and its tail,
// where the fix is.
func clipLine(msg string) string {
	if len(msg) <= maxEcho {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		j := strings.IndexByte(msg[i:], '"')
		if j < 0 {
			b.WriteString(msg[i:])
			break
		}
		b.WriteString(msg[i : i+j])
		i += j
		lit, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			b.WriteByte('"')
			i++
			continue
		}
		if s, err := strconv.Unquote(lit); err == nil && len(lit) > maxEcho+2 {
			b.WriteString(quote(s))
		} else {
			b.WriteString(lit)
		}
		i += len(lit)
	}
	out := b.String()
	if len(out) <= maxLine {
		return out
	}
	head, tail := maxLine*3/4, maxLine/4
	for head > 0 && !utf8.RuneStart(out[head]) {
		head--
	}
	for tail < len(out) && !utf8.RuneStart(out[len(out)-tail]) {
		tail++
	}
	return fmt.Sprintf("%s ... (%d bytes left out) ... %s", out[:head], len(out)-head-tail, out[len(out)-tail:])
}
