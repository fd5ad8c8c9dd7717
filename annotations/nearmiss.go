package annotations

import (
	"go/token"
	"strings"
)

// nearMiss reports a comment that was meant as a directive but is not one:
// "// flow:step" (gofmt-style space), "//Flow:step", "//flows:step", or
// "flow:step" inside a /* */ comment. Such a line would otherwise be plain
// documentation, and the step would silently not exist.
//
// To stay clear of prose ("// Flow: computes ..."), a near miss needs a word
// that is "flow" or one edit away from it starting with 'f', at the start of
// a line, followed by ':' and a letter with no space in between.
func nearMiss(text string, slash token.Pos, errs *diags) {
	if strings.HasPrefix(text, prefix) {
		return
	}
	if strings.HasPrefix(text, "//") {
		body := text[2:]
		ws := len(body) - len(strings.TrimLeft(body, " \t"))
		word, name, ok := splitNearMiss(body[ws:])
		if !ok {
			return
		}
		seen := text[:2+ws+len(word)+1+len(name)]
		fix := prefix + suggestName(name)
		if ws > 0 && word == "flow" {
			errs.errorf(slash, "%q is not a directive; write %q with no space after \"//\"", seen, fix)
		} else {
			errs.errorf(slash, "%q is not a directive; write %q", seen, fix)
		}
		return
	}
	if !strings.HasPrefix(text, "/*") {
		return
	}
	// A block comment: look at the start of each of its lines, past any
	// decoration ("*", "//").
	off := 2
	for _, line := range strings.SplitAfter(text[2:], "\n") {
		lineOff := off
		off += len(line)
		rest := strings.TrimLeft(line, " \t*")
		if strings.HasPrefix(rest, "//") {
			rest = strings.TrimLeft(rest[2:], " \t")
		}
		word, name, ok := splitNearMiss(rest)
		if !ok {
			continue
		}
		pos := slash + token.Pos(lineOff+len(line)-len(rest))
		errs.errorf(pos, "%q in a block comment is not a directive; write %q on a line of its own", word+":"+name, prefix+suggestName(name))
	}
}

// splitNearMiss splits "flows:step ..." into "flows" and "step" when the
// word is close to "flow" and a name follows the colon directly.
func splitNearMiss(s string) (word, name string, ok bool) {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	word = s[:i]
	if !flowish(word) || i+1 >= len(s) || s[i] != ':' {
		return "", "", false
	}
	c := s[i+1]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return "", "", false
	}
	j := i + 1
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	return word, s[i+1 : j], true
}

func flowish(word string) bool {
	w := strings.ToLower(word)
	return w == "flow" || w != "" && w[0] == 'f' && editDistance(w, "flow") <= 1
}

// suggestName is the directive name to propose for a misspelled one: the
// lowercase form when that is a known directive.
func suggestName(name string) string {
	if l := strings.ToLower(name); registry[l] != nil {
		return l
	}
	return name
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions) of two short ASCII strings.
func editDistance(a, b string) int {
	if len(a) > 16 || len(b) > 16 {
		return 17 // far apart; and keeps the table small
	}
	var d [18][18]int
	for i := 0; i <= len(a); i++ {
		d[i][0] = i
	}
	for j := 0; j <= len(b); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
