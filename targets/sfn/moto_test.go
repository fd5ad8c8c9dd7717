//go:build unix

package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
	"github.com/flowc-dev/flowc/internal/testenv/sfntest"
	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// buildFakeTask builds the stand-in flow binary of the state machine
// tests, configured by cfg.
func buildFakeTask(t *testing.T, cfg map[string]any) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "faketask")
	cmd := exec.Command("go", "build", "-o", bin, "../../internal/testenv/sfntest/faketask")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building faketask: %v\n%s", err, out)
	}
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(bin+".json", b, 0o644); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestForeachHistory runs a foreach of 10 and of 1,000 items on moto's
// Step Functions and counts the execution's history events: the array job
// keeps them the same at any width (Metaflow's inline Map costs ~8 per
// item and hits the 25,000-event limit near 3,100 items). The tasks are a
// stand-in that succeeds at once; the events are the engine's.
func TestForeachHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto and 1,010 Batch jobs")
	}
	ctx := context.Background()
	counts := map[int]int{}
	for _, width := range []int{10, 1000} {
		fake := buildFakeTask(t, nil)
		m := sfntest.StartMoto(t, fake)
		cfg, _ := json.Marshal(map[string]any{"bucket": m.Bucket, "prefix": "flowc", "cardinality": map[string]int{"Start": width}})
		if err := os.WriteFile(fake+".json", cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		o := Options{Name: "ForeachHistory", JobQueue: m.Queue, DatastoreRoot: "s3://" + m.Bucket + "/flowc",
			Namespace: "production:t", User: "tester", MaxNumSplits: 10000}
		def, err := Render(foreachGraph(nil), o, map[string]string{"": "registry.invalid/flows@sha256:0"})
		if err != nil {
			t.Fatal(err)
		}
		c := NewClientFromConfig(m.AWS())
		if _, err := c.Create(ctx, CreateInput{Def: def, Token: "t", SFNRole: m.Role}); err != nil {
			t.Fatal(err)
		}
		run, err := c.Trigger(ctx, def.Name, nil, NewExecutionName(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		status, events := waitRun(t, c, def.Name, run, 10*time.Minute)
		if status != "SUCCEEDED" {
			t.Fatalf("width %d: run %s ended %s\n%s", width, run, status, m.JobLogs())
		}
		counts[width] = events
		t.Logf("foreach of %d: %d history events", width, events)
	}
	if counts[1000] > 60 || counts[1000] != counts[10] {
		t.Errorf("history events: %d for 10 items, %d for 1,000; want at most 60, the same at both widths", counts[10], counts[1000])
	}
}

// waitRun polls the run's execution until it ends (limit is a guard
// against a hung emulator, not a performance assertion).
func waitRun(t *testing.T, c *Client, machine, run string, limit time.Duration) (string, int) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		status, events, err := c.Execution(context.Background(), machine, run)
		if err != nil {
			t.Fatal(err)
		}
		if status != "RUNNING" {
			return status, events
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still running after %v", run, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestDeployLifecycle drives the Go API on moto: create registers the job
// definition once (an identical one is reused), updates the state machine
// in place, creates the schedule in its timezone; list-runs filters by
// status; terminate stops a run; delete removes the state machine, its
// schedule and its job definitions.
func TestDeployLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto")
	}
	ctx := context.Background()
	// Tasks that take a minute, so a run can be terminated while it runs.
	m := sfntest.StartMoto(t, buildFakeTask(t, map[string]any{"sleep": time.Minute}))
	g := graph("Sched",
		&rt.Step{Name: "Start", Kind: rt.KindStart, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	g.Schedule = &rt.Schedule{Cron: "0 10 ? * MON-FRI *", Timezone: "Europe/Paris"}
	o := Options{Name: "Sched", JobQueue: m.Queue, DatastoreRoot: "s3://" + m.Bucket + "/flowc", Namespace: "production:t", User: "tester"}
	images := map[string]string{"": "registry.invalid/flows@sha256:1"}
	def, err := Render(g, o, images)
	if err != nil {
		t.Fatal(err)
	}
	c := NewClientFromConfig(m.AWS())
	in := CreateInput{Def: def, Token: "tok-1", SFNRole: m.Role, SchedulerRole: m.Role, Schedule: deploy.ScheduleOf(g)}
	res, err := c.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated || res.Registered != 1 || res.Schedule != "Sched" {
		t.Fatalf("first create: %+v", res)
	}
	res, err = c.Create(ctx, in)
	if err != nil || !res.Updated || res.Registered != 0 {
		t.Fatalf("second create: %+v, %v; want an update and the job definition reused", res, err)
	}
	images[""] = "registry.invalid/flows@sha256:2"
	in.Def, _ = Render(g, o, images)
	if res, err = c.Create(ctx, in); err != nil || res.Registered != 1 {
		t.Fatalf("create with a new image: %+v, %v; want a new revision", res, err)
	}
	d, err := c.Find(ctx, "Sched")
	if err != nil || d == nil || d.Token != "tok-1" {
		t.Fatalf("Find: %+v, %v; want the token tag", d, err)
	}
	s, err := c.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("Sched")})
	if err != nil || aws.ToString(s.ScheduleExpression) != "cron(0 10 ? * MON-FRI *)" || aws.ToString(s.ScheduleExpressionTimezone) != "Europe/Paris" ||
		aws.ToString(s.Target.Arn) != d.ARN || aws.ToString(s.Target.Input) != `{"Parameters":{}}` {
		t.Fatalf("schedule: %+v, %v", s, err)
	}

	run, err := c.Trigger(ctx, "Sched", json.RawMessage(`{"num":"5"}`), NewExecutionName(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Terminate(ctx, "Sched", run); err != nil {
		t.Fatal(err)
	}
	// The task sleeps a minute; the run ends long before. moto's
	// interpreter reports a stopped batch:submitJob.sync as FAILED
	// (States.Runtime KeyError('RequestId')) where AWS says ABORTED.
	status, _ := waitRun(t, c, "Sched", run, 2*time.Minute)
	if status != "ABORTED" && status != "FAILED" {
		arn, _ := ExecutionARN(d.ARN, run)
		h, _ := c.SFN.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
		var evs []string
		for _, e := range h.Events {
			evs = append(evs, string(e.Type))
			if f := e.ExecutionFailedEventDetails; f != nil {
				evs = append(evs, aws.ToString(f.Error)+": "+aws.ToString(f.Cause))
			}
		}
		t.Errorf("terminated run %s: %s; history %v\n%s", run, status, evs, m.JobLogs())
	}
	runs, err := c.ListRuns(ctx, "Sched", "ABORTED", "FAILED")
	if err != nil || len(runs) != 1 || runs[0].ID != run {
		t.Errorf("ListRuns(ABORTED, FAILED) = %+v, %v", runs, err)
	}
	if runs, _ := c.ListRuns(ctx, "Sched", "SUCCEEDED"); len(runs) != 0 {
		t.Errorf("ListRuns(SUCCEEDED) = %+v", runs)
	}
	if _, err := c.Terminate(ctx, "Sched", "12"); err == nil {
		t.Error("terminate of a non-sfn run id was accepted")
	}

	if err := c.Delete(ctx, d, "Sched"); err != nil {
		t.Fatal(err)
	}
	if d, err := c.Find(ctx, "Sched"); err != nil || d != nil {
		t.Errorf("after delete: %+v, %v", d, err)
	}
	if _, err := c.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("Sched")}); err == nil {
		t.Error("the schedule survived delete")
	}
	jds, err := c.Batch.DescribeJobDefinitions(ctx, &batch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String(def.JobDefinitions[0].Name), Status: aws.String("ACTIVE")})
	if err != nil || len(jds.JobDefinitions) != 0 {
		t.Errorf("job definitions after delete: %d active, %v", len(jds.JobDefinitions), err)
	}
}

// TestDistributedMap runs the two Distributed Map forms on moto's Step
// Functions interpreter (LocalStack's, which executes DISTRIBUTED maps
// with an S3 ItemReader): a nested foreach (a child per outer item, whose
// inner foreach is an array job), and a linear foreach wider than one
// Batch array job (a child per chunk, an array job over each chunk; the
// array limit is lowered to 4 so that 10 items make three chunks). Every
// task id the tasks ran with is checked: the ids the joins derive their
// parents from. The real flow binary runs a nested foreach through the
// map in e2e's TestSFNDeploy.
func TestDistributedMap(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto")
	}
	fake := buildFakeTask(t, nil)
	m := sfntest.StartMoto(t, fake)
	c := NewClientFromConfig(m.AWS())
	nested := nestedForeach("Nested")
	wide := graph("Wide",
		&rt.Step{Name: "Start", Kind: rt.KindForeach, Foreach: "Items", Next: []string{"A"}},
		&rt.Step{Name: "A", Kind: rt.KindLinear, Next: []string{"B"}},
		&rt.Step{Name: "B", Kind: rt.KindLinear, Next: []string{"Join"}},
		&rt.Step{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}},
		&rt.Step{Name: "End", Kind: rt.KindEnd},
	)
	ids := func(prefix string, outer, inner int) []string {
		var out []string
		for i := range outer {
			if inner == 0 {
				out = append(out, fmt.Sprintf("%s-%d", prefix, i))
			}
			for j := range inner {
				out = append(out, fmt.Sprintf("%s-%d.%d", prefix, i, j))
			}
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		g     *rt.Graph
		card  map[string]int
		array int
		want  map[string][]string
	}{
		{g: nested, card: map[string]int{"Start": 3, "Row": 4},
			want: map[string][]string{"Row": ids("Row", 3, 0), "Cell": ids("Cell", 3, 4), "JoinCells": ids("JoinCells", 3, 0), "JoinRows": {"JoinRows"}}},
		{g: wide, card: map[string]int{"Start": 10}, array: 4,
			want: map[string][]string{"A": ids("A", 10, 0), "B": ids("B", 10, 0), "Join": {"Join"}}},
	} {
		t.Run(tc.g.Flow, func(t *testing.T) {
			cfg, _ := json.Marshal(map[string]any{"bucket": m.Bucket, "prefix": "flowc", "cardinality": tc.card, "record": true})
			if err := os.WriteFile(fake+".json", cfg, 0o644); err != nil {
				t.Fatal(err)
			}
			o := Options{Name: tc.g.Flow, JobQueue: m.Queue, DatastoreRoot: "s3://" + m.Bucket + "/flowc",
				Namespace: "production:t", User: "tester", arraySize: tc.array}
			def, err := Render(tc.g, o, map[string]string{"": "registry.invalid/flows@sha256:0"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(def.JSON), `"Mode": "DISTRIBUTED"`) {
				t.Fatalf("no Distributed Map in\n%s", def.JSON)
			}
			if _, err := c.Create(context.Background(), CreateInput{Def: def, Token: "t", SFNRole: m.Role}); err != nil {
				t.Fatal(err)
			}
			run, err := c.Trigger(context.Background(), def.Name, nil, NewExecutionName(time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			status, events := waitRun(t, c, def.Name, run, 5*time.Minute)
			if status != "SUCCEEDED" {
				t.Fatalf("run %s ended %s\n%s\n%s", run, status, m.JobLogs(), m.ServerLog())
			}
			t.Logf("%s: %d history events", tc.g.Flow, events)
			for step, want := range tc.want {
				_, got, err := s3test.List(m.URL, m.Bucket, "flowc/"+tc.g.Flow+"/"+run+"/"+step+"/")
				if err != nil {
					t.Fatal(err)
				}
				sort.Strings(got)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("step %s ran tasks %q; want %q", step, got, want)
				}
			}
		})
	}
}
