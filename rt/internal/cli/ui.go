//go:build !flowc_nodeploy

package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/ui"
)

type uiCmd struct {
	Listen string `default:"127.0.0.1:8324" placeholder:"HOST:PORT" help:"Address to serve the run browser on (off loopback a token is required; one is made and printed when --token is not given)."`
	Token  string `env:"FLOWC_UI_TOKEN" placeholder:"TOKEN" help:"Token every request must carry (default: none on loopback, a random one elsewhere)."`
}

// Run serves the run browser over the datastore. Runs are drawn with the
// graph stored with them; this binary's graph stands in for its own flow's
// runs from before runs stored it. It stops on Ctrl-C or SIGTERM.
func (c *uiCmd) Run(e *Env) error {
	cl, err := e.clientIn(e.namespace())
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(e.Ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	reopen := func() (*client.Client, error) { return e.clientIn(e.namespace()) }
	opt := ui.Options{Listen: c.Listen, Token: c.Token, Reopen: reopen, Graph: func(_ context.Context, r *client.Run) (*rt.Graph, error) {
		if r.Flow() == e.Def.Graph.Flow {
			return e.Def.Graph, nil
		}
		return nil, nil
	}}
	if opt.Token == "" && !ui.Loopback(opt.Listen) {
		opt.Token = ui.NewToken()
	}
	return ui.Serve(ctx, cl, opt, e.Stdout)
}
