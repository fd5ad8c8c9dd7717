package e2e

// The metadata service as users run it: PostgreSQL and `flowc
// metadata-service` started as processes, flow binaries run by two users
// against it and one datastore, then read back with runs, tag, dump and
// rt/client; a wrong token, a killed runner, a restarted service.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/flowc-dev/flowc/rt/client"
)

// mdsService is one `flowc metadata-service` process.
type mdsService struct {
	t    *testing.T
	bin  string
	args []string
	URL  string
	cmd  *exec.Cmd
	logs *os.File
}

func mdsFreePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMDS builds flowc and starts the service on a fixed loopback port,
// so a restart keeps the URL the flows were given.
func startMDS(t *testing.T, dbURL string, extra ...string) *mdsService {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "flowc")
	build := exec.Command("go", "build", "-o", bin, "./cmd/flowc")
	build.Dir = failRepo(t)
	build.Env = failEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/flowc: %v\n%s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", mdsFreePort(t))
	s := &mdsService{t: t, bin: bin, URL: "http://" + addr,
		args: append([]string{"metadata-service", "--database-url", dbURL, "--listen", addr}, extra...)}
	s.start()
	t.Cleanup(func() { s.stop(syscall.SIGKILL) })
	return s
}

func (s *mdsService) start() {
	s.t.Helper()
	logs, err := os.CreateTemp(s.t.TempDir(), "mds-*.log")
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Env = failEnv()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.cmd, s.logs = cmd, logs
	// The first line says where it listens, once migrated and bound.
	sc := bufio.NewScanner(stderr)
	if !sc.Scan() || !strings.Contains(sc.Text(), `"msg":"listening"`) {
		cmd.Process.Kill()
		s.t.Fatalf("metadata-service did not start: %q", sc.Text())
	}
	logs.WriteString(sc.Text() + "\n")
	go io.Copy(logs, stderr)
}

// stop ends the service with sig and waits for it; its exit error.
func (s *mdsService) stop(sig syscall.Signal) error {
	if s.cmd == nil {
		return nil
	}
	s.cmd.Process.Signal(sig)
	err := s.cmd.Wait()
	s.cmd = nil
	return err
}

func (s *mdsService) log() string {
	data, _ := os.ReadFile(s.logs.Name())
	return string(data)
}

func TestMetadataService(t *testing.T) {
	pg := pgtest.Start(t)
	svc := startMDS(t, pg.NewDatabase(t), "--token", "s3cret", "--heartbeat-timeout", "3s")
	md := []string{"FLOWC_METADATA=service@" + svc.URL, "FLOWC_METADATA_TOKEN=s3cret"}
	dir := t.TempDir()
	linear := newFailBin(t, failBuild(t, dir, "linear"), md...)
	alice := []string{"FLOWC_USER=alice"}
	bob := []string{"FLOWC_USER=bob"}

	// Two users run against one service and one datastore: the service
	// mints their ids.
	idFile := filepath.Join(linear.dir, "id")
	linear.ok(alice, "run", "--run-id-file", idFile, "--tag", "exp")
	aliceRun := failRead(t, idFile)
	linear.ok(bob, "run", "--run-id-file", idFile)
	bobRun := failRead(t, idFile)
	if aliceRun != "1" || bobRun != "2" {
		t.Fatalf("run ids %q and %q, want 1 and 2 minted by the service", aliceRun, bobRun)
	}
	// The run records are in the service, not in the datastore.
	if _, err := os.Stat(filepath.Join(linear.dir, ".flowc", "LinearFlow", aliceRun, "_run.json")); !os.IsNotExist(err) {
		t.Errorf("the datastore has a run record beside the service: %v", err)
	}

	// runs: alice's own by default, everyone's with --all.
	if row := mdsRow(linear, alice, bobRun); row != nil {
		t.Errorf("alice's `runs` lists bob's run: %q", row)
	}
	if row := mdsRow(linear, alice, aliceRun); row == nil || row[1] != "succeeded" {
		t.Errorf("alice's run in `runs`: %q", row)
	}
	all := linear.run(alice, "runs", "--all")
	if !strings.Contains(all.stdout, "user:bob") || !strings.Contains(all.stdout, "user:alice") {
		t.Errorf("runs --all does not show both users:\n%s", all)
	}
	// The namespace mismatch error is the local one.
	if r := linear.run(alice, "dump", bobRun); r.code != 1 || !strings.Contains(r.stderr, `namespace "user:bob"`) {
		t.Errorf("alice dumping bob's run: %s", r)
	}
	linear.ok(alice, "dump", aliceRun)
	// spin reruns a task of a service run, in a scratch run of the datastore.
	start := linear.onlyTask("LinearFlow", aliceRun, "Start")
	if r := linear.ok(alice, "spin", aliceRun+"/Start/"+start); !strings.Contains(r.stdout, "scratch run") {
		t.Errorf("spin of a service run:\n%s", r)
	}

	// Tags added by one process are seen by another.
	linear.ok(alice, "--namespace", "user:bob", "tag", "add", bobRun, "reviewed")
	if r := linear.ok(bob, "tag", "list", bobRun); !strings.Contains(r.stdout, "reviewed\n") {
		t.Errorf("bob does not see alice's tag:\n%s", r)
	}
	if r := linear.run(bob, "tag", "remove", bobRun, "user:bob"); r.code != 1 || !strings.Contains(r.stderr, "system tag") {
		t.Errorf("removing a system tag through the service: %s", r)
	}

	// rt/client lists across users and namespaces through the service.
	t.Setenv("FLOWC_METADATA_TOKEN", "s3cret")
	c, err := client.New(client.WithRoot(filepath.Join(linear.dir, ".flowc")), client.WithMetadata("service@"+svc.URL), client.WithNamespace(""))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := c.Flow("LinearFlow").Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, r := range runs {
		users = append(users, r.User())
	}
	if !slices.Equal(users, []string{"bob", "alice"}) {
		t.Errorf("the client's runs across users: %q", users)
	}
	if r, err := c.Flow("LinearFlow").Runs(context.Background(), "reviewed"); err != nil || len(r) != 1 || r[0].ID() != bobRun {
		t.Errorf("the client's runs tagged reviewed: %v %v", r, err)
	}
	latest, err := c.Flow("LinearFlow").LatestSuccessfulRun(context.Background())
	if err != nil || latest.ID() != bobRun {
		t.Fatalf("latest successful run: %v %v", latest, err)
	}
	if steps, err := latest.Steps(context.Background()); err != nil || len(steps) == 0 {
		t.Errorf("steps of a service run, read from the datastore: %v %v", steps, err)
	}

	// A wrong token: one line naming the fix, exit 1, nothing recorded.
	for _, args := range [][]string{{"runs"}, {"run"}} {
		r := linear.run(append(alice, "FLOWC_METADATA_TOKEN=wrong"), args...)
		if r.code != 1 || !strings.Contains(r.stderr, "FLOWC_METADATA_TOKEN") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v with a wrong token: %s", args, r)
		}
	}
	if n := strings.Count(linear.ok(alice, "runs", "--all").stdout, "\n"); n != strings.Count(all.stdout, "\n") {
		t.Errorf("a run with a wrong token changed the listing")
	}

	// A killed runner shows killed once its heartbeats stop (3 s here).
	flaky := newFailBin(t, failBuild(t, dir, "flaky"), md...)
	hang := filepath.Join(flaky.dir, "hanging")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd, out, errb := flaky.cmd(ctx, append(alice, "FLAKY_HANG="+hang), "run", "--run-id-file", idFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(hang); err == nil {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatalf("End never started:\n%s\n%s", out, errb)
		}
	}
	flakyRun := failRead(t, idFile)
	if row := mdsRow(flaky, alice, flakyRun); row == nil || row[1] != "running" {
		t.Errorf("a live run: %q", row)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the runner and its tasks, as a lost machine
	cmd.Wait()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		row := mdsRow(flaky, alice, flakyRun)
		if row != nil && row[1] == "killed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed run still shows %q after 30 s", row)
		}
	}

	// Resume through the service: a new run, its origin the killed one.
	flaky.ok(alice, "resume", "--run-id-file", idFile)
	resumed := failRead(t, idFile)
	if row := mdsRow(flaky, alice, resumed); row == nil || row[1] != "succeeded" || row[5] != flakyRun {
		t.Errorf("the resumed run: %q", row)
	}

	// The root is bound to the service: a run through the local provider
	// (which mints its own ids) is refused in one line naming both, and
	// writes nothing.
	before, _ := os.ReadDir(filepath.Join(linear.dir, ".flowc", "LinearFlow"))
	if r := linear.run(append(alice, "FLOWC_METADATA=local"), "run"); r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
		!strings.Contains(r.stderr, `bound to metadata "service@`+svc.URL+`", not "local"`) || !strings.Contains(r.stderr, "--metadata service@"+svc.URL) {
		t.Errorf("a local run on a root bound to the service: %s", r)
	}
	if after, _ := os.ReadDir(filepath.Join(linear.dir, ".flowc", "LinearFlow")); len(after) != len(before) {
		t.Errorf("the refused run wrote to the datastore: %d entries, then %d", len(before), len(after))
	}
	// A trailing slash names the same service (a third LinearFlow run).
	linear.ok(append(alice, "FLOWC_METADATA=service@"+svc.URL+"/"), "run")

	// kill -9 of the service, then a restart: everything is still there.
	svc.stop(syscall.SIGKILL)
	svc.start()
	if r := linear.ok(alice, "runs", "--all"); !strings.Contains(r.stdout, "reviewed") || strings.Count(r.stdout, "\n") != 4 {
		t.Errorf("after a service restart:\n%s", r)
	}
	// SIGTERM stops it cleanly, and its access log has a line per request.
	if err := svc.stop(syscall.SIGTERM); err != nil {
		t.Errorf("metadata-service after SIGTERM: %v\n%s", err, svc.log())
	}
	var line struct {
		Method, Path string
		Status       int
	}
	lines := strings.Split(strings.TrimSpace(svc.log()), "\n")
	if len(lines) < 3 || json.Unmarshal([]byte(lines[1]), &line) != nil || line.Method == "" || line.Status == 0 {
		t.Errorf("access log:\n%s", svc.log())
	}
}

// mdsRow is run id's row in `runs` as the user env runs it, or nil.
func mdsRow(b *failBin, env []string, id string) []string {
	b.t.Helper()
	for _, line := range strings.Split(b.ok(env, "runs").stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == id {
			return f
		}
	}
	return nil
}

// A flow binary speaks to the service with net/http only: the database
// driver is linked into flowc, never into a flow.
func TestFlowBinaryHasNoDatabaseDriver(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./examples/linear", "./cmd/flowc")
	cmd.Dir = failRepo(t)
	cmd.Env = failEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "github.com/jackc/pgx/v5\n") {
		t.Fatalf("flowc does not link pgx: the check below would prove nothing")
	}
	cmd = exec.Command("go", "list", "-deps", "./examples/linear")
	cmd.Dir = failRepo(t)
	cmd.Env = failEnv()
	if out, err = cmd.Output(); err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/jackc/") || strings.Contains(dep, "internal/mdservice") {
			t.Errorf("a flow binary links %s", dep)
		}
	}
}
