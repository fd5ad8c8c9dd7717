package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
)

// A run's graph reads back as it was stored; a graph of a newer format is
// refused, and a run without one is not found.
func TestRunGraph(t *testing.T) {
	s := newStore(t)
	id, err := s.NewRun(&Run{Flow: "F", Status: "running"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadGraph("F", id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReadGraph before PutGraph: %v", err)
	}
	g := &rt.Graph{Flow: "F", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindStart, Next: []string{"End"}},
		{Name: "End", Kind: rt.KindEnd},
	}}
	g.Link()
	if err := s.PutGraph(g, id); err != nil {
		t.Fatal(err)
	}
	back, err := s.ReadGraph("F", id)
	if err != nil || back.Flow != "F" || len(back.Steps) != 2 || back.Step("End").In[0] != "Start" {
		t.Fatalf("ReadGraph = %+v, %v", back, err)
	}
	file := filepath.Join(s.Root(), "F", id, "_graph.json")
	if err := os.WriteFile(file, []byte(`{"version":99,"flow":"F","steps":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadGraph("F", id); err == nil || !strings.Contains(err.Error(), "newer than this binary's") {
		t.Errorf("ReadGraph of a newer graph format: %v", err)
	}
	if ids, err := s.ListSteps("F", id); err != nil || len(ids) != 0 {
		t.Errorf("ListSteps sees the graph as a step: %v, %v", ids, err)
	}
}
