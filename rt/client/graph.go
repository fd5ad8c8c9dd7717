package client

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

// Graph is the flow's graph as the binary that started the run carried it
// (steps and their kinds, edges, the split each join closes, directives),
// stored with the run when it started; a reader draws a run with it
// without that binary, even when the flow has changed since. rt.Graph's
// methods (Order, Reachable, SplitOf, ...) answer the same questions on it
// as the binary does. A run started by a flowc that did not store graphs
// has none: the error wraps ErrNotFound.
func (r *Run) Graph(ctx context.Context) (*rt.Graph, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r.c.st.ReadGraph(r.rec.Flow, r.rec.ID)
}
