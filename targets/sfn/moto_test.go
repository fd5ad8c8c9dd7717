//go:build unix

package sfn

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv/sfntest"
)

// buildFakeTask builds the stand-in flow binary of the state machine
// tests, configured by cfg.
func buildFakeTask(t *testing.T, cfg map[string]any) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "faketask")
	cmd := exec.Command("go", "build", "-o", bin, "../../internal/testenv/sfntest/faketask")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building faketask: %v\n%s", err, out)
	}
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(bin+".json", b, 0o644); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestForeachHistory runs a foreach of 10 and of 1,000 items on moto's
// Step Functions and counts the execution's history events: the array job
// keeps them the same at any width (Metaflow's inline Map costs ~8 per
// item and hits the 25,000-event limit near 3,100 items). The tasks are a
// stand-in that succeeds at once; the events are the engine's.
func TestForeachHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto and 1,010 Batch jobs")
	}
	ctx := context.Background()
	counts := map[int]int{}
	for _, width := range []int{10, 1000} {
		fake := buildFakeTask(t, nil)
		m := sfntest.StartMoto(t, fake)
		cfg, _ := json.Marshal(map[string]any{"bucket": m.Bucket, "prefix": "flowc", "cardinality": map[string]int{"Start": width}})
		if err := os.WriteFile(fake+".json", cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		o := Options{Name: "ForeachHistory", JobQueue: m.Queue, DatastoreRoot: "s3://" + m.Bucket + "/flowc",
			Namespace: "production:t", User: "tester", MaxNumSplits: 10000}
		def, err := Render(foreachGraph(nil), o, map[string]string{"": "registry.invalid/flows@sha256:0"})
		if err != nil {
			t.Fatal(err)
		}
		c := NewClientFromConfig(m.AWS())
		if _, err := c.Create(ctx, CreateInput{Def: def, Token: "t", SFNRole: m.Role}); err != nil {
			t.Fatal(err)
		}
		run, err := c.Trigger(ctx, def.Name, nil, NewExecutionName(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		status, events := waitRun(t, c, def.Name, run, 10*time.Minute)
		if status != "SUCCEEDED" {
			t.Fatalf("width %d: run %s ended %s\n%s", width, run, status, m.JobLogs())
		}
		counts[width] = events
		t.Logf("foreach of %d: %d history events", width, events)
	}
	if counts[1000] > 60 || counts[1000] != counts[10] {
		t.Errorf("history events: %d for 10 items, %d for 1,000; want at most 60, the same at both widths", counts[10], counts[1000])
	}
}

// waitRun polls the run's execution until it ends (limit is a guard
// against a hung emulator, not a performance assertion).
func waitRun(t *testing.T, c *Client, machine, run string, limit time.Duration) (string, int) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		status, events, err := c.Execution(context.Background(), machine, run)
		if err != nil {
			t.Fatal(err)
		}
		if status != "RUNNING" {
			return status, events
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still running after %v", run, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
