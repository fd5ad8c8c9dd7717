package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowc-dev/flowc/internal/testenv"
)

// screenshotDir is where the browser tests leave a PNG of each page they
// check, for CI to keep: $FLOWC_SCREENSHOTS, else <tmp>/flowc-ui-screenshots.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("FLOWC_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "flowc-ui-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startUI starts `<bin> ui [args]` on a free loopback port and returns its
// URL; the server is stopped (SIGINT, as Ctrl-C) when the test ends.
func startUI(t *testing.T, b *flowBin, args ...string) string {
	t.Helper()
	cmd := exec.Command(b.path, append([]string{"ui", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Dir = b.dir
	cmd.Env = append(goEnv(), b.env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ui after Ctrl-C: %v\n%s", err, stderr.String())
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("ui did not stop on Ctrl-C")
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("ui printed no URL: %v\n%s", err, stderr.String())
	}
	f := strings.Fields(line)
	if len(f) < 3 || f[0] != "flowc" || !strings.HasPrefix(f[2], "http://127.0.0.1:") {
		t.Fatalf("ui's first line = %q, want flowc ui: http://127.0.0.1:PORT/", line)
	}
	return f[2]
}

// browser starts headless Chromium (the flags issue 12 names, a fresh
// profile) and returns a context to drive it with.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := testenv.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", exe, err)
	}
	return ctx
}

// browse runs steps in the page within a minute. A failure shows the
// page's HTML, then more's text (more may be nil).
func browse(t *testing.T, ctx context.Context, more func() string, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerHTML`))
		extra := ""
		if more != nil {
			extra = "\n" + more()
		}
		t.Fatalf("%s: %v\npage:\n%s%s", what, err, page, extra)
	}
}

func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// TestUIBrowser drives a real browser through `<bin> ui` of the genrestats
// example after real runs: the runs list, a run's graph with each step's
// status and the foreach's count, a failed step shown failed, a task's
// artifacts and logs, escaping, and a tag added in the page that `runs
// --tag` then lists.
func TestUIBrowser(t *testing.T) {
	testenv.Chromium(t) // skip before building anything
	bin := t.TempDir()
	if r := execIn(t, repoRoot, goEnv(), "go", "build", "-o", bin+string(filepath.Separator), "./examples/genrestats"); r.code != 0 {
		t.Fatalf("go build:\n%s", r)
	}
	b := binIn(t, filepath.Join(bin, "genrestats"))
	ok := b.runFlow()
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("movie_title,title_year,genres,gross\nA,2001,Noir,<script>x</script>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	failed, r := b.tryRun("--movie-data", bad)
	if r.code == 0 || failed == "" {
		t.Fatalf("run on a bad CSV: want a failed run, got\n%s", r)
	}
	url := startUI(t, b)
	ctx := browser(t)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		browse(t, ctx, nil, what, steps...)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	nodes := func() map[string]string {
		t.Helper()
		return eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("g.node")].map(n => [n.dataset.step, n.dataset.status]))`)
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// The runs list shows both runs, newest first, with their status.
	do("runs page", chromedp.Navigate(url), chromedp.WaitVisible(css(`tr[data-run="GenreStatsFlow/`+ok+`"]`)))
	statuses := eval[[]string](t, ctx, `[...document.querySelectorAll("#runs tr[data-run]")].map(r => r.dataset.run + " " + r.querySelector(".status").textContent)`)
	want := []string{"GenreStatsFlow/" + failed + " failed", "GenreStatsFlow/" + ok + " succeeded"}
	if strings.Join(statuses, ",") != strings.Join(want, ",") {
		t.Errorf("runs list = %q, want %q", statuses, want)
	}
	shoot(t, ctx, "runs")

	// The run's graph: the flow's steps, each with its status, and the
	// foreach body's count.
	do("run page", chromedp.Click(css(`tr[data-run="GenreStatsFlow/`+ok+`"] a`)), chromedp.WaitVisible(css(`g.node[data-step="End"]`)))
	got := nodes()
	for _, s := range []string{"Start", "ComputeStatistics", "Join", "End"} {
		if got[s] != "succeeded" {
			t.Errorf("graph node %s = %q, want succeeded (nodes %v)", s, got[s], got)
		}
	}
	tasks := eval[string](t, ctx, `document.querySelector('g.node[data-step="ComputeStatistics"]').dataset.tasks`)
	if len(got) != 4 || tasks != "17" {
		t.Errorf("graph has %d nodes and ComputeStatistics %s tasks; want 4 and 17 (one per genre)", len(got), tasks)
	}
	shoot(t, ctx, "run")

	// A task: its artifacts, a value rendered, and its log.
	do("task page", chromedp.Click(css(`g.node[data-step="Start"] rect`)),
		chromedp.WaitVisible(css(`#artifacts li[data-name="Genres"]`)), chromedp.WaitVisible(css(`#log-stdout`)))
	if log := text(`#log-stdout`); !strings.Contains(log, "152 movies in 17 genres") {
		t.Errorf("Start's stdout on the page = %q", log)
	}
	do("a list value", chromedp.Click(css(`#artifacts li[data-name="Genres"] button`)), chromedp.WaitVisible(css(`#value-items`)))
	if value := text(`#value-items`); !strings.Contains(value, `"Action"`) || !strings.Contains(value, `"Western"`) {
		t.Errorf("Genres on the page = %q, want the genre names", value)
	}
	do("a struct table", chromedp.Click(css(`#artifacts li[data-name="Movies"] button`)), chromedp.WaitVisible(css(`#value-items table.values`)))
	if value := text(`#value-items table.values tr:first-child`); !strings.Contains(value, "Title") || !strings.Contains(value, "Gross") {
		t.Errorf("Movies table header = %q, want its fields as columns", value)
	}
	shoot(t, ctx, "task")

	// The failed run: Start failed, its error shown as text, not markup.
	do("failed run", chromedp.Navigate(url+"#/run/GenreStatsFlow/"+failed), chromedp.WaitVisible(css(`g.node[data-step="Start"][data-status="failed"]`)))
	if got := nodes(); got["End"] != "pending" {
		t.Errorf("failed run's End = %q, want pending (it never ran)", got["End"])
	}
	shoot(t, ctx, "failed-run")
	do("failed task", chromedp.Click(css(`g.node[data-step="Start"] rect`)), chromedp.WaitVisible(css(`#failure`)))
	failure := text(`#failure`)
	if scripts := eval[int](t, ctx, `document.querySelectorAll("main script").length`); !strings.Contains(failure, `<script>x</script>`) || scripts != 0 {
		t.Errorf("failure on the page = %q with %d script elements; want the text, escaped", failure, scripts)
	}
	shoot(t, ctx, "failed-task")

	// The one write: a tag added in the page is the run's tag for the CLI.
	do("add a tag", chromedp.Navigate(url+"#/run/GenreStatsFlow/"+ok), chromedp.WaitVisible(css(`#tag-input`)),
		chromedp.SendKeys(css(`#tag-input`), "golden"), chromedp.Click(css(`#tag-add`)),
		chromedp.WaitVisible(css(`#tags [data-tag="golden"]`)))
	out := b.ok("runs", "--tag", "golden").stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || strings.Fields(lines[1])[0] != ok {
		t.Errorf("runs --tag golden after the page added it:\n%s", out)
	}
	shoot(t, ctx, "tagged")
}

// eval evaluates expr in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}
