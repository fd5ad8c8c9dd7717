package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// s3Pass is set while TestS3RunSuite reruns the run suite against S3.
var s3Pass *s3PassEnv

type s3PassEnv struct {
	endpoint, bucket string
	n                int
	// The local datastore each S3 prefix is compared against: one per
	// prefix, so flows that share a prefix (SecondFlow reads FirstFlow's
	// run) share it locally too.
	localRoots map[string]string
	flows      map[string]string // binary path -> its flow's name
}

// flowOf is the name of the flow a binary runs (show --format json).
func (p *s3PassEnv) flowOf(t *testing.T, bin string) string {
	t.Helper()
	if name, ok := p.flows[bin]; ok {
		return name
	}
	r := execIn(t, t.TempDir(), goEnv(), bin, "show", "--format", "json")
	var g struct{ Flow string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &g) != nil || g.Flow == "" {
		t.Fatalf("show --format json:\n%s", r)
	}
	if p.flows == nil {
		p.flows = map[string]string{}
	}
	p.flows[bin] = g.Flow
	return g.Flow
}

// TestS3RunSuite runs the run suite (e2e/run_*_test.go: every example and
// flow shape) a second time with --datastore s3 against moto's server, a
// real S3 server process on loopback. Every flow binary gets its own
// prefix, and every successful run is also run on the local datastore: the
// End artifacts must be the same, by hash.
func TestS3RunSuite(t *testing.T) {
	srv := s3test.StartMoto(t)
	s3Pass = &s3PassEnv{endpoint: srv.URL, bucket: "flowc-e2e"}
	defer func() { s3Pass = nil }()
	s3test.CreateBucket(t, srv.URL, s3Pass.bucket)
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"Linear", TestRunLinear},
		{"MergeArtifacts", TestRunMergeArtifacts},
		{"MergeConflict", TestRunMergeConflict},
		{"Foreach1000", TestRunForeach1000},
		{"ForeachLimit", TestRunForeachLimit},
		{"NestedForeach", TestRunNestedForeach},
		{"Params", TestRunParams},
		{"ParamErrors", TestRunParamErrors},
		{"IncludeFile", TestRunIncludeFile},
		{"DumpJSON", TestRunDumpJSON},
		{"BadIDs", TestRunBadIDs},
		{"Examples", TestRunExamples},
	} {
		t.Run(tc.name, tc.fn)
	}
}

// use points b at a fresh prefix of the bucket.
func (p *s3PassEnv) use(b *flowBin) {
	p.n++
	prefix := fmt.Sprintf("t%d", p.n)
	b.env = append(s3test.Env(p.endpoint),
		"FLOWC_DATASTORE=s3",
		"FLOWC_DATASTORE_ROOT=s3://"+p.bucket+"/"+prefix,
		"FLOWC_DATASTORE_PATH_STYLE=true")
	b.onRun = func(b *flowBin, id string, args []string) {
		// The prefix the binary ran on now: a test may point it at
		// another binary's (SecondFlow reads FirstFlow's run).
		for _, kv := range b.env {
			if root, ok := strings.CutPrefix(kv, "FLOWC_DATASTORE_ROOT=s3://"+p.bucket+"/"); ok {
				p.compareEnd(b, root, id, args)
				return
			}
		}
		t := b.t
		t.Fatalf("the S3 pass lost its datastore root: %q", b.env)
	}
}

// compareEnd runs the flow again on a local datastore, with the same
// arguments, working directory and extra environment, and compares the
// artifacts of the End tasks by hash.
func (p *s3PassEnv) compareEnd(b *flowBin, prefix, id string, args []string) {
	t := b.t
	t.Helper()
	if p.localRoots == nil {
		p.localRoots = map[string]string{}
	}
	root, ok := p.localRoots[prefix]
	if !ok {
		root = filepath.Join(t.TempDir(), ".flowc")
		p.localRoots[prefix] = root
	}
	env := append(goEnv(), "FLOWC_DATASTORE_ROOT="+root)
	for _, kv := range b.env {
		if !strings.HasPrefix(kv, "FLOWC_DATASTORE") && !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv) // what the test added, e.g. MERGE_CONFLICT=1
		}
	}
	idFile := filepath.Join(t.TempDir(), "run-id")
	r := execIn(t, b.dir, env, b.path, append([]string{"run", "--quiet", "--run-id-file", idFile}, args...)...)
	if r.code != 0 {
		t.Fatalf("the same run on the local datastore failed:\n%s", r)
	}
	lid, _ := os.ReadFile(idFile)
	flow := p.flowOf(t, b.path)
	dirs, _ := filepath.Glob(filepath.Join(root, flow, strings.TrimSpace(string(lid)), "End", "*"))
	if len(dirs) != 1 {
		t.Fatalf("local run %s of %s has End tasks %q, want one", lid, flow, dirs)
	}
	names, _ := os.ReadDir(dirs[0])
	var files []string
	for _, n := range names {
		files = append(files, n.Name())
	}
	want := endHashes(t, "local", files, func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dirs[0], name)) })

	endPrefix := prefix + "/" + flow + "/" + id + "/End/"
	_, tasks, err := s3test.List(p.endpoint, p.bucket, endPrefix)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("S3 run %s has End tasks %q (%v), want one", id, tasks, err)
	}
	keys, _, err := s3test.List(p.endpoint, p.bucket, endPrefix+tasks[0]+"/")
	if err != nil {
		t.Fatal(err)
	}
	got := endHashes(t, "S3", keys, func(name string) ([]byte, error) {
		return s3test.Get(p.endpoint, p.bucket, endPrefix+tasks[0]+"/"+name)
	})
	if !maps.Equal(got, want) {
		t.Errorf("End artifacts of run %s on S3 differ from the local run's:\n S3:   %v\n local: %v", id, got, want)
	}
}

// endHashes reads the artifact hashes of a task's successful attempt,
// which its task.json names.
func endHashes(t *testing.T, where string, files []string, read func(string) ([]byte, error)) map[string]string {
	t.Helper()
	if !slices.Contains(files, "task.json") {
		t.Fatalf("%s End task has no task.json (its commit marker): %q", where, files)
	}
	raw, err := read("task.json")
	var marker struct{ Attempt int }
	if err != nil || json.Unmarshal(raw, &marker) != nil {
		t.Fatalf("%s End task.json: %v\n%s", where, err, raw)
	}
	last := marker.Attempt
	data, err := read(strconv.Itoa(last) + ".data.json")
	if err != nil {
		t.Fatalf("%s End data.json: %v", where, err)
	}
	var d struct {
		Artifacts map[string]struct {
			Hash string `json:"hash"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s End data.json: %v\n%s", where, err, data)
	}
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(d.Artifacts)) {
		out[k] = d.Artifacts[k].Hash
	}
	return out
}
