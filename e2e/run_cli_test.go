package e2e

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	dotHeader = regexp.MustCompile(`^digraph "?(\w+)"? \{$`)
	dotNode   = regexp.MustCompile(`^\s*"?(\w+)"?\s*(\[.*\])?;?$`)
	dotEdge   = regexp.MustCompile(`^\s*"?(\w+)"?\s*->\s*"?(\w+)"?\s*(\[.*\])?;?$`)
)

// TestRunShowDot: show --format dot is a digraph with a node for every
// step and exactly the graph's edges; --format json agrees with it.
func TestRunShowDot(t *testing.T) {
	for _, c := range []struct {
		flow, name string
		edges      []string
	}{
		{"merge", "MergeFlow", []string{"Start->A", "Start->B", "A->Join", "B->Join", "Join->End"}},
		{"nested", "NestedFlow", []string{"Start->PerRow", "PerRow->CellStep", "CellStep->JoinCells", "JoinCells->JoinRows", "JoinRows->End"}},
	} {
		b := runFlowBin(t, c.flow)
		out := b.ok("show", "--format", "dot").stdout
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if m := dotHeader.FindStringSubmatch(lines[0]); m == nil || m[1] != c.name {
			t.Errorf("%s: first line %q is not digraph %s {", c.flow, lines[0], c.name)
		}
		if lines[len(lines)-1] != "}" {
			t.Errorf("%s: last line %q is not }", c.flow, lines[len(lines)-1])
		}
		var nodes, edges []string
		for _, l := range lines[1 : len(lines)-1] {
			switch {
			case strings.TrimSpace(l) == "":
			case dotEdge.MatchString(l):
				m := dotEdge.FindStringSubmatch(l)
				edges = append(edges, m[1]+"->"+m[2])
			case dotNode.MatchString(l):
				nodes = append(nodes, dotNode.FindStringSubmatch(l)[1])
			default:
				t.Errorf("%s: line %q is neither a node nor an edge", c.flow, l)
			}
		}
		if strings.Count(out, "[") != strings.Count(out, "]") || strings.Count(out, `"`)%2 != 0 {
			t.Errorf("%s: unbalanced brackets or quotes:\n%s", c.flow, out)
		}

		var g struct {
			Flow  string
			Steps []struct {
				Name string
				Next []string
			}
		}
		if err := json.Unmarshal([]byte(b.ok("show", "--format", "json").stdout), &g); err != nil {
			t.Fatalf("%s: show --format json: %v", c.flow, err)
		}
		var steps, jsonEdges []string
		for _, s := range g.Steps {
			steps = append(steps, s.Name)
			for _, n := range s.Next {
				jsonEdges = append(jsonEdges, s.Name+"->"+n)
			}
		}
		for _, l := range [][]string{nodes, edges, steps, jsonEdges, c.edges} {
			slices.Sort(l)
		}
		if !slices.Equal(nodes, steps) {
			t.Errorf("%s: dot nodes %v, want the steps %v", c.flow, nodes, steps)
		}
		if !slices.Equal(edges, c.edges) || !slices.Equal(jsonEdges, c.edges) {
			t.Errorf("%s: dot edges %v, json edges %v, want %v", c.flow, edges, jsonEdges, c.edges)
		}
	}
}

// TestRunDumpJSON: dump --json of a run, a step, a task, one artifact and
// several, all parseable and consistent with each other.
func TestRunDumpJSON(t *testing.T) {
	b := runFlowBin(t, "linear")
	id := b.runFlow()

	var run, end map[string]any
	b.dump(id, &run)
	b.dump(id+"/End", &end)
	if !reflect.DeepEqual(run, end) || run["MyVar"] != "hello world" {
		t.Errorf("dump %s = %v, dump %s/End = %v; want End's artifacts for both", id, run, id, end)
	}
	var start []map[string]any // a step may have several tasks: an array
	r := b.ok("dump", id+"/Start", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &start); err != nil {
		// One task: its object.
		var one map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &one); err != nil {
			t.Fatalf("dump %s/Start --json is not JSON: %v\n%s", id, err, r.stdout)
		}
		start = []map[string]any{one}
	}
	if len(start) != 1 || !reflect.DeepEqual(start[0]["Seen"], []any{"Start"}) {
		t.Errorf("dump %s/Start --json = %v", id, start)
	}

	// The task id, from the text form's header "RUN/Start/TASK".
	text := b.ok("dump", id+"/Start").stdout
	head, _, _ := strings.Cut(text, "\n")
	task := strings.TrimPrefix(strings.TrimSpace(head), id+"/Start/")
	if task == "" || strings.Contains(task, "/") {
		t.Fatalf("cannot read the task id from dump's first line %q", head)
	}
	var byTask map[string]any
	b.dump(id+"/Start/"+task, &byTask)
	if !reflect.DeepEqual(byTask, start[0]) {
		t.Errorf("dump %s/Start/%s = %v, want %v", id, task, byTask, start[0])
	}

	var two map[string]any
	b.dump(id+"/A", &two, "--artifact", "Seen", "--artifact", "MyVar")
	if len(two) != 2 || two["MyVar"] != "hello world" {
		t.Errorf("dump %s/A --artifact Seen --artifact MyVar = %v", id, two)
	}
	var one string
	b.dump(id+"/A", &one, "--artifact", "MyVar")
	if one != "hello world" {
		t.Errorf("dump %s/A --artifact MyVar = %q", id, one)
	}

	wantOneLineError(t, "dump RUN/Nope", b.run("dump", id+"/Nope", "--json"), `"Nope"`)
	wantOneLineError(t, "dump RUN --artifact Nope", b.run("dump", id, "--artifact", "Nope", "--json"), `"Nope"`)
	wantOneLineError(t, "dump RUN/Start/999999", b.run("dump", id+"/Start/999999", "--json"), "999999")
}

// TestRunBadIDs: ids that try to leave the datastore, and ids that do not
// exist, are one-line errors with exit status 1.
func TestRunBadIDs(t *testing.T) {
	b := runFlowBin(t, "linear")
	id := b.runFlow()
	for _, c := range []struct {
		args   []string
		phrase string
	}{
		{[]string{"dump", "../x"}, ".."},
		{[]string{"dump", id + "/../../etc"}, "../../etc"},
		{[]string{"dump", id + "/Start/.."}, ".."},
		{[]string{"dump", "/etc/passwd"}, "run id"}, // names the empty run id, not the input
		{[]string{"logs", id + "/Start/.."}, ".."},
		{[]string{"logs", "../" + id + "/Start"}, ".."},
		{[]string{"logs", id}, id},
		{[]string{"dump", "999"}, "999"},
		{[]string{"logs", "999/Start"}, "999"},
		{[]string{"dump", id + "/Start/1/2"}, "1/2"},
		{[]string{"dump", ""}, ""},
	} {
		wantOneLineError(t, strings.Join(c.args, " "), b.run(c.args...), c.phrase)
	}
}
