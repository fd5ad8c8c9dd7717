package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Issue 8 (seams): the flow's graph is stored with each run, so a reader
// draws a run without the binary. graphReaderSrc prints, for each run id
// it is given, Run.Graph() as JSON with its order as rt computes it, or the
// error and whether it is ErrNotFound.
const graphReaderSrc = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
)

type out struct {
	Graph    *rt.Graph
	Order    []string
	Err      string
	NotFound bool
}

func main() {
	ctx := context.Background()
	c, err := client.New(client.FromEnv())
	if err != nil {
		panic(err)
	}
	var res []out
	for _, id := range os.Args[2:] {
		run, err := c.Flow(os.Args[1]).Run(ctx, id)
		if err != nil {
			panic(err)
		}
		g, err := run.Graph(ctx)
		if err != nil {
			res = append(res, out{Err: err.Error(), NotFound: errors.Is(err, client.ErrNotFound)})
			continue
		}
		res = append(res, out{Graph: g, Order: g.Order()})
	}
	json.NewEncoder(os.Stdout).Encode(res)
}
`

func TestRunGraphStored(t *testing.T) {
	m := newModule(t, map[string]string{"reader/main.go": graphReaderSrc})
	m.goCmd("build", "-o", m.path("reader/reader"), "./reader")
	b := hcExample(t, "flaky")

	ran := b.okRun()
	failed, r := b.runFlow([]string{"FLAKY_FAIL_END=1"})
	if r.code != 1 {
		t.Fatalf("FLAKY_FAIL_END=1 run: %s", r)
	}
	b.ok("resume", "--origin-run-id", failed)
	resumed := b.runsIDs()[0]
	// A run of an older flowc has no stored graph.
	old := b.okRun()
	if err := os.Remove(filepath.Join(b.dir, ".flowc", "FlakyFlow", old, "_graph.json")); err != nil {
		t.Fatalf("the run has no _graph.json beside its record: %v", err)
	}

	res := execIn(t, b.dir, hcEnv(b.env...), m.path("reader/reader"), "FlakyFlow", ran, failed, resumed, old)
	if res.code != 0 {
		t.Fatalf("reader: %s", res)
	}
	var got []struct {
		Graph    json.RawMessage
		Order    []string
		Err      string
		NotFound bool
	}
	hcJSON(t, res.stdout, &got)
	var want any
	hcJSON(t, b.ok("show", "--format", "json").stdout, &want)
	wantOrder := []string{"Start", "Unstable", "Square", "Join", "Sleepy", "End"}
	for i, id := range []string{ran, failed, resumed} {
		var g any
		if err := json.Unmarshal(got[i].Graph, &g); err != nil || !reflect.DeepEqual(g, want) {
			t.Errorf("Run(%s).Graph() = %s (%v); want what show --format json prints", id, got[i].Graph, err)
		}
		if !reflect.DeepEqual(got[i].Order, wantOrder) {
			t.Errorf("the stored graph of run %s orders its steps %v; want %v", id, got[i].Order, wantOrder)
		}
	}
	if o := got[3]; !o.NotFound || !strings.Contains(o.Err, "graph of run") {
		t.Errorf("Graph() of a run without a stored graph: %q (not found: %v); want an error wrapping ErrNotFound", o.Err, o.NotFound)
	}
}
