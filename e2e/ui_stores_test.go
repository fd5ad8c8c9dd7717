package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowc-dev/flowc/internal/testenv"
	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// The run browser over the other stores: the S3 datastore (moto) and the
// metadata service (PostgreSQL and `flowc metadata-service`), each with
// runs of GatedFlow (testdata/mdsflows, its gate unset: it runs straight
// through) made by the flow binary, and `<bin> ui` over the same
// configuration.

// browseRuns opens the runs page at url and checks it lists want (flow/id,
// any order) and calls listed (if not nil), then opens run open: every
// step of GatedFlow succeeded, and End's stdout. Screenshots are named
// prefix-*.
func browseRuns(t *testing.T, ctx context.Context, url string, want []string, open, prefix string, listed func()) {
	t.Helper()
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		browse(t, ctx, nil, what, steps...)
	}
	do("runs page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`tr[data-run="`+open+`"]`)))
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#runs tr[data-run]")].map(r => r.dataset.run)`)
	if !slices.Equal(slices.Sorted(slices.Values(rows)), slices.Sorted(slices.Values(want))) {
		t.Errorf("runs page lists %q, want %q", rows, want)
	}
	if listed != nil {
		listed()
	}
	shoot(t, ctx, prefix+"-runs")
	do("run page", chromedp.Click(chromedp.CSS(`tr[data-run="`+open+`"] a`)), chromedp.WaitVisible(chromedp.CSS(`g.node[data-step="End"]`)))
	nodes := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("g.node")].map(n => [n.dataset.step, n.dataset.status]))`)
	for _, s := range []string{"Start", "Body", "Join", "End"} {
		if nodes[s] != "succeeded" {
			t.Errorf("run %s: %s is shown %q, want succeeded (nodes %v)", open, s, nodes[s], nodes)
		}
	}
	if tasks := eval[string](t, ctx, `document.querySelector('g.node[data-step="Body"]').dataset.tasks`); tasks != "6" {
		t.Errorf("run %s: Body has %s tasks, want 6", open, tasks)
	}
	shoot(t, ctx, prefix+"-run")
	do("End's task page", chromedp.Click(chromedp.CSS(`g.node[data-step="End"] rect`)), chromedp.WaitVisible(chromedp.CSS(`#log-stdout`)))
	// The log's text arrives after its box.
	log := ""
	for deadline := time.Now().Add(30 * time.Second); log == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		log = eval[string](t, ctx, `document.querySelector("#log-stdout").textContent`)
	}
	if !strings.Contains(log, "sum 55") {
		t.Errorf("End's stdout on the page = %q, want sum 55", log)
	}
	shoot(t, ctx, prefix+"-task")
}

// TestUIBrowserS3: runs on the S3 datastore, browsed through a proxy that
// sees every request: the runs page reads the run index, not the runs'
// records.
func TestUIBrowserS3(t *testing.T) {
	testenv.Chromium(t)
	srv := s3test.StartMoto(t)
	s3test.CreateBucket(t, srv.URL, "flowc-ui")
	proxy := s3test.NewProxy(t, srv.URL)
	b := mdsFlows.bin(t, "gated")
	b.env = append(s3test.Env(proxy.URL), "FLOWC_DATASTORE=s3", "FLOWC_DATASTORE_ROOT=s3://flowc-ui/p", "FLOWC_DATASTORE_PATH_STYLE=true")
	var want []string
	for range 3 {
		want = append(want, "GatedFlow/"+b.runFlow())
	}
	url := startUI(t, b)
	ctx := browser(t)
	proxy.Reset()
	browseRuns(t, ctx, url, want, want[1], "s3", func() {
		// The runs page reads the run index: no run's record.
		reqs := proxy.Requests()
		for _, r := range reqs {
			if strings.Contains(r, "/_run") {
				t.Errorf("the runs page read a run's record: %s\nall its requests:\n%s", r, strings.Join(reqs, "\n"))
				break
			}
		}
		t.Logf("S3 requests of the runs page: %v", proxy.Counts())
	})
	t.Logf("S3 requests of the three pages: %v", proxy.Counts())
}

// TestUIBrowserMetadataService: runs of two users recorded in the metadata
// service (none in the datastore), listed by the service for the page.
func TestUIBrowserMetadataService(t *testing.T) {
	testenv.Chromium(t)
	pg := pgtest.Start(t)
	svc := startMDS(t, pg.NewDatabase(t), "--token", "s3cret")
	b := mdsFlows.bin(t, "gated")
	md := []string{"FLOWC_METADATA=service@" + svc.URL, "FLOWC_METADATA_TOKEN=s3cret"}
	base := append(b.env, md...)
	var want []string
	for _, user := range []string{"alice", "bob", "alice"} {
		b.env = append(slices.Clone(base), "FLOWC_USER="+user)
		want = append(want, "GatedFlow/"+b.runFlow())
	}
	if _, err := os.Stat(filepath.Join(b.dir, ".flowc", "GatedFlow", "1", "_run.json")); !os.IsNotExist(err) {
		t.Fatalf("the datastore has a run record beside the service: %v", err)
	}
	b.env = append(slices.Clone(base), "FLOWC_USER=alice")
	url := startUI(t, b, "--namespace", "") // every user's runs
	ctx := browser(t)
	browseRuns(t, ctx, url, want, want[1], "service", nil)

	// A page of the list reads the service only as far as it needs: one
	// run of three, and more to come; the last page, with the count.
	for _, c := range []struct {
		query string
		total int
		runs  []string
	}{{"?limit=1", -1, want[2:]}, {"?limit=1&offset=2", 3, want[:1]}} {
		var page struct {
			Runs  []struct{ Flow, ID string }
			Total int
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			t.Fatal(err)
		}
		raw := eval[string](t, ctx, `(() => { const x = new XMLHttpRequest(); x.open("GET", "/api/runs`+c.query+`", false); x.send(); return x.responseText; })()`)
		if err := json.Unmarshal([]byte(raw), &page); err != nil {
			t.Fatalf("/api/runs%s: %v\n%s", c.query, err, raw)
		}
		var got []string
		for _, r := range page.Runs {
			got = append(got, r.Flow+"/"+r.ID)
		}
		if page.Total != c.total || !slices.Equal(got, c.runs) {
			t.Errorf("/api/runs%s = %v total %d, want %v total %d", c.query, got, page.Total, c.runs, c.total)
		}
	}

	// The one write, through the service: a tag added in the page.
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"#/run/"+want[1]), chromedp.WaitVisible(chromedp.CSS(`#tag-input`)),
		chromedp.SendKeys(chromedp.CSS(`#tag-input`), "checked"), chromedp.Click(chromedp.CSS(`#tag-add`)),
		chromedp.WaitVisible(chromedp.CSS(`#tags [data-tag="checked"]`))); err != nil {
		t.Fatalf("adding a tag: %v", err)
	}
	out := b.ok("--namespace", "", "runs", "--tag", "checked").stdout
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || "GatedFlow/"+strings.Fields(lines[1])[0] != want[1] {
		t.Errorf("runs --tag checked after the page added it:\n%s", out)
	}
	// Alice's own view (her namespace, the default) lists her runs only.
	url = startUI(t, b)
	browseRuns(t, ctx, url, []string{want[0], want[2]}, want[2], "service-alice", nil)
}
