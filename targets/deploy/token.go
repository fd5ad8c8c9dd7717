package deploy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A production token guards a deployment against being overwritten or
// deleted by accident by someone who did not create it (§7). It is not a
// credential: whoever holds it (in their config dir, or given with
// --authorize) may redeploy; everyone else is told to ask for it. A
// deployment's runs are in namespace production:<token>.

// TokenTag is the key under which a target records the token with the
// deployment (a Step Functions tag; Argo takes it as an annotation value).
const TokenTag = "flowc:production-token"

// Namespace is the namespace of the runs of a deployment holding token.
func Namespace(token string) string { return "production:" + token }

// SharedTokens records the one token of a project branch where every
// deployer of the branch finds it (the datastore, under the project), so
// that the first create of a second flow of the branch uses it instead of
// minting another.
type SharedTokens interface {
	// Get returns the branch's token, "" when none is recorded.
	Get(ctx context.Context, project, branch string) (string, error)
	// Claim records token for the branch unless one is recorded (a
	// create-once write), and returns the branch's token: token, or the
	// one recorded first. With replace it overwrites (a rotation).
	Claim(ctx context.Context, project, branch, token string, replace bool) (string, error)
}

// Tokens resolves and keeps production tokens.
type Tokens struct {
	// Dir is the deployer's token cache, $XDG_CONFIG_HOME/flowc/tokens
	// (DefaultTokenDir).
	Dir string
	// Shared is where project branch tokens are recorded; nil keeps them
	// in Dir alone.
	Shared SharedTokens
	// Rand mints tokens; nil is crypto/rand.
	Rand io.Reader
}

// DefaultTokenDir is the deployer's token cache.
func DefaultTokenDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config dir for production tokens: %v; set XDG_CONFIG_HOME", err)
	}
	return filepath.Join(dir, "flowc", "tokens"), nil
}

// Request is one create (or delete) of a deployment.
type Request struct {
	Deployment Deployment
	// Recorded is the token recorded with the deployment as it exists
	// now; "" when it does not exist (or was made without a token).
	Recorded string
	// Authorize is --authorize: a token the deployer was given.
	Authorize string
	// GenerateNew is --generate-new-token: rotate the token.
	GenerateNew bool
}

// Resolved is the token a create goes on with.
type Resolved struct {
	Token string
	// Minted is true for a token made by this create: print HowToShare.
	Minted bool
	// rotate: the token replaces the project branch's (--generate-new-token).
	rotate bool
}

// Resolve decides the token of a create: the recorded one when the
// deployer holds it, the project branch's shared one for a flow new to
// the branch (when the deployer holds it: cached, or --authorize), a new
// one for a new deployment or branch, and an error naming --authorize
// when the deployer does not hold the token that guards the deployment
// or its branch. The one thing it writes is a new branch's token, claimed
// in Shared (create-once, so that two first creates of a branch agree)
// and cached at once; call Save once the deployment is made.
func (t *Tokens) Resolve(ctx context.Context, r Request) (Resolved, error) {
	if err := checkToken(r.Authorize); err != nil {
		return Resolved{}, err
	}
	res, err := t.resolve(ctx, r)
	if err != nil || !res.Minted || res.rotate {
		return res, err
	}
	d := r.Deployment
	if d.Project == "" || t.Shared == nil {
		return res, nil
	}
	won, err := t.Shared.Claim(ctx, d.Project, d.Branch, res.Token, false)
	if err != nil {
		return Resolved{}, fmt.Errorf("recording the production token of project %q branch %q: %v", d.Project, d.Branch, err)
	}
	if won != res.Token {
		// Another deployer's first create of the branch came first:
		// theirs guards the branch now.
		return t.resolve(ctx, r)
	}
	return res, t.cache(d, res.Token)
}

func (t *Tokens) resolve(ctx context.Context, r Request) (Resolved, error) {
	d := r.Deployment
	branch := ""
	if d.Project != "" && t.Shared != nil {
		tok, err := t.Shared.Get(ctx, d.Project, d.Branch)
		if err != nil {
			return Resolved{}, fmt.Errorf("reading the production token of project %q branch %q: %v", d.Project, d.Branch, err)
		}
		branch = tok
	}
	guard, what := r.Recorded, fmt.Sprintf("deployment %q", d.Name)
	if guard == "" {
		guard, what = branch, fmt.Sprintf("project %q branch %q", d.Project, d.Branch)
	}
	if guard != "" {
		held, err := t.holds(r, guard)
		if err != nil {
			return Resolved{}, err
		}
		// Whoever holds the branch's token may redeploy any flow of the
		// branch, one recorded with an older token (before a rotation)
		// too; the deployment then moves to the branch's token.
		heldBranch := branch != "" && (branch == guard && held || branch != guard && t.holdsQuiet(r, branch))
		if !held && !heldBranch {
			return Resolved{}, fmt.Errorf("%s is guarded by a production token that you do not hold; pass --authorize TOKEN (its deployer was shown it at the first create), or deploy another branch with --branch", what)
		}
		if r.GenerateNew {
			res, err := t.mint(d)
			res.rotate = d.Project != ""
			return res, err
		}
		if heldBranch {
			return Resolved{Token: branch}, nil
		}
		return Resolved{Token: guard}, nil
	}
	if r.GenerateNew {
		return t.mint(d)
	}
	if r.Authorize != "" {
		return Resolved{Token: r.Authorize}, nil
	}
	if cached, err := t.cached(d); err != nil || cached != "" {
		return Resolved{Token: cached}, err
	}
	return t.mint(d)
}

// holdsQuiet is holds, an unreadable cache counting as not holding.
func (t *Tokens) holdsQuiet(r Request, token string) bool {
	held, err := t.holds(r, token)
	return err == nil && held
}

// Authorize checks that the deployer may delete (or otherwise change) a
// deployment whose recorded token is r.Recorded: they hold it, or the
// token of its project branch.
func (t *Tokens) Authorize(ctx context.Context, r Request) error {
	if err := checkToken(r.Authorize); err != nil {
		return err
	}
	if r.Recorded == "" {
		return nil
	}
	held, err := t.holds(r, r.Recorded)
	if err != nil {
		return err
	}
	if d := r.Deployment; !held && d.Project != "" && t.Shared != nil {
		branch, err := t.Shared.Get(ctx, d.Project, d.Branch)
		if err != nil {
			return fmt.Errorf("reading the production token of project %q branch %q: %v", d.Project, d.Branch, err)
		}
		held = branch != "" && t.holdsQuiet(r, branch)
	}
	if !held {
		return fmt.Errorf("deployment %q is guarded by a production token that you do not hold; pass --authorize TOKEN (its deployer was shown it at the first create)", r.Deployment.Name)
	}
	return nil
}

func (t *Tokens) holds(r Request, token string) (bool, error) {
	if r.Authorize == token {
		return true, nil
	}
	cached, err := t.cached(r.Deployment)
	return cached == token, err
}

// Save records the token a create went on with: in the deployer's cache
// and, for a project branch, where the branch's other deployers find it
// (created once; a rotation replaces it).
func (t *Tokens) Save(ctx context.Context, d Deployment, res Resolved) error {
	if err := t.cache(d, res.Token); err != nil {
		return err
	}
	if d.Project != "" && t.Shared != nil {
		if _, err := t.Shared.Claim(ctx, d.Project, d.Branch, res.Token, res.rotate); err != nil {
			return fmt.Errorf("recording the production token of project %q branch %q: %v", d.Project, d.Branch, err)
		}
	}
	return nil
}

// cache writes the deployer's copy of the deployment's token.
func (t *Tokens) cache(d Deployment, token string) error {
	if t.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(t.Dir, 0o700); err != nil {
		return fmt.Errorf("saving the production token: %v", err)
	}
	tmp := t.file(d) + ".tmp"
	if err := os.WriteFile(tmp, []byte(token+"\n"), 0o600); err != nil {
		return fmt.Errorf("saving the production token: %v", err)
	}
	if err := os.Rename(tmp, t.file(d)); err != nil {
		return fmt.Errorf("saving the production token: %v", err)
	}
	return nil
}

// cached is the deployer's copy of the deployment's token, "" if none.
func (t *Tokens) cached(d Deployment) (string, error) {
	if t.Dir == "" {
		return "", nil
	}
	b, err := os.ReadFile(t.file(d))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the production token: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (t *Tokens) file(d Deployment) string { return filepath.Join(t.Dir, d.TokenKey) }

// tokenAlphabet has no look-alikes, so a token read aloud or retyped
// survives.
const tokenAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// mint makes a token: a readable prefix from the deployment and 12
// random characters (about 59 bits).
func (t *Tokens) mint(d Deployment) (Resolved, error) {
	src := t.Rand
	if src == nil {
		src = rand.Reader
	}
	buf := make([]byte, 12)
	if _, err := io.ReadFull(src, buf); err != nil {
		return Resolved{}, fmt.Errorf("minting a production token: %v", err)
	}
	for i, c := range buf {
		buf[i] = tokenAlphabet[int(c)%len(tokenAlphabet)]
	}
	prefix := d.Name
	if d.Project != "" {
		prefix = d.Project
	}
	prefix = strings.ToLower(Map(prefix, func(r rune) bool { return r < 128 && (r == '-' || nameRune(r) && r != '.' && r != '_') }, '-', 24))
	return Resolved{Token: prefix + "-" + string(buf), Minted: true}, nil
}

// checkToken refuses an --authorize value no token can have.
func checkToken(s string) error {
	if s == "" {
		return nil
	}
	if len(s) > 64 || strings.ContainsAny(s, " \t\n:/\\") {
		return fmt.Errorf("--authorize %q is not a production token; pass the token as create printed it", s)
	}
	return nil
}

// HowToShare is the message printed with a newly minted token.
func HowToShare(d Deployment, token, cmd string) string {
	who := fmt.Sprintf("deployment %q", d.Name)
	if d.Project != "" {
		who = fmt.Sprintf("project %q branch %q", d.Project, d.Branch)
	}
	return fmt.Sprintf("A new production token was generated for %s: %s\n"+
		"Its runs are in namespace %s. It is saved in your config dir; to let someone\n"+
		"else redeploy or delete it, give them the token, to be passed as\n"+
		"    %s --authorize %s\n", who, token, Namespace(token), cmd, token)
}
