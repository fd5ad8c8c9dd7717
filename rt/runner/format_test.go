package runner_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// readRecord reads a JSON record of a run as a generic map.
func readRecord(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func writeRecord(t *testing.T, path string, m map[string]any) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// joinAgain reruns the Join step of run 1 of a foreach over n as a new task
// and returns what it saw.
func joinAgain(t *testing.T, dir, task string, n int) map[string]any {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 2) // Start is task 1
	}
	mustRun(t, dir, "foreach", "--quiet", "step", "Join", "--run-id", "1", "--task-id", task, "--input-paths", "1/Body/:"+strings.Join(ids, ","))
	return dumpJSON(t, dir, "foreach", "1/Join/"+task)
}

// TestForeachJoinRecords: a body's task.json embeds its data.json and its
// small values are inline (format 1.1), so a join reads one record per
// input; an inline value that does not match its hash is not trusted, and
// records written by format 1.0 (neither) join and resume the same.
func TestForeachJoinRecords(t *testing.T) {
	dir := t.TempDir()
	const n = 30 // Items is more than InlineMax bytes
	mustRun(t, dir, "foreach", "run", "--quiet", "--n", strconv.Itoa(n))
	runDir := filepath.Join(dir, ".flowc", "ForeachFlow", "1")
	body := filepath.Join(runDir, "Body", "5") // index 3
	marker := readRecord(t, filepath.Join(body, "task.json"))
	data, _ := marker["data"].(map[string]any)
	arts, _ := data["artifacts"].(map[string]any)
	sq, _ := arts["Square"].(map[string]any)
	if marker["version"] != "1.1" || sq == nil || sq["value"] != 9.0 {
		t.Fatalf("a body's task.json does not embed its data with Square inline: %v", marker)
	}
	if items, _ := arts["Items"].(map[string]any); items == nil || items["value"] != nil {
		t.Errorf("Items (%d ints) is inline: %v", n, items)
	}
	if n, _ := arts["N"].(map[string]any); n == nil || n["value"] != 30.0 {
		t.Errorf("the parameter N is not inline: %v", n)
	}
	if start := readRecord(t, filepath.Join(runDir, "Start", "1", "task.json")); start["data"] != nil {
		t.Errorf("the foreach's task.json embeds its data (Step Functions reads it): %v", start)
	}
	var want []any
	for i := range n {
		want = append(want, float64(i*i))
	}
	if got := dumpJSON(t, dir, "foreach", "1/Join"); !reflect.DeepEqual(got["Results"], want) {
		t.Fatalf("join saw %v", got["Results"])
	}

	// An inline value edited by hand: its hash does not match, so the
	// blob is read.
	sq["value"] = 999
	writeRecord(t, filepath.Join(body, "task.json"), marker)
	if got := joinAgain(t, dir, "100", n); !reflect.DeepEqual(got["Results"], want) {
		t.Errorf("with an edited inline value the join saw %v", got["Results"])
	}

	// Format 1.0: no embedded data, no inline values.
	err := filepath.WalkDir(runDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") || strings.HasPrefix(d.Name(), "_") {
			return err
		}
		m := readRecord(t, p)
		delete(m, "data")
		m["version"] = "1.0"
		if a, ok := m["artifacts"].(map[string]any); ok {
			for _, v := range a {
				delete(v.(map[string]any), "value")
			}
		}
		writeRecord(t, p, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := joinAgain(t, dir, "101", n); !reflect.DeepEqual(got["Results"], want) {
		t.Errorf("on format 1.0 records the join saw %v", got["Results"])
	}
	r := mustRun(t, dir, "foreach", "resume", "--quiet", "Join", "--origin-run-id", "1", "--run-id-file", "rid")
	if got := dumpJSON(t, dir, "foreach", readID(t, dir)+"/Join"); !reflect.DeepEqual(got["Results"], want) {
		t.Errorf("resume of a format 1.0 run: the join saw %v\n%s", got["Results"], r.stderr)
	}
}
