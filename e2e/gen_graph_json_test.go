package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

const graphJSONFlow = `package main

//go:generate go tool flowc

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

// GraphFlow has one of every directive the graph records.
//
//flow:flow
//flow:schedule daily timezone=Europe/Paris
//flow:project name=demo
//flow:image name=base:1
type GraphFlow struct {
	Items  []int
	Item   int
	Failed *rt.Failure
}

//flow:step
//flow:foreach over=Items next=Body
func (f *GraphFlow) Start(ctx context.Context) error { f.Items = []int{1, 2}; return nil }

// Body handles one item.
//
//flow:step
//flow:next Join
//flow:retry times=2 minutes_between=0
//flow:catch var=Failed
//flow:timeout minutes=1 seconds=30
//flow:resources cpu=2 memory=4096 gpu=1 disk=100
//flow:batch queue=q image=img iam_role=arn:role
//flow:kubernetes namespace=ns service_account=sa
//flow:env B=2 A=1
func (f *GraphFlow) Body(ctx context.Context, item int) error { f.Item = item; return nil }

//flow:step
//flow:next End
func (f *GraphFlow) Join(ctx context.Context, inputs rt.Inputs[*GraphFlow]) error { return nil }

//flow:step
func (f *GraphFlow) End(ctx context.Context) error { return nil }
`

// TestGenShowJSON: show --format json writes the schema documented on
// rt.Graph, snake_case throughout (Go field names such as TimeoutS or K8s
// must not leak), with its version.
func TestGenShowJSON(t *testing.T) {
	m := newModule(t, map[string]string{"flow.go": graphJSONFlow})
	m.goCmd("generate", "./...")
	b := m.build(".")
	out := b.ok("show", "--format", "json").stdout
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("show --format json: %v\n%s", err, out)
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if !snake.MatchString(k) {
					t.Errorf("key %s.%s is not snake_case", path, k)
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path+"[]", e)
			}
		}
	}
	walk("", doc)
	flat := strings.Join(strings.Fields(out), "")
	for _, want := range []string{
		`"version":1`, `"flow":"GraphFlow"`, `"project":"demo"`, `"image":"base:1"`,
		`"schedule":{"cron":"00**?*","period":"daily","timezone":"Europe/Paris"}`,
		`"name":"Body"`, `"doc":"Bodyhandlesoneitem."`, `"foreach_body":true`, `"split_parents":["Start"]`,
		`"retry":{"times":2,"minutes_between":0,"minutes_between_set":true}`, `"catch":"Failed"`, `"timeout_seconds":90`,
		`"resources":{"cpu":2,"memory_mib":4096,"gpu":1,"disk_mib":100}`,
		`"batch":{"queue":"q","image":"img","iam_role":"arn:role"}`,
		`"kubernetes":{"namespace":"ns","service_account":"sa"}`,
		`"env":[{"key":"A","value":"1"},{"key":"B","value":"2"}]`,
		`"foreach":"Items"`, `"matching_join":"Join"`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("show --format json lacks %s:\n%s", want, out)
		}
	}
}
