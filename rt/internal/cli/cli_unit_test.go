package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/cli"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// The test binary is also the flow binary: `run` starts os.Executable()
// for each task, and a task process carries the runtime's marker, so it
// runs the step instead of the tests.
func TestMain(m *testing.M) {
	if _, ok := os.LookupEnv(taskspec.EnvMarker); ok {
		os.Exit(runner.Run(context.Background(), cliDef(), os.Args[1:]))
	}
	os.Exit(m.Run())
}

type Config struct {
	Depth int    `json:"depth"`
	Label string `json:"label,omitempty"`
}

type cliFlow struct {
	Token  string
	N      int
	Name   string
	Genres []string
	Cfg    Config
	Out    string
}

// cliParams is the parameter struct the generator emits: kong tags.
type cliParams struct {
	Token  string   `env:"FLOWC_PARAM_TOKEN" name:"token" required:"" help:"A required string."`
	N      int      `default:"2" env:"FLOWC_PARAM_N" name:"n" help:"An int."`
	Name   string   `default:"world" env:"FLOWC_PARAM_NAME" name:"name"`
	Genres []string `default:"a;b" env:"FLOWC_PARAM_GENRES" name:"genres" sep:";"`
	Cfg    Config   `default:"{\"depth\":1}" env:"FLOWC_PARAM_CFG" name:"cfg" type:"flowcjson"`
}

func jsonField[T any](name, typ string, get func(*cliFlow) *T) rt.FieldDef {
	return rt.FieldDef{
		Name: name, Type: typ, Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
		Encode: func(f any, w *codec.Writer) error { w.Marshal(*get(f.(*cliFlow))); return w.Err() },
		Decode: func(f any, r *codec.Reader, size int64) error { r.Unmarshal(get(f.(*cliFlow))); return r.Err() },
		Reset:  func(f any) { var z T; *get(f.(*cliFlow)) = z },
	}
}

func param(fd rt.FieldDef, name string) rt.FieldDef {
	fd.Kind, fd.ParamName = rt.FieldParam, name
	return fd
}

func cliDef() *rt.FlowDef {
	step := func(fn func(f *cliFlow)) func(context.Context, any, rt.StepCall) error {
		return func(ctx context.Context, f any, c rt.StepCall) error { fn(f.(*cliFlow)); return nil }
	}
	return &rt.FlowDef{
		Graph: &rt.Graph{Flow: "CliFlow", Doc: "CliFlow greets.", Steps: []*rt.Step{
			{Name: "Start", Kind: rt.KindStart, Doc: "Start builds the greeting.", Next: []string{"Pick"}, UsesAll: true},
			{Name: "Pick", Kind: rt.KindSwitch, Next: []string{"End"}, In: []string{"Start"},
				Switch: &rt.SwitchSpec{On: "Name", Cases: []rt.SwitchCase{{Value: "world", Step: "End"}, {Value: "you", Step: "End"}}}},
			{Name: "End", Kind: rt.KindEnd, In: []string{"Pick"}},
		}},
		New: func() any { return new(cliFlow) },
		Fields: []rt.FieldDef{
			param(jsonField("Token", "string", func(f *cliFlow) *string { return &f.Token }), "token"),
			param(jsonField("N", "int", func(f *cliFlow) *int { return &f.N }), "n"),
			param(jsonField("Name", "string", func(f *cliFlow) *string { return &f.Name }), "name"),
			param(jsonField("Genres", "[]string", func(f *cliFlow) *[]string { return &f.Genres }), "genres"),
			param(jsonField("Cfg", "Config", func(f *cliFlow) *Config { return &f.Cfg }), "cfg"),
			jsonField("Out", "string", func(f *cliFlow) *string { return &f.Out }),
		},
		Steps: []rt.StepDef{
			{Name: "Start", Run: step(func(f *cliFlow) {
				f.Out = strings.Repeat(f.Name, f.N) + "/" + strings.Join(f.Genres, "+") + "/" + f.Cfg.Label
			})},
			{Name: "Pick", Run: step(func(f *cliFlow) {}), SwitchValue: func(f any) string { return f.(*cliFlow).Name }},
			{Name: "End", Run: step(func(f *cliFlow) {})},
		},
		Params: func() any { return new(cliParams) },
		ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
			p, x := params.(*cliParams), f.(*cliFlow)
			x.Token, x.N, x.Name, x.Genres, x.Cfg = p.Token, p.N, p.Name, p.Genres, p.Cfg
			return nil
		},
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// run calls cli.Main as the flow binary's main does, with its own
// datastore root and no FLOWC_ settings from the environment.
func run(t *testing.T, def *rt.FlowDef, root string, args ...string) result {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "FLOWC_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	t.Setenv("FLOWC_USER", "tester")
	if root != "" {
		args = append([]string{"--datastore-root", root}, args...)
	}
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), def, nil, args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// oneLineError checks that r failed with exactly one `<bin>: error:` line
// containing every want, and printed nothing else.
func oneLineError(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (stderr %q)", r.code, r.stderr)
	}
	prefix := filepath.Base(os.Args[0]) + ": error: "
	if !strings.HasPrefix(r.stderr, prefix) || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr %q is not one line %q...", r.stderr, prefix)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q lacks %q", r.stderr, w)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
}

func TestHelp(t *testing.T) {
	r := run(t, cliDef(), "", "--help")
	if r.code != 0 {
		t.Fatalf("--help: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"CliFlow greets.", "run", "show", "check", "dump", "resume"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q:\n%s", want, r.stdout)
		}
	}
	if regexp.MustCompile(`(?m)^\s+step\s`).MatchString(r.stdout) {
		t.Errorf("--help lists the internal step command:\n%s", r.stdout)
	}
	r = run(t, cliDef(), "", "run", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--token") || !strings.Contains(r.stdout, "A required string") {
		t.Errorf("run --help: exit %d, does not show the flow's parameters:\n%s", r.code, r.stdout)
	}
}

// TestParseErrors: a mistyped command line is one error line naming the
// flag, before anything touches the datastore.
func TestParseErrors(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".flowc")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"nope"}, []string{"nope"}},
		{[]string{"show", "--nope"}, []string{"--nope"}},
		{[]string{"run", "--token", "t", "--n", "many"}, []string{"--n", "many"}},
		{[]string{"run", "--token", "t", "--cfg", "{depth"}, []string{"--cfg", `"{depth" is not JSON for type cli_test.Config`}},
		{[]string{"run"}, []string{"--token"}},
		{[]string{"show", "--format", "svg"}, []string{"--format", "svg"}},
		{[]string{"--datastore", "s3", "show"}, []string{"--datastore s3 needs --datastore-root s3://bucket/prefix"}},
		{[]string{"--datastore-root", "s3://b/p", "show"}, []string{`--datastore-root "s3://b/p" is an S3 URL but --datastore is local; pass --datastore s3`}},
		{[]string{"--datastore", "gcs", "show"}, []string{`--datastore "gcs" is not a datastore; use local`}},
		{[]string{"--metadata", "service", "show"}, []string{`--metadata "service" is not a metadata provider; use local or service@http://HOST:PORT`}},
		{[]string{"--metadata", "service@ftp://h", "show"}, []string{`--metadata "service@ftp://h" does not name a service URL; use service@http://HOST:PORT`}},
	} {
		r := run(t, cliDef(), root, tc.args...)
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) { oneLineError(t, r, tc.want...) })
	}
	if _, err := os.Stat(root); err == nil {
		t.Errorf("a command line error created the datastore %s", root)
	}
}

func TestCheck(t *testing.T) {
	r := run(t, cliDef(), "", "check")
	if r.code != 0 || r.stdout != "flow CliFlow: 3 steps, 6 artifacts: ok\n" {
		t.Errorf("check: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	bad := cliDef()
	bad.Steps[1].Name = "Other"
	bad.Graph.Steps[0].Next = []string{"Gone"}
	bad.Graph.Steps = bad.Graph.Steps[:2]
	bad.Fields[5].Decode = nil
	r = run(t, bad, "", "check")
	oneLineError(t, r,
		"the flow has 2 steps but 3 dispatchers; regenerate with go generate",
		`step "Pick" has the dispatcher of "Other"`,
		`step "Start" leads to unknown step "Gone"`,
		"the flow has no End step",
		`field "Out" has no codec`)
}

func TestShow(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"text", []string{"CliFlow greets.\n", "Step Start (start)\n    Start builds the greeting.\n    => Pick\n", "Step Pick (switch on Name)\n    => End (world), End (you)\n", "Step End (end)\n"}},
		{"dot", []string{"digraph CliFlow {\n", "  Start -> Pick;\n", `  Pick -> End [label="world"];`, "}\n"}},
		{"mermaid", []string{"flowchart TD\n", "  Start --> Pick\n", "  Pick -->|you| End\n"}},
	} {
		r := run(t, cliDef(), "", "show", "--format", tc.format)
		if r.code != 0 {
			t.Errorf("show --format %s: exit %d, stderr %q", tc.format, r.code, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("show --format %s lacks %q:\n%s", tc.format, w, r.stdout)
			}
		}
	}
	r := run(t, cliDef(), "", "show", "--format", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); r.code != 0 || err != nil {
		t.Errorf("show --format json: exit %d, not JSON (%v):\n%s", r.code, err, r.stdout)
	}
}

// TestRunParameters runs the flow (its tasks are this test binary) and
// reads back what the parameters became: flags, defaults, the JSON
// mapper, a separator, the environment.
func TestRunParameters(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, ".flowc")
	idFile := filepath.Join(dir, "run-id")
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want cliFlow
	}{
		{"defaults", nil, []string{"--token", "t"},
			cliFlow{Token: "t", N: 2, Name: "world", Genres: []string{"a", "b"}, Cfg: Config{Depth: 1}, Out: "worldworld/a+b/"}},
		{"flags", nil, []string{"--token", "t", "--n", "3", "--name", "you", "--genres", "x;y;z", "--cfg", `{"depth":4,"label":"L"}`},
			cliFlow{Token: "t", N: 3, Name: "you", Genres: []string{"x", "y", "z"}, Cfg: Config{Depth: 4, Label: "L"}, Out: "youyouyou/x+y+z/L"}},
		{"env", []string{"FLOWC_PARAM_TOKEN=e", "FLOWC_PARAM_N=1", "FLOWC_PARAM_CFG={\"depth\":9}"}, nil,
			cliFlow{Token: "e", N: 1, Name: "world", Genres: []string{"a", "b"}, Cfg: Config{Depth: 9}, Out: "world/a+b/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--quiet", "run", "--run-id-file", idFile}, tc.args...)
			r := runEnv(t, root, tc.env, args...)
			if r.code != 0 {
				t.Fatalf("run %v: exit %d\nstdout %s\nstderr %s", tc.args, r.code, r.stdout, r.stderr)
			}
			id, err := os.ReadFile(idFile)
			if err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(root)
			if err != nil {
				t.Fatal(err)
			}
			got := endValue(t, st, string(id))
			if !reflect.DeepEqual(got, &tc.want) {
				t.Errorf("End holds %+v, want %+v", *got, tc.want)
			}
			rec, err := st.GetRun("CliFlow", string(id))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != "succeeded" || rec.Params["n"] != strings.TrimSpace(jsonOf(tc.want.N)) {
				t.Errorf("run record status %q params %v", rec.Status, rec.Params)
			}
		})
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// runEnv is run with extra environment (seen by kong's env tags and
// inherited by the task processes).
func runEnv(t *testing.T, root string, env []string, args ...string) result {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "FLOWC_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	t.Setenv("FLOWC_USER", "tester")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	args = append([]string{"--datastore-root", root}, args...)
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), cliDef(), nil, args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// endValue decodes every artifact of the run's End task.
func endValue(t *testing.T, st *store.Store, id string) *cliFlow {
	t.Helper()
	tasks, err := st.ListTasks("CliFlow", id, "End")
	if err != nil || len(tasks) != 1 {
		t.Fatalf("End tasks of run %s: %v %v", id, tasks, err)
	}
	p := store.TaskPath{Flow: "CliFlow", Run: id, Step: "End", Task: tasks[0]}
	d, err := st.LatestDone(p)
	if err != nil || !d.OK {
		t.Fatalf("End's marker %+v %v", d, err)
	}
	data, err := st.ReadTaskData(p, d.Attempt)
	if err != nil {
		t.Fatal(err)
	}
	def := cliDef()
	a := artifact.New(st, def)
	f := new(cliFlow)
	for name, art := range data.Artifacts {
		if err := a.Decode(f, &def.Fields[a.Field(name)], art); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestRunRefusedBeforeRecording: options a run cannot start with are
// refused before a run is recorded.
func TestRunRefusedBeforeRecording(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".flowc")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--token", "t", "--max-workers", "0"}, "--max-workers 0 is below 1; give at least 1"},
		{[]string{"run", "--token", "t", "--max-num-splits", "0"}, "--max-num-splits 0 is below 1"},
		{[]string{"run", "--token", "t", "--tag", " "}, "tags are one non-blank line"},
		{[]string{"run", "--token", "t", "--run-id-file", filepath.Join(root, "no", "such", "dir", "id")}, "--run-id-file"},
	} {
		r := run(t, cliDef(), root, tc.args...)
		t.Run(tc.args[3], func(t *testing.T) { oneLineError(t, r, tc.want) })
	}
	if st, err := store.Open(root); err == nil {
		if runs, _ := st.ListRuns("CliFlow"); len(runs) != 0 {
			t.Errorf("refused runs were recorded: %v", runs)
		}
	}
}
