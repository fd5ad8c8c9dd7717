package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestHardenCLIJoinStorageError: a join whose input's blob is damaged
// fails with a storage error naming the input and the blob, not as a panic
// of the step with a stack.
func TestHardenCLIJoinStorageError(t *testing.T) {
	b := runFlowBin(t, "fan")
	id := b.runFlow("--n", "3")
	body := filepath.Join(b.dir, ".flowc", "FanFlow", id, "Body")
	es, err := os.ReadDir(body)
	if err != nil || len(es) != 3 {
		t.Fatalf("Body of run %s: %d tasks (%v)", id, len(es), err)
	}
	var ids []int
	for _, e := range es {
		n, _ := strconv.Atoi(e.Name())
		ids = append(ids, n)
	}
	slices.Sort(ids)
	first := strconv.Itoa(ids[0])
	raw, err := os.ReadFile(filepath.Join(body, first, "0.data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Artifacts map[string]struct{ Hash string } `json:"artifacts"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	hash := data.Artifacts["Item"].Hash
	if len(hash) < 3 {
		t.Fatalf("no Item artifact in %s", raw)
	}
	blob := filepath.Join(b.dir, ".flowc", "FanFlow", "data", hash[:2], hash)
	if err := os.WriteFile(blob, []byte("not what was stored"), 0o600); err != nil {
		t.Fatal(err)
	}

	var paths []string
	for _, n := range ids {
		paths = append(paths, strconv.Itoa(n))
	}
	r := b.run("step", "Join", "--run-id", id, "--task-id", "900", "--input-paths", id+"/Body/:"+strings.Join(paths, ","))
	if r.code != 1 {
		t.Fatalf("step Join on a damaged input: want exit status 1, got\n%s", r)
	}
	for _, bad := range []string{"panicked", "goroutine ", "panic("} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("step Join on a damaged input reports a panic (%q):\n%s", bad, r.stderr)
		}
	}
	for _, want := range []string{`step "Join"`, id + "/Body/" + first, hash[:12]} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("step Join on a damaged input does not name %q:\n%s", want, r.stderr)
		}
	}
	done, err := os.ReadFile(filepath.Join(b.dir, ".flowc", "FanFlow", id, "Join", "900", "0.done"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		OK      bool `json:"ok"`
		Failure struct{ Type, Stack string }
	}
	json.Unmarshal(done, &d)
	if d.OK || d.Failure.Type != "storage" || d.Failure.Stack != "" {
		t.Errorf("Join's commit marker: want a storage failure without a stack, got %s", done)
	}
}
