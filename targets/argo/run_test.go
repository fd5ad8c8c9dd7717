package argo_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/argo"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// This file runs the WorkflowTemplate this target renders with a small
// interpreter of the Argo features it uses (DAG depends, when,
// withSequence, output parameters from files, retryStrategy, onExit), each
// container as a process of the flow binary given only its spec's
// arguments and environment, against a local datastore. It checks, with
// no cluster, that the template and the task side of the contract
// (rt/taskspec/cloud.go) agree: the run the template drives ends with the
// End artifacts a local run has. The real controller runs it too, in
// the e2e tests, when the control plane is built (internal/testenv/argotest).

type interp struct {
	t      *testing.T
	tmpl   map[string]argo.Template
	bin    string
	wf     string
	dir    string
	params string
	mu     sync.Mutex
	ran    int
	failed bool
	logs   bytes.Buffer
}

// taskState is one DAG task's outcome and outputs.
type taskState struct {
	succeeded bool
	outputs   map[string]string
}

var placeholder = regexp.MustCompile(`\{\{([^}]*)\}\}`)

func (in *interp) subst(s string, vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		k := strings.TrimSpace(m[2 : len(m)-2])
		if v, ok := vars[k]; ok {
			return v
		}
		in.t.Fatalf("unresolved %s in %q", m, s)
		return ""
	})
}

// runTemplate runs template name with inputs; it reports success and the
// template's outputs.
func (in *interp) runTemplate(name string, inputs map[string]string) (bool, map[string]string) {
	t, ok := in.tmpl[name]
	if !ok {
		in.t.Fatalf("no template %q", name)
	}
	vars := map[string]string{"workflow.name": in.wf, "workflow.uid": "uid-" + in.wf, "workflow.parameters." + argo.ParamName: in.params}
	if t.Inputs != nil {
		for _, p := range t.Inputs.Parameters {
			v, ok := inputs[p.Name]
			if !ok {
				in.t.Fatalf("template %q: input %q not given", name, p.Name)
			}
			vars["inputs.parameters."+p.Name] = v
		}
	}
	if t.DAG != nil {
		return in.runDAG(t.DAG, vars), nil
	}
	limit := 0
	if t.RetryStrategy != nil {
		limit, _ = strconv.Atoi(t.RetryStrategy.Limit)
	}
	for retry := 0; ; retry++ {
		vars["retries"] = strconv.Itoa(retry)
		ok, out := in.runContainer(t, vars)
		if ok || retry >= limit {
			return ok, out
		}
	}
}

func (in *interp) runContainer(t argo.Template, vars map[string]string) (bool, map[string]string) {
	c := t.Container
	outDir := filepath.Join(in.dir, "out", fmt.Sprint(in.next()))
	mapPath := func(s string) string {
		s = strings.Replace(s, "/flowc/out", outDir, 1)
		if s == "/flowc/flow" {
			return in.bin
		}
		return s
	}
	argv := []string{mapPath(c.Command[0])}
	for _, a := range c.Args {
		argv = append(argv, in.subst(a, vars))
	}
	var env []string
	for _, e := range c.Env {
		env = append(env, e.Name+"="+mapPath(in.subst(e.Value, vars)))
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, in.dir
	out, err := cmd.CombinedOutput()
	in.mu.Lock()
	fmt.Fprintf(&in.logs, "$ %s\n%s", strings.Join(argv[1:], " "), out)
	in.mu.Unlock()
	if err != nil {
		return false, nil
	}
	outputs := map[string]string{}
	if t.Outputs != nil {
		for _, p := range t.Outputs.Parameters {
			b, err := os.ReadFile(mapPath(p.ValueFrom.Path))
			if err != nil {
				in.t.Errorf("output %s of %s: %v", p.Name, t.Name, err)
				return false, nil
			}
			outputs[p.Name] = string(b)
		}
	}
	return true, outputs
}

func (in *interp) next() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.ran++
	return in.ran
}

var succeededRef = regexp.MustCompile(`([a-z0-9-]+)\.Succeeded`)

func (in *interp) runDAG(d *argo.DAG, vars map[string]string) bool {
	state := map[string]*taskState{}
	for len(state) < len(d.Tasks) {
		progress := false
		for _, task := range d.Tasks {
			if state[task.Name] != nil {
				continue
			}
			deps := succeededRef.FindAllStringSubmatch(task.Depends, -1)
			ready := true
			for _, m := range deps {
				ready = ready && state[m[1]] != nil
			}
			if !ready {
				continue
			}
			progress = true
			expr := succeededRef.ReplaceAllStringFunc(task.Depends, func(m string) string {
				return strconv.FormatBool(state[strings.TrimSuffix(m, ".Succeeded")].succeeded)
			})
			local := map[string]string{}
			for k, v := range vars {
				local[k] = v
			}
			for name, st := range state {
				for k, v := range st.outputs {
					local["tasks."+name+".outputs.parameters."+k] = v
				}
			}
			if task.Depends != "" && !evalBool(in.t, expr) {
				state[task.Name] = &taskState{} // omitted
				continue
			}
			if task.When != "" {
				l, r, ok := strings.Cut(in.subst(task.When, local), " == ")
				if !ok {
					in.t.Fatalf("when %q is not a == b", task.When)
				}
				if l != r {
					state[task.Name] = &taskState{} // skipped
					continue
				}
			}
			n := 1
			if task.WithSequence != nil {
				var err error
				if n, err = strconv.Atoi(in.subst(task.WithSequence.Count, local)); err != nil {
					in.t.Fatalf("withSequence count: %v", err)
				}
			}
			ok, outs := true, map[string]string(nil)
			for i := range n {
				local["item"] = strconv.Itoa(i)
				args := map[string]string{}
				if task.Arguments != nil {
					for _, p := range task.Arguments.Parameters {
						args[p.Name] = in.subst(*p.Value, local)
					}
				}
				var o bool
				o, outs = in.runTemplate(task.Template, args)
				ok = ok && o
			}
			state[task.Name] = &taskState{succeeded: ok, outputs: outs}
			if !ok {
				in.failed = true
				return false // Argo fails the DAG once a task fails
			}
		}
		if !progress {
			in.t.Fatalf("DAG stuck: %v", d.Tasks)
		}
	}
	return true
}

// evalBool evaluates true/false with &&, || and parentheses.
func evalBool(t *testing.T, s string) bool {
	toks := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s))
	pos := 0
	var or func() bool
	atom := func() bool {
		tok := toks[pos]
		pos++
		if tok == "(" {
			v := or()
			pos++ // ")"
			return v
		}
		return tok == "true"
	}
	and := func() bool {
		v := atom()
		for pos < len(toks) && toks[pos] == "&&" {
			pos++
			w := atom()
			v = v && w
		}
		return v
	}
	or = func() bool {
		v := and()
		for pos < len(toks) && toks[pos] == "||" {
			pos++
			w := and()
			v = v || w
		}
		return v
	}
	return or()
}

// runWorkflow runs objs' template as workflow wf and returns the
// workflow's status.
func runWorkflow(t *testing.T, objs *argo.Objects, bin, dir, wf, params string) (string, string) {
	in := &interp{t: t, tmpl: map[string]argo.Template{}, bin: bin, wf: wf, dir: dir, params: params}
	for _, tm := range objs.Template.Spec.Templates {
		in.tmpl[tm.Name] = tm
	}
	ok, _ := in.runTemplate(objs.Template.Spec.Entrypoint, nil)
	status := "Succeeded"
	if !ok {
		status = "Failed"
	}
	if exit := objs.Template.Spec.OnExit; exit != "" {
		in.tmpl[exit].Container.Args[len(in.tmpl[exit].Container.Args)-1] = status
		in.runTemplate(exit, nil)
	}
	return status, in.logs.String()
}

// localOptions deploy against a local datastore root: the interpreter
// runs the tasks on this machine.
func localOptions(t *testing.T, g *rt.Graph, root string) argo.Options {
	d, err := deploy.Name(deploy.Naming{Flow: g.Flow, Project: g.Project, User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	o := argo.Options{Deployment: d, Token: "tok", User: "tester", Images: map[string]string{},
		Env: []argo.EnvVar{{Name: "FLOWC_DATASTORE", Value: "local"}, {Name: "FLOWC_DATASTORE_ROOT", Value: root}}}
	for _, st := range g.Steps {
		if st.K8s != nil && st.K8s.Namespace != "" {
			o.Namespace = st.K8s.Namespace
		}
	}
	for _, b := range argo.Bases(g, "") {
		o.Images[b] = "img"
	}
	return o
}

// TestTemplateRunsLikeALocalRun builds every example, runs it locally, and
// runs its rendered template through the interpreter: End's artifacts
// must be the same by hash (leaving out those filled from the clock), and
// the run must read back as succeeded.
func TestTemplateRunsLikeALocalRun(t *testing.T) {
	bins := exampleBinaries(t)
	graphs := goldenGraphs(t)
	clock := map[string][]string{"flaky": {"StartedAt"}}
	for name, bin := range bins {
		if name == "secondflow" {
			// It reads FirstFlow's latest run in its namespace: a
			// project's flows run in sequence, which this test does not.
			continue
		}
		t.Run(name, func(t *testing.T) {
			g := graphs["example_"+name]
			dir := t.TempDir()
			root := filepath.Join(dir, ".flowc")
			objs, err := argo.Build(g, localOptions(t, g, root))
			if err != nil {
				t.Fatal(err)
			}
			status, logs := runWorkflow(t, objs, bin, dir, "wf1", "{}")
			if status != "Succeeded" {
				t.Fatalf("workflow %s:\n%s", status, logs)
			}
			run(t, bin, dir, "run", "--run-id-file", filepath.Join(dir, "local-id"))
			local, _ := os.ReadFile(filepath.Join(dir, "local-id"))
			want := endHashes(t, bin, dir, string(local), clock[name])
			got := endHashes(t, bin, dir, "argo-wf1", clock[name])
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("End artifacts differ:\nlocal %v\nargo  %v\n%s", want, got, logs)
			}
			if out := run(t, bin, dir, "runs"); !strings.Contains(out, "argo-wf1") || !regexp.MustCompile(`argo-wf1\s.*succeeded`).MatchString(out) {
				t.Errorf("runs does not show argo-wf1 succeeded:\n%s", out)
			}
		})
	}
}

func run(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--datastore-root", filepath.Join(dir, ".flowc"), "--namespace", ""}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FLOWC_USER=tester")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, out)
	}
	return string(out)
}

// endHashes are End's artifact hashes of run, by name.
func endHashes(t *testing.T, bin, dir, runID string, skip []string) map[string]string {
	t.Helper()
	path := filepath.Join(dir, ".flowc")
	flow := ""
	entries, _ := os.ReadDir(path)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "_") {
			flow = e.Name()
		}
	}
	matches, _ := filepath.Glob(filepath.Join(path, flow, runID, "End", "*", "*.data.json"))
	if len(matches) == 0 {
		t.Fatalf("run %s has no End data in %s", runID, path)
	}
	b, err := os.ReadFile(matches[len(matches)-1])
	if err != nil {
		t.Fatal(err)
	}
	return artifactHashes(t, b, skip)
}

var (
	exOnce sync.Once
	exBins map[string]string
	exErr  error
)

// exampleBinaries builds every example, and the cluster tests' own flows
// (testdata/), once, with one go build, statically (CGO_ENABLED=0), as
// the code package ships them.
func exampleBinaries(t testing.TB) map[string]string {
	t.Helper()
	exOnce.Do(func() {
		dir, err := os.MkdirTemp("", "argo-examples-")
		if err != nil {
			exErr = err
			return
		}
		entries, _ := os.ReadDir("../../examples")
		args := []string{"build", "-o", dir}
		exBins = map[string]string{}
		for _, e := range entries {
			if e.IsDir() {
				args = append(args, "./examples/"+e.Name())
				exBins[e.Name()] = filepath.Join(dir, e.Name())
			}
		}
		for _, name := range testdataFlows {
			args = append(args, "./targets/argo/testdata/"+name)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			exErr = fmt.Errorf("building the examples: %v\n%s", err, out)
		}
	})
	if exErr != nil {
		t.Fatal(exErr)
	}
	out := map[string]string{}
	for name, p := range exBins {
		if !slices.Contains(testdataFlows, name) {
			out[name] = p
		}
	}
	return out
}

//go:generate go tool flowc ./testdata/checks ./testdata/quoting ./testdata/deadline

// testdataFlows are the flows of testdata/, built with the examples.
var testdataFlows = []string{"checks", "quoting", "deadline"}

// testdataBinary is the built flow testdata/<name>.
func testdataBinary(t testing.TB, name string) string {
	t.Helper()
	exampleBinaries(t)
	return filepath.Join(filepath.Dir(exBins["linear"]), name)
}
