package argo_test

import (
	"strings"
	"testing"
	"time"
)

// TestClusterHeartbeat: liveness in the cloud is by heartbeat (DESIGN
// §8.1). A task's pod dies without writing its outcome and its node is
// lost, so Argo goes on believing the pod runs and no exit handler
// fires; the run's heartbeats stop, and `runs` and `dump` report it
// killed instead of running forever.
func TestClusterHeartbeat(t *testing.T) {
	e := cluster(t)
	bin := testdataBinary(t, "checks")
	d := e.deployer(t, bin, "beat")
	const name = "beatflow"
	d.create(name)
	run := d.trigger(name, "--mode=hang")
	wf := strings.TrimPrefix(run, "argo-")
	var pod string
	for deadline := time.Now().Add(5 * time.Minute); pod == ""; {
		if time.Now().After(deadline) {
			d.podLogs(wf)
			t.Fatal("Hang never started")
		}
		if d.podSaid(run, "hanging") {
			for _, p := range e.c.RunningPods() {
				if strings.HasPrefix(p, wf+"-") && strings.Contains(p, "hang") {
					pod = p
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	if st := d.flowcStatus(run); st != "running" {
		t.Errorf("runs shows %s as %q while Hang beats, want running", run, st)
	}
	if err := e.c.KillPod(pod, true); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for d.flowcStatus(run) != "killed" {
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("runs shows %s as %q 2 min after its task died, want killed", run, d.flowcStatus(run))
		}
		time.Sleep(time.Second)
	}
	t.Logf("killed after %v (heartbeat every 2s)", time.Since(start).Round(time.Second))
	var w struct {
		Status struct {
			Phase string `json:"phase"`
		} `json:"status"`
	}
	if err := e.c.Do("GET", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/workflows/"+wf, nil, &w); err != nil || w.Status.Phase != "Running" {
		t.Errorf("workflow %s is %q (%v); the test wants Argo unaware of the pod's death", wf, w.Status.Phase, err)
	}
	if _, stderr, err := d.run("--namespace", "", "dump", run); err == nil || !strings.Contains(stderr, "killed") {
		t.Errorf("dump %s: %v %q; want an error saying the run was killed", run, err, stderr)
	}
	d.ok("argo-workflows", "--name", name, "terminate", run)
	d.ok("argo-workflows", "--name", name, "delete")
}
