package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowc-dev/flowc/internal/testenv"
)

// TestUIBrowserLive watches a running foreach in a real browser: a run of
// GatedFlow (testdata/mdsflows, generated and built as a user would) whose
// Body tasks wait until the test lets each through, and `<bin> ui` over
// its datastore. The run page, opened once and never reloaded, must show
// Body's done count going 0, 1, ... n as the tasks commit, Body running
// until the last, and then every step and the run succeeded.
func TestUIBrowserLive(t *testing.T) {
	testenv.Chromium(t) // skip before building anything
	const n = 4
	b := mdsFlows.bin(t, "gated")
	gate := filepath.Join(b.dir, "gate")
	idFile := filepath.Join(b.dir, "id")
	url := startUI(t, b)
	ctx := browser(t)

	run := exec.Command(b.path, "run", "--quiet", "--n", fmt.Sprint(n), "--run-id-file", idFile)
	run.Dir = b.dir
	run.Env = append(append(goEnv(), b.env...), "GATED_GATE="+gate)
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	ended := false
	defer func() {
		if !ended {
			os.WriteFile(gate, nil, 0o644) // let every task end
			run.Wait()
		}
	}()
	// The run has its id and its first Body task waits at the gate.
	var id string
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		raw, _ := os.ReadFile(idFile)
		_, err := os.Stat(gate + ".0")
		if id = strings.TrimSpace(string(raw)); id != "" && err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Body task waiting after 2 min:\n%s", out.String())
		}
	}

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		browse(t, ctx, func() string { return "run output:\n" + out.String() }, what, steps...)
	}
	body := `g.node[data-step="Body"]`
	do("run page", chromedp.Navigate(url+"#/run/GatedFlow/"+id), chromedp.WaitVisible(chromedp.CSS(body+`[data-done="0"]`)))
	// A mark that a reload would lose.
	eval[bool](t, ctx, `window.flowcSamePage = true`)
	if s := eval[string](t, ctx, `document.querySelector('#run-status .status').textContent`); s != "running" {
		t.Errorf("run status on the page = %q, want running", s)
	}
	shoot(t, ctx, "run-live")
	for k := range n {
		if err := os.WriteFile(fmt.Sprintf("%s.%d.go", gate, k), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		released := time.Now()
		do(fmt.Sprintf("Body's done count %d", k+1), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`%s[data-done="%d"]`, body, k+1))))
		t.Logf("Body task %d let through; the page showed %d done %v later (the task's end and commit included)", k, k+1, time.Since(released).Round(time.Millisecond))
		if k < n-1 {
			if s := eval[string](t, ctx, `document.querySelector('`+body+`').dataset.status`); s != "running" {
				t.Errorf("Body with %d of %d done is shown %q, want running", k+1, n, s)
			}
			if label := eval[string](t, ctx, `document.querySelector('`+body+` text.counts').textContent`); !strings.HasPrefix(label, fmt.Sprintf("%d/", k+1)) {
				t.Errorf("Body's label with %d done = %q", k+1, label)
			}
		}
	}
	do("the run's end", chromedp.WaitVisible(chromedp.CSS(`g.node[data-step="End"][data-status="succeeded"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-status .s-succeeded`)))
	if err := run.Wait(); err != nil {
		t.Fatalf("the run: %v\n%s", err, out.String())
	}
	ended = true
	got := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("g.node")].map(n => [n.dataset.step, n.dataset.status]))`)
	for _, s := range []string{"Start", "Body", "Join", "End"} {
		if got[s] != "succeeded" {
			t.Errorf("after the run, %s is shown %q, want succeeded (nodes %v)", s, got[s], got)
		}
	}
	if !eval[bool](t, ctx, `window.flowcSamePage === true`) {
		t.Error("the page was reloaded; live status must update it in place")
	}
	shoot(t, ctx, "run-live-done")
}
