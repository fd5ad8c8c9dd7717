package e2e

import (
	"bytes"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

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
	c := oneTaskRequests(t)
	t.Logf("one task: %d PUT, %d GET, %d HEAD, %d LIST, %d POST, %d DELETE", c.counts["PUT"], c.counts["GET"], c.counts["HEAD"], c.counts["LIST"], c.counts["POST"], c.counts["DELETE"])
	t.Logf("one task: %d PUTs and %d reads; the budget is 7 and 8", c.puts, c.reads)
	if c.puts > 7 || c.reads > 8 {
		t.Errorf("one task made %d PUTs and %d GET/HEAD/LIST requests; the budget is 7 and 8: %v\n%s", c.puts, c.reads, c.counts, strings.Join(c.reqs, "\n"))
	}
}

// BenchmarkS3RequestsPerTask reports TestS3RequestsPerTask's counts.
func BenchmarkS3RequestsPerTask(b *testing.B) {
	for range b.N {
		c := oneTaskRequests(b)
		b.ReportMetric(float64(c.puts), "PUTs/task")
		b.ReportMetric(float64(c.reads), "reads/task")
	}
}

type taskRequests struct {
	counts      map[string]int
	reqs        []string
	puts, reads int
}

// oneTaskRequests runs ThreeFlow on moto through a counting proxy, then
// one more task of Mid, and counts that task's requests; it checks that
// the task's logs and artifacts read back.
func oneTaskRequests(tb testing.TB) taskRequests {
	srv := s3test.StartMoto(tb)
	s3test.CreateBucket(tb, srv.URL, "cost")
	proxy := s3test.NewProxy(tb, srv.URL)
	bin := s3FlowBin(tb, "three")
	env := s3Env(proxy.URL, "cost", "p")
	if r := execIn(tb, tb.TempDir(), env, bin, "run", "--quiet"); r.code != 0 {
		tb.Fatalf("run:\n%s", r)
	}
	run := onlyDir(tb, srv.URL, "cost", "p/ThreeFlow/")
	start := onlyDir(tb, srv.URL, "cost", "p/ThreeFlow/"+run+"/Start/")
	mid := onlyDir(tb, srv.URL, "cost", "p/ThreeFlow/"+run+"/Mid/")
	proxy.Reset()
	task := mid + "0" // a task id the run has not used
	r := execIn(tb, tb.TempDir(), env, bin, "step", "Mid", "--run-id", run, "--task-id", task,
		"--input-paths", run+"/Start/"+start)
	if r.code != 0 {
		tb.Fatalf("step Mid:\n%s", r)
	}
	c := taskRequests{counts: proxy.Counts(), reqs: proxy.Requests()}
	c.puts = c.counts["PUT"] + c.counts["POST"]
	c.reads = c.counts["GET"] + c.counts["HEAD"] + c.counts["LIST"] + 1 // + the scheduler's read of task.json
	if r := execIn(tb, tb.TempDir(), env, bin, "logs", run+"/Mid/"+task); r.code != 0 || !strings.Contains(r.stdout, "mid out") {
		tb.Fatalf("logs of the task:\n%s", r)
	}
	dump := execIn(tb, tb.TempDir(), env, bin, "dump", run+"/Mid/"+task, "--json")
	if dump.code != 0 || !strings.Contains(dump.stdout, `"A":"a-`+task+`"`) {
		tb.Errorf("dump of the task: %s", dump)
	}
	return c
}

// TestS3BigArtifact writes a 256 MiB []byte artifact through S3 and reads
// it back in the next step; the peak RSS of the run's processes is logged
// (target: 400 MB) and must stay under 600 MB: the value is held once, and
// the upload and the download stream with bounded buffers.
func TestS3BigArtifact(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 256 MiB")
	}
	rss, _ := bigArtifactRun(t)
	t.Logf("256 MiB artifact through S3: peak RSS %d MB", rss>>20)
	if rss > 600<<20 {
		t.Errorf("peak RSS %d MB; the value must be held once and streamed", rss>>20)
	}
}

// bigArtifactRun runs BigFlow (256 MiB through S3, on moto) and returns
// the peak RSS of its processes and the run's wall time.
func bigArtifactRun(tb testing.TB) (rss int64, wall time.Duration) {
	srv := s3test.StartMoto(tb)
	s3test.CreateBucket(tb, srv.URL, "big")
	bin := s3FlowBin(tb, "big")
	cmd := exec.Command(bin, "run")
	cmd.Dir = tb.TempDir()
	cmd.Env = s3Env(srv.URL, "big", "p")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("run: %v\n%s", err, out.String())
	}
	wall = time.Since(t0)
	if !strings.Contains(out.String(), "read back 268435456 bytes") {
		tb.Errorf("End did not read the value back:\n%s", out.String())
	}
	// Linux: the rusage of a waited child covers its waited descendants,
	// so this is the largest of the scheduler and its task processes.
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10, wall
}
