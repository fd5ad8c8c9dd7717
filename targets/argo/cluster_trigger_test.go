package argo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// TestClusterIncludefile: an includefile given to trigger is uploaded to
// the S3 datastore and read by the run's Start pod (which has no access
// to the deployer's files): the run's MovieData and End are a local run's
// with the same file, by hash. Without the S3 datastore, trigger refuses
// in one line and submits nothing.
func TestClusterIncludefile(t *testing.T) {
	e := cluster(t)
	bin := exampleBinaries(t)["genrestats"]
	d := e.deployer(t, bin, "include")
	// Its own deployment name: TestClusterExamples deploys GenreStatsFlow
	// under the flow's name, guarded by a token this deployer doesn't hold.
	const name = "genrestats-include"
	d.create(name)
	const csv = "movie_title,title_year,genres,gross\nA,2001,Drama|Noir,100\nB,2002,Drama,300\nC,2003,Noir,50\n"
	file := filepath.Join(t.TempDir(), "other.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(d.listRuns(name))
	lone := *d
	lone.t = t
	if _, stderr, err := lone.runArgs([]string{"--datastore", "local"}, "argo-workflows", "--name", name, "trigger", "--movie-data", file); err == nil ||
		!strings.Contains(stderr, "--datastore s3") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("trigger --movie-data on a local datastore: %v, want one line naming --datastore s3:\n%s", err, stderr)
	}
	if n := len(d.listRuns(name)); n != before {
		t.Errorf("a refused trigger submitted a workflow: %d runs, had %d", n, before)
	}
	id := d.trigger(name, "--movie-data", file)
	d.runOK(id)
	got := d.s3EndHashes("GenreStatsFlow", id, nil)
	want := localEndHashes(t, bin, t.TempDir(), "GenreStatsFlow", nil, "--movie-data", file)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("End artifacts of %s differ from a local run's with the same file:\nlocal %v\nargo  %v", id, want, got)
	}
	var data string
	d.dumpJSON(id+"/Start", "MovieData", &data)
	if data != csv {
		t.Errorf("MovieData of %s = %q, want the file given to trigger", id, data)
	}
}

// TestClusterProjectToken: the flows of one @project branch share one
// production token, recorded in the datastore. FirstFlow's first create
// mints it; SecondFlow's first create by another deployer is refused in
// one line naming --authorize, then authorized with the branch's token
// (no new token); FirstFlow's deployer, who holds it, redeploys
// SecondFlow without --authorize.
func TestClusterProjectToken(t *testing.T) {
	e := cluster(t)
	bins := exampleBinaries(t)
	branch := []string{"FLOWC_BRANCH=tok"}
	alice := e.deployer(t, bins["firstflow"], "projtok")
	alice.env = branch
	out := alice.create("")
	m := mintedToken.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, `project "demo_project" branch "test.tok"`) {
		t.Fatalf("FirstFlow's first create minted no branch token:\n%s", out)
	}
	token := m[1]
	rec, err := s3test.Get(e.s3, s3Bucket, "projtok/_projects/demo_project/test.tok/production-token.json")
	if err != nil || !strings.Contains(string(rec), `"token":"`+token+`"`) {
		t.Errorf("the branch's token in the datastore: %s %v; want %s", rec, err, token)
	}

	bob := e.deployer(t, bins["secondflow"], "projtok")
	bob.user, bob.env = "bob", branch
	args := []string{"argo-workflows", "create", "--image-repository", e.registry + "/flows", "--secret", s3Secret}
	if _, stderr, err := bob.run(args...); err == nil || !strings.Contains(stderr, "--authorize") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Fatalf("SecondFlow's first create without the branch's token: %v, want one line naming --authorize:\n%s", err, stderr)
	}
	out = bob.create("", "--authorize", token)
	if mintedToken.MatchString(out) || !strings.Contains(out, "runs are in namespace production:"+token) {
		t.Errorf("SecondFlow authorized with the branch's token:\n%s", out)
	}
	aliceSecond := e.deployer(t, bins["secondflow"], "projtok")
	aliceSecond.home, aliceSecond.env = alice.home, branch
	if out := aliceSecond.create(""); !strings.Contains(out, "runs are in namespace production:"+token) {
		t.Errorf("SecondFlow redeployed by the branch token's holder:\n%s", out)
	}
}

// TestClusterTriggerDatastore: the template records the datastore its
// tasks use; a trigger from a command with another --datastore-root is
// refused in one line naming both roots and the fix, exits non-zero, and
// submits nothing: no workflow, no run id file, and the includefile it was
// given is not uploaded to the other root.
func TestClusterTriggerDatastore(t *testing.T) {
	e := cluster(t)
	d := e.deployer(t, exampleBinaries(t)["genrestats"], "ds")
	const name = "genrestats-ds"
	d.create(name)
	file := filepath.Join(t.TempDir(), "movies.csv")
	if err := os.WriteFile(file, []byte("movie_title,title_year,genres,gross\nA,2001,Drama,100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(d.listRuns(name))
	other := "s3://" + s3Bucket + "/ds-elsewhere"
	idFile := filepath.Join(t.TempDir(), "run-id")
	_, stderr, err := d.runArgs([]string{"--datastore", "s3", "--datastore-root", other, "--datastore-path-style"},
		"argo-workflows", "--name", name, "trigger", "--run-id-file", idFile, "--movie-data", file)
	if err == nil || strings.Count(strings.TrimSpace(stderr), "\n") > 0 ||
		!strings.Contains(stderr, d.root) || !strings.Contains(stderr, other) || !strings.Contains(stderr, "--datastore-root "+d.root) {
		t.Errorf("trigger with --datastore-root %s: %v, want a non-zero exit and one line naming %s, %s and --datastore-root %s:\n%s", other, err, d.root, other, d.root, stderr)
	}
	if n := len(d.listRuns(name)); n != before {
		t.Errorf("a refused trigger submitted a workflow: %d runs, had %d", n, before)
	}
	if _, err := os.Stat(idFile); !os.IsNotExist(err) {
		t.Errorf("a refused trigger left a run id file: %v", err)
	}
	if keys, dirs, err := s3test.List(e.s3, s3Bucket, "ds-elsewhere/"); err != nil || len(keys)+len(dirs) != 0 {
		t.Errorf("a refused trigger wrote to the other root: %q %q %v", keys, dirs, err)
	}
}

// TestClusterQuoting: text the kubelet would expand ($(NAME), $$) or
// Argo substitute ({{...}}), in a //flow:env value and in a parameter
// given to trigger, reaches the Start task as written, as in a local
// run. The pods run in this repository's stand-in for the kubelet
// (internal/testenv/argotest), which expands $(NAME) and $$ as
// Kubernetes documents; Argo's substitution is the real controller's.
func TestClusterQuoting(t *testing.T) {
	e := cluster(t)
	bin := testdataBinary(t, "quoting")
	d := e.deployer(t, bin, "quoting")
	d.create("")
	const text = `$(FLOWC_USER) a$$b $HOME {{workflow.name}} {{{nope}}} "{{x}}" \{{`
	id := d.trigger("", "--text", text)
	d.runOK(id)
	var env []string
	var seen string
	d.dumpJSON(id+"/Start", "Env", &env)
	d.dumpJSON(id+"/Start", "Seen", &seen)
	want := []string{"$(FLOWC_USER)", "a$$b", "cost: $5 (net)", "{{workflow.name}}{{{x}}}"}
	if fmt.Sprint(env) != fmt.Sprint(want) || seen != text {
		t.Errorf("Start of %s saw env %q and --text %q; want %q and %q", id, env, seen, want, text)
	}
	local := localEndHashes(t, bin, t.TempDir(), "QuotingFlow", nil, "--text", text)
	if got := d.s3EndHashes("QuotingFlow", id, nil); fmt.Sprint(got) != fmt.Sprint(local) {
		t.Errorf("End artifacts of %s differ from a local run's:\nlocal %v\nargo  %v", id, local, got)
	}
}

// TestClusterTimeoutCaught: a step that overruns its //flow:timeout is
// timed out by its task, which records the failure for the step's
// //flow:catch, and the run goes on to succeed, as it does locally. The
// pod's own deadline (activeDeadlineSeconds, which runs from the pod's
// start) is only a backstop: were it the timeout itself, it would kill
// the pod before the task's timer fired, and fail the run.
func TestClusterTimeoutCaught(t *testing.T) {
	e := cluster(t)
	d := e.deployer(t, testdataBinary(t, "deadline"), "deadline")
	d.create("")
	id := d.trigger("")
	d.runOK(id)
	var failed struct{ Type, Message string }
	d.dumpJSON(id+"/Slow", "SlowFailed", &failed)
	if failed.Type != "timeout" || !strings.Contains(failed.Message, "timed out after 1s") {
		t.Errorf("SlowFailed of %s = %+v; want the task's own timeout", id, failed)
	}
}
