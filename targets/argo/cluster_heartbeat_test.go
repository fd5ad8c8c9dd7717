package argo_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestClusterHeartbeat: liveness in the cloud is by heartbeat (DESIGN
// §8.1). A task's pod dies without writing its outcome and its node is
// lost, so Argo goes on believing the pod runs and no exit handler
// fires; the run's heartbeats stop, and `runs` and `dump` report it
// killed instead of running forever, and `dump` and `logs` of the task
// report the task killed.
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
	// A task is in the datastore from its first log part on (on S3 a
	// few seconds after its first output): wait for it, so the kill
	// leaves a task for dump and logs to name.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		stdout, _, err := d.run("--namespace", "", "logs", run+"/Hang")
		if err == nil && strings.Contains(stdout, "hanging") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("logs %s/Hang never showed the running task's output: %v %q", run, err, stdout)
		}
	}
	if _, stderr, err := d.run("--namespace", "", "dump", run+"/Hang"); err == nil || !strings.Contains(stderr, "has not finished") {
		t.Errorf("dump %s/Hang while it runs: %v %q; want an error saying it has not finished", run, err, stderr)
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
	// The task itself, by the same heartbeats: dump says it was killed,
	// not that it has not finished, and logs shows its output up to the
	// kill and says so.
	killed := regexp.MustCompile(`task ` + regexp.QuoteMeta(run) + `/Hang/\S+ was killed \(attempt 0 never finished: its run's heartbeats stopped at [^)]+\)`)
	if _, stderr, err := d.run("--namespace", "", "dump", run+"/Hang"); err == nil || !killed.MatchString(stderr) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("dump %s/Hang: %v %q; want one line saying the task was killed", run, err, stderr)
	}
	if stdout, stderr, err := d.run("--namespace", "", "logs", run+"/Hang"); err != nil || !strings.Contains(stdout, "hanging") || !killed.MatchString(stderr) || !strings.Contains(stderr, "the output shown ends at the kill") {
		t.Errorf("logs %s/Hang: %v\nstdout: %q\nstderr: %q; want its output and a note that it was killed", run, err, stdout, stderr)
	}
	d.ok("argo-workflows", "--name", name, "terminate", run)
	d.ok("argo-workflows", "--name", name, "delete")
}
