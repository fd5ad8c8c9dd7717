// Command linear is a hand-written stand-in for a generated linear flow
// with one parameter of each kind.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// LinearFlow adds things up.
type LinearFlow struct {
	Greeting string
	Count    int
	Verbose  bool
	Ratio    float64
	Wait     time.Duration
	Names    []string
	Extra    map[string]int
	Need     string
	Notes    string
	Data     []byte

	Message string
	Total   int
	Seen    []string
	Info    rt.Info
	Payload []byte
}

func (f *LinearFlow) Start(ctx context.Context) error {
	f.Message = f.Greeting + " " + strings.Join(f.Names, "+")
	f.Total = f.Count
	f.Payload = []byte{0, 1, 2, 255}
	fmt.Println("start says", f.Message)
	fmt.Fprintln(os.Stderr, "start warns")
	return nil
}

func (f *LinearFlow) Middle(ctx context.Context) error {
	f.Total += len(f.Notes) + len(f.Data)
	f.Seen = append(f.Seen, "middle")
	f.Info = rt.Current(ctx)
	return nil
}

func (f *LinearFlow) End(ctx context.Context) error {
	f.Seen = append(f.Seen, "end")
	return nil
}

// LinearFlowParams are the command-line parameters (env as gen writes it).
type LinearFlowParams struct {
	Greeting string         `name:"greeting" help:"How to greet." default:"hello" env:"FLOWC_PARAM_GREETING"`
	Count    int            `name:"count" help:"How many." default:"3" env:"FLOWC_PARAM_COUNT"`
	Verbose  bool           `name:"verbose" help:"Talk more." env:"FLOWC_PARAM_VERBOSE"`
	Ratio    float64        `name:"ratio" help:"A ratio." default:"0.5" env:"FLOWC_PARAM_RATIO"`
	Wait     time.Duration  `name:"wait" help:"A duration." default:"1s" env:"FLOWC_PARAM_WAIT"`
	Names    []string       `name:"names" help:"Some names." default:"a,b" sep:"," env:"FLOWC_PARAM_NAMES"`
	Extra    map[string]int `name:"extra" help:"JSON extras." type:"flowcjson" default:"{}" env:"FLOWC_PARAM_EXTRA"`
	Need     string         `name:"need" help:"A required one." required:"" env:"FLOWC_PARAM_NEED"`
	Notes    string         `name:"notes" help:"A file of notes." env:"FLOWC_PARAM_NOTES"`
	Data     string         `name:"data" help:"A binary file." env:"FLOWC_PARAM_DATA"`
}

type F = LinearFlow

var def = &rt.FlowDef{
	Graph: &rt.Graph{
		Flow: "LinearFlow",
		Doc:  "LinearFlow adds things up.",
		Steps: []*rt.Step{
			{Name: "Start", Kind: rt.KindStart, Next: []string{"Middle"}, Doc: "Start greets.",
				Uses: []string{"Greeting", "Names", "Count", "Message", "Total", "Payload"}},
			{Name: "Middle", Kind: rt.KindLinear, Next: []string{"End"}, In: []string{"Start"},
				Uses: []string{"Total", "Notes", "Data", "Seen", "Info"}},
			{Name: "End", Kind: rt.KindEnd, In: []string{"Middle"}, Uses: []string{"Seen"}},
		},
	},
	New: func() any { return new(LinearFlow) },
	Fields: []rt.FieldDef{
		flowtest.Param(flowtest.String("Greeting", func(f *F) *string { return &f.Greeting }), "greeting", "hello", true, false),
		flowtest.Param(flowtest.JSON("Count", "int", func(f *F) *int { return &f.Count }), "count", "3", true, false),
		flowtest.Param(flowtest.JSON("Verbose", "bool", func(f *F) *bool { return &f.Verbose }), "verbose", "", false, false),
		flowtest.Param(flowtest.JSON("Ratio", "float64", func(f *F) *float64 { return &f.Ratio }), "ratio", "0.5", true, false),
		flowtest.Param(flowtest.JSON("Wait", "time.Duration", func(f *F) *time.Duration { return &f.Wait }), "wait", "1s", true, false),
		flowtest.Param(flowtest.JSON("Names", "[]string", func(f *F) *[]string { return &f.Names }), "names", "a,b", true, false),
		flowtest.Param(flowtest.JSON("Extra", "map[string]int", func(f *F) *map[string]int { return &f.Extra }), "extra", "{}", true, false),
		flowtest.Param(flowtest.String("Need", func(f *F) *string { return &f.Need }), "need", "", false, true),
		flowtest.Include(flowtest.String("Notes", func(f *F) *string { return &f.Notes }), "notes", "notes.txt"),
		flowtest.Include(flowtest.Bytes("Data", func(f *F) *[]byte { return &f.Data }), "data", ""),
		flowtest.String("Message", func(f *F) *string { return &f.Message }),
		flowtest.JSON("Total", "int", func(f *F) *int { return &f.Total }),
		flowtest.JSON("Seen", "[]string", func(f *F) *[]string { return &f.Seen }),
		flowtest.JSON("Info", "rt.Info", func(f *F) *rt.Info { return &f.Info }),
		flowtest.Bytes("Payload", func(f *F) *[]byte { return &f.Payload }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: func(ctx context.Context, f any, call rt.StepCall) error { return f.(*F).Start(ctx) }},
		{Name: "Middle", Run: func(ctx context.Context, f any, call rt.StepCall) error { return f.(*F).Middle(ctx) }},
		{Name: "End", Run: func(ctx context.Context, f any, call rt.StepCall) error { return f.(*F).End(ctx) }},
	},
	Params: func() any { return new(LinearFlowParams) },
	ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
		p, x := params.(*LinearFlowParams), f.(*F)
		x.Greeting, x.Count, x.Verbose, x.Ratio, x.Wait = p.Greeting, p.Count, p.Verbose, p.Ratio, p.Wait
		x.Names, x.Extra, x.Need = p.Names, p.Extra, p.Need
		{
			b, err := read("Notes", p.Notes)
			if err != nil {
				return err
			}
			x.Notes = string(b)
		}
		if p.Data != "" {
			b, err := read("Data", p.Data)
			if err != nil {
				return err
			}
			x.Data = b
		}
		return nil
	},
}

func main() { runner.Main(def) }
