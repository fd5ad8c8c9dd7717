package ui

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

func BenchmarkDiag(b *testing.B) {
	b.Run("runs", func(b *testing.B) {
		f := newFixture(b)
		manyRuns(b, f, 10000)
		diag(b, f, "/", `#runs tr[data-run]`)
	})
	b.Run("foreach", func(b *testing.B) {
		f := newFixture(b)
		id := f.run("F", "u", "succeeded", t0)
		f.task("F", id, "Start", "1", attempt{ok: true})
		for i := range 1000 {
			f.task("F", id, "Body", strconv.Itoa(2+i), attempt{ok: true})
		}
		f.task("F", id, "Join", "1002", attempt{ok: true})
		f.task("F", id, "End", "1003", attempt{ok: true})
		diag(b, f, "/#/run/F/"+id, `g.node[data-step="Body"][data-done="1000"]`)
	})
}

func diag(b *testing.B, f *fixture, path, sel string) {
	srv := newSrv(b, f)
	ctx := benchBrowser(b)
	for b.Loop() {
		chromedp.Do(ctx, chromedp.Navigate("about:blank"))
		if err := chromedp.Do(ctx, chromedp.Navigate(srv+path), chromedp.WaitVisible(chromedp.CSS(sel)),
			chromedp.WaitVisible(chromedp.CSS(`body[data-rendered]`))); err != nil {
			b.Fatal(err)
		}
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({nav: performance.getEntriesByType("navigation").map(e=>[e.requestStart|0, e.responseEnd|0, e.domInteractive|0, e.domContentLoadedEventStart|0, e.domContentLoadedEventEnd|0]),
		res: performance.getEntriesByType("resource").map(e=>[e.name.slice(-30), e.startTime|0, e.requestStart|0, e.responseStart|0, e.responseEnd|0, e.encodedBodySize]),
		rendered: document.body.dataset.rendered, nodes: document.getElementsByTagName("*").length})`))
		b.Log(s)
	}
}

func newSrv(b *testing.B, f *fixture) string {
	srv := httptest.NewUnstartedServer(nil)
	s, err := New(f.client(), Options{Listen: srv.Listener.Addr().String()})
	if err != nil {
		b.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	b.Cleanup(srv.Close)
	return srv.URL
}
