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
