package sfn

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/testenv/goldens"
	"github.com/flowc-dev/flowc/internal/testenv/sfntest"
	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/deploy"
)

var update = flag.Bool("update", false, "rewrite the definitions in ../../golden/sfn")

const acceptCmd = "go test ./targets/sfn -run TestGolden -update"

// goldenShapes are the golden module's cases rendered, one per graph
// shape; the examples are rendered too, by name.
var goldenShapes = []string{
	"linear", "split_join", "nested_split", "foreach_library", "nested_foreach",
	"switch", "switch_int", "switch_in_split", "switch_in_foreach", "split_in_foreach",
	"decorators", "genre_stats", "params", "includefile",
}

// goldenWide are shapes rendered again with --max-num-splits 1000000:
// a foreach wider than one Batch array job adds a Distributed Map over
// chunks of 10,000 items (golden/sfn/<shape>_wide.json).
var goldenWide = []string{"foreach_library", "nested_foreach"}

// goldenOptions are fixed, so the definitions only change with the code.
func goldenOptions(t *testing.T, g *rt.Graph) Options {
	d, err := deploy.Name(deploy.Naming{Flow: g.Flow, Project: g.Project, User: "golden"})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Name: d.Name, JobQueue: "flowc-queue", DatastoreRoot: "s3://flowc-bucket/flowc",
		Namespace: deploy.Namespace("golden-token"), User: "golden", Branch: "",
	}
}

// TestGolden renders every graph shape and example, compares each with
// golden/sfn/<name>.json, and runs asl-validator over all of them.
func TestGolden(t *testing.T) {
	graphs := goldens.Graphs(t, "../..", goldenShapes)
	for _, c := range goldenWide {
		graphs[c+"_wide"] = graphs[c]
	}
	dir, _ := filepath.Abs("../../golden/sfn")
	var names, files []string
	for name := range graphs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		g := graphs[name]
		o := goldenOptions(t, g)
		if strings.HasSuffix(name, "_wide") {
			o.MaxNumSplits = 1000000
		}
		def, err := Render(g, o, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		again, _ := Render(g, o, nil)
		if string(again.JSON) != string(def.JSON) {
			t.Errorf("%s: rendering twice gave different definitions", name)
		}
		// The rest of the deployment: job definitions and the schedule.
		type schedule struct{ Expression, Timezone, Name string }
		rest := struct {
			StateMachine   string
			JobDefinitions []*JobDefinition
			Schedule       *schedule `json:",omitempty"`
		}{StateMachine: def.Name, JobDefinitions: def.JobDefinitions}
		if s := deploy.ScheduleOf(g); s != nil {
			rest.Schedule = &schedule{s.AWS(), s.TZ(), ScheduleName(def.Name)}
		}
		jds, err := json.MarshalIndent(rest, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name+".json")
		files = append(files, file)
		for f, got := range map[string][]byte{file: def.JSON, filepath.Join(dir, name+".deploy.json"): append(jds, '\n')} {
			goldens.Check(t, f, got, *update, acceptCmd)
		}
	}
	if t.Failed() {
		return
	}
	sfntest.ValidateASL(t, files...)
}

// TestGoldenCoversShapes: the goldens hold each construct the target maps.
func TestGoldenCoversShapes(t *testing.T) {
	all := ""
	for _, name := range append(goldenShapes, "foreach_library_wide") {
		b, err := os.ReadFile(filepath.Join("../../golden/sfn", name+".json"))
		if err != nil {
			t.Fatalf("%v; create it with: %s", err, acceptCmd)
		}
		all += string(b)
	}
	for _, want := range []string{
		`"Type": "Parallel"`, `"Mode": "DISTRIBUTED"`, `"ArrayProperties"`, `"Type": "Choice"`,
		`"IntervalSeconds": 120`, `"AttemptDurationSeconds"`, `"ResourceRequirements"`, `"RetryStrategy"`,
		`arn:aws:states:::aws-sdk:s3:getObject`, `"Next": "_RunFailed"`,
		`"ItemReader"`, `"FLOWC_FOREACH_ITEMS"`, `"FLOWC_ARRAY_INDEX_BASE"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no golden definition has %s", want)
		}
	}
}
