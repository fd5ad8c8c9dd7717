package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/ui"
)

// uiCmd serves the run browser over a datastore without any flow's binary:
// runs are drawn with the graph stored with them (runs from before runs
// stored it, from the steps they ran).
type uiCmd struct {
	Listen        string  `default:"127.0.0.1:8324" env:"FLOWC_LISTEN" placeholder:"HOST:PORT" help:"Address to serve on (off loopback a token is required; one is made and printed when --token is not given)."`
	Token         string  `env:"FLOWC_UI_TOKEN" placeholder:"TOKEN" help:"Token every request must carry (default: none on loopback, a random one elsewhere)."`
	DatastoreRoot string  `env:"FLOWC_DATASTORE_ROOT" placeholder:"DIR" help:"Datastore root (default: .flowc in the working directory or its nearest parent that has one)."`
	Namespace     *string `env:"FLOWC_NAMESPACE" placeholder:"NS" help:"Namespace to show (default user:<name>; \"\" shows all)."`
}

func (c *uiCmd) Run(e *env) error {
	opts := []client.Option{client.FromEnv()}
	if c.DatastoreRoot != "" {
		opts = append(opts, client.WithRoot(c.DatastoreRoot))
	}
	if c.Namespace != nil {
		opts = append(opts, client.WithNamespace(*c.Namespace))
	}
	cl, err := client.New(opts...)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := ui.Options{Listen: c.Listen, Token: c.Token, Reopen: func() (*client.Client, error) { return client.New(opts...) }}
	if opt.Token == "" && !ui.Loopback(opt.Listen) {
		opt.Token = ui.NewToken()
	}
	return ui.Serve(ctx, cl, opt, e.stdout)
}
