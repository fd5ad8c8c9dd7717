package cli

import (
	"errors"
	"fmt"

	"github.com/flowc-dev/flowc/rt/internal/alive"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// namespace is the current namespace: --namespace (FLOWC_NAMESPACE) when
// given, "" meaning all of them, else the user's own.
func (e *Env) namespace() string {
	if e.G.Namespace != nil {
		return *e.G.Namespace
	}
	return ns.DefaultNamespace(ns.User())
}

// newRunNamespace is the namespace a new run lands in: the current one,
// except that the global namespace is for reading only, so a run started
// with --namespace "" lands in the user's own.
func (e *Env) newRunNamespace() string {
	if n := e.namespace(); n != "" {
		return n
	}
	return ns.DefaultNamespace(ns.User())
}

// run reads the run record, naming the run when it does not exist and both
// namespaces when it is outside the current one.
func (e *Env) run(st *store.Store, id string) (*store.Run, error) {
	flow := e.Def.Graph.Flow
	r, err := st.GetRun(flow, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("run %q of flow %s not found; list the runs with %q", id, flow, e.Name+" runs --all")
	}
	if err != nil {
		return nil, err
	}
	if err := ns.Check(fmt.Sprintf("run %s of flow %s", id, flow), r.Namespace, e.namespace()); err != nil {
		return nil, err
	}
	return r, nil
}

// status is a run's status for display: a run still marked running whose
// scheduler process is gone (the PID is dead, or is another process now)
// was killed (kill -9, OOM, power loss, reboot) and will never finish.
func status(r *store.Run) string {
	if r.Status == "running" && r.PID > 0 && !alive.Process(r.PID, r.PIDStart) {
		return "killed"
	}
	return r.Status
}
