// Package ns holds flowc's namespace rules: who the current user is, which
// namespace a run lands in by default, and whether a run is visible from the
// current namespace. The CLI and rt/client share it so both give the same
// answers and the same error text.
package ns

import (
	"fmt"
	"os"
	"os/user"
	"strings"
	"unicode/utf8"
)

// Version is the runtime version recorded in every run's system tags.
const Version = "0.1.0"

// User returns the current user: FLOWC_USER, else the OS user, else
// "unknown". A lookup failure is not an error: a run must still start in a
// container that has no passwd entry for its uid.
func User() string {
	if u := strings.TrimSpace(os.Getenv("FLOWC_USER")); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		name := u.Username
		// Windows reports DOMAIN\name; the namespace should not carry the domain.
		if i := strings.LastIndexByte(name, '\\'); i >= 0 {
			name = name[i+1:]
		}
		if name != "" {
			return name
		}
	}
	return "unknown"
}

// DefaultNamespace is the namespace a user's local runs land in.
func DefaultNamespace(user string) string { return "user:" + user }

// Visible reports whether a run in runNamespace can be seen from current.
// The empty current namespace is the global one and sees everything.
func Visible(runNamespace, current string) bool {
	return current == "" || runNamespace == current
}

// SysTags are the tags the runtime puts on every run; users cannot remove them.
func SysTags(user, runtimeVersion string) []string {
	return []string{"user:" + user, "runtime:flowc-" + runtimeVersion}
}

// NotInNamespace is the error for an object that exists but lives outside
// the current namespace. It names both namespaces and how to reach the
// object, since "not found" would send the user looking in the wrong place.
type NotInNamespace struct {
	What      string // the object, e.g. `run 12 of flow "X"`
	Namespace string // the object's namespace
	Current   string // the current namespace
}

func (e *NotInNamespace) Error() string {
	return fmt.Sprintf("%s is in namespace %q, not in the current namespace %q; pass --namespace %s or --namespace \"\" for all namespaces",
		e.What, e.Namespace, e.Current, quoteArg(e.Namespace))
}

// Check returns a *NotInNamespace for what unless runNamespace is visible
// from current.
func Check(what, runNamespace, current string) error {
	if Visible(runNamespace, current) {
		return nil
	}
	return &NotInNamespace{What: what, Namespace: runNamespace, Current: current}
}

// quoteArg quotes a namespace for a shell command line only when it needs it,
// so the common "user:bob" reads as typed.
func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'\\$`!*?;&|<>()[]{}#~") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// MaxTagBytes is the longest user tag, as in Metaflow (its MAX_TAG_SIZE):
// tags are labels to list and filter runs by, and every run record, run
// index entry and metadata-service row carries them.
const MaxTagBytes = 500

// ValidTag checks a user tag: one non-blank line of at most MaxTagBytes.
// what names where it came from ("--tag", "tag") for the message.
func ValidTag(what, t string) error {
	if len(t) > MaxTagBytes {
		cut := 40
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		return fmt.Errorf("%s %q... is %d bytes long; a tag is at most %d, shorten it", what, t[:cut], len(t), MaxTagBytes)
	}
	if strings.TrimSpace(t) == "" || strings.ContainsAny(t, "\n\r") {
		return fmt.Errorf("%s %q is not a tag; tags are one non-blank line", what, t)
	}
	return nil
}
