package ui

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

type runsAnswer struct {
	Runs  []client.RunInfo `json:"runs"`
	Total int              `json:"total"`
	Flows []string         `json:"flows"`
}

func ids2(a runsAnswer) []string {
	var out []string
	for _, r := range a.Runs {
		out = append(out, r.Flow+"/"+r.ID)
	}
	return out
}

func TestRunsListFilters(t *testing.T) {
	f := newFixture(t)
	f.run("A", "alice", "succeeded", t0, "gold")                       // A/1
	f.run("A", "bob", "failed", t0.Add(time.Hour))                     // A/2
	f.run("B", "alice", "succeeded", t0.Add(2*time.Hour))              // B/1
	f.run("A", "alice", "succeeded", t0.Add(3*time.Hour), "gold", "x") // A/3
	h := f.server(Options{})

	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"A/3", "B/1", "A/2", "A/1"}}, // newest first across flows
		{"?flow=A", []string{"A/3", "A/2", "A/1"}},
		{"?user=alice", []string{"A/3", "B/1", "A/1"}},
		{"?tag=gold", []string{"A/3", "A/1"}},
		{"?tag=gold&tag=x", []string{"A/3"}},
		{"?tag=user:bob", []string{"A/2"}}, // system tags count
		{"?status=failed", []string{"A/2"}},
		{"?limit=2", []string{"A/3", "B/1"}},
		{"?limit=2&offset=2", []string{"A/2", "A/1"}},
	}
	for _, c := range cases {
		var a runsAnswer
		get(t, h, "/api/runs"+c.query, &a)
		if got := ids2(a); !slices.Equal(got, c.want) {
			t.Errorf("/api/runs%s = %v, want %v", c.query, got, c.want)
		}
	}
	var a runsAnswer
	get(t, h, "/api/runs?limit=1", &a)
	if a.Total != 4 || !slices.Equal(a.Flows, []string{"A", "B"}) {
		t.Errorf("total %d flows %v, want 4 and [A B]", a.Total, a.Flows)
	}
	for _, bad := range []string{"?status=done", "?flow=..", "?limit=x", "?offset=-1"} {
		if w := do(t, h, "GET", "/api/runs"+bad, ""); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "error") {
			t.Errorf("/api/runs%s: %d %s, want 400 with an error", bad, w.Code, w.Body)
		}
	}
}

func graphFlow() *rt.Graph {
	return &rt.Graph{Flow: "F", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindForeach, Next: []string{"Body"}},
		{Name: "Body", Kind: rt.KindLinear, Next: []string{"Join"}},
		{Name: "Join", Kind: rt.KindJoin, Next: []string{"End"}},
		{Name: "End", Kind: rt.KindEnd},
	}}
}

func TestRunPageStatuses(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "running", t0)
	f.task("F", id, "Start", "1", attempt{ok: true})
	f.task("F", id, "Body", "2", attempt{ok: true})
	f.task("F", id, "Body", "3", attempt{ok: false})
	f.task("F", id, "Body", "4", attempt{ok: false}, attempt{noCommit: true}) // retrying
	f.task("F", id, "Body", "5", attempt{noCommit: true})                     // running
	h := f.server(Options{Graph: func(context.Context, *client.Run) (*rt.Graph, error) { return graphFlow(), nil }})
	var a struct {
		Run   runJSON    `json:"run"`
		Steps []stepJSON `json:"steps"`
		Graph *rt.Graph  `json:"graph"`
	}
	get(t, h, "/api/runs/F/"+id, &a)
	if a.Graph == nil || len(a.Graph.Steps) != 4 {
		t.Fatalf("graph = %+v, want the flow's 4 steps", a.Graph)
	}
	if a.Run.Params["n"] != "3" {
		t.Errorf("params = %v, want n=3", a.Run.Params)
	}
	if len(a.Steps) != 2 || a.Steps[1].Name != "Body" {
		t.Fatalf("steps = %+v, want Start and Body", a.Steps)
	}
	want := map[string]int{"succeeded": 1, "failed": 1, "running": 2}
	for k, v := range want {
		if a.Steps[1].Counts[k] != v {
			t.Errorf("Body counts = %v, want %v", a.Steps[1].Counts, want)
			break
		}
	}
	var task struct {
		Status  string            `json:"status"`
		Failure map[string]string `json:"failure"`
	}
	get(t, h, "/api/runs/F/"+id+"/Body/3", &task)
	if task.Status != "failed" || task.Failure["message"] != "boom" {
		t.Errorf("failed task = %+v, want failed with message boom", task)
	}
	if w := do(t, h, "GET", "/api/runs/F/99", ""); w.Code != http.StatusNotFound {
		t.Errorf("unknown run: %d, want 404", w.Code)
	}
	if w := do(t, h, "GET", "/api/runs/F/-x", ""); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "not valid") {
		t.Errorf("bad run id: %d %s, want 400 naming it", w.Code, w.Body)
	}
}

func TestTaskArtifactsAndLogs(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "succeeded", t0)
	type row struct {
		Name string
		N    int
	}
	rows := make([]row, 250)
	for i := range rows {
		rows[i] = row{"r", i}
	}
	log := strings.Repeat("x", logPage) + "é<script>alert(1)</script>\n"
	f.task("F", id, "Start", "1", attempt{ok: true, stdout: log, arts: map[string]any{
		"Rows":  rows,
		"Obj":   map[string]any{"a": []int{1, 2}},
		"Text":  "<script>alert(1)</script>",
		"Bytes": []byte{0, 1, 2, 0xff},
	}})
	h := f.server(Options{})
	var task struct {
		Status    string                `json:"status"`
		Artifacts []client.ArtifactInfo `json:"artifacts"`
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1", &task)
	if task.Status != "succeeded" || len(task.Artifacts) != 4 {
		t.Fatalf("task = %+v", task)
	}
	var arr struct {
		Kind  string `json:"kind"`
		Items []row  `json:"items"`
		Next  int    `json:"next"`
		Total int    `json:"total"`
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1/artifacts/Rows?offset=200", &arr)
	if arr.Kind != "array" || arr.Total != 250 || len(arr.Items) != 50 || arr.Items[0].N != 200 || arr.Next != 250 {
		t.Errorf("Rows page = kind %s total %d items %d next %d", arr.Kind, arr.Total, len(arr.Items), arr.Next)
	}
	var obj struct {
		Kind  string         `json:"kind"`
		Value map[string]any `json:"value"`
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1/artifacts/Obj", &obj)
	if obj.Kind != "json" || obj.Value["a"] == nil {
		t.Errorf("Obj = %+v", obj)
	}
	var text struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
		Dump string `json:"dump"`
	}
	w := do(t, h, "GET", "/api/runs/F/"+id+"/Start/1/artifacts/Text", "")
	if strings.Contains(w.Body.String(), "<script>") {
		t.Errorf("a value reaches the page unescaped: %s", w.Body)
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1/artifacts/Text", &text)
	if text.Kind != "text" || text.Text != "<script>alert(1)</script>" {
		t.Errorf("Text = %+v", text)
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1/artifacts/Bytes", &text)
	if text.Kind != "bytes" || !strings.Contains(text.Dump, "00 01 02 ff") {
		t.Errorf("Bytes = %+v", text)
	}
	if w := do(t, h, "GET", "/api/runs/F/"+id+"/Start/1/artifacts/Nope", ""); w.Code != http.StatusNotFound {
		t.Errorf("unknown artifact: %d", w.Code)
	}
	var lg struct {
		Text string `json:"text"`
		Next int    `json:"next"`
		EOF  bool   `json:"eof"`
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1/log", &lg)
	if lg.EOF || lg.Next != logPage {
		t.Fatalf("first log page: next %d eof %v, want %d and more", lg.Next, lg.EOF, logPage)
	}
	get(t, h, "/api/runs/F/"+id+"/Start/1/log?offset=262144", &lg)
	if !lg.EOF || lg.Text != "é<script>alert(1)</script>\n" {
		t.Errorf("second log page = %q eof %v", lg.Text, lg.EOF)
	}
	for _, bad := range []string{"/log?stream=x", "/log?attempt=7"} {
		if w := do(t, h, "GET", "/api/runs/F/"+id+"/Start/1"+bad, ""); w.Code == http.StatusOK {
			t.Errorf("%s: 200, want an error", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	f := newFixture(t)
	a := f.run("F", "alice", "succeeded", t0)
	b := f.run("F", "alice", "succeeded", t0.Add(time.Hour))
	f.task("F", a, "End", "1", attempt{ok: true, arts: map[string]any{"X": 1, "Y": "same"}})
	f.task("F", b, "End", "1", attempt{ok: true, arts: map[string]any{"X": 2, "Y": "same"}})
	h := f.server(Options{})
	var c struct {
		Differ int `json:"differ"`
		Rows   []struct {
			Artifact string `json:"artifact"`
			Same     bool   `json:"same"`
		} `json:"rows"`
	}
	get(t, h, "/api/compare?a=F/"+a+"&b=F/"+b, &c)
	if c.Differ != 1 || len(c.Rows) != 2 {
		t.Fatalf("compare = %+v, want X differing and Y the same", c)
	}
	for _, r := range c.Rows {
		if (r.Artifact == "X") == r.Same {
			t.Errorf("row %+v", r)
		}
	}
	if w := do(t, h, "GET", "/api/compare?a=F&b=F/1", ""); w.Code != http.StatusBadRequest {
		t.Errorf("compare with a bad run: %d", w.Code)
	}
}

func TestTagWrite(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "succeeded", t0)
	h := f.server(Options{})
	w := do(t, h, "POST", "/api/runs/F/"+id+"/tags", `{"add":["gold","v2"]}`, writeHeaders...)
	if w.Code != http.StatusOK {
		t.Fatalf("add tags: %d %s", w.Code, w.Body)
	}
	w = do(t, h, "POST", "/api/runs/F/"+id+"/tags", `{"remove":["v2"]}`, writeHeaders...)
	if w.Code != http.StatusOK {
		t.Fatalf("remove tag: %d %s", w.Code, w.Body)
	}
	r, err := f.client().Flow("F").Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Tags(), []string{"gold"}) {
		t.Errorf("tags = %v, want [gold]", r.Tags())
	}
	// The list (the run index) follows the write.
	var a runsAnswer
	get(t, h, "/api/runs?tag=gold", &a)
	if len(a.Runs) != 1 {
		t.Errorf("runs tagged gold: %v", ids2(a))
	}
	for _, c := range []struct{ body, why string }{
		{`{"remove":["user:alice"]}`, "system tag"},
		{`{"add":[""]}`, "empty tag"},
		{`{"add":"x"}`, "not a list"},
		{`{"tags":["x"]}`, "unknown field"},
	} {
		if w := do(t, h, "POST", "/api/runs/F/"+id+"/tags", c.body, writeHeaders...); w.Code != http.StatusBadRequest {
			t.Errorf("%s (%s): %d %s, want 400", c.body, c.why, w.Code, w.Body)
		}
	}
	if w := do(t, h, "GET", "/api/runs/F/"+id+"/tags", ""); w.Code == http.StatusOK {
		t.Errorf("GET on the tag write: 200")
	}
}

// The page is one answer, its script and style inlined, and the CSP allows
// those two blocks by hash and nothing else inline.
func TestPageServed(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{})
	w := do(t, h, "GET", "/", "")
	body := w.Body.String()
	js, _ := assets.ReadFile("assets/app.js")
	css, _ := assets.ReadFile("assets/style.css")
	if w.Code != http.StatusOK || !strings.Contains(body, "<script>"+string(js)+"</script>") || !strings.Contains(body, "<style>"+string(css)+"</style>") {
		t.Fatalf("/: %d, want the page with app.js and style.css inlined: %.300s", w.Code, body)
	}
	if strings.Contains(body, `src="/app.js"`) || strings.Contains(body, `href="/style.css"`) {
		t.Errorf("/ still refers to the files it inlines: %.300s", body)
	}
	hash := func(b []byte) string {
		s := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(s[:]) + "'"
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src "+hash(js)+";") || !strings.Contains(csp, "style-src "+hash(css)+";") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q, want scripts and styles allowed only by the inlined blocks' hashes", csp)
	}
	if csp := do(t, h, "GET", "/api/runs", "").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("the API's CSP = %q, want script-src 'self'", csp)
	}
	for _, p := range []string{"/app.js", "/style.css", "/assets/app.js", "/index.html"} {
		if w := do(t, h, "GET", p, ""); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, w.Code)
		}
	}
}

// The graph stored with a run wins over the binary's: the flow may have
// changed since the run.
func TestRunPageStoredGraph(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "succeeded", t0)
	f.task("F", id, "Start", "1", attempt{ok: true})
	stored := &rt.Graph{Flow: "F", Steps: []*rt.Step{{Name: "Start", Kind: rt.KindStart, Next: []string{"End"}}, {Name: "End", Kind: rt.KindEnd}}}
	if err := f.st.PutGraph(stored, id); err != nil {
		t.Fatal(err)
	}
	h := f.server(Options{Graph: func(context.Context, *client.Run) (*rt.Graph, error) { return graphFlow(), nil }})
	var a struct {
		Graph *rt.Graph `json:"graph"`
	}
	get(t, h, "/api/runs/F/"+id, &a)
	if a.Graph == nil || len(a.Graph.Steps) != 2 {
		t.Fatalf("graph = %+v, want the stored one (2 steps)", a.Graph)
	}
}

// TestRootMadeAfterStart: a browser started before the project's first run
// (its local root missing) shows the runs once the root is there.
func TestRootMadeAfterStart(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".flowc")
	open := func() (*client.Client, error) { return client.New(client.WithRoot(root), client.WithNamespace("")) }
	c, err := open()
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(c, Options{Listen: "127.0.0.1:8324", Reopen: open})
	if err != nil {
		t.Fatal(err)
	}
	var a runsAnswer
	get(t, h, "/api/runs", &a)
	if a.Total != 0 {
		t.Fatalf("no datastore yet: %d runs", a.Total)
	}
	st, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.NewRun(&store.Run{Flow: "F", User: "u", Namespace: "user:u", Status: "running", Started: t0}); err != nil {
		t.Fatal(err)
	}
	get(t, h, "/api/runs", &a)
	if got := ids2(a); !slices.Equal(got, []string{"F/1"}) {
		t.Errorf("runs after the first run = %v, want [F/1]", got)
	}
	get(t, h, "/api/runs/F/1", &struct{}{})
}

// A wide step's answer carries its counts, not its tasks; the list comes
// from .../tasks?step= (the run page fetches it when it shows the step).
// Tasks read again after a change show the change: only succeeded tasks
// are kept between reads.
func TestRunPageWideStep(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "running", t0)
	f.task("F", id, "Start", "1", attempt{ok: true})
	n := inlineTasks + 5
	for i := range n {
		a := attempt{ok: true}
		if i == 0 {
			a = attempt{noCommit: true}
		}
		f.task("F", id, "Body", strconv.Itoa(2+i), a)
	}
	h := f.server(Options{})
	var a runPage
	get(t, h, "/api/runs/F/"+id, &a)
	if len(a.Steps) != 2 {
		t.Fatalf("steps = %+v, want Start and Body", a.Steps)
	}
	if st := a.Steps[0]; st.N != 1 || len(st.Tasks) != 1 || st.Tasks[0].ID != "1" {
		t.Errorf("Start = %+v, want its one task listed", st)
	}
	body := a.Steps[1]
	if body.N != n || body.Tasks != nil || body.Counts["succeeded"] != n-1 || body.Counts["running"] != 1 {
		t.Errorf("Body = %+v, want %d tasks counted (%d succeeded, 1 running) and none listed", body, n, n-1)
	}
	var l struct {
		Step  string    `json:"step"`
		Tasks []taskRow `json:"tasks"`
	}
	get(t, h, "/api/runs/F/"+id+"/tasks?step=Body", &l)
	if len(l.Tasks) != n || l.Tasks[0] != (taskRow{ID: "2", Status: "running"}) || l.Tasks[n-1].ID != strconv.Itoa(1+n) || l.Tasks[n-1].Status != "succeeded" {
		t.Fatalf("Body's list = %+v, want %d tasks in order, task 2 running", l.Tasks, n)
	}
	// Task 2 commits: read again, it shows.
	p := store.TaskPath{Flow: "F", Run: id, Step: "Body", Task: "2"}
	if err := f.st.WriteTaskData(p, 0, &store.TaskData{Artifacts: map[string]store.Artifact{}}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.FinishAttempt(p, &store.Done{Attempt: 0, OK: true, Started: t0, Finished: t0}); err != nil {
		t.Fatal(err)
	}
	get(t, h, "/api/runs/F/"+id+"/tasks?step=Body", &l)
	if l.Tasks[0].Status != "succeeded" {
		t.Errorf("task 2 after its commit: %+v, want succeeded", l.Tasks[0])
	}
	a = runPage{} // (decoding into a map adds to it)
	get(t, h, "/api/runs/F/"+id, &a)
	if c := a.Steps[1].Counts; c["succeeded"] != n || c["running"] != 0 {
		t.Errorf("Body counts after task 2's commit = %v, want %d succeeded", c, n)
	}
	for _, bad := range []string{"/tasks", "/tasks?step=..", "/tasks?step=a/b"} {
		if w := do(t, h, "GET", "/api/runs/F/"+id+bad, ""); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", bad, w.Code, w.Body)
		}
	}
}
