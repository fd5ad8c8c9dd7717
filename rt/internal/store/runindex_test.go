package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestRunIndex(t *testing.T) {
	s := newStore(t)
	for i := range 600 { // three buckets
		r := &Run{Flow: "F", User: "u", Status: "succeeded", Started: time.Unix(int64(i), 0), Params: map[string]string{"p": "v"}}
		if _, err := s.NewRun(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.UpdateRun("F", "7", func(r *Run) error { r.Tags = append(r.Tags, "gold"); return nil }); err != nil {
		t.Fatal(err)
	}
	// A run the index lacks (written before the index existed) is read
	// from its record.
	if err := s.UpdateRun("F", "8", func(r *Run) error { r.Tags = []string{"legacy"}; return nil }); err != nil {
		t.Fatal(err)
	}
	removeFromIndex(t, s, "F", "8")

	runs, err := s.IndexedRuns("F")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 600 || runs[0].ID != "600" || runs[599].ID != "1" {
		t.Fatalf("IndexedRuns: %d runs, first %s, last %s; want 600, newest first", len(runs), runs[0].ID, runs[599].ID)
	}
	byID := map[string]*Run{}
	for _, r := range runs {
		byID[r.ID] = r
		if r.Params != nil {
			t.Fatalf("run %s has params from the index; lists must not carry them", r.ID)
		}
	}
	if !slices.Equal(byID["7"].Tags, []string{"gold"}) {
		t.Errorf("run 7 tags = %v, want [gold] (the index must follow UpdateRun)", byID["7"].Tags)
	}
	if !slices.Equal(byID["8"].Tags, []string{"legacy"}) {
		t.Errorf("run 8 tags = %v, want [legacy] (read from the record when the index lacks it)", byID["8"].Tags)
	}
	// Old versions are removed: at most two per bucket remain.
	vs, err := s.indexVersions("F")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 {
		t.Errorf("buckets = %v, want 3 (256 runs each)", vs)
	}
	for b, v := range vs {
		if len(v) > 2 {
			t.Errorf("bucket %s keeps versions %v; want at most 2", b, v)
		}
	}
}

// A running run's status comes from its record, so a writer that died after
// its record but before the index cannot leave "running" behind.
func TestRunIndexRunningReadsRecord(t *testing.T) {
	s := newStore(t)
	id, err := s.NewRun(&Run{Flow: "F", Status: "running"})
	if err != nil {
		t.Fatal(err)
	}
	// The record changes behind the index's back.
	data := []byte(`{"flow":"F","id":"` + id + `","status":"failed"}`)
	if err := os.WriteFile(filepath.Join(s.Root(), "F", id, runFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	runs, err := s.IndexedRuns("F")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Status != "failed" {
		t.Fatalf("IndexedRuns = %+v, want the record's status failed", runs)
	}
}

// Writers racing on one bucket do not lose each other's entries.
func TestRunIndexConcurrent(t *testing.T) {
	s := newStore(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := s.NewRun(&Run{Flow: "F", Status: "succeeded"}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	vs, err := s.indexVersions("F")
	if err != nil {
		t.Fatal(err)
	}
	seg, err := s.readSegment("F", "n0", latest(vs["n0"]))
	if err != nil {
		t.Fatal(err)
	}
	if len(seg.Runs) != 80 {
		t.Fatalf("index holds %d runs, want 80", len(seg.Runs))
	}
}

func TestRunIDIndexRejected(t *testing.T) {
	s := newStore(t)
	if err := s.PutRun(&Run{Flow: "F", ID: indexDir}); err == nil {
		t.Fatalf("PutRun with run id %q succeeded; it is the index's directory", indexDir)
	}
}

func removeFromIndex(t *testing.T, s *Store, flow, id string) {
	t.Helper()
	vs, err := s.indexVersions(flow)
	if err != nil {
		t.Fatal(err)
	}
	b := indexBucketOf(id)
	v := latest(vs[b])
	seg, err := s.readSegment(flow, b, v)
	if err != nil {
		t.Fatal(err)
	}
	delete(seg.Runs, id)
	for _, old := range vs[b] {
		_ = s.b.remove(indexKey(flow, b, old))
	}
	data, err := json.Marshal(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.b.put(indexKey(flow, b, v+1), data); err != nil {
		t.Fatal(err)
	}
}
