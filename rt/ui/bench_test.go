package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// BenchmarkRunsPage is the runs page over a datastore of n runs: the page
// itself, and the first page of the list it fetches, filtered and not, as
// a browser gets them (a real HTTP round trip on loopback, to the last
// byte). The list reads the run index, so it should grow with n only
// through the index's size (issue 12: first paint <= 300 ms at 10,000).
//
//	go test ./rt/ui -run '^$' -bench RunsPage -benchtime 20x
func BenchmarkRunsPage(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			f := newFixture(b)
			for i := 1; i <= n; i++ {
				r := &store.Run{Flow: "F", ID: strconv.Itoa(i), User: "u" + strconv.Itoa(i%7), Namespace: "user:u", Status: "succeeded",
					Tags: []string{"t" + strconv.Itoa(i%10)}, SysTags: []string{"user:u"}, Started: t0.Add(time.Duration(i) * time.Second)}
				if err := f.st.PutRun(r); err != nil {
					b.Fatal(err)
				}
			}
			srv := httptest.NewServer(f.server(Options{Listen: "127.0.0.1:8324"}))
			defer srv.Close()
			get := func(b *testing.B, path string) {
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				req.Host = "127.0.0.1:8324"
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || n == 0 {
					b.Fatalf("GET %s: %d", path, resp.StatusCode)
				}
			}
			// A server that just started: nothing of the index cached.
			b.Run("list-cold", func(b *testing.B) {
				defer reportCPU(b)()
				for b.Loop() {
					h := f.server(Options{Listen: "127.0.0.1:8324"})
					if w := do(b, h, "GET", "/api/runs", ""); w.Code != 200 {
						b.Fatal(w.Code)
					}
				}
			})
			for _, p := range []struct{ name, path string }{
				{"page", "/"},
				{"list", "/api/runs"},
				{"list-by-tag-and-user", "/api/runs?tag=t3&user=u2"},
				{"last-page", "/api/runs?offset=" + strconv.Itoa(n-50)},
			} {
				b.Run(p.name, func(b *testing.B) {
					defer reportCPU(b)()
					for b.Loop() {
						get(b, p.path)
					}
				})
			}
		})
	}
}

// BenchmarkLiveStatus is how long after a task's commit the run page's
// live stream (live.go) sends the state that shows it, with a foreach of
// width tasks already done (issue 12: live status within 1 s of a task's
// commit). Each op starts a task, waits for the stream to show it running,
// then times its commit until the stream shows it done; ns/op is that
// latency.
//
//	go test ./rt/ui -run '^$' -bench LiveStatus -benchtime 20x
func BenchmarkLiveStatus(b *testing.B) {
	for _, width := range []int{10, 1000} {
		b.Run(strconv.Itoa(width), func(b *testing.B) {
			f := newFixture(b)
			id := f.run("F", "u", "running", t0)
			f.task("F", id, "Start", "1", attempt{ok: true})
			for i := range width {
				f.task("F", id, "Body", strconv.Itoa(2+i), attempt{ok: true})
			}
			srv := httptest.NewServer(f.server(Options{}))
			defer srv.Close()
			ev, closeEv := openEvents(b, srv.URL+"/api/runs/F/"+id+"/events")
			defer closeEv()
			waitFor := func(succeeded, running int) {
				for {
					c := counts(ev.state(), "Body")
					if c["succeeded"] == succeeded && c["running"] == running {
						return
					}
				}
			}
			waitFor(width, 0)
			var worst time.Duration
			n := 0
			for b.Loop() {
				b.StopTimer()
				task := strconv.Itoa(2 + width + n)
				p := store.TaskPath{Flow: "F", Run: id, Step: "Body", Task: task}
				w, err := f.st.CreateLog(p, 0, "stderr") // started
				if err != nil {
					b.Fatal(err)
				}
				waitFor(width+n, 1)
				if err := f.st.WriteTaskData(p, 0, &store.TaskData{Artifacts: map[string]store.Artifact{}}); err != nil {
					b.Fatal(err)
				}
				w.Close()
				b.StartTimer()
				committed := time.Now()
				if err := f.st.FinishAttempt(p, &store.Done{Attempt: 0, OK: true, Started: t0, Finished: t0}); err != nil {
					b.Fatal(err)
				}
				waitFor(width+n+1, 0)
				worst = max(worst, time.Since(committed))
				n++
			}
			b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
		})
	}
}

// foreachRun records a succeeded run of flow F whose Body is a foreach of
// n tasks, and returns its id.
func (f *fixture) foreachRun(n int) string {
	id := f.run("F", "u", "succeeded", t0)
	f.task("F", id, "Start", "1", attempt{ok: true})
	for i := range n {
		f.task("F", id, "Body", strconv.Itoa(2+i), attempt{ok: true})
	}
	f.task("F", id, "Join", strconv.Itoa(2+n), attempt{ok: true})
	f.task("F", id, "End", strconv.Itoa(3+n), attempt{ok: true})
	return id
}

// BenchmarkRunPage is the run page's one answer for a run with a
// 1,000-task foreach (issue 12: first paint <= 500 ms): from a server that
// just started (every task read; cold) and from one that read the run
// before (only the listings; warm, as on a reload).
//
//	go test ./rt/ui -run '^$' -bench RunPage -benchtime 20x
func BenchmarkRunPage(b *testing.B) {
	f := newFixture(b)
	id := f.foreachRun(1000)
	b.Run("cold", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if w := do(b, f.server(Options{}), "GET", "/api/runs/F/"+id, ""); w.Code != 200 {
				b.Fatal(w.Code)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		h := f.server(Options{})
		defer reportCPU(b)()
		for b.Loop() {
			if w := do(b, h, "GET", "/api/runs/F/"+id, ""); w.Code != 200 {
				b.Fatal(w.Code)
			}
		}
	})
}

// reportCPU, deferred with its call, reports the process's CPU per op
// (cpu-ms: the server's work, and the test client's, which a loaded
// machine does not inflate the way it does wall time).
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms") }
}
