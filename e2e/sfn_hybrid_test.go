//go:build unix

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"
	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/flowc-dev/flowc/internal/testenv/sfntest"
)

// TestHybridRefused: a run that would send steps to AWS Batch without the
// S3 datastore, or from a binary built without the targets, is one line
// naming the fix, and records no run; --local runs every step here. A
// command the lean build left out says so.
func TestHybridRefused(t *testing.T) {
	exe := sfnFlows.exe(t, "hybrid")
	lean := filepath.Join(t.TempDir(), "hybrid-lean")
	if r := execIn(t, filepath.Join(tmpRoot, sfnFlows.name), append(goEnv(), sfnFlows.env...), "go", "build", "-tags", "flowc_nodeploy", "-o", lean, "./hybrid"); r.code != 0 {
		t.Fatalf("lean build:\n%s", r)
	}
	dir := t.TempDir()
	env := append(goEnv(), "FLOWC_DATASTORE_ROOT="+filepath.Join(dir, ".flowc"), "FLOWC_USER=tester")
	for _, c := range []struct {
		bin  string
		args []string
		want string
	}{
		{exe, []string{"run", "--with", "batch"}, `step "Start" runs on AWS Batch (--with batch), which needs the S3 datastore; pass --datastore s3`},
		{exe, []string{"run"}, `step "Square" runs on AWS Batch (//flow:batch), which needs the S3 datastore; pass --datastore s3`},
		{exe, []string{"run", "--with", "batch", "--local"}, "--with batch and --local contradict each other"},
		{exe, []string{"run", "--with", "kubernetes"}, `--with "kubernetes" is not a way to run steps; use --with batch`},
		{exe, []string{"run", "--with", "batch:queue=q"}, "pass --with batch with --job-queue"},
		{lean, []string{"run", "--with", "batch"}, "was built with -tags flowc_nodeploy, without AWS Batch; rebuild it without the tag, or pass --local"},
		{lean, []string{"run"}, `step "Square" runs on AWS Batch (//flow:batch), but`},
		{lean, []string{"--quiet", "step-functions", "create"}, "this binary has no step-functions command: it was built with -tags flowc_nodeploy; rebuild it without the tag"},
	} {
		r := execIn(t, dir, env, c.bin, c.args...)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s %s: %s\nwant one line with %q", filepath.Base(c.bin), strings.Join(c.args, " "), r, c.want)
		}
	}
	if r := execIn(t, dir, env, exe, "runs"); r.code != 0 || strings.Contains(strings.TrimSpace(r.stdout), "\n") {
		t.Errorf("refused runs were recorded: %s", r)
	}
	for _, bin := range []string{exe, lean} {
		idFile := filepath.Join(dir, "run-id")
		if r := execIn(t, dir, env, bin, "run", "--local", "--quiet", "--run-id-file", idFile); r.code != 0 {
			t.Fatalf("%s run --local: %s", filepath.Base(bin), r)
		}
		id, _ := os.ReadFile(idFile)
		if r := execIn(t, dir, env, exe, "dump", string(id), "--artifact", "Sum", "--json"); strings.TrimSpace(r.stdout) != "14" {
			t.Errorf("%s run --local: Sum %s, want 14", filepath.Base(bin), r)
		}
	}
}

// TestSFNHybrid runs HybridFlow on moto's Batch (the jobs run the flow
// binary with only the environment a Batch job gets) with the S3
// datastore in moto's S3: --with batch, then //flow:batch steps mixed
// with local ones; both leave the End artifacts of a plain local run, by
// hash. A failing Batch step fails the run with its log readable, and
// resume finishes it, reusing what succeeded.
func TestSFNHybrid(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto")
	}
	exe := sfnFlows.exe(t, "hybrid")
	bins := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(bins, "hybrid")); err != nil {
		t.Fatal(err)
	}
	m := sfntest.StartMoto(t, bins)
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	defer func() {
		if t.Failed() {
			t.Logf("jobs:\n%s\nmoto:\n%s", m.JobLogs(), m.ServerLog())
		}
	}()
	b := &sfnBin{t: t, path: exe, env: append(m.DeployerEnv(),
		"FLOWC_DATASTORE=s3", "FLOWC_DATASTORE_ROOT=s3://"+m.Bucket+"/flowc", "FLOWC_DATASTORE_PATH_STYLE=true")}
	// The settings come from the environment here, as FLOWC_<OPTION>.
	settings := []string{"FLOWC_JOB_QUEUE=" + m.Queue, "FLOWC_JOB_ROLE=" + m.Role,
		"FLOWC_IMAGE_REPOSITORY=" + strings.TrimPrefix(reg.URL, "http://") + "/flows/hybrid"}
	s := &sfnEnv{t: t, m: m}
	want := localRun(t, exe, filepath.Join(t.TempDir(), ".flowc"), "HybridFlow", "--local")
	jobs := func() int {
		files, _ := filepath.Glob(filepath.Join(m.LogDir, "*.log"))
		return len(files)
	}
	run := func(env []string, args ...string) (id, out string) {
		t.Helper()
		idFile := filepath.Join(t.TempDir(), "run-id")
		out = b.ok(env, append(args, "--run-id-file", idFile)...)
		raw, _ := os.ReadFile(idFile)
		return strings.TrimSpace(string(raw)), out
	}

	// Without a queue, nothing is recorded.
	if _, errOut, code := b.run(nil, "run", "--with", "batch"); code != 1 || !strings.Contains(errOut, "--job-queue") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("run --with batch without a queue: exit %d, %q; want one line naming --job-queue", code, errOut)
	}

	// The same run with every step here, on the same datastore: what a
	// Batch task costs beyond it.
	start := time.Now()
	local, _ := run(settings, "run", "--local")
	localTime := time.Since(start)
	if got := s.endHashes(t, "HybridFlow", local); !maps.Equal(got, want) {
		t.Errorf("run --local on S3: End %v, want %v", got, want)
	}
	if n := jobs(); n != 0 {
		t.Errorf("run --local submitted %d jobs", n)
	}

	start = time.Now()
	all, out := run(settings, "run", "--with", "batch")
	allTime := time.Since(start)
	const tasks = 7 // Start, Square x3, Join, Train, End
	if n := jobs(); n != tasks {
		t.Errorf("run --with batch: %d jobs, want one per task, %d", n, tasks)
	}
	t.Logf("run --with batch: %v for %d tasks, run --local on the same S3: %v; %v more per task",
		allTime.Round(time.Millisecond), tasks, localTime.Round(time.Millisecond), ((allTime - localTime) / tasks).Round(time.Millisecond))
	if !strings.Contains(out, "submitted to AWS Batch as job") || !strings.Contains(out, "5 steps on AWS Batch (--with batch): Start, Square, Join, Train, End") {
		t.Errorf("run --with batch output:\n%s", out)
	}
	if got := s.endHashes(t, "HybridFlow", all); !maps.Equal(got, want) {
		t.Errorf("run --with batch: End %v, want the local run's %v", got, want)
	}

	mixed, out := run(settings, "run")
	if n := jobs(); n != tasks+4 {
		t.Errorf("run with //flow:batch steps: %d jobs, want 4 more (Square x3, Train)", n-tasks)
	}
	if !strings.Contains(out, "2 steps on AWS Batch (//flow:batch): Square, Train") {
		t.Errorf("run output:\n%s", out)
	}
	if got := s.endHashes(t, "HybridFlow", mixed); !maps.Equal(got, want) {
		t.Errorf("run with //flow:batch steps: End %v, want the local run's %v", got, want)
	}
	var greeting string
	if err := json.Unmarshal([]byte(b.ok(nil, "dump", mixed, "--artifact", "Greeting", "--json")), &greeting); err != nil || greeting != "hello" {
		t.Errorf("dump %s Greeting = %q, %v; want the //flow:env value", mixed, greeting, err)
	}

	// One job definition served every run: reused when identical.
	defs, err := batch.NewFromConfig(m.AWS()).DescribeJobDefinitions(context.Background(), &batch.DescribeJobDefinitionsInput{Status: aws.String("ACTIVE")})
	if err != nil || len(defs.JobDefinitions) != 1 {
		t.Errorf("job definitions after three runs: %d (%v), want 1", len(defs.JobDefinitions), err)
	}

	// A failing Batch step: the run fails, its log is readable; resume
	// reruns it on Batch and reuses everything before it.
	if err := os.WriteFile(filepath.Join(m.LogDir, "fail-train"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	idFile := filepath.Join(t.TempDir(), "run-id")
	_, errOut, code := b.run(settings, "run", "--run-id-file", idFile)
	raw, _ := os.ReadFile(idFile)
	failed := strings.TrimSpace(string(raw))
	if code != 1 || !strings.Contains(errOut, "Train") {
		t.Fatalf("run with a failing Batch step: exit %d\n%s", code, errOut)
	}
	if out := b.ok(nil, "runs"); !strings.Contains(out, failed) || !strings.Contains(out, "failed") {
		t.Errorf("runs does not list %s as failed:\n%s", failed, out)
	}
	if out := b.ok(nil, "logs", failed+"/Train", "--stderr"); !strings.Contains(out, "Train failed on purpose") {
		t.Errorf("logs %s/Train --stderr:\n%s", failed, out)
	}
	if err := os.Remove(filepath.Join(m.LogDir, "fail-train")); err != nil {
		t.Fatal(err)
	}
	before := jobs()
	resumed, out := run(settings, "resume", "--origin-run-id", failed)
	if !strings.Contains(out, "cloning Square") || !strings.Contains(out, "rerunning from Train") {
		t.Errorf("resume output:\n%s", out)
	}
	if n := jobs() - before; n != 1 {
		t.Errorf("resume submitted %d jobs, want 1 (Train)", n)
	}
	if got := s.endHashes(t, "HybridFlow", resumed); !maps.Equal(got, want) {
		t.Errorf("resumed run: End %v, want the local run's %v", got, want)
	}

	t.Run("Interrupt", func(t *testing.T) { hybridInterrupt(t, b, m, s, settings, want) })
}

// hybridInterrupt: Ctrl-C or SIGTERM during a run whose Train step is a
// Batch job blocked in its step. The first signal terminates the job
// (TerminateJob: Batch sends the task SIGTERM, so a polite step ends at
// once); the second stops waiting for a job whose step ignores SIGTERM
// (Batch kills it after the stop timeout). Either way the run ends as
// killed naming resume, the job is FAILED with the run's reason as the
// Batch API reports it, its process is gone, and resume completes the run.
func hybridInterrupt(t *testing.T, b *sfnBin, m *sfntest.Moto, s *sfnEnv, settings []string, want map[string]string) {
	for _, tc := range []struct {
		name    string
		block   string
		signals []syscall.Signal
	}{
		{"polite", "", []syscall.Signal{syscall.SIGINT}},
		{"stubborn", "stubborn", []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			block, started := filepath.Join(m.LogDir, "block-train"), filepath.Join(m.LogDir, "train-started")
			os.Remove(started)
			if err := os.WriteFile(block, []byte(tc.block), 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(block)
			idFile := filepath.Join(t.TempDir(), "run-id")
			var mu sync.Mutex
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(b.path, "run", "--run-id-file", idFile)
			cmd.Dir, cmd.Env = t.TempDir(), append(append([]string{}, b.env...), settings...)
			cmd.Stdout, cmd.Stderr = &lockedWriter{mu: &mu, w: &stdout}, &lockedWriter{mu: &mu, w: &stderr}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			output := func() string { mu.Lock(); defer mu.Unlock(); return stdout.String() + stderr.String() }
			waitFor := func(what string, ok func() bool) {
				t.Helper()
				for deadline := time.Now().Add(2 * time.Minute); !ok(); time.Sleep(20 * time.Millisecond) {
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						t.Fatalf("no %s in 2 minutes; the run's output:\n%s", what, output())
					}
				}
			}
			var pid int
			waitFor("Train job started", func() bool {
				raw, err := os.ReadFile(started)
				pid, _ = strconv.Atoi(string(raw))
				return err == nil && pid > 0
			})
			for i, sig := range tc.signals {
				if i > 0 {
					waitFor("line offering a second interrupt", func() bool { return strings.Contains(output(), "interrupt again") })
				}
				cmd.Process.Signal(sig)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatalf("the run did not end within a minute of the signals:\n%s", output())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "was killed") || !strings.Contains(stderr.String(), "resume") {
				t.Errorf("want exit status 1 and a line that the run was killed, naming resume; got %v\n%s", err, output())
			}

			// The Batch API: Train's job was terminated, for the run's reason.
			out := output()
			i := strings.Index(out, "/Train/")
			j := strings.Index(out[max(i, 0):], "submitted to AWS Batch as job ")
			if i < 0 || j < 0 {
				t.Fatalf("no Train job in the output:\n%s", out)
			}
			job := strings.Fields(out[i+j+len("submitted to AWS Batch as job "):])[0]
			var st batchtypes.JobDetail
			waitFor("end of the terminated job "+job, func() bool {
				d, err := batch.NewFromConfig(m.AWS()).DescribeJobs(context.Background(), &batch.DescribeJobsInput{Jobs: []string{job}})
				if err != nil || len(d.Jobs) != 1 {
					t.Fatalf("DescribeJobs %s: %v", job, err)
				}
				st = d.Jobs[0]
				return st.Status == batchtypes.JobStatusFailed || st.Status == batchtypes.JobStatusSucceeded
			})
			if st.Status != batchtypes.JobStatusFailed || aws.ToString(st.StatusReason) != "the flowc run was interrupted" {
				t.Errorf("job %s: %s (%q), want FAILED for the interrupt", job, st.Status, aws.ToString(st.StatusReason))
			}
			if processLives(pid) {
				t.Errorf("Train's process %d still runs after its job ended", pid)
			}

			raw, _ := os.ReadFile(idFile)
			id := strings.TrimSpace(string(raw))
			if out := b.ok(nil, "runs"); !strings.Contains(out, id) || !strings.Contains(strings.SplitN(out[strings.Index(out, id):], "\n", 2)[0], "killed") {
				t.Errorf("runs does not list %s as killed:\n%s", id, out)
			}
			os.Remove(block)
			rIDFile := filepath.Join(t.TempDir(), "run-id")
			out = b.ok(settings, "resume", "--origin-run-id", id, "--run-id-file", rIDFile)
			if !strings.Contains(out, "rerunning from Train") {
				t.Errorf("resume output:\n%s", out)
			}
			raw, _ = os.ReadFile(rIDFile)
			if got := s.endHashes(t, "HybridFlow", strings.TrimSpace(string(raw))); !maps.Equal(got, want) {
				t.Errorf("resumed run: End %v, want the local run's %v", got, want)
			}
		})
	}
}
