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
					for b.Loop() {
						get(b, p.path)
					}
				})
			}
		})
	}
}
