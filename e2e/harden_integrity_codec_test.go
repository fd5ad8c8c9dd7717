package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestIntegrityValueSizes (issue 7 item 0): values of every encoding, at,
// below and above each buffer size, are stored by one task process and
// read back by another exactly as made; dump shows them as stored.
// Before the fix every JSON value over 32 KiB was stored garbled.
func TestIntegrityValueSizes(t *testing.T) {
	b := integrityBin(t, "sizes")
	id, r := b.tryRun()
	if r.code != 0 {
		t.Fatalf("run:\n%s", r)
	}
	var sizes []int
	b.dump(id+"/Join", &sizes, "--artifact", "Sizes2")
	want := []int{0, 1, 4095, 4096, 4097, 32767, 32768, 32769, 65543, 1048575, 1048576, 1048577, 5000003}
	if !slices.Equal(sizes, want) {
		t.Errorf("sizes checked %v, want %v", sizes, want)
	}
	// The CLI reads what the tasks wrote: the one-token JSON list is exactly
	// its size, and a long list of numbers is whole.
	for _, task := range b.tasksOf("SizesFlow", id, "Make") {
		var v struct {
			Size int
			Strs []string
			Ints []int
		}
		b.dump(id+"/Make/"+task, &v)
		if js, _ := json.Marshal(v.Strs); v.Size >= 4 && len(js) != v.Size {
			t.Errorf("Make/%s (size %d): Strs dumps as %d bytes", task, v.Size, len(js))
		}
		for i, n := range v.Ints {
			if n != i*7919 {
				t.Errorf("Make/%s (size %d): Ints[%d] = %d, want %d", task, v.Size, i, n, i*7919)
				break
			}
		}
	}
}

// TestIntegrityForeach10000 (issue 7 item 0): a foreach over 10,000 items,
// whose list is a 49 KB JSON value; before the fix its first body task
// failed reading a list that started with ",6776,6777".
func TestIntegrityForeach10000(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 task processes; run without -short")
	}
	b := integrityBin(t, "many")
	id, r := b.tryRun("--max-num-splits", "10000")
	if r.code != 0 {
		t.Fatalf("run:\n%s", r)
	}
	var got struct{ Sum, Count int }
	b.dump(id+"/Join", &got)
	want := 0
	for i := range 10000 {
		want += i * i
	}
	if got.Count != 10000 || got.Sum != want {
		t.Errorf("join saw %d items summing to %d; want 10000 summing to %d", got.Count, got.Sum, want)
	}
	var items []int
	b.dump(id+"/Start", &items, "--artifact", "Items")
	if len(items) != 10000 || items[0] != 0 || items[9999] != 9999 {
		t.Errorf("Start's Items dumps as %d items", len(items))
	}
}

// tasksOf lists the task ids of step in run, numerically.
func (b *flowBin) tasksOf(flow, run, step string) []string {
	b.t.Helper()
	es, err := os.ReadDir(filepath.Join(b.storeRoot(), flow, run, step))
	if err != nil {
		b.t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	slices.SortFunc(ids, func(x, y string) int { a, _ := strconv.Atoi(x); c, _ := strconv.Atoi(y); return a - c })
	return ids
}
