// Command bigbytes writes a large []byte artifact and reads it in the next
// step (the memory and speed target for raw artifacts).
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// BigBytesFlow moves a blob.
type BigBytesFlow struct {
	MB   int
	Blob []byte
	Sum  uint64
}

func (f *BigBytesFlow) Start(ctx context.Context) error {
	f.Blob = make([]byte, f.MB<<20)
	x := uint32(2463534242)
	for i := range f.Blob { // xorshift: incompressible, like real data
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		f.Blob[i] = byte(x)
	}
	return nil
}
func (f *BigBytesFlow) Read(ctx context.Context) error {
	for _, b := range f.Blob {
		f.Sum += uint64(b)
	}
	fmt.Println("sum", f.Sum)
	return nil
}
func (f *BigBytesFlow) End(ctx context.Context) error { return nil }

type BigBytesFlowParams struct {
	MB int `name:"mb" help:"Size in MiB." default:"1"`
}

type F = BigBytesFlow

func run(m func(*F, context.Context) error) func(context.Context, any, rt.StepCall) error {
	return func(ctx context.Context, f any, c rt.StepCall) error { return m(f.(*F), ctx) }
}

var def = &rt.FlowDef{
	Graph: &rt.Graph{Flow: "BigBytesFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindStart, Next: []string{"Read"}, Uses: []string{"MB", "Blob"}},
		{Name: "Read", Kind: rt.KindLinear, Next: []string{"End"}, In: []string{"Start"}, Uses: []string{"Blob", "Sum"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Read"}},
	}},
	New: func() any { return new(F) },
	Fields: []rt.FieldDef{
		flowtest.Param(flowtest.JSON("MB", "int", func(f *F) *int { return &f.MB }), "mb", "1", true, false),
		flowtest.Bytes("Blob", func(f *F) *[]byte { return &f.Blob }),
		flowtest.JSON("Sum", "uint64", func(f *F) *uint64 { return &f.Sum }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: run((*F).Start)},
		{Name: "Read", Run: run((*F).Read)},
		{Name: "End", Run: run((*F).End)},
	},
	Params: func() any { return new(BigBytesFlowParams) },
	ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
		f.(*F).MB = params.(*BigBytesFlowParams).MB
		return nil
	},
}

func main() { runner.Main(def) }
