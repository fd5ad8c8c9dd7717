package e2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// s3Flows is the module of testdata/s3flows, built once.
var s3Flows = &testModule{name: "s3flows"}

func s3FlowBin(t testing.TB, name string) string {
	t.Helper()
	return s3Flows.exe(t, name)
}

// s3Env is the environment of a flow binary on s3://bucket/prefix at
// endpoint.
func s3Env(endpoint, bucket, prefix string) []string {
	return append(append(goEnv(), s3test.Env(endpoint)...),
		"FLOWC_DATASTORE=s3", "FLOWC_DATASTORE_ROOT=s3://"+bucket+"/"+prefix, "FLOWC_DATASTORE_PATH_STYLE=true")
}

// onlyDir is the one common prefix under prefix (a run, step or task).
func onlyDir(t testing.TB, endpoint, bucket, prefix string) string {
	t.Helper()
	_, all, err := s3test.List(endpoint, bucket, prefix)
	var dirs []string
	for _, d := range all {
		if d != "data" && d != "_index" { // a flow's blobs and run index, beside its runs
			dirs = append(dirs, d)
		}
	}
	if err != nil || len(dirs) != 1 {
		t.Fatalf("%s has %q (%v), want one entry", prefix, dirs, err)
	}
	return dirs[0]
}

// TestS3RequestsPerTask counts, with a counting proxy, the S3 requests of
// one task of a small step that changes three artifacts and writes both
// logs: the middle step of ThreeFlow, run again as a new task exactly as
// the scheduler starts one, plus the scheduler's read of its commit marker
// (one GET of task.json, sched.Proc).
// The budget (what S3 bills; Metaflow writes about 43 files per task): at
// most 7 PUTs (3 blobs, the index, 2 logs, the marker) and 8 reads.
func TestS3RequestsPerTask(t *testing.T) {
	srv := s3test.StartMoto(t)
	s3test.CreateBucket(t, srv.URL, "cost")
	proxy := s3test.NewProxy(t, srv.URL)
	bin := s3FlowBin(t, "three")
	env := s3Env(proxy.URL, "cost", "p")
	if r := execIn(t, t.TempDir(), env, bin, "run", "--quiet"); r.code != 0 {
		t.Fatalf("run:\n%s", r)
	}
	run := onlyDir(t, srv.URL, "cost", "p/ThreeFlow/")
	start := onlyDir(t, srv.URL, "cost", "p/ThreeFlow/"+run+"/Start/")
	mid := onlyDir(t, srv.URL, "cost", "p/ThreeFlow/"+run+"/Mid/")
	proxy.Reset()
	task := mid + "0" // a task id the run has not used
	r := execIn(t, t.TempDir(), env, bin, "step", "Mid", "--run-id", run, "--task-id", task,
		"--input-paths", run+"/Start/"+start)
	if r.code != 0 {
		t.Fatalf("step Mid:\n%s", r)
	}
	c, reqs := proxy.Counts(), proxy.Requests()
	proxy.Reset()
	if r := execIn(t, t.TempDir(), env, bin, "logs", run+"/Mid/"+task); r.code != 0 || !strings.Contains(r.stdout, "mid out") {
		t.Fatalf("logs of the task:\n%s", r)
	}
	puts, reads := c["PUT"]+c["POST"], c["GET"]+c["HEAD"]+c["LIST"]+1 // + the scheduler's read of task.json
	t.Logf("one task: %d PUT, %d GET, %d HEAD, %d LIST, %d POST, %d DELETE", c["PUT"], c["GET"], c["HEAD"], c["LIST"], c["POST"], c["DELETE"])
	t.Logf("one task: %d PUTs and %d reads; the budget is 7 and 8", puts, reads)
	if puts > 7 || reads > 8 {
		t.Errorf("one task made %d PUTs and %d GET/HEAD/LIST requests; the budget is 7 and 8: %v\n%s", puts, reads, c, strings.Join(reqs, "\n"))
	}
	dump := execIn(t, t.TempDir(), env, bin, "dump", run+"/Mid/"+task, "--json")
	if dump.code != 0 || !strings.Contains(dump.stdout, `"A":"a-`+task+`"`) {
		t.Errorf("dump of the task: %s", dump)
	}
}

// TestS3BigArtifact writes a 256 MiB []byte artifact through S3 and reads
// it back in the next step; the peak RSS of the run's processes is logged
// (target: 400 MB) and must stay under 600 MB: the value is held once, and
// the upload and the download stream with bounded buffers.
func TestS3BigArtifact(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 256 MiB")
	}
	srv := s3test.StartMoto(t)
	s3test.CreateBucket(t, srv.URL, "big")
	bin := s3FlowBin(t, "big")
	cmd := exec.Command(bin, "run")
	cmd.Dir = t.TempDir()
	cmd.Env = s3Env(srv.URL, "big", "p")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "read back 268435456 bytes") {
		t.Errorf("End did not read the value back:\n%s", out.String())
	}
	// Linux: the rusage of a waited child covers its waited descendants,
	// so this is the largest of the scheduler and its task processes.
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("256 MiB artifact through S3: peak RSS %d MB", rss>>20)
	if rss > 600<<20 {
		t.Errorf("peak RSS %d MB; the value must be held once and streamed", rss>>20)
	}
}

// BenchmarkForeach100 runs FanFlow with 100 splits on the local datastore
// and on S3 (moto on loopback); the target is S3 within 2x local.
func BenchmarkForeach100(b *testing.B) {
	bin := filepath.Join(runFlowsDir(b), "bin", "fan")
	srv := s3test.StartMoto(b)
	s3test.CreateBucket(b, srv.URL, "bench")
	for _, ds := range []string{"local", "s3"} {
		b.Run(ds, func(b *testing.B) {
			for i := range b.N {
				env := append(goEnv(), "FLOWC_DATASTORE_ROOT="+filepath.Join(b.TempDir(), ".flowc"))
				if ds == "s3" {
					env = s3Env(srv.URL, "bench", "r"+strconv.Itoa(i))
				}
				cmd := exec.Command(bin, "run", "--quiet", "--n", "100")
				cmd.Dir, cmd.Env = b.TempDir(), env
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
			}
		})
	}
}

// runFlowsDir builds testdata/runflows (for a benchmark).
func runFlowsDir(tb testing.TB) string {
	tb.Helper()
	runFlows.exe(tb, "")
	return runFlows.dir
}
