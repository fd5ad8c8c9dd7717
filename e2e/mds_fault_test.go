package e2e

// The metadata service's faults as users meet them: the service killed
// (kill -9) while a run's tasks are in flight, then its database; each
// time the run goes on once it is back, and every task is recorded once.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/jackc/pgx/v5"
)

// startGated starts a run of GatedFlow and waits until its width Body
// tasks are started (their starts recorded) and held at the gate.
func startGated(t *testing.T, ctx context.Context, b *failBin, gate, idFile string, width int) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd, out, errb := b.cmd(ctx, []string{"GATED_GATE=" + gate}, "run", "--quiet", "--n", fmt.Sprint(width), "--run-id-file", idFile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		n := 0
		for item := range width {
			if _, err := os.Stat(fmt.Sprintf("%s.%d", gate, item)); err == nil {
				n++
			}
		}
		if n == width {
			return cmd, out, errb
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("%d of %d Body tasks started in 60 s:\n%s\n%s", n, width, out, errb)
		}
	}
}

// mdsFlows is the module of testdata/mdsflows, built once.
var mdsFlows = &testModule{name: "mdsflows"}

func TestMetadataServiceFaults(t *testing.T) {
	pg := pgtest.Start(t)
	db := pg.NewDatabase(t)
	svc := startMDS(t, db)
	exe := mdsFlows.exe(t, "gated")
	const width = 6
	for i, fault := range []struct {
		name          string
		kill, restart func()
	}{
		{"ServiceKilled", func() { svc.stop(syscall.SIGKILL) }, func() { svc.start() }},
		{"PostgreSQLKilled", pg.Kill, pg.Restart},
	} {
		t.Run(fault.name, func(t *testing.T) {
			b := newFailBin(t, exe, "FLOWC_METADATA=service@"+svc.URL, "FLOWC_USER=alice")
			gate := filepath.Join(b.dir, "gate")
			idFile := filepath.Join(b.dir, "id")
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd, out, errb := startGated(t, ctx, b, gate, idFile, width)
			fault.kill()
			// The tasks end while the service (or its database) is away:
			// their ends, and the runner's writes, wait in retries.
			if err := os.WriteFile(gate, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
			fault.restart()
			if err := cmd.Wait(); err != nil {
				t.Fatalf("the run across a restart: %v\n%s\n%s", err, out, errb)
			}
			run := strings.TrimSpace(failRead(t, idFile))
			if r := b.ok(nil, "dump", run+"/End"); !strings.Contains(r.stdout, "Sum") {
				t.Errorf("dump of the End task:\n%s", r)
			}

			// In the database: one run per subtest so far (no mint
			// twice), its status, and each task once, with one attempt.
			conn, err := pgx.Connect(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			var runs int
			var status string
			conn.QueryRow(context.Background(), "SELECT count(*) FROM runs WHERE flow = 'GatedFlow'").Scan(&runs)
			conn.QueryRow(context.Background(), "SELECT status FROM runs WHERE flow = 'GatedFlow' AND id = $1", run).Scan(&status)
			if runs != i+1 || status != "succeeded" {
				t.Errorf("%d GatedFlow runs recorded, want %d; run %s is %q, want succeeded", runs, i+1, run, status)
			}
			var tasks, winners, attempts, ended, artifacts int
			conn.QueryRow(context.Background(), `SELECT count(*), count(winner) FROM tasks WHERE flow = 'GatedFlow' AND run = $1`, run).Scan(&tasks, &winners)
			conn.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE ok AND attempt = 0) FROM attempts WHERE flow = 'GatedFlow' AND run = $1`, run).Scan(&attempts, &ended)
			conn.QueryRow(context.Background(), `SELECT count(*) FROM attempts WHERE flow = 'GatedFlow' AND run = $1 AND step = 'Body' AND artifacts ? 'Square'`, run).Scan(&artifacts)
			if want := width + 3; tasks != want || winners != want || attempts != want || ended != want || artifacts != width {
				t.Errorf("run %s: %d tasks (%d with a winner), %d attempts (%d first attempts ended ok), %d Square index entries; want %d tasks and attempts, %d entries",
					run, tasks, winners, attempts, ended, artifacts, want, width)
			}
		})
	}

	// Away for longer than the client retries (FLOWC_METADATA_RETRY): the
	// tasks fail in one line each, and none is committed, since the
	// service did not record their ends.
	t.Run("ServiceAwayPastTheRetries", func(t *testing.T) {
		b := newFailBin(t, exe, "FLOWC_METADATA=service@"+svc.URL, "FLOWC_USER=alice", "FLOWC_METADATA_RETRY=2s")
		gate := filepath.Join(b.dir, "gate")
		idFile := filepath.Join(b.dir, "id")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd, out, errb := startGated(t, ctx, b, gate, idFile, width)
		svc.stop(syscall.SIGKILL)
		defer svc.start()
		if err := os.WriteFile(gate, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		t.Logf("stderr:\n%s", errb)
		if err == nil || !strings.Contains(errb.String(), "is unreachable") || !strings.Contains(errb.String(), "not committed") {
			t.Errorf("a run whose service stayed away: %v\n%s\n%s", err, out, errb)
		}
		run := strings.TrimSpace(failRead(t, idFile))
		body := filepath.Join(b.dir, ".flowc", "GatedFlow", run, "Body")
		tasks, _ := os.ReadDir(body)
		if len(tasks) != width {
			t.Errorf("%d Body tasks in the datastore, want %d", len(tasks), width)
		}
		for _, task := range tasks {
			for _, marker := range []string{"task.json", "0.done"} {
				if _, err := os.Stat(filepath.Join(body, task.Name(), marker)); err == nil {
					t.Errorf("Body task %s has %s: committed without the service recording its end", task.Name(), marker)
				}
			}
		}
	})
}
