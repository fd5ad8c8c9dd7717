package e2e

// A task that dies right after the metadata service recorded its end and
// before its commit marker is in the datastore: the service then holds an
// end that never committed. The retry, the run's status and a resume must
// agree with the datastore: the crashed attempt failed, the attempt that
// committed is the task's winner, nothing is recorded twice.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/jackc/pgx/v5"
)

// crashProxy stands between the flow binaries and the service. The first
// end of attempt 0 of a task of step it is forwarded; once the service has
// answered that it recorded it, the task's process (its pid from the
// attempt's start) is killed with SIGKILL, so it never writes its marker.
type crashProxy struct {
	t      *testing.T
	step   string
	proxy  *httputil.ReverseProxy
	mu     sync.Mutex
	pids   map[string]int // attempt path -> the pid its start named
	killed string         // the attempt path whose task was killed
}

func newCrashProxy(t *testing.T, service, step string) (*httptest.Server, *crashProxy) {
	u, err := url.Parse(service)
	if err != nil {
		t.Fatal(err)
	}
	p := &crashProxy{t: t, step: step, proxy: httputil.NewSingleHostReverseProxy(u), pids: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv, p
}

// crashedTask is the id of the task that was killed.
func (p *crashProxy) crashedTask() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, rest, _ := strings.Cut(p.killed, "/steps/"+p.step+"/tasks/")
	task, _, _ := strings.Cut(rest, "/")
	return task
}

func (p *crashProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Method == "PUT" && strings.Contains(r.URL.Path, "/steps/"+p.step+"/tasks/")
	if target && strings.HasSuffix(r.URL.Path, "/attempts/0") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var start mdapi.AttemptStart
		json.Unmarshal(body, &start)
		p.mu.Lock()
		p.pids[r.URL.Path] = start.PID
		p.mu.Unlock()
	}
	attempt, isEnd := strings.CutSuffix(r.URL.Path, "/done")
	p.mu.Lock()
	pid, crash := p.pids[attempt], target && isEnd && p.killed == "" && strings.HasSuffix(attempt, "/attempts/0")
	if crash {
		p.killed = attempt
	}
	p.mu.Unlock()
	if !crash {
		p.proxy.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	p.proxy.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || pid <= 0 {
		p.t.Errorf("the end to crash after: %d %s (pid %d)", rec.Code, rec.Body, pid)
	} else {
		// The task waits for this answer, so it dies before its marker.
		syscall.Kill(pid, syscall.SIGKILL)
		for deadline := time.Now().Add(10 * time.Second); processLives(pid) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	w.WriteHeader(http.StatusServiceUnavailable) // nobody reads it
}

// mdsAttempt is an attempt as the service's database has it.
type mdsAttempt struct {
	attempt int
	ok      *bool
	arts    int
}

func mdsTask(t *testing.T, db, flow, run, step, task string) (winner *int, attempts []mdsAttempt) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tasks int
	conn.QueryRow(ctx, "SELECT count(*), max(winner) FROM tasks WHERE flow = $1 AND run = $2 AND step = $3 AND task = $4", flow, run, step, task).Scan(&tasks, &winner)
	if tasks != 1 {
		t.Fatalf("%d tasks %s/%s/%s recorded, want 1", tasks, run, step, task)
	}
	rows, err := conn.Query(ctx, "SELECT attempt, ok, coalesce((SELECT count(*) FROM jsonb_object_keys(artifacts)), 0) FROM attempts WHERE flow = $1 AND run = $2 AND step = $3 AND task = $4 ORDER BY attempt", flow, run, step, task)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a mdsAttempt
		if err := rows.Scan(&a.attempt, &a.ok, &a.arts); err != nil {
			t.Fatal(err)
		}
		attempts = append(attempts, a)
	}
	return winner, attempts
}

func TestMetadataServiceTaskCrashAfterItsEnd(t *testing.T) {
	pg := pgtest.Start(t)
	db := pg.NewDatabase(t)
	svc := startMDS(t, db)

	// Retried: attempt 0 dies after its end was recorded; attempt 1
	// commits, and is the task's winner in the service too.
	t.Run("Retried", func(t *testing.T) {
		proxy, _ := newCrashProxy(t, svc.URL, "Work")
		b := newFailBin(t, mdsFlows.exe(t, "retried"), "FLOWC_METADATA=service@"+proxy.URL, "FLOWC_USER=alice")
		idFile := filepath.Join(b.dir, "id")
		r := b.run(nil, "run", "--run-id-file", idFile)
		run := strings.TrimSpace(failRead(t, idFile))
		t.Logf("run %s: %s", run, r)
		if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "value 41") {
			t.Fatalf("the run with a crashed attempt: %s", r)
		}
		task := b.onlyTask("RetriedFlow", run, "Work")
		dir := filepath.Join(b.dir, ".flowc", "RetriedFlow", run, "Work", task)
		var committed struct{ Attempt int }
		if data, err := os.ReadFile(filepath.Join(dir, "task.json")); err != nil || json.Unmarshal(data, &committed) != nil || committed.Attempt != 1 {
			t.Errorf("the datastore's committed attempt: %+v (%v), want 1", committed, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "0.done")); err != nil {
			t.Errorf("the crashed attempt has no failed marker: %v", err)
		}
		winner, attempts := mdsTask(t, db, "RetriedFlow", run, "Work", task)
		if winner == nil || *winner != 1 {
			t.Errorf("the service's winner: %v, want attempt 1, the one committed", winner)
		}
		if len(attempts) != 2 || attempts[0].ok == nil || *attempts[0].ok || attempts[1].ok == nil || !*attempts[1].ok || attempts[0].arts != 0 || attempts[1].arts == 0 {
			t.Errorf("the service's attempts: %+v; want 0 failed without artifacts, 1 succeeded with them", attempts)
		}
	})

	// Not retried: the run fails, the task shows failed in the service as
	// in the datastore, and a resume runs it again and succeeds.
	t.Run("Resumed", func(t *testing.T) {
		proxy, crash := newCrashProxy(t, svc.URL, "Body")
		b := newFailBin(t, mdsFlows.exe(t, "gated"), "FLOWC_METADATA=service@"+proxy.URL, "FLOWC_USER=alice")
		idFile := filepath.Join(b.dir, "id")
		r := b.run(nil, "run", "--n", "2", "--run-id-file", idFile)
		run := strings.TrimSpace(failRead(t, idFile))
		t.Logf("run %s: %s", run, r)
		if r.code == 0 {
			t.Fatalf("a run whose Body task crashed succeeded: %s", r)
		}
		if row := b.runsRow(run); row == nil || row[1] != "failed" {
			t.Errorf("runs shows the failed run as %q", row)
		}
		crashed := crash.crashedTask()
		if winner, attempts := mdsTask(t, db, "GatedFlow", run, "Body", crashed); winner != nil || len(attempts) != 1 || attempts[0].ok == nil || *attempts[0].ok || attempts[0].arts != 0 {
			t.Errorf("the crashed task in the service: winner %v, attempts %+v; want no winner, one failed attempt without artifacts", winner, attempts)
		}
		if m := b.readDone("GatedFlow", run, "Body", crashed); m["ok"] == true {
			t.Errorf("the crashed task's marker says ok: %v", m)
		}
		r = b.run(nil, "resume", "--run-id-file", idFile)
		resumed := strings.TrimSpace(failRead(t, idFile))
		t.Logf("resume %s: %s", resumed, r)
		if r.code != 0 {
			t.Fatalf("resume: %s", r)
		}
		if row := b.runsRow(resumed); row == nil || row[1] != "succeeded" {
			t.Errorf("runs shows the resumed run as %q", row)
		}
		// In the resumed run every task (the cloned Start, both Body
		// tasks, Join, End) is recorded once, with one attempt that is its
		// winner; the clone with its origin, Start of the failed run.
		conn, err := pgx.Connect(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var tasks, winners, attempts int
		conn.QueryRow(context.Background(), "SELECT count(*), count(winner) FROM tasks WHERE flow = 'GatedFlow' AND run = $1", resumed).Scan(&tasks, &winners)
		conn.QueryRow(context.Background(), "SELECT count(*) FROM attempts WHERE flow = 'GatedFlow' AND run = $1", resumed).Scan(&attempts)
		if tasks != 5 || winners != 5 || attempts != 5 {
			t.Errorf("the resumed run: %d tasks, %d with a winner, %d attempts; want 5 of each", tasks, winners, attempts)
		}
		var origin string
		conn.QueryRow(context.Background(), "SELECT origin FROM tasks WHERE flow = 'GatedFlow' AND run = $1 AND step = 'Start'", resumed).Scan(&origin)
		if !strings.HasPrefix(origin, run+"/Start/") {
			t.Errorf("the cloned Start's origin in the service is %q; want %s/Start/<task>", origin, run)
		}
		var arts int
		conn.QueryRow(context.Background(), "SELECT count(*) FROM attempts a, jsonb_object_keys(a.artifacts) WHERE a.flow = 'GatedFlow' AND a.run = $1 AND a.step = 'Start'", resumed).Scan(&arts)
		if arts == 0 {
			t.Errorf("the cloned Start has no artifact index in the service")
		}
	})
}
