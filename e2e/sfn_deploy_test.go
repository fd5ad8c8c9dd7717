//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
	"github.com/flowc-dev/flowc/internal/testenv/sfntest"
	"github.com/flowc-dev/flowc/targets/deploy"
	"github.com/flowc-dev/flowc/targets/sfn"
)

// sfnExamples are the examples TestSFNDeploy deploys, in the order their
// runs go (SecondFlow reads FirstFlow's latest run), with the parameters
// of their runs, and the End artifacts a flow fills from the clock. No
// example has a nested foreach, so the test's own NestedFlow (own: a flow
// of testdata/sfnflows) runs one through a Distributed Map.
var sfnExamples = []struct {
	name, flow, machine string
	args                []string
	clock               []string
	own                 bool
}{
	{name: "linear", flow: "LinearFlow"}, {name: "pets", flow: "PetsFlow"}, {name: "branch", flow: "BranchFlow"},
	{name: "mergeartifacts", flow: "MergeArtifactsFlow"}, {name: "foreach", flow: "ForeachFlow"},
	{name: "genrestats", flow: "GenreStatsFlow"}, {name: "namespace", flow: "NamespaceFlow"},
	{name: "sfntest", flow: "SFNTestFlow", args: []string{"--num", "5"}}, {name: "dailysfntest", flow: "DailySFNTestFlow"},
	{name: "flaky", flow: "FlakyFlow", clock: []string{"StartedAt"}},
	{name: "firstflow", flow: "FirstFlow", machine: "demo_project.user.tester.FirstFlow"},
	{name: "secondflow", flow: "SecondFlow", machine: "demo_project.user.tester.SecondFlow"},
	{name: "nested", flow: "NestedFlow", own: true},
}

// sfnFlows are TestSFNDeploy's own flows (testdata/sfnflows), built for
// the code package as the examples are: static, for linux.
var sfnFlows = &testModule{name: "sfnflows", env: []string{"CGO_ENABLED=0", "GOOS=linux"}}

// sfnBin is a flow binary run as a deployer runs it against moto.
type sfnBin struct {
	t    *testing.T
	path string
	env  []string
}

func (b *sfnBin) run(env []string, args ...string) (stdout, stderr string, code int) {
	b.t.Helper()
	cmd := exec.Command(b.path, args...)
	cmd.Dir = b.t.TempDir()
	cmd.Env = append(append([]string{}, b.env...), env...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		b.t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func (b *sfnBin) ok(env []string, args ...string) string {
	b.t.Helper()
	out, errOut, code := b.run(env, args...)
	if code != 0 {
		b.t.Fatalf("%s %s: exit %d\n%s%s", filepath.Base(b.path), strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// sfnEnv is one moto server with a registry, and the examples built once.
type sfnEnv struct {
	t    *testing.T
	m    *sfntest.Moto
	c    *sfn.Client
	bins string // the examples and sfnflows, by name: the images' binaries
	repo string // the registry's flows/ repository prefix
	env  []string
}

// bin is the deployer's binary of example (or sfnflows flow) name.
func (s *sfnEnv) bin(t *testing.T, name string) *sfnBin {
	return &sfnBin{t: t, path: filepath.Join(s.bins, name), env: s.env}
}

// create deploys name and returns the namespace of its runs.
func (s *sfnEnv) create(t *testing.T, name string, extra ...string) (ns, out string) {
	t.Helper()
	out = s.bin(t, name).ok(nil, append(s.createArgs(name), extra...)...)
	i := strings.Index(out, "runs are in namespace ")
	if i < 0 {
		t.Fatalf("create %s printed no namespace:\n%s", name, out)
	}
	return strings.Fields(out[i+len("runs are in namespace "):])[0], out
}

func (s *sfnEnv) createArgs(name string) []string {
	return []string{"step-functions", "create", "--job-queue", s.m.Queue, "--job-role", s.m.Role,
		"--sfn-role", s.m.Role, "--scheduler-role", s.m.Role, "--image-repository", s.repo + name}
}

// wait polls run's execution until it ends (the limit guards against a
// hung emulator; it is not a performance assertion).
func (s *sfnEnv) wait(t *testing.T, machine, run string) (status string, events int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		status, events, err := s.c.Execution(context.Background(), machine, run)
		if err != nil {
			t.Fatal(err)
		}
		if status != "RUNNING" {
			return status, events
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still running\n%s", run, s.m.JobLogs())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// endHashes are the artifact hashes of run's End task in moto's S3.
func (s *sfnEnv) endHashes(t *testing.T, flow, run string) map[string]string {
	t.Helper()
	prefix := "flowc/" + flow + "/" + run + "/End/"
	_, tasks, err := s3test.List(s.m.URL, s.m.Bucket, prefix)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("run %s has End tasks %q (%v), want one", run, tasks, err)
	}
	keys, _, err := s3test.List(s.m.URL, s.m.Bucket, prefix+tasks[0]+"/")
	if err != nil {
		t.Fatal(err)
	}
	return endHashes(t, "Step Functions", keys, func(name string) ([]byte, error) {
		return s3test.Get(s.m.URL, s.m.Bucket, prefix+tasks[0]+"/"+name)
	})
}

// localRun runs the binary of flow locally on root and returns the End
// hashes.
func localRun(t *testing.T, exe, root, flow string, args ...string) map[string]string {
	t.Helper()
	idFile := filepath.Join(t.TempDir(), "run-id")
	env := append(goEnv(), "FLOWC_DATASTORE_ROOT="+root, "FLOWC_USER=tester")
	r := execIn(t, t.TempDir(), env, exe, append([]string{"run", "--quiet", "--run-id-file", idFile}, args...)...)
	if r.code != 0 {
		t.Fatalf("local run of %s:\n%s", filepath.Base(exe), r)
	}
	b, _ := os.ReadFile(idFile)
	id := strings.TrimSpace(string(b))
	dirs, _ := filepath.Glob(filepath.Join(root, flow, id, "End", "*"))
	if len(dirs) != 1 {
		t.Fatalf("local run %s has End tasks %q, want one", id, dirs)
	}
	names, _ := os.ReadDir(dirs[0])
	var files []string
	for _, n := range names {
		files = append(files, n.Name())
	}
	return endHashes(t, "local", files, func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dirs[0], name)) })
}

// TestSFNDeploy deploys every example, and flows of its own, to moto's
// Step Functions and Batch with the flow binary's own commands, the S3
// datastore in moto's S3 and the tasks run as Batch would run the pushed
// image (the binary, with only the engine's environment and the
// definition's). One server and one build serve every subtest.
func TestSFNDeploy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto")
	}
	bins := t.TempDir()
	args := []string{"build", "-o", bins + string(filepath.Separator)}
	own := []string{"pick"}
	for _, e := range sfnExamples {
		if e.own {
			own = append(own, e.name)
		} else {
			args = append(args, "./examples/"+e.name)
		}
	}
	if r := execIn(t, repoRoot, append(goEnv(), "CGO_ENABLED=0", "GOOS=linux"), "go", args...); r.code != 0 {
		t.Fatalf("go %s:\n%s", strings.Join(args, " "), r)
	}
	for _, name := range own {
		if err := os.Symlink(sfnFlows.exe(t, name), filepath.Join(bins, name)); err != nil {
			t.Fatal(err)
		}
	}
	m := sfntest.StartMoto(t, bins)
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	s := &sfnEnv{t: t, m: m, c: sfn.NewClientFromConfig(m.AWS()), bins: bins,
		repo: strings.TrimPrefix(reg.URL, "http://") + "/flows/",
		env: append(m.DeployerEnv(),
			"FLOWC_DATASTORE=s3", "FLOWC_DATASTORE_ROOT=s3://"+m.Bucket+"/flowc", "FLOWC_DATASTORE_PATH_STYLE=true")}
	defer func() {
		if t.Failed() {
			t.Logf("jobs:\n%s\nmoto:\n%s", m.JobLogs(), m.ServerLog())
		}
	}()
	t.Run("Lifecycle", s.testLifecycle)
	t.Run("Parity", s.testParity)
	t.Run("Includefile", s.testIncludefile)
	t.Run("ProjectToken", s.testProjectToken)
	t.Run("Switch", s.testSwitch)
	t.Run("Failure", s.testFailure)
	t.Run("Untagged", s.testUntagged)
	t.Run("Terminate", s.testTerminate)
	t.Run("Delete", s.testDelete)
}

// testLifecycle: create (the job definition reused when identical, the
// production token guarding a redeploy), trigger with a validated
// parameter, list-runs, the history carrying each task's exact argv, and
// the run read back with dump and runs.
func (s *sfnEnv) testLifecycle(t *testing.T) {
	ctx := context.Background()
	b := s.bin(t, "sfntest")
	// --tag tags every run of the deployment.
	tag := []string{"--tag", "deployed:e2e"}
	start := time.Now()
	ns, out := s.create(t, "sfntest", tag...)
	t.Logf("create against moto (code package push included): %v", time.Since(start))
	if !strings.Contains(out, "state machine SFNTestFlow created") || !strings.Contains(out, "A new production token was generated") {
		t.Fatalf("first create:\n%s", out)
	}
	token := strings.Fields(out[strings.Index(out, "--authorize ")+len("--authorize "):])[0]
	if ns != "production:"+token {
		t.Errorf("namespace %s, token %s", ns, token)
	}
	if _, out = s.create(t, "sfntest", tag...); !strings.Contains(out, "updated") || !strings.Contains(out, "0 new revision(s)") {
		t.Errorf("second create: want the state machine updated and its job definition reused:\n%s", out)
	}

	// Someone else's redeploy is refused, then authorized.
	other := []string{"XDG_CONFIG_HOME=" + t.TempDir(), "FLOWC_USER=someone"}
	if _, errOut, code := b.run(other, append(s.createArgs("sfntest"), tag...)...); code != 1 || !strings.Contains(errOut, "--authorize") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("a redeploy without the token: exit %d, %q; want one line naming --authorize", code, errOut)
	}
	b.ok(other, append(append(s.createArgs("sfntest"), tag...), "--authorize", token)...)

	// trigger validates the parameters before starting anything.
	if _, errOut, code := b.run(nil, "step-functions", "trigger", "--num", "five"); code != 1 || !strings.Contains(errOut, "--num") {
		t.Errorf("trigger --num five: exit %d, %q", code, errOut)
	}
	// So does the datastore: the tasks use the deployment's, so trigger
	// refuses another one, naming both and the fix, and starts nothing.
	root := "s3://" + s.m.Bucket + "/flowc"
	for _, c := range []struct {
		env  []string
		want []string
	}{
		{[]string{"FLOWC_DATASTORE_ROOT=s3://" + s.m.Bucket + "/elsewhere"},
			[]string{root, "s3://" + s.m.Bucket + "/elsewhere", "--datastore-root " + root, "step-functions create"}},
		{[]string{"FLOWC_DATASTORE=local", "FLOWC_DATASTORE_ROOT=" + filepath.Join(t.TempDir(), ".flowc")},
			[]string{root, "the local one", "--datastore s3 --datastore-root " + root}},
	} {
		_, errOut, code := b.run(c.env, "step-functions", "trigger", "--num", "5")
		ok := code == 1 && strings.Count(errOut, "\n") == 1
		for _, w := range c.want {
			ok = ok && strings.Contains(errOut, w)
		}
		if !ok {
			t.Errorf("trigger with %v: exit %d, %q; want one line naming %q", c.env, code, errOut, c.want)
		}
	}
	if out := b.ok(nil, "step-functions", "list-runs"); strings.TrimSpace(out) != "" {
		t.Errorf("refused triggers started runs:\n%s", out)
	}
	idFile := filepath.Join(t.TempDir(), "run-id")
	run := strings.TrimSpace(b.ok(nil, "step-functions", "trigger", "--num", "5", "--run-id-file", idFile))
	if got, _ := os.ReadFile(idFile); !strings.HasPrefix(run, "sfn-") || string(got) != run {
		t.Fatalf("trigger printed %q, --run-id-file has %q", run, got)
	}
	if out := b.ok(nil, "step-functions", "list-runs"); !strings.Contains(out, run) {
		t.Errorf("list-runs does not list %s:\n%s", run, out)
	}
	if status, events := s.wait(t, "SFNTestFlow", run); status != "SUCCEEDED" {
		t.Fatalf("run %s ended %s", run, status)
	} else {
		t.Logf("SFNTestFlow: %d history events", events)
	}
	if out := b.ok(nil, "step-functions", "list-runs", "--succeeded"); !strings.Contains(out, run) {
		t.Errorf("list-runs --succeeded does not list %s:\n%s", run, out)
	}

	// The history's TaskScheduled events carry the complete argv.
	d, _ := s.c.Find(ctx, "SFNTestFlow")
	arn, _ := sfn.ExecutionARN(d.ARN, run)
	hist, err := s.c.SFN.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	wantArgv := `["/flowc/flow", "step", "Start", "--run-id", "` + run + `", "--task-id", "Start", "--input-paths", "` + run + `/_parameters/_parameters", "--retry-count", "0"]`
	found := false
	for _, ev := range hist.Events {
		if p := ev.TaskScheduledEventDetails; p != nil && strings.Contains(strings.ReplaceAll(aws.ToString(p.Parameters), `","`, `", "`), wantArgv) {
			found = true
			if params := aws.ToString(p.Parameters); !strings.Contains(params, `{\"num\":\"5\"}`) {
				t.Errorf("Start's parameters lack num=5: %s", params)
			}
		}
	}
	if !found {
		t.Errorf("no TaskScheduled event runs %s; history:\n%v", wantArgv, historyText(hist))
	}

	// The run reads back from the S3 datastore, in the deployment's
	// namespace.
	var doubled int
	if err := json.Unmarshal([]byte(b.ok(nil, "--namespace", ns, "dump", run, "--artifact", "Doubled", "--json")), &doubled); err != nil || doubled != 10 {
		t.Errorf("dump %s Doubled = %d, %v; want 10", run, doubled, err)
	}
	if out := b.ok(nil, "--namespace", ns, "runs", "--tag", "deployed:e2e"); !strings.Contains(out, run) || !strings.Contains(out, "succeeded") {
		t.Errorf("runs --tag deployed:e2e does not list %s as succeeded:\n%s", run, out)
	}
	if out := b.ok(nil, "--namespace", ns, "logs", run+"/Start"); !strings.Contains(out, "The number defined as a parameter is 5") {
		t.Errorf("logs %s/Start:\n%s", run, out)
	}
}

// testParity runs every example through the target and locally: the End
// artifacts are the same, by hash, but for those filled from the clock.
func (s *sfnEnv) testParity(t *testing.T) {
	var local string
	for _, e := range sfnExamples {
		if e.name != "secondflow" { // reads FirstFlow's run in the same datastore
			local = filepath.Join(t.TempDir(), ".flowc")
		}
		t.Run(e.name, func(t *testing.T) {
			b := s.bin(t, e.name)
			if e.name != "sfntest" {
				s.create(t, e.name)
			}
			run := strings.TrimSpace(b.ok(nil, append([]string{"step-functions", "trigger"}, e.args...)...))
			want := localRun(t, b.path, local, e.flow, e.args...)
			flow, machine := e.flow, e.machine
			if machine == "" {
				machine = flow
			}
			if status, events := s.wait(t, machine, run); status != "SUCCEEDED" {
				t.Fatalf("run %s ended %s:\n%s", run, status, s.history(t, machine, run))
			} else {
				t.Logf("%s: %d history events", flow, events)
			}
			if e.name == "nested" {
				s.checkNested(t, run)
			}
			got := s.endHashes(t, flow, run)
			for _, k := range e.clock {
				if _, ok := got[k]; !ok {
					t.Errorf("End has no %s", k)
				}
				delete(got, k)
				delete(want, k)
			}
			if !maps.Equal(got, want) {
				t.Errorf("End artifacts of %s through Step Functions differ from the local run's:\n sfn:   %v\n local: %v", run, got, want)
			}
		})
	}
}

// includeCSV is a movie file unlike GenreStatsFlow's default, which an
// includefile given to trigger must bring to the cloud run.
const includeCSV = "movie_title,title_year,genres,gross\nA,2001,Drama|Noir,100\nB,2002,Drama,300\nC,2003,Noir,50\n"

// testIncludefile: an includefile given to trigger is uploaded to the
// datastore, and the run reads it: its MovieData and End are a local
// run's with the same file, by hash; without the S3 datastore, trigger
// refuses in one line, starting nothing.
func (s *sfnEnv) testIncludefile(t *testing.T) {
	b := s.bin(t, "genrestats")
	ns, _ := s.create(t, "genrestats")
	file := filepath.Join(t.TempDir(), "other.csv")
	if err := os.WriteFile(file, []byte(includeCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := b.run([]string{"FLOWC_DATASTORE=local", "FLOWC_DATASTORE_ROOT=" + t.TempDir()}, "step-functions", "trigger", "--movie-data", file); code != 1 || !strings.Contains(errOut, "--datastore s3") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("trigger --movie-data on a local datastore: exit %d, %q; want one line naming --datastore s3", code, errOut)
	}
	run := strings.TrimSpace(b.ok(nil, "step-functions", "trigger", "--movie-data", file))
	want := localRun(t, b.path, filepath.Join(t.TempDir(), ".flowc"), "GenreStatsFlow", "--movie-data", file)
	if status, _ := s.wait(t, "GenreStatsFlow", run); status != "SUCCEEDED" {
		t.Fatalf("run %s ended %s:\n%s", run, status, s.history(t, "GenreStatsFlow", run))
	}
	if got := s.endHashes(t, "GenreStatsFlow", run); !maps.Equal(got, want) {
		t.Errorf("End artifacts of %s differ from a local run's with the same file:\n sfn:   %v\n local: %v", run, got, want)
	}
	var data string
	if err := json.Unmarshal([]byte(b.ok(nil, "--namespace", ns, "dump", run+"/Start", "--artifact", "MovieData", "--json")), &data); err != nil || data != includeCSV {
		t.Errorf("dump %s/Start MovieData = %q, %v; want the file given to trigger", run, data, err)
	}
	var stats map[string][]float64
	if err := json.Unmarshal([]byte(b.ok(nil, "--namespace", ns, "dump", run, "--artifact", "GenreStats", "--json")), &stats); err != nil || len(stats) != 2 || stats["noir"] == nil {
		t.Errorf("dump %s GenreStats = %v, %v; want drama and noir", run, stats, err)
	}
}

// testProjectToken: the flows of one @project branch share one
// production token, recorded in the datastore. FirstFlow's first create
// mints it; SecondFlow's first create by its deployer takes it from the
// cache, with no --authorize; another deployer's is refused in one line
// naming --authorize, then authorized with the branch's token.
func (s *sfnEnv) testProjectToken(t *testing.T) {
	branch := []string{"FLOWC_BRANCH=tok"}
	first, second := s.bin(t, "firstflow"), s.bin(t, "secondflow")
	out := first.ok(branch, s.createArgs("firstflow")...)
	i := strings.Index(out, "--authorize ")
	if i < 0 || !strings.Contains(out, `project "demo_project" branch "test.tok"`) {
		t.Fatalf("FirstFlow's first create minted no branch token:\n%s", out)
	}
	token := strings.Fields(out[i+len("--authorize "):])[0]
	rec, err := s3test.Get(s.m.URL, s.m.Bucket, "flowc/_projects/demo_project/test.tok/production-token.json")
	if err != nil || !strings.Contains(string(rec), `"token":"`+token+`"`) {
		t.Errorf("the branch's token in the datastore: %s %v; want %s", rec, err, token)
	}

	bob := []string{"FLOWC_BRANCH=tok", "XDG_CONFIG_HOME=" + t.TempDir(), "FLOWC_USER=bob"}
	if _, errOut, code := second.run(bob, s.createArgs("secondflow")...); code != 1 || !strings.Contains(errOut, "--authorize") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("SecondFlow's first create by a deployer without the branch's token: exit %d, %q; want one line naming --authorize", code, errOut)
	}
	if d, _ := s.c.Find(context.Background(), "demo_project.test.tok.SecondFlow"); d != nil {
		t.Errorf("a refused create deployed %s", d.ARN)
	}
	out = second.ok(bob, append(s.createArgs("secondflow"), "--authorize", token)...)
	if strings.Contains(out, "A new production token") || !strings.Contains(out, "runs are in namespace production:"+token) {
		t.Errorf("SecondFlow authorized with the branch's token:\n%s", out)
	}
	// FirstFlow's deployer holds the branch's token: no --authorize.
	if out := second.ok(branch, s.createArgs("secondflow")...); !strings.Contains(out, "runs are in namespace production:"+token) {
		t.Errorf("SecondFlow redeployed by the branch token's holder:\n%s", out)
	}
}

// checkNested: NestedFlow's rows ran in a Distributed Map, its cells
// with the deterministic ids the joins read.
func (s *sfnEnv) checkNested(t *testing.T, run string) {
	h := s.history(t, "NestedFlow", run)
	if !strings.Contains(h, "MapRunStarted") {
		t.Errorf("run %s started no Distributed Map run; history:\n%s", run, h)
	}
	_, cells, err := s3test.List(s.m.URL, s.m.Bucket, "flowc/NestedFlow/"+run+"/Cell/")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cells, " "); got != "Cell-0.0 Cell-1.0 Cell-1.1 Cell-1.2 Cell-2.0 Cell-2.1" {
		t.Errorf("run %s's Cell tasks: %s", run, got)
	}
}

// testSwitch: the Choice takes the case the switch task stored, and a
// foreach of one item runs as a plain job, of three as an array. The
// parameters reach the run as `run` takes them: a slice flag repeated,
// a parameter from its FLOWC_PARAM_ variable; and parameters too large
// for Start's container overrides are refused before anything starts.
func (s *sfnEnv) testSwitch(t *testing.T) {
	b := s.bin(t, "pick")
	ns, _ := s.create(t, "pick")
	for _, c := range []struct {
		size   string
		env    []string
		args   []string
		labels string
	}{
		{size: "big", args: []string{"--size", "big"}},
		{size: "small", env: []string{"FLOWC_PARAM_SIZE=small"}, args: []string{"--labels", "x", "--labels=y,z"}, labels: "x,y,z"},
	} {
		run := strings.TrimSpace(b.ok(c.env, append([]string{"step-functions", "trigger"}, c.args...)...))
		if status, _ := s.wait(t, "PickFlow", run); status != "SUCCEEDED" {
			t.Fatalf("--size %s: run %s ended %s", c.size, run, status)
		}
		var seen, labels []string
		if err := json.Unmarshal([]byte(b.ok(nil, "--namespace", ns, "dump", run, "--artifact", "Seen", "--json")), &seen); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"big": "only@0", "small": "a@0,b@1,c@2"}[c.size]
		if strings.Join(seen, ",") != want {
			t.Errorf("%v %v: Seen = %q, want %s", c.env, c.args, seen, want)
		}
		if err := json.Unmarshal([]byte(b.ok(nil, "--namespace", ns, "dump", run, "--artifact", "Labels", "--json")), &labels); err != nil {
			t.Fatal(err)
		}
		if strings.Join(labels, ",") != c.labels {
			t.Errorf("%v: Labels = %q, want %s", c.args, labels, c.labels)
		}
	}
	before := b.ok(nil, "step-functions", "list-runs")
	_, errOut, code := b.run(nil, "step-functions", "trigger", "--labels", strings.Repeat("x", 9000))
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "8192") || !strings.Contains(errOut, "includefile") {
		t.Errorf("trigger with 9 KB of parameters: exit %d, %q; want one line naming Batch's 8192 and includefile", code, errOut)
	}
	if after := b.ok(nil, "step-functions", "list-runs"); after != before {
		t.Errorf("a refused trigger started a run:\n%s", after)
	}
}

// testFailure: a failing step fails the run through the Catch, and its
// log is readable.
func (s *sfnEnv) testFailure(t *testing.T) {
	b := s.bin(t, "pick")
	ns, _ := s.create(t, "pick")
	run := strings.TrimSpace(b.ok(nil, "step-functions", "trigger", "--fail"))
	if status, _ := s.wait(t, "PickFlow", run); status != "FAILED" {
		t.Fatalf("run %s ended %s, want FAILED", run, status)
	}
	if out := b.ok(nil, "--namespace", ns, "runs"); !strings.Contains(out, run) || !strings.Contains(out, "failed") {
		t.Errorf("runs does not list %s as failed:\n%s", run, out)
	}
	if out := b.ok(nil, "--namespace", ns, "logs", run+"/Big", "--stderr"); !strings.Contains(out, "Big failed on purpose") {
		t.Errorf("logs %s/Big --stderr:\n%s", run, out)
	}
}

// testUntagged: a deployment made before the flowc:datastore tag (the
// tag removed here) cannot have its datastore checked: trigger refuses a
// local datastore, and on S3 starts the run with a one-line warning to
// re-run create; once create has run again, it warns no more.
func (s *sfnEnv) testUntagged(t *testing.T) {
	ctx := context.Background()
	b := s.bin(t, "pick")
	s.create(t, "pick")
	d, err := s.c.Find(ctx, "PickFlow")
	if err != nil || d == nil {
		t.Fatalf("Find PickFlow: %+v, %v", d, err)
	}
	if _, err := s.c.SFN.UntagResource(ctx, &awssfn.UntagResourceInput{ResourceArn: aws.String(d.ARN), TagKeys: []string{deploy.DatastoreTag}}); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := b.run([]string{"FLOWC_DATASTORE=local", "FLOWC_DATASTORE_ROOT=" + t.TempDir()}, "step-functions", "trigger"); code != 1 || !strings.Contains(errOut, "--datastore s3") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("trigger of an untagged deployment on a local datastore: exit %d, %q; want one line naming --datastore s3", code, errOut)
	}
	out, errOut, code := b.run(nil, "step-functions", "trigger")
	if code != 0 || !strings.Contains(errOut, "step-functions create") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("trigger of an untagged deployment: exit %d, %q; want the run started with one warning naming step-functions create", code, errOut)
	}
	if st, _ := s.wait(t, "PickFlow", strings.TrimSpace(out)); st != "SUCCEEDED" {
		t.Errorf("run %s of the untagged deployment ended %s", strings.TrimSpace(out), st)
	}
	s.create(t, "pick")
	out, errOut, code = b.run(nil, "step-functions", "trigger")
	if code != 0 || errOut != "" {
		t.Errorf("trigger after create again: exit %d, %q; want no warning", code, errOut)
	}
	s.wait(t, "PickFlow", strings.TrimSpace(out))
}

// testTerminate: terminate stops a running run, and its running Batch
// job: the job ends FAILED with terminate's reason and its process is
// gone, long before the minute its step waits (on AWS, StopExecution
// cancels the job itself; moto's interpreter does not, so this checks
// flowc's own TerminateJob).
func (s *sfnEnv) testTerminate(t *testing.T) {
	ctx := context.Background()
	bc := batch.NewFromConfig(s.m.AWS())
	b := s.bin(t, "pick")
	ns, _ := s.create(t, "pick")
	waiting := filepath.Join(s.m.LogDir, "start-waiting")
	os.Remove(waiting)
	run := strings.TrimSpace(b.ok(nil, "step-functions", "trigger", "--wait", "1m"))
	// Terminate once Start has recorded the run and waits (its PID in
	// start-waiting); the limits guard against a hung emulator.
	var pid int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		raw, err := os.ReadFile(waiting)
		pid, _ = strconv.Atoi(string(raw))
		if err == nil && pid > 0 && strings.Contains(b.ok(nil, "--namespace", ns, "runs"), run) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s's Start never waited", run)
		}
	}
	// Start's job, as Batch lists it (every earlier run has ended).
	jobs, err := bc.ListJobs(ctx, &batch.ListJobsInput{JobQueue: aws.String(s.m.Queue), JobStatus: batchtypes.JobStatusRunning})
	if err != nil || len(jobs.JobSummaryList) != 1 || aws.ToString(jobs.JobSummaryList[0].JobName) != "Start" {
		t.Fatalf("running jobs before terminate: %+v, %v; want Start's", jobs, err)
	}
	job := aws.ToString(jobs.JobSummaryList[0].JobId)
	if out := b.ok(nil, "step-functions", "terminate", run); out != run+" terminated, 1 running Batch job(s) stopped\n" {
		t.Errorf("terminate printed %q", out)
	}
	var st batchtypes.JobDetail
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		d, err := bc.DescribeJobs(ctx, &batch.DescribeJobsInput{Jobs: []string{job}})
		if err != nil || len(d.Jobs) != 1 {
			t.Fatalf("DescribeJobs %s: %+v, %v", job, d, err)
		}
		if st = d.Jobs[0]; st.Status == batchtypes.JobStatusSucceeded || st.Status == batchtypes.JobStatusFailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s of the terminated run is still %s", job, st.Status)
		}
	}
	if st.Status != batchtypes.JobStatusFailed || aws.ToString(st.StatusReason) != "terminated with flowc step-functions terminate" {
		t.Errorf("Start's job %s after terminate: %s (%q), want FAILED for the terminate", job, st.Status, aws.ToString(st.StatusReason))
	}
	if processLives(pid) {
		t.Errorf("Start's process %d still runs after its job ended", pid)
	}
	// moto's interpreter fails the stopped execution's running task
	// ("'dict' object has no attribute 'region'") and may report FAILED
	// where AWS reports ABORTED; either way the run stops.
	if st, _ := s.wait(t, "PickFlow", run); st != "ABORTED" && st != "FAILED" {
		t.Errorf("run %s after terminate: %s, want ABORTED", run, st)
	}
	if out := b.ok(nil, "--namespace", ns, "runs"); !strings.Contains(out, run+"  failed") {
		t.Errorf("runs does not list the terminated %s as failed:\n%s", run, out)
	}
}

// testDelete: a scheduled flow got its EventBridge Scheduler schedule;
// delete needs the token, and removes the state machine and schedule.
func (s *sfnEnv) testDelete(t *testing.T) {
	ctx := context.Background()
	sc := scheduler.NewFromConfig(s.m.AWS())
	sched, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("DailySFNTestFlow")})
	if err != nil {
		t.Fatalf("the schedule: %v", err)
	}
	if aws.ToString(sched.ScheduleExpression) != "cron(0 0 * * ? *)" || aws.ToString(sched.ScheduleExpressionTimezone) != "UTC" {
		t.Errorf("schedule = %s %s", aws.ToString(sched.ScheduleExpression), aws.ToString(sched.ScheduleExpressionTimezone))
	}
	b, daily := s.bin(t, "sfntest"), s.bin(t, "dailysfntest")
	if _, errOut, code := b.run([]string{"XDG_CONFIG_HOME=" + t.TempDir()}, "step-functions", "delete"); code != 1 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("delete without the token: exit %d %q; want a one-line refusal", code, errOut)
	}
	b.ok(nil, "step-functions", "delete")
	daily.ok(nil, "step-functions", "delete")
	if d, err := s.c.Find(ctx, "SFNTestFlow"); err != nil || d != nil {
		t.Errorf("after delete: %+v %v", d, err)
	}
	if _, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("DailySFNTestFlow")}); err == nil {
		t.Error("the schedule survived delete")
	}
}

// history is the execution's history, for a failing test's report.
func (s *sfnEnv) history(t *testing.T, machine, run string) string {
	d, err := s.c.Find(context.Background(), machine)
	if err != nil || d == nil {
		return fmt.Sprintf("no state machine %s: %v", machine, err)
	}
	arn, _ := sfn.ExecutionARN(d.ARN, run)
	h, err := s.c.SFN.GetExecutionHistory(context.Background(), &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		return err.Error()
	}
	return historyText(h)
}

func historyText(h *awssfn.GetExecutionHistoryOutput) string {
	var b strings.Builder
	for _, ev := range h.Events {
		b.WriteString(string(ev.Type))
		if p := ev.TaskScheduledEventDetails; p != nil {
			b.WriteString(" " + aws.ToString(p.Parameters))
		}
		if p := ev.TaskFailedEventDetails; p != nil {
			b.WriteString(" " + aws.ToString(p.Error) + " " + aws.ToString(p.Cause))
		}
		if p := ev.ExecutionFailedEventDetails; p != nil {
			b.WriteString(" " + aws.ToString(p.Error) + " " + aws.ToString(p.Cause))
		}
		b.WriteString("\n")
	}
	return b.String()
}
