package task_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/rt"
)

// A foreach over a large field stores its items in chunks too, and each
// body decodes only its own item from one chunk (issue 7 item 21: the
// bodies no longer decode, re-encode and hash the whole field, which made
// a run's cost grow with the square of its width). The item is right at
// every chunk boundary, the field passes through the body by hash, and a
// lost chunk, or a body that uses the field itself, reads the field whole.
func TestForeachSplitChunks(t *testing.T) {
	h := newHarness(t)
	const n = 20000 // about 110 KB of JSON: several chunks
	h.def.Steps[2].Run = func(ctx context.Context, f any, c rt.StepCall) error {
		x := f.(*taskFlow)
		for i := range n {
			x.Items = append(x.Items, 3*i)
		}
		return nil
	}
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	h.mustExec(h.spec("Fan", "2", "Start/1"))
	fan := h.data("Fan", "2")
	sp := fan.Splits
	if sp == nil || sp.Field != "Items" || len(sp.Chunks) < 3 || sp.Chunks[0].Start != 0 {
		t.Fatalf("Fan's data.json splits = %+v; want several chunks of Items from 0", sp)
	}
	var indices []int
	for _, c := range sp.Chunks[1:] {
		indices = append(indices, c.Start-1, c.Start)
	}
	indices = append(indices, 0, n-1)

	body := func(id, i int) {
		t.Helper()
		s := h.spec("Body", fmt.Sprint(id), "Fan/2")
		s.SplitIndex = i
		h.mustExec(s)
		var v taskFlow
		if err := h.io.Decode(&v, &h.def.Fields[h.io.Field("Item")], h.data("Body", fmt.Sprint(id)).Artifacts["Item"]); err != nil {
			t.Fatal(err)
		}
		if v.Item != 3*i+i {
			t.Errorf("body %d: Item = %d, want %d", i, v.Item, 4*i)
		}
		if got := h.data("Body", fmt.Sprint(id)).Artifacts["Items"].Hash; got != fan.Artifacts["Items"].Hash {
			t.Errorf("body %d: Items was re-encoded (hash %s, Fan's %s)", i, got, fan.Artifacts["Items"].Hash)
		}
	}
	// With the whole field out of reach, only the chunks can serve.
	whole := filepath.Join(h.st.Root(), "TaskFlow", "data", fan.Artifacts["Items"].Hash[:2], fan.Artifacts["Items"].Hash)
	if err := os.Rename(whole, whole+".away"); err != nil {
		t.Fatal(err)
	}
	id := 10
	for _, i := range indices {
		body(id, i)
		id++
	}
	if err := os.Rename(whole+".away", whole); err != nil {
		t.Fatal(err)
	}

	// A body that uses the field reads it whole.
	h.def.Graph.Step("Body").Uses = []string{"Item", "Items"}
	body(id, sp.Chunks[1].Start+1)
	id++
	h.def.Graph.Step("Body").Uses = []string{"Item"}

	// A lost chunk: the body reads the field whole.
	c := sp.Chunks[len(sp.Chunks)-1]
	if err := os.Remove(filepath.Join(h.st.Root(), "TaskFlow", "data", c.Hash[:2], c.Hash)); err != nil {
		t.Fatal(err)
	}
	body(id, n-2)
}

// A small foreach field has no chunks: reading it whole costs no more.
func TestForeachSmallNoChunks(t *testing.T) {
	h := newHarness(t)
	h.mustExec(h.spec("Start", "1", "_parameters/0"))
	h.mustExec(h.spec("Fan", "2", "Start/1"))
	if sp := h.data("Fan", "2").Splits; sp != nil {
		t.Errorf("3 items: splits = %+v, want none", sp)
	}
}
