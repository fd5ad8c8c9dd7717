package mdservice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The benchmarks run against a real PostgreSQL over loopback HTTP, as a
// flow binary reaches the service:
//
//	go test ./internal/mdservice -run '^$' -bench . -benchtime 2000x
//
// BenchmarkMintRun is one run id minted (and its record written) per op;
// BenchmarkTaskRecords is one task attempt recorded per op (its start and
// its end with three artifact index entries and two log locations, the two
// writes a task makes), from 16 concurrent clients.

// benchPools are the database pools of the services under benchmark, by
// URL.
var benchPools sync.Map // url -> *pgxpool.Pool

func svcPool(b *testing.B, url string) *pgxpool.Pool {
	v, _ := benchPools.Load(url)
	return v.(*pgxpool.Pool)
}

// BenchURLEnv, with FLOWC_DATABASE_URL, points the benchmarks at a running
// `flowc metadata-service` and its database instead of one of their own
// (bench/metadata.sh measures the service's own process that way).
const BenchURLEnv = "FLOWC_BENCH_METADATA_URL"

func benchEnv(b *testing.B) (*Service, string) {
	if url := os.Getenv(BenchURLEnv); url != "" {
		pool, err := pgxpool.New(context.Background(), os.Getenv("FLOWC_DATABASE_URL"))
		if err != nil {
			b.Fatalf("%s is set: FLOWC_DATABASE_URL must name the service's database: %v", BenchURLEnv, err)
		}
		b.Cleanup(pool.Close)
		benchPools.Store(url, pool)
		return nil, url
	}
	pg := pgtest.Start(b)
	svc, err := New(context.Background(), Config{DatabaseURL: pg.URL, HeartbeatTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	b.Cleanup(func() { srv.Close(); svc.Close() })
	benchPools.Store(srv.URL, svc.pool)
	return svc, srv.URL
}

// cpuUse is the CPU time the database's processes and this one (the
// service and its load's clients) spent, per op: on a shared machine the
// rate an op gets depends on the others' load, its CPU cost does not.
type cpuUse struct {
	pool     *pgxpool.Pool
	db, proc time.Duration
}

func startCPU(pool *pgxpool.Pool) *cpuUse {
	return &cpuUse{pool: pool, db: dbCPU(pool), proc: procCPU()}
}

func (c *cpuUse) report(b *testing.B) {
	db, proc := dbCPU(c.pool)-c.db, procCPU()-c.proc
	if db > 0 {
		b.ReportMetric(float64(db.Microseconds())/float64(b.N), "db-cpu-µs/op")
	}
	b.ReportMetric(float64(proc.Microseconds())/float64(b.N), "go-cpu-µs/op")
}

func procCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dbCPU sums the CPU time of the server's processes from /proc (0 where
// there is no /proc); the backends stay up for the whole benchmark, held by
// the pool.
func dbCPU(pool *pgxpool.Pool) time.Duration {
	rows, err := pool.Query(context.Background(), "SELECT pid FROM pg_stat_activity")
	if err != nil {
		return 0
	}
	pids, _ := pgx.CollectRows(rows, pgx.RowTo[int32])
	var total time.Duration
	for _, pid := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// utime and stime, in clock ticks (100 a second on Linux), are
		// the 14th and 15th fields; the 2nd, the command, may hold spaces.
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(u+st) * 10 * time.Millisecond
	}
	return total
}

// latencies collects request times, for the p99 the issue targets.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	b.ReportMetric(float64(l.d[len(l.d)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(l.d[len(l.d)/2].Microseconds())/1000, "p50-ms")
}

func benchPost(b *testing.B, c *http.Client, method, url string, body any, want int) []byte {
	return benchTimed(b, c, nil, method, url, body, want)
}

func benchTimed(b *testing.B, c *http.Client, lat *latencies, method, url string, body any, want int) []byte {
	start := time.Now()
	defer func() {
		if lat != nil {
			lat.add(time.Since(start))
		}
	}()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(data))
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, out)
	}
	return out
}

func BenchmarkMintRun(b *testing.B) {
	_, url := benchEnv(b)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	in := mdapi.Run{User: "alice", Namespace: "user:alice", SysTags: []string{"user:alice", "runtime:flowc-0.1.0"}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchPost(b, c, "POST", url+"/v1/flows/BenchFlow/runs", in, http.StatusCreated)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}

func BenchmarkTaskRecords(b *testing.B) {
	_, url := benchEnv(b)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var run mdapi.Run
	json.Unmarshal(benchPost(b, c, "POST", url+"/v1/flows/BenchFlow/runs", mdapi.Run{User: "alice", Namespace: "user:alice"}, http.StatusCreated), &run)
	hash := strings.Repeat("0123456789abcdef", 4)
	var n atomic.Int64
	var lat latencies
	b.SetParallelism(8) // 8 x GOMAXPROCS clients
	cpu := startCPU(svcPool(b, url))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			task := fmt.Sprint(n.Add(1))
			path := url + mdapi.AttemptPath("BenchFlow", run.ID, "Body", task, 0)
			benchTimed(b, c, &lat, "PUT", path, mdapi.AttemptStart{PID: 1, Started: time.Now(), Inputs: run.ID + "/Start/0",
				ForeachStack: []mdapi.ForeachFrame{{Step: "Start", Index: 0, NumSplits: 1}}}, http.StatusOK)
			benchTimed(b, c, &lat, "PUT", path+"/done", mdapi.AttemptDone{OK: true, Finished: time.Now(),
				Artifacts: map[string]mdapi.Artifact{"A": {Hash: hash, Type: "int", Size: 1}, "B": {Hash: hash, Type: "string", Size: 3}, "C": {Hash: hash, Type: "[]float64", Size: 20}},
				Logs:      []mdapi.LogLocation{{Stream: "stdout", Location: "x"}, {Stream: "stderr", Location: "y"}}}, http.StatusOK)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "attempts/s")
	cpu.report(b)
	lat.report(b)
	var recorded int
	svcPool(b, url).QueryRow(context.Background(), "SELECT count(*) FROM attempts WHERE flow = 'BenchFlow' AND run = $1 AND done IS NOT NULL", run.ID).Scan(&recorded)
	if recorded < b.N {
		b.Fatalf("%d attempts recorded of %d", recorded, b.N)
	}
}

// BenchmarkListRunsFirstPage is the first page of a `runs` listing (100
// runs of one flow in one namespace) with 100,000 runs in the database.
func BenchmarkListRunsFirstPage(b *testing.B) {
	_, url := benchEnv(b)
	ctx := context.Background()
	_, err := svcPool(b, url).Exec(ctx, `
		INSERT INTO flows (name, last_run) VALUES ('F', 50000), ('G', 50000) ON CONFLICT DO NOTHING;
		INSERT INTO runs (flow, id, user_name, namespace, sys_tags, status, started, finished)
		SELECT CASE WHEN i % 2 = 0 THEN 'F' ELSE 'G' END, (i / 2 + 1)::text, 'user' || (i % 50),
			'user:user' || (i % 50), ARRAY['user:user' || (i % 50)], 'succeeded', now(), now()
		FROM generate_series(0, 99999) AS i
		ON CONFLICT DO NOTHING;
		ANALYZE runs`)
	if err != nil {
		b.Fatal(err)
	}
	c := &http.Client{}
	var lat latencies
	b.ResetTimer()
	for b.Loop() {
		var page mdapi.RunList
		json.Unmarshal(benchTimed(b, c, &lat, "GET", url+"/v1/runs?flow=F&namespace=user:user2&limit=100", nil, http.StatusOK), &page)
		if len(page.Runs) != 100 || page.Next == "" {
			b.Fatalf("a page of %d runs", len(page.Runs))
		}
	}
	lat.report(b)
}
