package taskspec

import (
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

func TestStepArgsRoundTrip(t *testing.T) {
	for _, s := range []Step{
		{Step: "Start", RunID: "1", TaskID: "1", InputPaths: "1/_parameters/0", SplitIndex: -1},
		{Step: "Body", RunID: "12", TaskID: "Body-3.4", InputPaths: "12/Fan/Fan-3", SplitIndex: 4, RetryCount: 2},
		{Step: "Join", RunID: "7", TaskID: "9", InputPaths: "7/A/3,7/B/:4,5,9", SplitIndex: -1},
	} {
		args := s.Args()
		if args[0] != StepCommand {
			t.Fatalf("Args() = %q; want %q first", args, StepCommand)
		}
		got, err := ParseStep(args[1:])
		if err != nil || got != s {
			t.Errorf("ParseStep(%q) = %+v, %v; want %+v", args, got, err, s)
		}
	}
	got, err := ParseStep([]string{"--run-id=3", "End", "--task-id", "5", "--input-paths=3/J/4"})
	if err != nil || got.Step != "End" || got.RunID != "3" || got.SplitIndex != -1 {
		t.Errorf("--flag=value form: %+v, %v", got, err)
	}
	for _, bad := range [][]string{
		{"Start", "--run-id", "1", "--task-id", "1"},                              // no inputs
		{"--run-id", "1", "--task-id", "1", "--input-paths", "1/A/1"},             // no step
		{"A", "B", "--run-id", "1", "--task-id", "1", "--input-paths", "1/A/1"},   // two steps
		{"A", "--run-id", "1", "--task-id", "1", "--input-paths", "1/A/1", "--x"}, // unknown
		{"A", "--run-id", "1", "--task-id", "1", "--input-paths", "1/A/1", "--split-index", "x"},
		{"A", "--run-id", "1", "--run-id", "2", "--task-id", "1", "--input-paths", "1/A/1"},
	} {
		if _, err := ParseStep(bad); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseStep(%q): want a one-line error, got %v", bad, err)
		}
	}
}

// A join of 100,000 tasks does not fit in one argument: the list is cut
// into several, each under the limit, and reads back whole.
func TestSplitInputPaths(t *testing.T) {
	var refs []StepTask
	for i := range 100000 {
		step := "Body"
		if i%1000 == 999 {
			step = "Other" // groups cut in the middle and reopened
		}
		refs = append(refs, StepTask{Step: step, Task: 2 + i})
	}
	s := FormatInputPaths("42", refs)
	parts := SplitInputPaths(s, 0)
	if len(parts) < 5 {
		t.Fatalf("%d bytes in %d parts; want several", len(s), len(parts))
	}
	for _, p := range parts {
		if len(p) > maxArg {
			t.Errorf("a part has %d bytes, over %d", len(p), maxArg)
		}
	}
	want, err := ParseInputPaths(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseInputPaths(strings.Join(parts, ","))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("the parts read back as %d refs (%v); want the %d of the whole", len(got), err, len(want))
	}
	st := Step{Step: "Join", RunID: "42", TaskID: "100003", InputPaths: s, SplitIndex: -1}
	back, err := ParseStep(st.Args()[1:])
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseInputPaths(back.InputPaths); err != nil || !reflect.DeepEqual(got, want) || back.TaskID != st.TaskID {
		t.Errorf("Args/ParseStep of a 100,000-input join: %d refs, %v", len(got), err)
	}
	if small := SplitInputPaths("1/A/2", 0); len(small) != 1 || small[0] != "1/A/2" {
		t.Errorf("a short list is cut: %q", small)
	}
}

func TestCloudTaskID(t *testing.T) {
	cases := []struct {
		step string
		fe   []int
		it   int
		want string
	}{
		{"Start", nil, 0, "Start"},
		{"Body", []int{3}, 0, "Body-3"},
		{"Inner", []int{3, 17}, 0, "Inner-3.17"},
		{"Check", nil, 4, "Check-i4"},
		{"Check", []int{2}, 4, "Check-2.i4"},
		{ParamsStep, nil, 0, "_parameters"},
	}
	for _, c := range cases {
		id := CloudTaskID(c.step, c.fe, c.it)
		if id != c.want {
			t.Errorf("CloudTaskID(%s, %v, %d) = %q, want %q", c.step, c.fe, c.it, id, c.want)
		}
		if err := store.ValidID("task id", id); err != nil {
			t.Errorf("%q: %v", id, err)
		}
		step, fe, it, err := ParseCloudTaskID(id)
		if err != nil || step != c.step || !reflect.DeepEqual(fe, c.fe) || it != c.it {
			t.Errorf("ParseCloudTaskID(%q) = %s %v %d %v", id, step, fe, it, err)
		}
	}
	// No two tasks of a wide nested foreach share an id.
	seen := map[string][3]int{}
	for i := range 200 {
		for j := range 200 {
			for it := range 3 {
				id := CloudTaskID("Body", []int{i, j}, it)
				if prev, dup := seen[id]; dup {
					t.Fatalf("%q names both %v and %v", id, prev, [3]int{i, j, it})
				}
				seen[id] = [3]int{i, j, it}
			}
		}
	}
	for _, bad := range []string{"", "-3", "Body-", "Body-x", "Body-03", "Body-i0", "Body-i2.3", "A.B-1"} {
		if _, _, _, err := ParseCloudTaskID(bad); err == nil {
			t.Errorf("ParseCloudTaskID(%q): want an error", bad)
		}
	}
}

func TestExpandArrayIndex(t *testing.T) {
	args := []string{"Body", "--run-id", "sfn-x", "--task-id", "Body-2.@", "--input-paths=sfn-x/Fan/Fan-2", "--split-index", "@"}
	t.Setenv(EnvArrayIndexVar, "")
	if got, err := ExpandArrayIndex(args); err != nil || !reflect.DeepEqual(got, args) {
		t.Errorf("without %s: %q, %v; want the arguments as they are", EnvArrayIndexVar, got, err)
	}
	t.Setenv(EnvArrayIndexVar, "AWS_BATCH_JOB_ARRAY_INDEX")
	t.Setenv("AWS_BATCH_JOB_ARRAY_INDEX", "17")
	got, err := ExpandArrayIndex(args)
	want := []string{"Body", "--run-id", "sfn-x", "--task-id", "Body-2.17", "--input-paths=sfn-x/Fan/Fan-2", "--split-index", "17"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ExpandArrayIndex = %q, %v; want %q", got, err, want)
	}
	if s, err := ParseStep(got); err != nil || s.SplitIndex != 17 || s.TaskID != "Body-2.17" {
		t.Errorf("ParseStep: %+v, %v", s, err)
	}
	for _, bad := range []string{"", "x", "-1", "01"} {
		t.Setenv("AWS_BATCH_JOB_ARRAY_INDEX", bad)
		if _, err := ExpandArrayIndex(args); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("index %q: want a one-line error, got %v", bad, err)
		}
	}
}

// A chunk of a foreach wider than one array job: the base is added.
func TestExpandArrayIndexBase(t *testing.T) {
	args := []string{"Body", "--task-id", "Body-@", "--split-index", "@"}
	t.Setenv(EnvArrayIndexVar, "AWS_BATCH_JOB_ARRAY_INDEX")
	t.Setenv("AWS_BATCH_JOB_ARRAY_INDEX", "17")
	t.Setenv(EnvArrayIndexBase, "20000")
	got, err := ExpandArrayIndex(args)
	if want := []string{"Body", "--task-id", "Body-20017", "--split-index", "20017"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ExpandArrayIndex = %q, %v; want %q", got, err, want)
	}
	t.Setenv(EnvArrayIndexBase, "x")
	if _, err := ExpandArrayIndex(args); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("base x: want a one-line error, got %v", err)
	}
}

func TestForeachItems(t *testing.T) {
	for _, c := range []struct {
		n, k int
		want string
	}{
		{3, 1, `[0,1,2]`},
		{1, 1, `[0]`},
		{7, 3, `[{"start":0,"size":3},{"start":3,"size":2},{"start":5,"size":2}]`},
		{20001, 10000, `[{"start":0,"size":10000},{"start":10000,"size":9999},{"start":19999,"size":2}]`},
		{20000, 10000, `[{"start":0,"size":10000},{"start":10000,"size":10000}]`},
		{7, 10, `[{"start":0,"size":7}]`},
	} {
		got, err := ForeachItems(c.n, c.k)
		if err != nil || string(got) != c.want {
			t.Errorf("ForeachItems(%d, %d) = %s, %v; want %s", c.n, c.k, got, err, c.want)
		}
	}
	for _, bad := range [][2]int{{0, 1}, {5, 2}, {5, 0}} {
		if _, err := ForeachItems(bad[0], bad[1]); err == nil {
			t.Errorf("ForeachItems(%d, %d): want an error", bad[0], bad[1])
		}
	}
}
