package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/spin"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// namespace is the current namespace: --namespace (FLOWC_NAMESPACE) when
// given, "" meaning all of them, else the user's own.
func (e *Env) namespace() string { return e.G.cfg.Namespace }

// newRunNamespace is the namespace a new run lands in: the current one,
// except that the global namespace is for reading only, so a run started
// with --namespace "" lands in the user's own.
func (e *Env) newRunNamespace() string {
	if n := e.namespace(); n != "" {
		return n
	}
	return ns.DefaultNamespace(e.G.cfg.User)
}

// clientIn is a reader of the datastore the globals name, in namespace ns
// ("" for all). It opens nothing for writing: a missing root reads as "no
// runs" instead of being created.
func (e *Env) clientIn(namespace string) (*client.Client, error) {
	// The settings are resolved already; the client gets them whole.
	c := e.G.cfg
	opts := []client.Option{client.WithNamespace(namespace), client.WithMetadata(c.Metadata),
		client.WithS3PathStyle(c.PathStyle)}
	if c.Root != "" {
		opts = append(opts, client.WithRoot(c.Root))
	}
	return client.New(opts...)
}

// clientRun looks run id up through rt/client in the current namespace,
// with the CLI's wording when it does not exist.
func (e *Env) clientRun(id string) (*client.Run, error) {
	if err := store.ValidID("run id", id); err != nil {
		return nil, err
	}
	cl, err := e.clientIn(e.namespace())
	if err != nil {
		return nil, err
	}
	r, err := cl.Flow(e.Def.Graph.Flow).Run(e.Ctx, id)
	if errors.Is(err, client.ErrNotFound) {
		return nil, e.noRun(id)
	}
	return r, err
}

func (e *Env) noRun(id string) error {
	if strings.HasPrefix(id, store.ScratchPrefix) {
		// runs never lists scratch runs: send the user to spin instead.
		return fmt.Errorf("scratch run %q of flow %s not found: only the newest %d scratch runs are kept; spin the task again", id, e.Def.Graph.Flow, spin.KeepScratch)
	}
	return fmt.Errorf("run %q of flow %s not found; list the runs with %q", id, e.Def.Graph.Flow, e.Name+" runs --all")
}
