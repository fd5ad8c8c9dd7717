package argo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/flowc-dev/flowc/internal/testenv/argotest"
	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// The cluster tests run flow binaries' argo-workflows commands, as a user
// would, against the real kube-apiserver and Argo's real
// workflow-controller (internal/testenv/argotest), with pods as local
// processes of the image that create pushed (to an in-process registry),
// and the S3 datastore on an in-process S3 server (gofakes3). One control
// plane serves every test of this package; TestMain stops it.

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.stop()
	}
	if exBins != nil {
		os.RemoveAll(filepath.Dir(exBins["linear"]))
	}
	os.Exit(code)
}

// clusterEnv is what the cluster tests share.
type clusterEnvT struct {
	c        *argotest.Cluster
	s3       string // the S3 endpoint
	registry string // host:port of the registry
	dir      string
	stops    []func()
}

const (
	s3Bucket  = "flowc"
	s3Secret  = "flowc-s3" // the Kubernetes Secret holding the pods' S3 credentials
	clusterNS = "default"
)

var (
	shared  *clusterEnvT
	envOnce sync.Once
	envErr  error
)

// cluster starts the shared control plane once, or skips the test with
// one line when it is not built.
func cluster(t testing.TB) *clusterEnvT {
	t.Helper()
	argotest.Need(t)
	envOnce.Do(func() { shared, envErr = startEnv() })
	if envErr != nil {
		t.Fatal(envErr)
	}
	return shared
}

func startEnv() (*clusterEnvT, error) {
	dir, err := os.MkdirTemp("", "argo-cluster-")
	if err != nil {
		return nil, err
	}
	e := &clusterEnvT{dir: dir}
	e.stops = append(e.stops, func() { os.RemoveAll(dir) })
	be := s3mem.New()
	if err := be.CreateBucket(s3Bucket); err != nil {
		return nil, err
	}
	s3srv := httptest.NewServer(gofakes3.New(be).Server())
	e.stops = append(e.stops, s3srv.Close)
	e.s3 = s3srv.URL
	if err := os.MkdirAll(filepath.Join(dir, "registry"), 0o755); err != nil {
		return nil, err
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)),
		registry.WithBlobHandler(registry.NewDiskBlobHandler(filepath.Join(dir, "registry")))))
	e.stops = append(e.stops, reg.Close)
	e.registry = strings.TrimPrefix(reg.URL, "http://")
	// The pods get nothing of this process's environment: S3 credentials
	// come from a Kubernetes Secret the deployment names (--secret),
	// everything else from the container spec.
	c, err := argotest.Start(filepath.Join(dir, "cluster"), argotest.Options{
		PullImages: true,
		PathMap:    map[string]string{"/flowc/out": "<pod>/out"},
		// Tasks heartbeat every 2 s, not 10: a run whose task died
		// shows as killed after 12 s (TestClusterHeartbeat).
		PodEnv: []string{"FLOWC_HEARTBEAT_EVERY=2s"},
	})
	if err != nil {
		e.stop()
		return nil, err
	}
	e.c = c
	e.stops = append(e.stops, c.Stop)
	if err := c.CreateSecret(s3Secret, map[string]string{"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}); err != nil {
		e.stop()
		return nil, err
	}
	return e, nil
}

func (e *clusterEnvT) stop() {
	for i := len(e.stops) - 1; i >= 0; i-- {
		e.stops[i]()
	}
	e.stops = nil
}

// deployer is one user's shell: their kubeconfig, AWS settings, token
// dir (XDG_CONFIG_HOME) and datastore root.
type deployer struct {
	t    testing.TB
	e    *clusterEnvT
	bin  string
	dir  string
	root string // s3://flowc/<prefix>
	home string // XDG_CONFIG_HOME
	user string
	env  []string // more environment (FLOWC_BRANCH=...)
}

func (e *clusterEnvT) deployer(t testing.TB, bin, prefix string) *deployer {
	return &deployer{t: t, e: e, bin: bin, dir: t.TempDir(), root: "s3://" + s3Bucket + "/" + prefix, home: t.TempDir(), user: "alice"}
}

func (d *deployer) environ() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + d.dir, "XDG_CONFIG_HOME=" + d.home, "FLOWC_USER=" + d.user}
	env = append(env, d.e.c.Env()...)
	env = append(env, d.env...)
	return append(env, s3test.Env(d.e.s3)...)
}

// run runs the binary with the S3 datastore globals and args.
func (d *deployer) run(args ...string) (string, string, error) {
	d.t.Helper()
	return d.runArgs([]string{"--datastore", "s3", "--datastore-root", d.root, "--datastore-path-style"}, args...)
}

// runArgs runs the binary with globals, then args.
func (d *deployer) runArgs(globals []string, args ...string) (string, string, error) {
	d.t.Helper()
	all := append(append([]string{}, globals...), args...)
	cmd := exec.Command(d.bin, all...)
	cmd.Dir, cmd.Env = d.dir, d.environ()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// ok runs args and fails the test unless they succeed.
func (d *deployer) ok(args ...string) string {
	d.t.Helper()
	out, stderr, err := d.run(args...)
	if err != nil {
		d.t.Fatalf("%s %s: %v\n%s%s", filepath.Base(d.bin), strings.Join(args, " "), err, out, stderr)
	}
	return out
}

// create deploys with the pods' S3 credentials from the Secret and the
// code package pushed to the test registry.
func (d *deployer) create(name string, extra ...string) string {
	d.t.Helper()
	args := []string{"argo-workflows"}
	if name != "" {
		args = append(args, "--name", name)
	}
	args = append(args, "create", "--image-repository", d.e.registry+"/flows", "--secret", s3Secret)
	return d.ok(append(args, extra...)...)
}

var triggered = regexp.MustCompile(`triggered run (argo-\S+)`)

// trigger starts a run and returns its id, from --run-id-file (and
// checks that stdout says the same).
func (d *deployer) trigger(name string, params ...string) string {
	d.t.Helper()
	f := filepath.Join(d.t.TempDir(), "run-id")
	args := []string{"argo-workflows"}
	if name != "" {
		args = append(args, "--name", name)
	}
	out := d.ok(append(append(args, "trigger", "--run-id-file", f), params...)...)
	id, err := os.ReadFile(f)
	if err != nil {
		d.t.Fatal(err)
	}
	if m := triggered.FindStringSubmatch(out); m == nil || m[1] != string(id) {
		d.t.Fatalf("trigger printed %q; --run-id-file has %q", out, id)
	}
	return string(id)
}

// wait waits until the workflow of run id completes and returns its
// phase; on a failure it logs the pods' output.
func (d *deployer) wait(id string, limit time.Duration) string {
	d.t.Helper()
	wf := strings.TrimPrefix(id, "argo-")
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var w struct {
			Status struct {
				Phase   string `json:"phase"`
				Message string `json:"message"`
			} `json:"status"`
		}
		if err := d.e.c.Do("GET", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/workflows/"+wf, nil, &w); err == nil {
			switch w.Status.Phase {
			case "Succeeded", "Failed", "Error":
				return w.Status.Phase
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	d.podLogs(wf)
	d.t.Fatalf("workflow %s not done after %s", wf, limit)
	return ""
}

// podLogs logs the output of the workflow's pods.
func (d *deployer) podLogs(wf string) {
	d.t.Helper()
	logs, _ := filepath.Glob(filepath.Join(d.e.c.Dir, "pods", wf+"-*", "main.log"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		d.t.Logf("%s:\n%s", filepath.Base(filepath.Dir(l)), b)
	}
}

// runOK waits for run id and fails the test unless it succeeded.
func (d *deployer) runOK(id string) { d.t.Helper(); d.runOKWithin(id, 5*time.Minute) }

func (d *deployer) runOKWithin(id string, limit time.Duration) {
	d.t.Helper()
	if phase := d.wait(id, limit); phase != "Succeeded" {
		d.podLogs(strings.TrimPrefix(id, "argo-"))
		d.t.Fatalf("run %s: workflow %s", id, phase)
	}
}

// listRuns is `list-runs` with filters, as RUN -> STATUS.
func (d *deployer) listRuns(name string, filters ...string) map[string]string {
	d.t.Helper()
	args := []string{"argo-workflows"}
	if name != "" {
		args = append(args, "--name", name)
	}
	out := d.ok(append(append(args, "list-runs"), filters...)...)
	runs := map[string]string{}
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) >= 2 {
			runs[f[0]] = f[1]
		}
	}
	return runs
}

// s3EndHashes are End's artifact hashes of run in the S3 datastore, from
// the attempt its task.json names.
func (d *deployer) s3EndHashes(flow, run string, skip []string) map[string]string {
	d.t.Helper()
	prefix := strings.TrimPrefix(d.root, "s3://"+s3Bucket+"/") + "/" + flow + "/" + run + "/End/"
	_, tasks, err := s3test.List(d.e.s3, s3Bucket, prefix)
	if err != nil || len(tasks) != 1 {
		d.t.Fatalf("run %s has End tasks %q (%v) in S3, want one", run, tasks, err)
	}
	get := func(name string) []byte {
		b, err := s3test.Get(d.e.s3, s3Bucket, prefix+tasks[0]+"/"+name)
		if err != nil {
			d.t.Fatal(err)
		}
		return b
	}
	var marker struct{ Attempt int }
	if err := json.Unmarshal(get("task.json"), &marker); err != nil {
		d.t.Fatal(err)
	}
	return artifactHashes(d.t, get(fmt.Sprintf("%d.data.json", marker.Attempt)), skip)
}

func artifactHashes(t testing.TB, dataJSON []byte, skip []string) map[string]string {
	t.Helper()
	var data struct {
		Artifacts map[string]struct {
			Hash string `json:"hash"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(dataJSON, &data); err != nil {
		t.Fatalf("data.json: %v\n%s", err, dataJSON)
	}
	out := map[string]string{}
	for k, a := range data.Artifacts {
		out[k] = a.Hash
	}
	for _, k := range skip {
		delete(out, k)
	}
	return out
}

// dumpJSON reads one artifact of target (a run: its End) with `dump
// --json`.
func (d *deployer) dumpJSON(target, artifact string, v any) {
	d.t.Helper()
	out := d.ok("--namespace", "", "dump", target, "--artifact", artifact, "--json")
	if err := json.Unmarshal([]byte(out), v); err != nil {
		d.t.Fatalf("dump %s --artifact %s --json: %v\n%s", target, artifact, err, out)
	}
}

// flowcStatus is run's STATUS in the binary's own `runs --all` (the
// datastore's view, not Argo's).
func (d *deployer) flowcStatus(run string) string {
	d.t.Helper()
	for _, line := range strings.Split(d.ok("runs", "--all"), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == run {
			return f[1]
		}
	}
	return ""
}

// podSaid reports whether a pod of run's workflow printed s (the
// task's own log reaches the datastore in parts, later).
func (d *deployer) podSaid(run, s string) bool {
	logs, _ := filepath.Glob(filepath.Join(d.e.c.Dir, "pods", strings.TrimPrefix(run, "argo-")+"-*", "main.log"))
	for _, l := range logs {
		if b, _ := os.ReadFile(l); bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}
