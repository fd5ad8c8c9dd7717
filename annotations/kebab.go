package annotations

import "strings"

// KebabCase is the default CLI name of a parameter field: MaxGenres →
// max-genres, HTTPPort → http-port, UserID → user-id. A run of capitals is
// one word, except that its last capital starts the next word when a
// lowercase letter follows.
func KebabCase(field string) string {
	var b strings.Builder
	for i := 0; i < len(field); i++ {
		c := field[i]
		if isUpper(c) {
			prevLowerOrDigit := i > 0 && (isLower(field[i-1]) || isDigit(field[i-1]))
			endsAcronym := i > 0 && isUpper(field[i-1]) && i+1 < len(field) && isLower(field[i+1])
			if prevLowerOrDigit || endsAcronym {
				b.WriteByte('-')
			}
			c += 'a' - 'A'
		} else if c == '_' {
			c = '-'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
