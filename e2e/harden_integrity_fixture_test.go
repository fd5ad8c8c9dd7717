package e2e

// Fixture of the harden_integrity_*_test.go files (issue 7: data that can
// go wrong silently): the flows of testdata/integrity, generated and built
// once, and helpers that reach into a run's datastore the way a fault (a
// flipped byte, a torn file, a killed writer) does.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

var integrityFlows = &testModule{name: "integrity"}

// integrityBin is testdata/integrity/<name>, built, in a fresh dir with
// its own datastore.
func integrityBin(t *testing.T, name string) *flowBin {
	t.Helper()
	return integrityFlows.bin(t, name)
}

// storeRoot is the binary's datastore.
func (b *flowBin) storeRoot() string { return filepath.Join(b.dir, ".flowc") }

// taskDir is the directory of run/step/task of flow.
func (b *flowBin) taskDir(flow, run, step, task string) string {
	return filepath.Join(b.storeRoot(), flow, run, step, task)
}

// onlyTaskOf is the id of the one task of step in run.
func (b *flowBin) onlyTaskOf(flow, run, step string) string {
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
	if len(ids) != 1 {
		b.t.Fatalf("step %s of run %s has tasks %v; want one", step, run, ids)
	}
	return ids[0]
}

// dataEntry is one artifact of a data.json, kept as the JSON holds it.
type dataEntry struct {
	Hash     string `json:"hash"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Encoding string `json:"encoding"`
}

// artifacts reads attempt 0's data.json of a task.
func (b *flowBin) artifacts(flow, run, step, task string) map[string]dataEntry {
	b.t.Helper()
	raw, err := os.ReadFile(filepath.Join(b.taskDir(flow, run, step, task), "0.data.json"))
	if err != nil {
		b.t.Fatal(err)
	}
	var d struct {
		Artifacts map[string]dataEntry `json:"artifacts"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		b.t.Fatal(err)
	}
	return d.Artifacts
}

// editData rewrites attempt 0's data.json of a task through edit, which
// gets the artifacts map of the generic JSON.
func (b *flowBin) editData(flow, run, step, task string, edit func(arts map[string]any)) {
	b.t.Helper()
	p := filepath.Join(b.taskDir(flow, run, step, task), "0.data.json")
	raw, err := os.ReadFile(p)
	if err != nil {
		b.t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		b.t.Fatal(err)
	}
	edit(d["artifacts"].(map[string]any))
	out, err := json.Marshal(d)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(p, out, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// blobPath is where the blob of hash lives.
func (b *flowBin) blobPath(flow, hash string) string {
	return filepath.Join(b.storeRoot(), flow, "data", hash[:2], hash)
}
