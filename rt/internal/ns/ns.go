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

	"github.com/flowc-dev/flowc/internal/mdapi"
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

// ValidTag checks a user tag by the metadata service's rule (mdapi.ValidTag:
// one non-blank line of printable text, at most mdapi.MaxTagLen bytes), so
// a tag the local datastore takes, the service takes too. what names where
// it came from ("--tag", "tag") for the message.
func ValidTag(what, t string) error {
	if err := mdapi.ValidTag(t); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
