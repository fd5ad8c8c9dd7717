package argo

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/targets/deploy"
)

// Kubernetes' limits on the names this target writes.
const (
	// maxObjectName bounds the WorkflowTemplate's name, which the
	// CronWorkflow shares: a CronWorkflow name has at most 52 characters,
	// since the controller appends a 10-character timestamp to name the
	// workflows it starts, and those names are label values (63).
	maxObjectName = 52
	// maxLabelValue is a label value's limit.
	maxLabelValue = 63
	// maxTemplateName bounds template and DAG task names: Argo builds pod
	// names from them, and keeps them readable when they are short.
	maxTemplateName = 40
)

// objectName is name as a Kubernetes object name within max characters:
// a DNS-1123 subdomain (dot-separated parts of lowercase letters, digits
// and '-', each alphanumeric at both ends). Lowercasing keeps the name
// readable; any other character becomes '-', each part is trimmed of its
// '-' ("a.-b", "-x", "a..b" are not names), and when anything but case
// changed the hash of the original is appended, once, so two deployment
// names never meet in one (as deploy.Map does).
func objectName(name string, max int) string {
	lower := strings.ToLower(name)
	mapped := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, lower)
	var parts []string
	for _, p := range strings.Split(mapped, ".") {
		if p = strings.Trim(p, "-"); p != "" {
			parts = append(parts, p)
		}
	}
	out := strings.Join(parts, ".")
	if out == lower {
		return deploy.Shorten(out, max)
	}
	// The hash of the lowercased name, as deploy.Map took it: the names
	// of existing deployments stay what they were.
	hash := deploy.Hash(lower)
	if keep := max - len(hash) - 1; len(out) > keep {
		out = strings.TrimRight(out[:keep], "-.")
	}
	if out == "" {
		return hash
	}
	return out + "-" + hash
}

// subdomainError says why name is not a DNS-1123 subdomain (dot-separated
// parts of lowercase letters, digits and '-', alphanumeric at both ends),
// "" if it is one. Lengths are the caller's to check.
func subdomainError(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(alnum(c) || c == '-' || c == '.') {
			return fmt.Sprintf("has %q; Kubernetes names are lowercase letters, digits, '-' and '.'", c)
		}
	}
	for _, p := range strings.Split(name, ".") {
		if p == "" || !alnum(p[0]) || !alnum(p[len(p)-1]) {
			return "must start and end with a letter or digit, as must each part between dots"
		}
	}
	return ""
}

// templateName is a template or DAG task name: [a-z0-9-], within
// maxTemplateName, alphanumeric at the start.
func templateName(parts ...string) string {
	name := strings.ToLower(strings.Join(parts, "-"))
	ok := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }
	out := deploy.Map(name, ok, '-', maxTemplateName)
	if out == "" || !alnum(out[0]) {
		out = "s" + out
	}
	return out
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// labelValue is v within a label value's rules, or an error naming what.
func labelValue(what, v string) (string, error) {
	out := objectName(v, maxLabelValue)
	if out == "" {
		return "", fmt.Errorf("%s %q gives an empty Kubernetes label value; use letters or digits in it", what, v)
	}
	return out, nil
}

// CheckName reports whether name is a DNS-1123 subdomain within max
// characters, as the API server checks object names (a service account's
// among them).
func CheckName(what, name string, max int) error {
	if name == "" || len(name) > max {
		return fmt.Errorf("%s %q is not 1 to %d characters", what, name, max)
	}
	if why := subdomainError(name); why != "" {
		return fmt.Errorf("%s %q %s", what, name, why)
	}
	return nil
}

// CheckNamespace reports whether name is a Kubernetes namespace name: a
// DNS-1123 label (no dots) within 63 characters.
func CheckNamespace(what, name string) error {
	if err := CheckName(what, name, maxLabelValue); err != nil {
		return err
	}
	if strings.Contains(name, ".") {
		return fmt.Errorf("%s %q has '.'; a Kubernetes namespace is lowercase letters, digits and '-'", what, name)
	}
	return nil
}
