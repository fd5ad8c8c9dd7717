package deploy

import (
	"fmt"
	"strings"
)

// Naming is what picks a deployment's name: the flow, its //flow:project,
// and the deployer's choice of branch.
type Naming struct {
	Flow       string // the flow's name
	Project    string // //flow:project name, "" when none
	User       string // the deployer (FLOWC_USER or the OS user)
	Branch     string // --branch, "" when not given
	Production bool   // --production
}

// Deployment is a deployment's identity.
type Deployment struct {
	// Name is the deployment's name before any engine's limits:
	// p.user.<name>.<Flow>, p.test.<branch>.<Flow>, p.prod.<Flow>,
	// p.prod.<branch>.<Flow>, or the flow's name without a project.
	Name string
	// Project and Branch are the project and its branch ("user.alice",
	// "test.b", "prod", "prod.b"), "" without a project. Tasks see them in
	// rt.Current; runs carry them as project: and project_branch: tags.
	Project, Branch string
	// TokenKey names the production token: all flows of one project branch
	// share one; without a project each deployment has its own.
	TokenKey string
}

// Name computes the deployment of n (§7). --branch and --production need
// a project: without one there is no branch to put a deployment in.
func Name(n Naming) (Deployment, error) {
	if n.Project == "" {
		switch {
		case n.Branch != "":
			return Deployment{}, fmt.Errorf("--branch %q needs a //flow:project on flow %q; add one, or drop --branch", n.Branch, n.Flow)
		case n.Production:
			return Deployment{}, fmt.Errorf("--production needs a //flow:project on flow %q; add one, or drop --production", n.Flow)
		}
		return Deployment{Name: n.Flow, TokenKey: "flow." + n.Flow}, nil
	}
	if err := checkPart("project", n.Project); err != nil {
		return Deployment{}, err
	}
	var branch string
	switch {
	case n.Production && n.Branch != "":
		branch = "prod." + n.Branch
	case n.Production:
		branch = "prod"
	case n.Branch != "":
		branch = "test." + n.Branch
	default:
		branch = "user." + userPart(n.User)
	}
	if n.Branch != "" {
		if err := checkPart("--branch", n.Branch); err != nil {
			return Deployment{}, err
		}
	}
	return Deployment{
		Name:     n.Project + "." + branch + "." + n.Flow,
		Project:  n.Project,
		Branch:   branch,
		TokenKey: "project." + n.Project + "." + branch,
	}, nil
}

// checkPart refuses a project or branch name that would make the
// deployment name ambiguous or unusable as a tag or label value.
func checkPart(what, s string) error {
	for _, r := range s {
		if !nameRune(r) || r == '.' {
			return fmt.Errorf("%s %q has %q; use letters, digits, '-' and '_'", what, s, r)
		}
	}
	if s == "" {
		return fmt.Errorf("%s is empty; give a name", what)
	}
	return nil
}

// userPart is the deployer's name as a deployment name takes it: an e-mail
// address or DOMAIN\name keeps its letters and digits, lowercased, the rest
// becoming '_'.
func userPart(u string) string {
	u = strings.ToLower(u)
	var b strings.Builder
	for _, r := range u {
		if nameRune(r) && r != '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "unknown"
	}
	return b.String()
}

func nameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
}

// Tags are the system tags a deployment's runs carry.
func (d Deployment) Tags() []string {
	if d.Project == "" {
		return nil
	}
	return []string{"project:" + d.Project, "project_branch:" + d.Branch}
}
