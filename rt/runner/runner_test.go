package runner_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The test flows under testdata/ are hand-written the way the generator
// writes flows; each is built once and run as a user would run it.
var bins = map[string]string{}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flowc-runner-test")
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"linear", "branch", "foreach", "nested", "switchflow", "faults"} {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, "./testdata/"+name)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			panic("building testdata/" + name + ": " + err.Error())
		}
		bins[name] = out
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// flowc runs a test binary in dir with its own datastore root.
func flowc(t *testing.T, dir, bin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bins[bin], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FLOWC_USER=tester", "FLOWC_DATASTORE_ROOT="+filepath.Join(dir, ".flowc"))
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return result{out.String(), errb.String(), code}
}

func mustRun(t *testing.T, dir, bin string, args ...string) result {
	t.Helper()
	r := flowc(t, dir, bin, nil, args...)
	if r.code != 0 {
		t.Fatalf("%s %v: exit %d\nstdout:\n%s\nstderr:\n%s", bin, args, r.code, r.stdout, r.stderr)
	}
	return r
}

// dumpJSON reads artifacts back through `dump --json`.
func dumpJSON(t *testing.T, dir, bin, target string, args ...string) map[string]any {
	t.Helper()
	r := mustRun(t, dir, bin, append([]string{"dump", target, "--json"}, args...)...)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("dump %s: %v\n%s", target, err, r.stdout)
	}
	return m
}

// badInput checks the contract for bad input: exit 1 and one line
// "<bin>: error: ..." mentioning want, no panic trace.
func badInput(t *testing.T, r result, bin, want string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit %d, want 1; stderr: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], bin+": error: ") {
		t.Errorf("stderr is not one error line:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not mention %q:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stderr, "goroutine") {
		t.Errorf("stderr has a panic trace:\n%s", r.stderr)
	}
}

func runIDs(t *testing.T, dir, bin string) []string {
	t.Helper()
	r := mustRun(t, dir, bin, "runs", "--all")
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		ids = append(ids, strings.Join(strings.Fields(l)[:2], " "))
	}
	return ids
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

func TestLinear(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.txt"), "default notes")
	writeFile(t, filepath.Join(dir, "data.bin"), "\x00\x01\xff")
	r := mustRun(t, dir, "linear", "run", "--need", "n", "--greeting", "hi", "--names", "x,y",
		"--extra", `{"k":2}`, "--data", "data.bin", "--tag", "t1", "--tag", "t 2", "--run-id-file", "rid")
	if !strings.Contains(r.stdout, "[1/Start/1 (pid ") || !strings.Contains(r.stdout, "] start says hi x+y") {
		t.Errorf("console misses the prefixed task output:\n%s", r.stdout)
	}
	id, _ := os.ReadFile(filepath.Join(dir, "rid"))
	if string(id) != "1" {
		t.Errorf("run id file holds %q, want 1", id)
	}
	got := dumpJSON(t, dir, "linear", "1")
	want := map[string]any{
		"Message": "hi x+y", "Total": float64(3 + len("default notes") + 3),
		"Seen": []any{"middle", "end"}, "Notes": "default notes", "Data": "AAH/",
		"Extra": map[string]any{"k": float64(2)}, "Payload": "AAEC/w==", "Need": "n",
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("End artifact %s = %#v, want %#v", k, got[k], v)
		}
	}
	info := dumpJSON(t, dir, "linear", "1/Middle", "--artifact", "Info")
	if info["Step"] != "Middle" || info["RunID"] != "1" || info["User"] != "tester" || info["Namespace"] != "user:tester" {
		t.Errorf("rt.Current in Middle = %v", info)
	}
	// One artifact alone is its bare value.
	one := mustRun(t, dir, "linear", "dump", "1/Start/1", "--artifact", "Message", "--json")
	if one.stdout != "\"hi x+y\"\n" {
		t.Errorf("dump --artifact Message --json = %q", one.stdout)
	}
	if out := mustRun(t, dir, "linear", "logs", "1/Start").stdout; out != "start says hi x+y\n" {
		t.Errorf("stdout log = %q", out)
	}
	if out := mustRun(t, dir, "linear", "logs", "1/Start/1", "--stderr").stdout; out != "start warns\n" {
		t.Errorf("stderr log = %q", out)
	}
	runs := mustRun(t, dir, "linear", "runs").stdout
	if !strings.Contains(runs, "succeeded") || !strings.Contains(runs, "t1,t 2") {
		t.Errorf("runs:\n%s", runs)
	}
	// Parameters also come from FLOWC_PARAM_<NAME>.
	mustRun(t, dir, "linear", "run", "--quiet", "--need", "n", "--run-id-file", "rid2")
	r = flowc(t, dir, "linear", []string{"FLOWC_PARAM_COUNT=100", "FLOWC_PARAM_NEED=e"}, "run", "--quiet")
	if r.code != 0 {
		t.Fatalf("run with env: %s", r.stderr)
	}
	if got := dumpJSON(t, dir, "linear", "3"); got["Total"] != float64(100+len("default notes")) || got["Need"] != "e" {
		t.Errorf("env parameters not applied: %v", got)
	}
}

func TestShowAndHelp(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"text", "dot", "mermaid", "json"} {
		r := mustRun(t, dir, "branch", "show", "--format", f)
		if !strings.Contains(r.stdout, "Join") {
			t.Errorf("show --format %s lacks the join:\n%s", f, r.stdout)
		}
	}
	if r := mustRun(t, dir, "linear", "show"); !strings.Contains(r.stdout, "Start greets.") {
		t.Errorf("show lacks step docs:\n%s", r.stdout)
	}
	r := mustRun(t, dir, "linear", "run", "--help")
	for _, want := range []string{"--greeting", "How to greet", "--need", "--max-workers"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("run --help lacks %q:\n%s", want, r.stdout)
		}
	}
	mustRun(t, dir, "linear", "check")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.txt"), "n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--need", "x", "--bogus"}, "--bogus"},
		{[]string{"run", "--need", "x", "--count", "three"}, "three"},
		{[]string{"run"}, "--need"},
		{[]string{"run", "--need", "x", "--extra", "{nope"}, "{nope"},
		{[]string{"run", "--need", "x", "--notes", "missing.txt"}, "--notes"},
		{[]string{"run", "--need", "x", "--datastore", "s3"}, "not available yet"},
		{[]string{"run", "--need", "x", "--datastore-root", filepath.Join(dir, "notes.txt", "sub")}, "not writable"},
		{[]string{"dump", "7"}, `"7"`},
		{[]string{"dump", "../etc"}, `".."`},
		{[]string{"dump", "1/../../x"}, ".."},
		{[]string{"dump", "1/Start/1/2"}, "RUN[/STEP[/TASK]]"},
		{[]string{"logs", "1"}, "RUN/STEP[/TASK]"},
		{[]string{"step", "Start", "--run-id", "../1", "--task-id", "1", "--input-paths", "1/_parameters/0"}, "../1"},
		{[]string{"step", "Nope", "--run-id", "1", "--task-id", "1", "--input-paths", "1/_parameters/0"}, `"Nope"`},
		{[]string{"step", "Start", "--run-id", "1", "--task-id", "1", "--input-paths", "1/../0"}, `".."`},
	}
	for _, c := range cases {
		badInput(t, flowc(t, dir, "linear", nil, c.args...), "linear", c.want)
	}
	for _, id := range runIDs(t, dir, "linear") {
		if strings.HasSuffix(id, "succeeded") {
			t.Errorf("bad input recorded a successful run: %s", id)
		}
	}
	// With a run recorded, unknown steps and tasks are named.
	mustRun(t, dir, "linear", "run", "--quiet", "--need", "x")
	badInput(t, flowc(t, dir, "linear", nil, "dump", "1/Nope"), "linear", `"Nope"`)
	badInput(t, flowc(t, dir, "linear", nil, "dump", "1/Start/99"), "linear", `"99"`)
	badInput(t, flowc(t, dir, "linear", nil, "logs", "1/End/1/x"), "linear", "RUN/STEP[/TASK]")
}

func TestCorruptBlob(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.txt"), "n")
	mustRun(t, dir, "linear", "run", "--quiet", "--need", "x")
	m := dumpJSON(t, dir, "linear", "1/Start/1")
	if m["Message"] != "hello a+b" {
		t.Fatalf("Message = %v", m["Message"])
	}
	data, err := os.ReadFile(filepath.Join(dir, ".flowc", "LinearFlow", "1", "Start", "1", "0.data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var td struct {
		Artifacts map[string]struct{ Hash string } `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &td); err != nil {
		t.Fatal(err)
	}
	h := td.Artifacts["Message"].Hash
	blob := filepath.Join(dir, ".flowc", "LinearFlow", "data", h[:2], h)
	// Replace the blob with a valid blob of other content.
	other := td.Artifacts["Greeting"].Hash
	b, err := os.ReadFile(filepath.Join(dir, ".flowc", "LinearFlow", "data", other[:2], other))
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(blob, 0o644)
	writeFile(t, blob, string(b))
	r := flowc(t, dir, "linear", nil, "dump", "1/Start/1", "--json")
	badInput(t, r, "linear", `"Message"`)
	if !strings.Contains(r.stderr, h) || r.stdout != "" {
		t.Errorf("corrupt blob error does not name blob %s, or output was printed:\n%s%s", h, r.stdout, r.stderr)
	}
}

func TestBranchMerge(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "branch", "run", "--quiet")
	got := dumpJSON(t, dir, "branch", "1/Join")
	want := map[string]any{"Conflict": false, "PassDown": "a", "Common": float64(5), "X": float64(1),
		"FromA": float64(6), "Order": []any{"1", "2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("join artifacts = %v, want %v", got, want)
	}
	r := flowc(t, dir, "branch", nil, "run", "--quiet", "--conflict")
	if r.code != 1 || !strings.Contains(r.stderr, `MergeArtifacts: "Y" differs between the inputs; set it explicitly before MergeArtifacts or pass rt.Exclude("Y")`) {
		t.Errorf("conflict run: exit %d\n%s", r.code, r.stderr)
	}
	if ids := runIDs(t, dir, "branch"); ids[0] != "2 failed" {
		t.Errorf("conflict run recorded as %q", ids[0])
	}
}

func TestForeach(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, dir, "foreach", "run", "--n", "4")
	if !strings.Contains(r.stdout, "squared 3") {
		t.Errorf("body output missing:\n%s", r.stdout)
	}
	got := dumpJSON(t, dir, "foreach", "1")
	if !reflect.DeepEqual(got["Results"], []any{0.0, 1.0, 4.0, 9.0}) || !reflect.DeepEqual(got["Indices"], []any{0.0, 1.0, 2.0, 3.0}) {
		t.Errorf("join saw %v / %v", got["Results"], got["Indices"])
	}
	// The default limit refuses 200 splits before any body starts.
	r = flowc(t, dir, "foreach", nil, "run", "--quiet", "--n", "200")
	if r.code != 1 || !strings.Contains(r.stderr, "200 splits") || !strings.Contains(r.stderr, "--max-num-splits") {
		t.Errorf("200 splits: exit %d\n%s", r.code, r.stderr)
	}
	badInput(t, flowc(t, dir, "foreach", nil, "dump", "2/Body"), "foreach", `"Body" has no tasks`)
}

func TestForeachWide(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 tasks")
	}
	dir := t.TempDir()
	r := mustRun(t, dir, "foreach", "run", "--n", "1000", "--max-num-splits", "1000")
	if !strings.Contains(r.stdout, "[1/Body] 1000/1000 tasks done") {
		t.Errorf("no final progress line:\n%.2000s", r.stdout)
	}
	got := dumpJSON(t, dir, "foreach", "1")
	res, _ := got["Results"].([]any)
	if len(res) != 1000 {
		t.Fatalf("join saw %d results", len(res))
	}
	for i, v := range res {
		if v != float64(i*i) {
			t.Fatalf("result %d = %v: the join did not see split order", i, v)
		}
	}
}

func TestNestedForeach(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "nested", "run", "--quiet")
	got := dumpJSON(t, dir, "nested", "1")
	wantRows := []any{
		[]any{11.0, 12.0, 13.0, 14.0}, []any{21.0, 22.0, 23.0, 24.0}, []any{31.0, 32.0, 33.0, 34.0}}
	if !reflect.DeepEqual(got["Rows"], wantRows) {
		t.Errorf("Rows = %v", got["Rows"])
	}
	cells := got["Cells"].([]any)
	if len(cells) != 3 || !reflect.DeepEqual(cells[2].([]any)[1], []any{2.0, 1.0}) {
		t.Errorf("foreach stacks = %v", cells)
	}
}

func TestSwitch(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "switchflow", "run", "--quiet", "--mode", "b", "--limit", "3")
	if got := dumpJSON(t, dir, "switchflow", "1"); !reflect.DeepEqual(got["Path"], []any{"Start", "B", "Loop", "Loop", "Loop", "End"}) {
		t.Errorf("Path = %v", got["Path"])
	}
	mustRun(t, dir, "switchflow", "run", "--quiet")
	if got := dumpJSON(t, dir, "switchflow", "2"); !reflect.DeepEqual(got["Path"], []any{"Start", "A", "Loop", "Loop", "Loop", "End"}) {
		t.Errorf("Path = %v", got["Path"])
	}
	r := flowc(t, dir, "switchflow", nil, "run", "--quiet", "--mode", "zz")
	if r.code != 1 || !strings.Contains(r.stderr, `switch field "Mode" is "zz"`) {
		t.Errorf("no-case switch: exit %d\n%s", r.code, r.stderr)
	}
}

func TestFaults(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ mode, want string }{
		{"start-error", "start broke"},
		{"start-panic", "assignment to entry in nil map"},
		{"start-exit", "exit status 3"},
	} {
		r := flowc(t, dir, "faults", nil, "run", "--quiet", "--mode", c.mode)
		if r.code != 1 || !strings.Contains(r.stderr, "task ") || !strings.Contains(r.stderr, "/Start/1 failed") || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d\n%s", c.mode, r.code, r.stderr)
		}
	}
	// A panic's stack is in the task's stderr log.
	if out := mustRun(t, dir, "faults", "logs", "2/Start", "--stderr").stdout; !strings.Contains(out, "goroutine") {
		t.Errorf("panic stack not logged:\n%s", out)
	}
	// flaky: attempt 0 fails, the retry succeeds.
	mustRun(t, dir, "faults", "run", "--quiet", "--mode", "flaky", "--run-id-file", "rid")
	id := readID(t, dir)
	if got := dumpJSON(t, dir, "faults", id+"/Work"); !reflect.DeepEqual(got["Attempts"], []any{1.0}) || got["Failed"] != nil {
		t.Errorf("flaky: %v", got)
	}
	if out := mustRun(t, dir, "faults", "logs", id+"/Work", "--attempt", "0").stdout; out != "work attempt 0\n" {
		t.Errorf("attempt 0 log = %q", out)
	}
	// Errors, panics and timeouts on the last attempt are caught.
	for _, c := range []struct{ mode, typ, msg string }{
		{"work-error", "*errors.errorString", "work broke on attempt 1"},
		{"work-panic", "string", "work panicked"},
		{"sleep", "timeout", "timed out"},
	} {
		mustRun(t, dir, "faults", "run", "--quiet", "--mode", c.mode, "--run-id-file", "rid")
		got := dumpJSON(t, dir, "faults", readID(t, dir)+"/End")
		f, _ := got["Failed"].(map[string]any)
		if f == nil || f["Type"] != c.typ || !strings.Contains(f["Message"].(string), c.msg) || got["Value"] != 0.0 {
			t.Errorf("%s: caught %v", c.mode, got)
		}
	}
}

func readID(t *testing.T, dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "rid"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
