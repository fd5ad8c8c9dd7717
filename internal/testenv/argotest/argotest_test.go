package argotest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestClusterRunsAWorkflow runs a two-step workflow on the real controller:
// a pod writes an output parameter, which fans out a withSequence, and a
// pod's environment holds its spec's variables and PodEnv, nothing else.
func TestClusterRunsAWorkflow(t *testing.T) {
	Need(t)
	t.Setenv("ARGOTEST_LEAK", "must-not-reach-pods")
	c, err := Start(t.TempDir(), Options{PathMap: map[string]string{"/out": "<pod>/out"}, PodEnv: []string{"GIVEN=1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	api := newAPI(c.Server, c.token)
	sh := func(script string) map[string]any {
		return map[string]any{"image": "x", "command": []string{"/bin/sh", "-c", script},
			"env": []map[string]string{{"name": "FROM_SPEC", "value": "2"}, {"name": "OUT", "value": "/out"}}}
	}
	wf := map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
		"metadata": map[string]any{"name": "smoke", "namespace": "default"},
		"spec": map[string]any{
			"entrypoint": "main",
			"templates": []any{
				map[string]any{"name": "main", "dag": map[string]any{"tasks": []any{
					map[string]any{"name": "count", "template": "count"},
					map[string]any{"name": "each", "template": "each", "depends": "count.Succeeded",
						"withSequence": map[string]any{"count": "{{tasks.count.outputs.parameters.n}}"},
						"arguments":    map[string]any{"parameters": []any{map[string]any{"name": "i", "value": "{{item}}"}}}},
				}}},
				map[string]any{"name": "count", "container": sh(`test "$GIVEN$FROM_SPEC" = 12 && test -z "$ARGOTEST_LEAK" && mkdir -p "$OUT" && printf 3 > "$OUT/n"`),
					"outputs": map[string]any{"parameters": []any{map[string]any{"name": "n", "valueFrom": map[string]any{"path": "/out/n"}}}}},
				map[string]any{"name": "each", "inputs": map[string]any{"parameters": []any{map[string]any{"name": "i"}}},
					"container": sh("echo item {{inputs.parameters.i}}")},
			},
		},
	}
	if err := api.do("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/workflows", wf, nil); err != nil {
		t.Fatal(err)
	}
	phase := wait(t, api, "smoke", 120*time.Second)
	if phase != "Succeeded" {
		logs, _ := filepath.Glob(filepath.Join(c.Dir, "pods", "*", "main.log"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Logf("%s: %s", l, b)
		}
		t.Fatalf("workflow %s; see %s", phase, c.Dir)
	}
	logs, _ := filepath.Glob(filepath.Join(c.Dir, "pods", "*", "main.log"))
	items := 0
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		if strings.HasPrefix(string(b), "item ") {
			items++
		}
	}
	if items != 3 {
		t.Errorf("%d item pods ran, want 3", items)
	}
}

// wait polls workflow name until it completes and returns its phase.
func wait(t *testing.T, a *api, name string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var raw []byte
		if err := a.raw("GET", "/apis/argoproj.io/v1alpha1/namespaces/default/workflows/"+name, nil, &raw); err == nil {
			var wf struct {
				Status struct {
					Phase   string `json:"phase"`
					Message string `json:"message"`
				} `json:"status"`
			}
			_ = json.Unmarshal(raw, &wf)
			switch wf.Status.Phase {
			case "Succeeded", "Failed", "Error":
				if wf.Status.Message != "" {
					t.Logf("workflow %s: %s", wf.Status.Phase, wf.Status.Message)
				}
				return wf.Status.Phase
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("workflow %s not done after %s", name, limit)
	return ""
}
