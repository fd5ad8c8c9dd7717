package argo_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/internal/testenv/goldens"
	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/argo"
	"github.com/flowc-dev/flowc/targets/deploy"
)

var update = flag.Bool("update", false, "rewrite the goldens in ../../golden/argo")

const acceptCmd = "go test ./targets/argo -run TestGolden -update"

// goldenShapes are the golden module's cases, one per graph shape (and
// the decorators: image, schedule, project, retry, catch, timeout,
// resources, env, kubernetes); the examples are rendered too.
var goldenShapes = []string{
	"linear", "split_join", "nested_split", "foreach_library", "nested_foreach",
	"switch", "switch_int", "switch_in_split", "switch_in_foreach", "switch_loop", "split_in_foreach",
	"decorators", "genre_stats", "params", "includefile",
}

// goldenImage stands for the pushed code package.
const goldenImage = "registry.example.com/flows@sha256:0000000000000000000000000000000000000000000000000000000000000000"

// goldenOptions are fixed, so the objects change only with the code.
func goldenOptions(t *testing.T, g *rt.Graph) argo.Options {
	d, err := deploy.Name(deploy.Naming{Flow: g.Flow, Project: g.Project, User: "golden"})
	if err != nil {
		t.Fatal(err)
	}
	o := argo.Options{
		Deployment: d, Token: "golden-token", User: "golden", MaxWorkers: 100, Images: map[string]string{},
		Env: []argo.EnvVar{{Name: "FLOWC_DATASTORE", Value: "s3"}, {Name: "FLOWC_DATASTORE_ROOT", Value: "s3://flowc-bucket/flowc"}},
	}
	for _, st := range g.Steps {
		if st.K8s != nil && st.K8s.Namespace != "" {
			o.Namespace = st.K8s.Namespace
		}
	}
	for _, b := range argo.Bases(g, "") {
		o.Images[b] = goldenImage
	}
	return o
}

// goldenGraphs loads every shape and example once, in process.
func goldenGraphs(t *testing.T) map[string]*rt.Graph {
	return goldens.Graphs(t, "../..", goldenShapes)
}

// TestGolden renders every graph shape and example, compares each with
// golden/argo/<name>.yaml (a graph the target refuses: its one-line
// error), and checks every document against Argo's own types and JSON
// schema.
func TestGolden(t *testing.T) {
	graphs := goldenGraphs(t)
	dir, _ := filepath.Abs("../../golden/argo")
	var names []string
	for name := range graphs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			g := graphs[name]
			var got []byte
			objs, err := argo.Build(g, goldenOptions(t, g))
			if err == nil {
				got, err = objs.YAML()
			}
			if err != nil {
				got = []byte("error: " + err.Error() + "\n")
			}
			goldens.Check(t, filepath.Join(dir, name+".yaml"), got, *update, acceptCmd)
			if !bytes.HasPrefix(got, []byte("error: ")) {
				validate(t, got)
			}
		})
	}
}

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// argoSchemas compiles Argo's JSON schema (api/jsonschema/schema.json of
// the pinned module) for the kinds this target writes.
func argoSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/argoproj/argo-workflows/v3").Output()
		if err != nil {
			schemaErr = err
			return
		}
		path := filepath.Join(strings.TrimSpace(string(out)), "api", "jsonschema", "schema.json")
		f, err := os.Open(path)
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		const url = "file:///argo/schema.json"
		if schemaErr = c.AddResource(url, doc); schemaErr != nil {
			return
		}
		schemas = map[string]*jsonschema.Schema{}
		for _, kind := range []string{"WorkflowTemplate", "CronWorkflow", "Workflow"} {
			s, err := c.Compile(url + "#/definitions/io.argoproj.workflow.v1alpha1." + kind)
			if err != nil {
				schemaErr = err
				return
			}
			schemas[kind] = s
		}
	})
	if schemaErr != nil {
		t.Fatalf("Argo's JSON schema: %v", schemaErr)
	}
	return schemas
}

// validate checks each YAML document: it strict-unmarshals into Argo's
// v1alpha1 type (an unknown field fails), marshals back to the same JSON
// (the mirror types lose and add nothing), and validates against Argo's
// JSON schema.
func validate(t *testing.T, stream []byte) {
	t.Helper()
	for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			t.Fatalf("not YAML: %v", err)
		}
		var head struct{ Kind string }
		_ = json.Unmarshal(j, &head)
		var typed any
		switch head.Kind {
		case "WorkflowTemplate":
			typed = &wfv1.WorkflowTemplate{}
		case "CronWorkflow":
			typed = &wfv1.CronWorkflow{}
		case "Workflow":
			typed = &wfv1.Workflow{}
		default:
			t.Fatalf("unexpected kind %q", head.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, typed); err != nil {
			t.Errorf("%s does not strict-unmarshal into Argo's v1alpha1 type: %v", head.Kind, err)
			continue
		}
		back, err := json.Marshal(typed)
		if err != nil {
			t.Fatal(err)
		}
		var ours, theirs any
		_ = json.Unmarshal(j, &ours)
		_ = json.Unmarshal(back, &theirs)
		dropEmpty(theirs)
		if _, has := ours.(map[string]any)["status"]; !has {
			delete(theirs.(map[string]any), "status") // Argo's types write a zero status
		}
		if !reflect.DeepEqual(ours, theirs) {
			t.Errorf("%s changes through Argo's types (-ours +Argo's):\n%s", head.Kind, cmp.Diff(ours, theirs))
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Fatal(err)
		}
		if err := argoSchemas(t)[head.Kind].Validate(inst); err != nil {
			t.Errorf("%s fails Argo's JSON schema: %v", head.Kind, err)
		}
	}
}

// dropEmpty removes what Argo's types write for fields left unset
// (metadata.creationTimestamp: null, status: {}, empty objects).
func dropEmpty(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		if l, ok := v.([]any); ok {
			for _, x := range l {
				dropEmpty(x)
			}
		}
		return
	}
	for k, x := range m {
		dropEmpty(x)
		switch y := x.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			if len(y) == 0 {
				delete(m, k)
			}
		}
	}
}

// TestDatastoreAnnotation: the template records the datastore root its
// tasks get (FLOWC_DATASTORE_ROOT), and the deployment read back with it
// accepts that root and refuses another; one without the annotation (made
// before it existed) is accepted with a warning.
func TestDatastoreAnnotation(t *testing.T) {
	g := goldenGraphs(t)["linear"]
	o := goldenOptions(t, g)
	objs, err := argo.Build(g, o)
	if err != nil {
		t.Fatal(err)
	}
	const root = "s3://flowc-bucket/flowc"
	ann := objs.Template.Metadata.Annotations
	if ann[argo.AnnotationDatastore] != root {
		t.Fatalf("annotation %s = %q, want the tasks' root %q", argo.AnnotationDatastore, ann[argo.AnnotationDatastore], root)
	}
	for _, tmpl := range objs.Template.Spec.Templates {
		if c := tmpl.Container; c != nil {
			for _, e := range c.Env {
				if e.Name == "FLOWC_DATASTORE_ROOT" && e.Value != root {
					t.Errorf("template %s's tasks use %q, the annotation says %q", tmpl.Name, e.Value, root)
				}
			}
		}
	}
	d := &argo.Deployed{Name: objs.Template.Metadata.Name, Namespace: "default", Annotations: ann}
	if warn, err := d.CheckDatastore(root, true); err != nil || warn != "" {
		t.Errorf("trigger with the deployment's root: %q, %v", warn, err)
	}
	if _, err := d.CheckDatastore("s3://flowc-bucket/elsewhere", true); err == nil ||
		!strings.Contains(err.Error(), root) || !strings.Contains(err.Error(), "s3://flowc-bucket/elsewhere") {
		t.Errorf("trigger with another root: %v, want an error naming both roots", err)
	}
	old := &argo.Deployed{Name: d.Name, Namespace: "default", Annotations: map[string]string{argo.AnnotationToken: "t"}}
	if warn, err := old.CheckDatastore(root, true); err != nil || !strings.Contains(warn, "records no datastore") {
		t.Errorf("a template made before the annotation: %q, %v; want a warning", warn, err)
	}
}
