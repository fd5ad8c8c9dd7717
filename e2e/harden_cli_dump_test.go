package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardenCLIDumpKilledStep: `dump RUN/STEP` of a run killed while a
// step ran shows the tasks that finished and names the others on stderr;
// only a task named on its own is an error.
func TestHardenCLIDumpKilledStep(t *testing.T) {
	b := runFlowBin(t, "fan")
	id := b.runFlow("--n", "4")
	body := filepath.Join(b.dir, ".flowc", "FanFlow", id, "Body")
	es, err := os.ReadDir(body)
	if err != nil || len(es) != 4 {
		t.Fatalf("Body of run %s: %d tasks (%v)", id, len(es), err)
	}
	// A task killed before its commit marker: the attempt started and
	// wrote its artifacts, but never committed.
	cut := es[1].Name()
	if err := os.Remove(filepath.Join(body, cut, "task.json")); err != nil {
		t.Fatal(err)
	}

	r := b.run("dump", id+"/Body", "--json", "--artifact", "Item")
	if r.code != 0 {
		t.Fatalf("dump %s/Body of a killed run: want the finished tasks, got\n%s", id, r)
	}
	var items []string
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 3 {
		t.Errorf("dump %s/Body --json: want 3 items, got %q (%v)", id, r.stdout, err)
	}
	note := strings.TrimSpace(r.stderr)
	if strings.Contains(note, "\n") || !strings.Contains(note, id+"/Body/"+cut+" has not finished") || !strings.Contains(note, "1 of the 4") {
		t.Errorf("dump %s/Body: want one line naming the unfinished task, got\n%s", id, r.stderr)
	}

	r = b.run("dump", id+"/Body")
	if r.code != 0 || strings.Count(r.stdout, id+"/Body/") != 3 {
		t.Errorf("dump %s/Body (text): want 3 tasks, got\n%s", id, r)
	}
	wantOneLineError(t, "dump of the unfinished task", b.run("dump", id+"/Body/"+cut), id+"/Body/"+cut, "has not finished")
}
