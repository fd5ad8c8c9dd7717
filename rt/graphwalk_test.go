package rt

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// nestedGraph is a foreach inside a split, a switch looping on itself, and
// their joins, as the generator builds it before Link: kinds and Next only.
func nestedGraph() *Graph {
	return &Graph{Flow: "Nested", Steps: []*Step{
		{Name: "End", Kind: KindEnd},
		{Name: "Start", Kind: KindSplit, Next: []string{"A", "B"}},
		{Name: "A", Kind: KindForeach, Foreach: "Xs", Next: []string{"Body"}},
		{Name: "Body", Kind: KindLinear, Next: []string{"JoinA"}},
		{Name: "JoinA", Kind: KindJoin, Join: true, Next: []string{"Join"}},
		{Name: "B", Kind: KindSwitch, Next: []string{"B", "Join"}, Switch: &SwitchSpec{On: "Again", Cases: []SwitchCase{{"true", "B"}, {"false", "Join"}}}},
		{Name: "Join", Kind: KindJoin, Join: true, Next: []string{"End"}},
	}}
}

func TestGraphLink(t *testing.T) {
	g := nestedGraph()
	g.Link()
	want := map[string]struct {
		in, parents []string
		join        string
		body        bool
	}{
		"Start": {nil, nil, "Join", false},
		"A":     {[]string{"Start"}, []string{"Start"}, "JoinA", false},
		"Body":  {[]string{"A"}, []string{"Start", "A"}, "", true},
		"JoinA": {[]string{"Body"}, []string{"Start", "A"}, "", false},
		"B":     {[]string{"B", "Start"}, []string{"Start"}, "", false},
		"Join":  {[]string{"B", "JoinA"}, []string{"Start"}, "", false},
		"End":   {[]string{"Join"}, nil, "", false},
	}
	for name, w := range want {
		s := g.Step(name)
		if !slices.Equal(s.In, w.in) || !slices.Equal(s.SplitParents, w.parents) || s.MatchingJoin != w.join || s.IsForeachBody != w.body {
			t.Errorf("%s: in %v, split parents %v, matching join %q, foreach body %v; want %+v", name, s.In, s.SplitParents, s.MatchingJoin, s.IsForeachBody, w)
		}
	}
	// Link is idempotent: the generator may fill a graph in twice.
	before, _ := json.Marshal(g)
	g.Link()
	if after, _ := json.Marshal(g); string(before) != string(after) {
		t.Errorf("Link twice changed the graph:\n%s\n%s", before, after)
	}
	if s := g.SplitOf("JoinA"); s == nil || s.Name != "A" {
		t.Errorf("SplitOf(JoinA) = %v, want A", s)
	}
	if s := g.SplitOf("Join"); s == nil || s.Name != "Start" {
		t.Errorf("SplitOf(Join) = %v, want Start", s)
	}
	if s := g.SplitOf("Body"); s != nil {
		t.Errorf("SplitOf(Body) = %v, want nil", s)
	}
	if got := g.Step("A").OpenAfter(); !slices.Equal(got, []string{"Start", "A"}) {
		t.Errorf("A.OpenAfter() = %v", got)
	}
	if got := g.Step("JoinA").OpenAfter(); !slices.Equal(got, []string{"Start"}) {
		t.Errorf("JoinA.OpenAfter() = %v", got)
	}
}

func TestGraphOrderAndReach(t *testing.T) {
	g := nestedGraph()
	g.Link()
	// Source order breaks ties; End comes last although it is declared first.
	if got, want := g.Order(), []string{"Start", "A", "Body", "JoinA", "B", "Join", "End"}; !slices.Equal(got, want) {
		t.Errorf("Order() = %v, want %v", got, want)
	}
	r := g.Reachable("A")
	var got []string
	for n := range r {
		got = append(got, n)
	}
	slices.Sort(got)
	if want := []string{"A", "Body", "End", "Join", "JoinA"}; !slices.Equal(got, want) {
		t.Errorf("Reachable(A) = %v, want %v", got, want)
	}
	for _, c := range []struct {
		from, to, avoid string
		want            bool
	}{
		{"Start", "End", "", true},
		{"Start", "Start", "", false},
		{"B", "B", "", true}, // the switch's own loop
		{"A", "Join", "JoinA", false},
		{"Start", "Join", "JoinA", true}, // through B
		{"End", "Start", "", false},
	} {
		if got := g.Reaches(c.from, c.to, c.avoid); got != c.want {
			t.Errorf("Reaches(%s, %s, avoid %q) = %v, want %v", c.from, c.to, c.avoid, got, c.want)
		}
	}
}

var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// TestGraphJSON: the schema is snake_case, carries its version, survives a
// round trip, and a newer version is refused.
func TestGraphJSON(t *testing.T) {
	g := nestedGraph()
	g.Schedule = &Schedule{Cron: "0 0 * * ? *", Period: "daily", Timezone: "Europe/Paris"}
	s := g.Step("Body")
	s.Retry = &Retry{Times: 3, MinutesBetween: 2}
	s.TimeoutS = 90
	s.Resources = Resources{CPU: 2, MemoryMiB: 4096, GPU: 1, DiskMiB: 100}
	s.Batch = &Batch{Queue: "q", Image: "i", IAMRole: "arn:r"}
	s.K8s = &Kubernetes{Image: "i", Namespace: "ns", ServiceAccount: "sa"}
	s.Env = []EnvVar{{"K", "V"}}
	s.Uses, s.UsesAll, s.Catch = []string{"Xs"}, true, "Failed"
	g.Link()
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["version"] != float64(GraphVersion) {
		t.Errorf("version = %v, want %d", doc["version"], GraphVersion)
	}
	walkKeys(t, "", doc)
	for _, key := range []string{`"timeout_seconds":90`, `"memory_mib":4096`, `"service_account":"sa"`, `"iam_role":"arn:r"`, `"minutes_between":2`, `"split_parents":["Start","A"]`, `"foreach_body":true`, `"matching_join":"JoinA"`, `"uses_all":true`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s:\n%s", key, b)
		}
	}
	var back Graph
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, g) {
		t.Errorf("round trip changed the graph:\n%s", b)
	}
	newer := strings.Replace(string(b), `"version":1`, `"version":2`, 1)
	if err := json.Unmarshal([]byte(newer), &back); err == nil || !strings.Contains(err.Error(), "format version 2") {
		t.Errorf("a newer version: err = %v, want a refusal naming it", err)
	}
}

func walkKeys(t *testing.T, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !snakeKey.MatchString(k) {
				t.Errorf("key %s.%s is not snake_case", path, k)
			}
			walkKeys(t, path+"."+k, e)
		}
	case []any:
		for _, e := range x {
			walkKeys(t, path+"[]", e)
		}
	}
}
