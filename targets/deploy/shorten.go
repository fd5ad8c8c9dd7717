package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// hashLen is the number of hex digits of the hash a shortened or mapped
// name ends with: 32 bits, enough that two names of one account that
// share a long prefix do not meet by accident.
const hashLen = 8

// Hash is the short hash Shorten and Map append: the first hashLen hex
// digits of the SHA-256 of s.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:hashLen]
}

// Shorten returns name when it has at most max bytes, else a prefix of it
// followed by "-" and the hash of the whole name, max bytes in all. The
// result depends on name alone, so every create of a deployment finds the
// objects the previous one made. max must exceed hashLen+1.
func Shorten(name string, max int) string {
	if len(name) <= max {
		return name
	}
	keep := max - hashLen - 1
	return strings.TrimRight(name[:keep], "-_.") + "-" + Hash(name)
}

// Map rewrites name for an engine that allows fewer characters: every
// rune that ok refuses becomes repl. When anything was rewritten, the hash
// of the original is appended, so "a.b" and "a_b" stay two names. The
// result is then shortened to max (Shorten).
func Map(name string, ok func(r rune) bool, repl rune, max int) string {
	var b strings.Builder
	changed := false
	for _, r := range name {
		if ok(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteRune(repl)
		changed = true
	}
	out := b.String()
	if changed {
		out += string(repl) + Hash(name)
		if len(out) > max {
			// Shorten over the original, so the hash still names it.
			keep := max - hashLen - 1
			return strings.TrimRight(out[:keep], string(repl)) + string(repl) + Hash(name)
		}
		return out
	}
	return Shorten(out, max)
}
