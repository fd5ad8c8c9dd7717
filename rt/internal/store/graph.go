package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/flowc-dev/flowc/rt"
)

// graphFile is <Flow>/<run>/_graph.json: the flow's graph (rt.Graph's
// JSON, with its version) as the binary that started the run carried it,
// so a reader (the client, a run browser) can draw a run without that
// binary, whatever version of the flow it is reading.
const graphFile = "_graph.json"

// PutGraph stores g with run. The run's starter writes it once, at the
// start: `run` and `resume` for a local run, the Start task for a run a
// cloud scheduler started. It is one small object, written whole (one PUT
// on S3).
func (s *Store) PutGraph(g *rt.Graph, run string) error {
	flow := g.Flow
	if err := validRun(flow, run); err != nil {
		return err
	}
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("encoding the graph of flow %s: %w", flow, err)
	}
	if err := s.b.put(runKey(flow, run)+"/"+graphFile, append(b, '\n')); err != nil {
		return fmt.Errorf("storing the graph of run %q: %w", flow+"/"+run, err)
	}
	return nil
}

// ReadGraph reads the graph of a run; a run started before runs stored
// their graph has none (ErrNotFound), and a graph of a newer format than
// this binary's is refused (rt.Graph.UnmarshalJSON).
func (s *Store) ReadGraph(flow, run string) (*rt.Graph, error) {
	if err := validRun(flow, run); err != nil {
		return nil, err
	}
	b, err := s.b.readFile(runKey(flow, run) + "/" + graphFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("graph of run %q %w (the run was started by a flowc that did not store it)", flow+"/"+run, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the graph of run %q: %w", flow+"/"+run, err)
	}
	g := new(rt.Graph)
	if err := json.Unmarshal(b, g); err != nil {
		return nil, fmt.Errorf("graph %q: %w", s.b.where(runKey(flow, run)+"/"+graphFile), err)
	}
	return g, nil
}
