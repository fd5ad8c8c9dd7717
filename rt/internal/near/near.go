// Package near suggests the name a user probably meant: step names are Go
// method names, so "start" for "Start" is the usual slip, and a typo the
// next. The CLI and rt/client share it so both suggest the same.
package near

import "strings"

// Match returns the candidate closest to name: one equal but for case,
// else one within an edit distance of 2 ignoring case (1 for names of 4
// letters or fewer, so "A" does not suggest "B"); "" when none is close.
func Match(name string, candidates []string) string {
	lower := strings.ToLower(name)
	best, bestD := "", 0
	for _, c := range candidates {
		if strings.ToLower(c) == lower {
			return c
		}
		limit := 2
		if len(c) <= 4 {
			limit = 1
		}
		if len(c) <= 1 {
			continue
		}
		if d := distance(lower, strings.ToLower(c)); d <= limit && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the edit distance between a and b counting a swap of two
// neighbours as one edit (optimal string alignment), over bytes: step names
// are Go identifiers, mostly ASCII.
func distance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}
