package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRunLinear: an artifact set in Start is seen by every later step,
// each task's snapshot is its own, and the step's output is in its logs.
func TestRunLinear(t *testing.T) {
	b := runFlowBin(t, "linear")
	id := b.runFlow()
	var end struct {
		MyVar string
		Seen  []string
	}
	b.dump(id, &end)
	if end.MyVar != "hello world" || !slices.Equal(end.Seen, []string{"Start", "A", "End"}) {
		t.Errorf("End: got %+v", end)
	}
	var seenA []string
	b.dump(id+"/A", &seenA, "--artifact", "Seen")
	if !slices.Equal(seenA, []string{"Start", "A"}) {
		t.Errorf("A's Seen = %q, want [Start A]", seenA)
	}
	if out := b.ok("logs", id+"/A").stdout; !strings.Contains(out, "the data artifact is: hello world") {
		t.Errorf("logs %s/A:\n%s", id, out)
	}
	if s := b.runStatus(id); s != "succeeded" {
		t.Errorf("run %s is %q in runs, want succeeded", id, s)
	}
}

// TestRunMergeArtifacts is Metaflow's merge_artifacts example: X set in the
// join is kept, Y excluded, Common, PassDown and FromA propagated.
func TestRunMergeArtifacts(t *testing.T) {
	b := runFlowBin(t, "merge")
	id := b.runFlow()
	var end map[string]json.RawMessage
	b.dump(id, &end)
	want := map[string]string{"PassDown": `"a"`, "Common": "5", "X": "1", "FromA": "6", "Conflict": "false"}
	for k, v := range want {
		if got := string(end[k]); got != v {
			t.Errorf("End.%s = %s, want %s", k, got, v)
		}
	}
	if y, ok := end["Y"]; ok {
		t.Errorf("End has Y = %s; Y was excluded from the merge", y)
	}
	// The branches keep their own values.
	var yb int
	b.dump(id+"/B", &yb, "--artifact", "Y")
	if yb != 4 {
		t.Errorf("B's Y = %d, want 4", yb)
	}
}

// TestRunMergeConflict: an unresolved field fails the join, naming the
// field and the fix; exit status 1; the run is recorded failed.
func TestRunMergeConflict(t *testing.T) {
	b := runFlowBin(t, "merge")
	id, r := b.tryRun("--conflict")
	if r.code != 1 {
		t.Fatalf("want exit status 1, got\n%s", r)
	}
	if id == "" {
		t.Fatal("no run id was written")
	}
	if !strings.Contains(r.stderr, `"X"`) || !strings.Contains(r.stderr, "MergeArtifacts") {
		t.Errorf("the error does not name field X and MergeArtifacts:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "goroutine ") {
		t.Errorf("panic trace on stderr:\n%s", r.stderr)
	}
	if s := b.runStatus(id); s != "failed" {
		t.Errorf("run %s is %q in runs, want failed", id, s)
	}
	if r := b.run("dump", id+"/End"); r.code == 0 {
		t.Errorf("End of the failed run has artifacts:\n%s", r)
	}
}

// fanItems is what FanFlow's Start makes for n: item i is (i*7919) mod n.
func fanItems(n int) []string {
	var items []string
	for i := range n {
		items = append(items, strconv.Itoa(i*7919%n))
	}
	return items
}

// TestRunForeach1000: 1000 splits with --max-num-splits 1000; the join
// sees its inputs in split order, and each body task its own index.
func TestRunForeach1000(t *testing.T) {
	const n = 1000
	b := runFlowBin(t, "fan")
	id := b.runFlow("--n", strconv.Itoa(n), "--max-num-splits", strconv.Itoa(n))
	var end struct {
		Joined  string
		Indices []int
	}
	b.dump(id, &end)
	if want := strings.Join(fanItems(n), ","); end.Joined != want {
		t.Errorf("Joined is not the items in split order:\n got %.200s...\nwant %.200s...", end.Joined, want)
	}
	for i, x := range end.Indices {
		if x != i {
			t.Fatalf("input %d of the join has foreach index %d", i, x)
		}
	}
	if len(end.Indices) != n {
		t.Errorf("the join saw %d inputs, want %d", len(end.Indices), n)
	}
}

// TestRunForeachLimit: the default limit (100) refuses 200 splits before
// any body task runs.
func TestRunForeachLimit(t *testing.T) {
	b := runFlowBin(t, "fan")
	id, r := b.tryRun("--n", "200")
	if r.code != 1 {
		t.Fatalf("want exit status 1, got\n%s", r)
	}
	for _, s := range []string{"200", "100", "--max-num-splits"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("the error does not mention %q:\n%s", s, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") {
		t.Errorf("panic trace on stderr:\n%s", r.stderr)
	}
	if id == "" {
		t.Fatal("no run id was written")
	}
	if s := b.runStatus(id); s != "failed" {
		t.Errorf("run %s is %q in runs, want failed", id, s)
	}
	if _, err := os.Stat(filepath.Join(b.dir, ".flowc", "FanFlow", id, "Body")); !os.IsNotExist(err) {
		t.Errorf("a Body task was recorded (stat: %v)", err)
	}
	if r := b.run("dump", id+"/Body", "--json"); r.code != 1 {
		t.Errorf("dump %s/Body: want exit 1 (no task), got\n%s", id, r)
	}
}

// TestRunNestedForeach: 3 rows x 4 cells = 12 body tasks; the inner join
// gives each row its cells in order, the outer join the rows in order.
func TestRunNestedForeach(t *testing.T) {
	b := runFlowBin(t, "nested")
	id := b.runFlow()
	var grid [][]string
	b.dump(id, &grid, "--artifact", "Grid")
	want := [][]string{{"a0", "a1", "a2", "a3"}, {"b0", "b1", "b2", "b3"}, {"c0", "c1", "c2", "c3"}}
	if !reflect.DeepEqual(grid, want) {
		t.Errorf("Grid = %q, want %q", grid, want)
	}
	var cells []string
	b.dump(id+"/CellStep", &cells, "--artifact", "Cell")
	if len(cells) != 12 {
		t.Fatalf("CellStep has %d tasks, want 12: %q", len(cells), cells)
	}
	slices.Sort(cells)
	if flat := slices.Concat(want...); !slices.Equal(cells, flat) {
		t.Errorf("cells = %q, want %q", cells, flat)
	}
	var rows [][]string
	b.dump(id+"/JoinCells", &rows, "--artifact", "RowCells")
	// dump lists tasks by id, not by foreach index.
	slices.SortFunc(rows, slices.Compare)
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("the JoinCells tasks have RowCells %q, want %q", rows, want)
	}
}
