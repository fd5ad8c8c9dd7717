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
// DNS-1123 (lowercase letters, digits, '-' and '.', alphanumeric at both
// ends). Lowercasing keeps the name readable; any other character becomes
// '-' and the hash of the original is appended (deploy.Map), so two
// deployment names never meet in one.
func objectName(name string, max int) string {
	lower := strings.ToLower(name)
	ok := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' }
	out := deploy.Map(lower, ok, '-', max)
	if out != "" && !alnum(out[0]) || out != "" && !alnum(out[len(out)-1]) {
		out = strings.Trim(out, "-.")
		out = deploy.Shorten(out+"-"+deploy.Hash(name), max)
	}
	return out
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
// characters, as the API server checks object names.
func CheckName(what, name string, max int) error {
	if name == "" || len(name) > max {
		return fmt.Errorf("%s %q is not 1 to %d characters", what, name, max)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(alnum(c) || c == '-' || c == '.') {
			return fmt.Errorf("%s %q has %q; Kubernetes names are lowercase letters, digits, '-' and '.'", what, name, c)
		}
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return fmt.Errorf("%s %q must start and end with a letter or digit", what, name)
	}
	return nil
}
