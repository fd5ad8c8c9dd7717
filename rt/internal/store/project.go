package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

// A project branch's production token (DESIGN §7) is recorded in the
// datastore, where every deployer of the branch finds it:
// _projects/<project>/<branch>/production-token.json. Flows list no
// name starting with '_', so it is no flow. The first create of the
// branch claims it with a conditional create, so two deployers creating
// two flows of a new branch at once end up with one token.

const projectTokenFile = "production-token.json"

type projectToken struct {
	Version string `json:"version"`
	Project string `json:"project"`
	Branch  string `json:"branch"`
	Token   string `json:"token"`
}

func projectTokenKey(project, branch string) (string, error) {
	if err := ValidID("project", project); err != nil {
		return "", err
	}
	if err := ValidID("project branch", branch); err != nil {
		return "", err
	}
	return "_projects/" + project + "/" + branch + "/" + projectTokenFile, nil
}

// ProjectToken returns the production token recorded for a project
// branch, "" when none is.
func (s *Store) ProjectToken(project, branch string) (string, error) {
	key, err := projectTokenKey(project, branch)
	if err != nil {
		return "", err
	}
	b, err := s.b.readFile(key)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", s.b.where(key), err)
	}
	var rec projectToken
	if err := json.Unmarshal(b, &rec); err != nil || rec.Token == "" {
		return "", fmt.Errorf("%s is damaged (%v); delete it, and create again with --authorize TOKEN", s.b.where(key), err)
	}
	if err := checkVersion(s.b.where(key), rec.Version); err != nil {
		return "", err
	}
	return rec.Token, nil
}

// ClaimProjectToken records token for a project branch unless one is
// recorded, and returns the branch's token: token, or the one that was
// there first. With replace (a rotation, by a deployer who held the
// old token) it overwrites.
func (s *Store) ClaimProjectToken(project, branch, token string, replace bool) (string, error) {
	key, err := projectTokenKey(project, branch)
	if err != nil {
		return "", err
	}
	rec, _ := json.Marshal(projectToken{Version: FormatVersion, Project: project, Branch: branch, Token: token})
	rec = append(rec, '\n')
	if replace {
		if err := s.b.put(key, rec); err != nil {
			return "", fmt.Errorf("writing %s: %w", s.b.where(key), err)
		}
		return token, nil
	}
	err = s.b.create(key, rec)
	if errors.Is(err, fs.ErrExist) {
		return s.ProjectToken(project, branch)
	}
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", s.b.where(key), err)
	}
	return token, nil
}
