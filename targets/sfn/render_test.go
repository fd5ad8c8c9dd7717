package sfn

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// graph links a graph of steps given as name -> kind, next.
func graph(flow string, steps ...*rt.Step) *rt.Graph {
	g := &rt.Graph{Flow: flow, Steps: steps}
	g.Link()
	return g
}

func opts() Options {
	return Options{Name: "F", JobQueue: "q", DatastoreRoot: "s3://b/p", Namespace: "production:t", User: "u"}
}

func foreachGraph(bodyRetry *rt.Retry) *rt.Graph {
	return graph("F",
		&rt.Step{Name: "Start", Kind: rt.KindForeach, Foreach: "Items", Next: []string{"Body"}},
		&rt.Step{Name: "Body", Kind: rt.KindLinear, Next: []string{"Join"}, Retry: bodyRetry},
		&rt.Step{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
}

// moto emulates neither Batch's RetryStrategy nor $$.State.RetryCount,
// so the retry mapping is checked here, on the definition.
func TestRetryMapping(t *testing.T) {
	g := graph("F",
		&rt.Step{Name: "Start", Kind: rt.KindStart, Next: []string{"End"}, Retry: &rt.Retry{Times: 2, MinutesBetween: 3}, TimeoutS: 30},
		&rt.Step{Name: "End", Kind: rt.KindEnd, Retry: &rt.Retry{Times: 1, MinutesBetween: 0}},
	)
	def, err := Render(g, opts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := def.Machine.States["Start"]
	if len(start.Retry) != 2 || start.Retry[0].ErrorEquals[0] != "Batch.AWSBatchException" {
		t.Fatalf("Start retry = %+v; want Batch's errors apart, then the task's", start.Retry)
	}
	if r := start.Retry[1]; r.ErrorEquals[0] != "States.TaskFailed" || r.IntervalSeconds != 180 || r.MaxAttempts != 2 || r.JitterStrategy != "FULL" {
		t.Errorf("task retry = %+v; want TaskFailed, 180 s, 2 attempts, jitter", r)
	}
	if r := def.Machine.States["End"].Retry[1]; r.IntervalSeconds != 1 {
		t.Errorf("minutes_between=0 gives IntervalSeconds %d; AWS's minimum is 1", r.IntervalSeconds)
	}
	if got := start.Parameters["Timeout"]; got.(map[string]any)["AttemptDurationSeconds"] != 90 {
		t.Errorf("Timeout = %v; want the task's 30 s plus a minute", got)
	}
	cmd := start.Parameters["ContainerOverrides"].(map[string]any)["Command.$"].(string)
	if !strings.Contains(cmd, "'--retry-count', States.Format('{}', $$.State.RetryCount)") {
		t.Errorf("the attempt number does not reach the task: %s", cmd)
	}

	// An array child retries itself; the array state retries only Batch's errors.
	def, err = Render(foreachGraph(&rt.Retry{Times: 3, MinutesBetween: 2}), opts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := def.Machine.States["Body"]
	if rs := body.Parameters["RetryStrategy"]; rs == nil || rs.(map[string]any)["Attempts"] != 4 {
		t.Errorf("array RetryStrategy = %v; want 4 attempts", rs)
	}
	for _, r := range body.Retry {
		if r.ErrorEquals[0] == "States.TaskFailed" {
			t.Error("the array state retries task failures: that would resubmit every item")
		}
	}
	if one := def.Machine.States["Body.one"]; len(one.Retry) != 2 {
		t.Errorf("the single-item job's retry = %+v", one.Retry)
	}
	if len(def.Notes) != 0 {
		t.Errorf("notes for 3 retries: %q", def.Notes)
	}
	// More retries than Batch gives an array child: capped, and said once.
	def, err = Render(foreachGraph(&rt.Retry{Times: 12}), opts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rs := def.Machine.States["Body"].Parameters["RetryStrategy"]; rs.(map[string]any)["Attempts"] != 10 {
		t.Errorf("array RetryStrategy = %v; want Batch's 10 attempts", rs)
	}
	if len(def.Notes) != 1 || !strings.Contains(def.Notes[0], `step "Body": //flow:retry times=12`) || !strings.Contains(def.Notes[0], "retries 9 times") {
		t.Errorf("notes for 12 retries in an array job: %q; want one saying it retries 9 times", def.Notes)
	}
}

func TestForeachForms(t *testing.T) {
	def, err := Render(foreachGraph(nil), opts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	width := def.Machine.States["Start.width"]
	if width == nil || width.Type != "Choice" || *width.Choices[0].NumericEquals != 1 || width.Default != "Body" {
		t.Fatalf("Start.width = %+v", width)
	}
	if strings.Contains(string(def.JSON), "DISTRIBUTED") {
		t.Error("a linear foreach of at most 100 items got a Distributed Map")
	}
	// The definition does not grow with the width.
	o := opts()
	o.MaxNumSplits = 1000000
	wide, err := Render(foreachGraph(nil), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(wide.JSON), `"Mode": "DISTRIBUTED"`) || len(wide.Choices()) != 2 {
		t.Errorf("--max-num-splits 1000000: want a Distributed Map for more than 10,000 items")
	}
	o.MaxNumSplits = 10000
	ten, _ := Render(foreachGraph(nil), o, nil)
	// Only the bound the foreach task checks differs ("10000" for "100").
	if len(ten.JSON) != len(def.JSON)+2 {
		t.Errorf("10,000 items: %d bytes; 100 items: %d", len(ten.JSON), len(def.JSON))
	}
}

// The definition of a nested foreach, and of one wider than a Batch
// array, does not grow with the width (which only the run knows): at
// --max-num-splits 10 and 10,000, or 100,000 and 1,000,000 (both with the
// chunked Distributed Map, which a bound over 10,000 adds once), only the
// bound the foreach tasks check differs.
func TestForeachWidthSize(t *testing.T) {
	nested := nestedForeach("N")
	size := func(g *rt.Graph, n int) (int, string) {
		o := opts()
		o.MaxNumSplits = n
		def, err := Render(g, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(def.Compact), strings.ReplaceAll(string(def.Compact), `"Value":"`+itoa(n)+`"`, `"Value":"N"`)
	}
	for _, c := range []struct {
		name string
		g    *rt.Graph
		a, b int
	}{
		{"nested", nested, 10, 10000},
		{"wide", foreachGraph(nil), 100000, 1000000},
		{"wide nested", nested, 100000, 1000000},
	} {
		na, da := size(c.g, c.a)
		nb, db := size(c.g, c.b)
		digits := len(itoa(c.b)) - len(itoa(c.a))
		if da != db {
			t.Errorf("%s: the definitions for %d and %d items differ beyond the bound", c.name, c.a, c.b)
		}
		bounds := strings.Count(da, `"Value":"N"`)
		if nb-na != bounds*digits {
			t.Errorf("%s: %d bytes for %d items, %d for %d; want %d more", c.name, na, c.a, nb, c.b, bounds*digits)
		}
		t.Logf("%s: %d bytes at --max-num-splits %d, %d at %d", c.name, na, c.a, nb, c.b)
	}
	_, narrow := size(nested, 10000)
	_, wide := size(nested, 100000)
	if strings.Contains(narrow, "FLOWC_ARRAY_INDEX_BASE") || !strings.Contains(wide, "FLOWC_ARRAY_INDEX_BASE") {
		t.Error("the chunked Distributed Map should come with --max-num-splits over 10,000 only")
	}
}

func (d *Definition) Choices() []Choice { return d.Machine.States["Start.width"].Choices }

func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 9000)
	g := graph("F",
		&rt.Step{Name: "Start", Kind: rt.KindStart, Next: []string{"End"}, Env: []rt.EnvVar{{Key: "BIG", Value: big}}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	_, err := Render(g, opts(), nil)
	if err == nil || !strings.Contains(err.Error(), `step "Start": its container overrides are`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("9 KB of env: %v", err)
	}
	o := opts()
	o.Name = "demo_project.prod." + strings.Repeat("VeryLong", 20) + "Flow"
	def, err := Render(foreachGraph(nil), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Name) > MaxName || !strings.HasPrefix(def.Name, "demo_project.prod.") {
		t.Errorf("state machine name %q (%d)", def.Name, len(def.Name))
	}
	for _, jd := range def.JobDefinitions {
		if len(jd.Name) > 128 || strings.ContainsAny(jd.Name, ".") {
			t.Errorf("job definition name %q", jd.Name)
		}
	}
	for step, n := range def.Overrides {
		if n > 2048 {
			t.Errorf("step %s: overrides %d bytes; the target is 2 KB", step, n)
		}
	}
	o = opts()
	o.JobQueue = ""
	if _, err := Render(foreachGraph(nil), o, nil); err == nil || !strings.Contains(err.Error(), "--job-queue") {
		t.Errorf("no queue: %v", err)
	}
	o = opts()
	o.DatastoreRoot = "/tmp/x"
	if _, err := Render(foreachGraph(nil), o, nil); err == nil || !strings.Contains(err.Error(), "s3://") {
		t.Errorf("a local datastore: %v", err)
	}
}

// Parameters that would take Start's overrides over 8 KB are refused at
// trigger, by the size create recorded; the placeholder the size is
// corrected by is the one the definition holds.
func TestCheckParams(t *testing.T) {
	def, err := Render(foreachGraph(nil), opts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(def.Compact), paramsPlaceholder) {
		t.Fatalf("the definition has no %s", paramsPlaceholder)
	}
	d := &Deployed{Name: "F", Tags: map[string]string{startOverridesTag: strconv.Itoa(def.Overrides["Start"])}}
	small, _ := json.Marshal(map[string]string{"size": "big"})
	if err := d.CheckParams(small); err != nil {
		t.Errorf("small parameters: %v", err)
	}
	// The parameters are one JSON string in the overrides: quoted, their
	// four quotes escaped.
	room := MaxOverrides - def.Overrides["Start"] + len(paramsPlaceholder) - len(`"Value":""`) - len(`{\"v\":\"\"}`)
	for _, c := range []struct {
		n  int
		ok bool
	}{{room, true}, {room + 1, false}, {9000, false}} {
		p, _ := json.Marshal(map[string]string{"v": strings.Repeat("x", c.n)})
		err := d.CheckParams(p)
		if (err == nil) != c.ok || err != nil && (!strings.Contains(err.Error(), "includefile") || !strings.Contains(err.Error(), "8192")) {
			t.Errorf("a %d-byte value: %v; want ok=%t, else an error naming 8192 and includefile", c.n, err, c.ok)
		}
	}
	if err := (&Deployed{Name: "F", Tags: map[string]string{}}).CheckParams(json.RawMessage(`{"v":"` + strings.Repeat("x", 9000) + `"}`)); err != nil {
		t.Errorf("a state machine with no recorded size: %v", err)
	}
}

// A 100-step flow's definition stays under 100 KB.
func TestHundredSteps(t *testing.T) {
	var steps []*rt.Step
	name := func(i int) string {
		switch i {
		case 0:
			return "Start"
		case 99:
			return "End"
		}
		return "Step" + strings.Repeat("0", 3-len(itoa(i))) + itoa(i)
	}
	for i := range 100 {
		st := &rt.Step{Name: name(i), Kind: rt.KindLinear}
		if i == 0 {
			st.Kind = rt.KindStart
		}
		if i == 99 {
			st.Kind = rt.KindEnd
		} else {
			st.Next = []string{name(i + 1)}
		}
		steps = append(steps, st)
	}
	def, err := Render(graph("Hundred", steps...), opts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Compact) > 100<<10 {
		t.Errorf("a 100-step flow's definition is %d bytes; the target is 100 KB", len(def.Compact))
	}
	t.Logf("100 steps: %d bytes deployed (%d indented)", len(def.Compact), len(def.JSON))
	var m map[string]any
	if err := json.Unmarshal(def.JSON, &m); err != nil {
		t.Fatal(err)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestSwitchLoopRefused(t *testing.T) {
	g := graph("F",
		&rt.Step{Name: "Start", Kind: rt.KindStart, Next: []string{"Check"}},
		&rt.Step{Name: "Check", Kind: rt.KindSwitch, Next: []string{"Check", "End"}, Switch: &rt.SwitchSpec{On: "Again", Cases: []rt.SwitchCase{{Value: "true", Step: "Check"}, {Value: "false", Step: "End"}}}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	if _, err := Render(g, opts(), nil); err == nil || !strings.Contains(err.Error(), "back to its own step") {
		t.Errorf("switch loop: %v", err)
	}
}

func TestParseSecret(t *testing.T) {
	s, err := ParseSecret("DB_PASS=arn:aws:secretsmanager:us-east-1:1:secret:db")
	if err != nil || s.Name != "DB_PASS" || !strings.HasPrefix(s.Ref, "arn:") {
		t.Errorf("%+v %v", s, err)
	}
	for _, bad := range []string{"x", "=y", "A-B=y", "A=", "FLOWC_DATASTORE_ROOT=arn:x", "AWS_BATCH_X=arn:x"} {
		if _, err := ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) accepted", bad)
		}
	}
}

// BenchmarkRender is create --only-json's own work (target: the whole
// command within 50 ms).
func BenchmarkRender(b *testing.B) {
	g := foreachGraph(&rt.Retry{Times: 2, MinutesBetween: 1})
	for range b.N {
		if _, err := Render(g, opts(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// nestedForeach is a foreach in a foreach, each with its join: the shape
// that needs a Distributed Map.
func nestedForeach(flow string) *rt.Graph {
	return graph(flow,
		&rt.Step{Name: "Start", Kind: rt.KindForeach, Foreach: "Outer", Next: []string{"Row"}},
		&rt.Step{Name: "Row", Kind: rt.KindForeach, Foreach: "Inner", Next: []string{"Cell"}},
		&rt.Step{Name: "Cell", Kind: rt.KindLinear, Next: []string{"JoinCells"}},
		&rt.Step{Name: "JoinCells", Kind: rt.KindJoin, Join: true, Next: []string{"JoinRows"}},
		&rt.Step{Name: "JoinRows", Kind: rt.KindJoin, Join: true, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
}

// TestCheckDatastoreUntagged: a deployment made before the datastore tag
// refuses a local datastore (its tasks are on S3, as create requires) and
// takes an S3 one with a warning naming create; a tagged one warns of
// nothing.
func TestCheckDatastoreUntagged(t *testing.T) {
	old := &Deployed{Name: "F", Tags: map[string]string{}}
	if _, err := old.CheckDatastore("/home/u/.flowc", false); err == nil || !strings.Contains(err.Error(), "--datastore s3") {
		t.Errorf("untagged, local datastore: %v; want a refusal naming --datastore s3", err)
	}
	w, err := old.CheckDatastore("s3://b/p", true)
	if err != nil || !strings.Contains(w, "s3://b/p") || !strings.Contains(w, "step-functions create") || strings.Contains(w, "\n") {
		t.Errorf("untagged, S3 datastore: %q, %v; want one warning line naming the root and step-functions create", w, err)
	}
	tagged := &Deployed{Name: "F", Tags: map[string]string{deploy.DatastoreTag: "s3://b/p"}}
	if w, err := tagged.CheckDatastore("s3://b/p", true); w != "" || err != nil {
		t.Errorf("tagged deployment: %q, %v; want neither a warning nor an error", w, err)
	}
}
