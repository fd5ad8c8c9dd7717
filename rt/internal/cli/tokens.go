//go:build !flowc_nodeploy

package cli

import (
	"context"

	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// tokenStore is where both targets keep production tokens (DESIGN §7):
// the deployer's config dir and, with the S3 datastore the deployment's
// tasks use, the project branches' shared tokens in that datastore, where
// every deployer of the branch finds them.
func tokenStore(e *Env) (*deploy.Tokens, error) {
	dir, err := deploy.DefaultTokenDir()
	if err != nil {
		return nil, err
	}
	t := &deploy.Tokens{Dir: dir}
	if e.G.cfg.Datastore == "s3" && e.Def.Graph.Project != "" {
		st, err := e.OpenStore()
		if err != nil {
			return nil, err
		}
		t.Shared = datastoreTokens{st}
	}
	return t, nil
}

// datastoreTokens is deploy.SharedTokens on the datastore.
type datastoreTokens struct{ st *store.Store }

func (d datastoreTokens) Get(_ context.Context, project, branch string) (string, error) {
	return d.st.ProjectToken(project, branch)
}

func (d datastoreTokens) Claim(_ context.Context, project, branch, token string, replace bool) (string, error) {
	return d.st.ClaimProjectToken(project, branch, token, replace)
}
