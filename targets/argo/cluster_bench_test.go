package argo_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The targets, on the real controller (go test ./targets/argo
// -run '^$' -bench Cluster -benchtime 1x). The pod runner runs at most 6
// pods at once, so widths measure this machine, not a cluster.

// BenchmarkClusterForeach runs ChecksFlow's wide foreach (Start, Wide,
// Width × Square, Sum, Report, End) at 10 and 1,000 items. The template
// is the same for both: the width is a run-time parameter, fanned out
// withSequence from the count the Wide task writes; template-bytes
// reports its size.
func BenchmarkClusterForeach(b *testing.B) {
	e := cluster(b)
	d := benchDeployer(b, e, testdataBinary(b, "checks"), "bench")
	d.create("checks-wide", "--max-num-splits", "1000")
	yaml := d.ok("argo-workflows", "--name", "checks-wide", "create", "--only-yaml", "--image", "x", "--max-num-splits", "1000")
	for _, width := range []int{10, 1000} {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			d.t = b
			for range b.N {
				id := d.trigger("checks-wide", "--mode", "wide", "--width", fmt.Sprint(width))
				d.runOKWithin(id, time.Hour)
			}
			b.ReportMetric(float64(len(yaml)), "template-bytes")
		})
	}
}

// BenchmarkClusterTaskOverhead is the cost of one more task: the time a
// foreach of 50 items takes over one of 10, per item, for the flow's
// tasks and for an empty pod (/bin/true) in a plain withSequence
// workflow. The difference is what the flow binary adds to a pod.
func BenchmarkClusterTaskOverhead(b *testing.B) {
	e := cluster(b)
	d := benchDeployer(b, e, testdataBinary(b, "checks"), "bench-overhead")
	d.create("checks-overhead")
	timeFlow := func(width int) time.Duration {
		start := time.Now()
		d.runOKWithin(d.trigger("checks-overhead", "--mode", "wide", "--width", fmt.Sprint(width)), 30*time.Minute)
		return time.Since(start)
	}
	timeEmpty := func(width int) time.Duration {
		emptyRuns++ // package-wide: -count runs share the control plane
		name := fmt.Sprintf("empty-%d-%d", width, emptyRuns)
		wf := map[string]any{
			"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
			"metadata": map[string]any{"name": name, "namespace": clusterNS},
			"spec": map[string]any{"entrypoint": "main", "templates": []any{
				map[string]any{"name": "main", "dag": map[string]any{"tasks": []any{map[string]any{
					"name": "each", "template": "empty", "withSequence": map[string]any{"count": fmt.Sprint(width)}}}}},
				map[string]any{"name": "empty", "container": map[string]any{"image": "busybox", "command": []string{"/bin/true"}}},
			}},
		}
		start := time.Now()
		if err := e.c.Do("POST", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/workflows", wf, nil); err != nil {
			b.Fatal(err)
		}
		if phase := d.wait("argo-"+name, 10*time.Minute); phase != "Succeeded" {
			b.Fatalf("empty workflow %s", phase)
		}
		return time.Since(start)
	}
	for range b.N {
		f10, f50 := timeFlow(10), timeFlow(50)
		e10, e50 := timeEmpty(10), timeEmpty(50)
		flow, empty := (f50-f10)/40, (e50-e10)/40
		b.ReportMetric(float64(flow.Milliseconds()), "flow-ms/task")
		b.ReportMetric(float64(empty.Milliseconds()), "empty-ms/task")
		b.ReportMetric(float64((flow - empty).Milliseconds()), "overhead-ms/task")
		b.Logf("foreach 10/50: flow %s/%s, empty pods %s/%s; per task: flow %s, empty %s", f10, f50, e10, e50, flow, empty)
	}
}

// BenchmarkCreateOnlyYAML is `create --only-yaml` as a user runs it: the
// flow binary's start, the graph rendered, the YAML printed (target: ≤ 50
// ms). It needs no cluster.
func BenchmarkCreateOnlyYAML(b *testing.B) {
	bin := testdataBinary(b, "checks")
	for range b.N {
		out, err := exec.Command(bin, "--datastore", "s3", "--datastore-root", "s3://b/p",
			"argo-workflows", "create", "--only-yaml", "--image", "x").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "kind: CronWorkflow") {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}

// benchHomes is each benchmark deployer's token dir, kept across -count
// runs: the control plane is shared, so the second run's create must hold
// the token the first one minted (a fresh dir is refused, as another
// deployer would be).
var benchHomes = map[string]string{}

// emptyRuns numbers the empty-pod workflows, whose names must not repeat.
var emptyRuns int

func benchDeployer(b *testing.B, e *clusterEnvT, bin, prefix string) *deployer {
	d := e.deployer(b, bin, prefix)
	if home, ok := benchHomes[prefix]; ok {
		d.home = home
	} else {
		home, err := os.MkdirTemp(e.dir, "home-")
		if err != nil {
			b.Fatal(err)
		}
		d.home, benchHomes[prefix] = home, home
	}
	return d
}
