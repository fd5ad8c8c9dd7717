package merge_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// A value no branch changed since the split is decoded once for all the
// inputs of a join, not once per input (issue 7 item 21: a join over a
// foreach of n items decoded the n-item list n times). With its blob gone
// after the first input, the other inputs still read it; a join that
// assigns to one input's field does not change the others'.
func TestSourceLoadSharesUnchanged(t *testing.T) {
	x := newFixture(t)
	list := []string{"a", "b", "c"}
	base := x.data(&joinFlow{List: list})
	var ins []*store.TaskData
	for i := range 3 {
		ins = append(ins, x.data(&joinFlow{A: i, List: list}))
	}
	src, loads := x.source(base, ins...)
	first, err := src.Load(0)
	if err != nil {
		t.Fatal(err)
	}
	h := base.Artifacts["List"].Hash
	if err := os.Remove(filepath.Join(x.io.St.Root(), "JoinFlow", "data", h[:2], h)); err != nil {
		t.Fatal(err)
	}
	first.(*joinFlow).List = nil // the join changes its copy of input 0
	for i := 1; i < 3; i++ {
		v, err := src.Load(i)
		if err != nil {
			t.Fatalf("input %d, with the unchanged value's blob gone: %v", i, err)
		}
		if got := v.(*joinFlow); got.A != i || !reflect.DeepEqual(got.List, list) {
			t.Errorf("input %d = %+v, want A %d and List %v", i, got, i, list)
		}
	}
	if *loads != 1 {
		t.Errorf("the split base was loaded %d times, want once", *loads)
	}
}
