package argo_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var mintedToken = regexp.MustCompile(`A new production token was generated for .*: (\S+)`)

// TestClusterLifecycle runs ChecksFlow (testdata/checks) through every
// command on the real controller: create (with its CronWorkflow in the
// schedule's timezone), a run through a switch, a switch back to its own
// step, a nested foreach with a
// split inside and a switch inside a foreach (End = a local run's, by
// hash), a run whose step fails after its retries (run failed, every
// attempt's log readable, no attempt beyond the limit), a run stopped by
// terminate, a redeploy by someone without the token (refused, then
// accepted with --authorize), and delete.
func TestClusterLifecycle(t *testing.T) {
	e := cluster(t)
	bin := testdataBinary(t, "checks")
	alice := e.deployer(t, bin, "checks")
	const name = "checksflow"

	out := alice.create("")
	m := mintedToken.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the first create printed no new token:\n%s", out)
	}
	token := m[1]
	var cron struct {
		Spec struct {
			Schedules []string `json:"schedules"`
			Timezone  string   `json:"timezone"`
		} `json:"spec"`
	}
	if err := e.c.Do("GET", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/cronworkflows/"+name, nil, &cron); err != nil {
		t.Fatalf("the CronWorkflow: %v", err)
	}
	if !slices.Equal(cron.Spec.Schedules, []string{"30 6 * * MON-FRI"}) || cron.Spec.Timezone != "Europe/Paris" {
		t.Errorf("CronWorkflow schedule %q in %q, want 30 6 * * MON-FRI in Europe/Paris", cron.Spec.Schedules, cron.Spec.Timezone)
	}

	// All branches start at once: the controller runs them side by side.
	okRun := alice.trigger("")
	failRun := alice.trigger("", "--mode", "fail")
	hangRun := alice.trigger("", "--mode=hang")

	t.Run("shapes", func(t *testing.T) {
		alice.t = t
		alice.runOK(okRun)
		got := alice.s3EndHashes("ChecksFlow", okRun, nil)
		want := localEndHashes(t, bin, t.TempDir(), "ChecksFlow", nil)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("End artifacts differ from a local run's:\nlocal %v\nargo  %v", want, got)
		}
		var all []string
		alice.dumpJSON(okRun, "All", &all)
		if want := []string{"r0.1=10,r0.2=20", "ROW1.1=10,ROW1.2=20", "r2.1=10,r2.2=20"}; !slices.Equal(all, want) {
			t.Errorf("All = %q, want %q", all, want)
		}
		// Poll's switch went back to Poll twice: three passes, as
		// deterministic task ids, through the recursive template.
		var polls int
		alice.dumpJSON(okRun+"/Poll/Poll-i2", "Polls", &polls)
		if polls != 3 {
			t.Errorf("Poll-i2: Polls = %d; want 3", polls)
		}
	})
	t.Run("failing step", func(t *testing.T) {
		alice.t = t
		if phase := alice.wait(failRun, 5*time.Minute); phase != "Failed" {
			t.Fatalf("workflow %s, want Failed", phase)
		}
		if st := alice.flowcStatus(failRun); st != "failed" {
			t.Errorf("runs shows %s as %q, want failed (the exit handler marks it)", failRun, st)
		}
		for a := range 3 {
			out := alice.ok("--namespace", "", "logs", failRun+"/Broken", "--attempt", fmt.Sprint(a))
			if !strings.Contains(out, fmt.Sprintf("attempt %d of Broken", a)) {
				t.Errorf("logs of attempt %d: %q", a, out)
			}
		}
		if _, stderr, err := alice.run("--namespace", "", "logs", failRun+"/Broken", "--attempt", "3"); err == nil {
			t.Errorf("attempt 3 of Broken exists (retry times=2 allows 0-2)")
		} else if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("logs --attempt 3: not one line: %s", stderr)
		}
		if runs := alice.listRuns("", "--failed"); runs[failRun] != "failed" {
			t.Errorf("list-runs --failed: %v, want %s", runs, failRun)
		}
	})
	t.Run("terminate", func(t *testing.T) {
		alice.t = t
		deadline := time.Now().Add(5 * time.Minute)
		for !alice.podSaid(hangRun, "hanging") {
			if time.Now().After(deadline) {
				alice.podLogs(strings.TrimPrefix(hangRun, "argo-"))
				t.Fatal("Hang never started")
			}
			time.Sleep(500 * time.Millisecond)
		}
		if runs := alice.listRuns("", "--running"); runs[hangRun] != "running" {
			t.Errorf("list-runs --running: %v, want %s running", runs, hangRun)
		}
		alice.ok("argo-workflows", "terminate", hangRun)
		if phase := alice.wait(hangRun, 2*time.Minute); phase != "Failed" {
			t.Errorf("terminated workflow %s, want Failed", phase)
		}
		if st := alice.flowcStatus(hangRun); st != "failed" {
			t.Errorf("runs shows the terminated %s as %q, want failed", hangRun, st)
		}
		_, stderr, err := alice.run("argo-workflows", "terminate", "argo-nosuchworkflow")
		if err == nil || !strings.Contains(stderr, "not found") {
			t.Errorf("terminate of a missing run: %v %s", err, stderr)
		}
	})
	t.Run("token", func(t *testing.T) {
		bob := e.deployer(t, bin, "checks")
		bob.user = "bob"
		_, stderr, err := bob.run("argo-workflows", "create", "--image-repository", e.registry+"/flows", "--secret", s3Secret)
		if err == nil || !strings.Contains(stderr, "--authorize") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Fatalf("a redeploy without the token: %v, want one line naming --authorize:\n%s", err, stderr)
		}
		bob.create("", "--authorize", token)
		_, stderr, err = bob.run("argo-workflows", "create", "--image-repository", e.registry+"/flows", "--secret", s3Secret)
		if err != nil {
			t.Errorf("bob holds the token after --authorize, but create failed: %s", stderr)
		}
		carol := e.deployer(t, bin, "checks")
		carol.user = "carol"
		if _, stderr, err := carol.run("argo-workflows", "delete"); err == nil || !strings.Contains(stderr, "--authorize") {
			t.Errorf("delete without the token: %v %s", err, stderr)
		}
	})
	t.Run("delete", func(t *testing.T) {
		alice.t = t
		alice.ok("argo-workflows", "delete")
		for _, res := range []string{"workflowtemplates", "cronworkflows"} {
			err := e.c.Do("GET", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/"+res+"/"+name, nil, nil)
			if err == nil || !strings.Contains(err.Error(), "404") {
				t.Errorf("%s/%s after delete: %v, want 404", res, name, err)
			}
		}
		if _, stderr, err := alice.run("argo-workflows", "trigger"); err == nil || !strings.Contains(stderr, "not found") {
			t.Errorf("trigger after delete: %v %s", err, stderr)
		}
		// The runs stay readable.
		var all []string
		alice.dumpJSON(okRun, "All", &all)
		if len(all) != 3 {
			t.Errorf("after delete, dump %s: All = %q", okRun, all)
		}
	})
}
