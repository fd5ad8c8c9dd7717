package merge_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/merge"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// joinFlow is the flow value of a join: a few JSON fields and a raw one.
type joinFlow struct {
	A, B, C int
	Name    string
	List    []string
}

func jsonField[T any](name, typ string, get func(*joinFlow) *T) rt.FieldDef {
	return rt.FieldDef{
		Name: name, Type: typ, Kind: rt.FieldArtifact, Encoding: rt.EncodingJSON,
		Encode: func(f any, w *codec.Writer) error { w.Marshal(*get(f.(*joinFlow))); return w.Err() },
		Decode: func(f any, r *codec.Reader, size int64) error { r.Unmarshal(get(f.(*joinFlow))); return r.Err() },
		Reset:  func(f any) { var z T; *get(f.(*joinFlow)) = z },
	}
}

func joinDef() *rt.FlowDef {
	return &rt.FlowDef{
		Graph: &rt.Graph{Flow: "JoinFlow"},
		New:   func() any { return new(joinFlow) },
		Fields: []rt.FieldDef{
			jsonField("A", "int", func(f *joinFlow) *int { return &f.A }),
			jsonField("B", "int", func(f *joinFlow) *int { return &f.B }),
			jsonField("C", "int", func(f *joinFlow) *int { return &f.C }),
			{
				Name: "Name", Type: "string", Kind: rt.FieldArtifact, Encoding: rt.EncodingRaw,
				Encode: func(f any, w *codec.Writer) error { return w.RawString(f.(*joinFlow).Name) },
				Decode: func(f any, r *codec.Reader, size int64) error {
					return r.ReadRawStringTo(&f.(*joinFlow).Name, size)
				},
				Reset: func(f any) { f.(*joinFlow).Name = "" },
			},
			jsonField("List", "[]string", func(f *joinFlow) *[]string { return &f.List }),
		},
	}
}

type fixture struct {
	t  *testing.T
	io *artifact.IO
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), ".flowc"))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, io: artifact.New(st, joinDef())}
}

// data stores the named fields of f (all when none are named) as a task's
// artifacts; a field left out is one the task never had.
func (x *fixture) data(f *joinFlow, only ...string) *store.TaskData {
	x.t.Helper()
	d := &store.TaskData{Artifacts: map[string]store.Artifact{}}
	for k := range x.io.Def.Fields {
		fd := &x.io.Def.Fields[k]
		if len(only) > 0 && !contains(only, fd.Name) {
			continue
		}
		a, err := x.io.Put(f, fd)
		if err != nil {
			x.t.Fatal(err)
		}
		d.Artifacts[fd.Name] = a
	}
	return d
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// source joins inputs (from steps X, Y, Z...) opened by base; it counts
// how often the base is loaded.
func (x *fixture) source(base *store.TaskData, inputs ...*store.TaskData) (*merge.Source, *int) {
	loads := new(int)
	src := &merge.Source{IO: x.io}
	for i, d := range inputs {
		step := string(rune('X' + i))
		src.Inputs = append(src.Inputs, merge.Input{Ref: ipath.Ref{Run: "1", Step: step, Task: "2"}, Data: d})
	}
	if base != nil {
		src.Base = func() (*store.TaskData, error) { *loads++; return base, nil }
	}
	return src, loads
}

func mergeInto(src *merge.Source, into *joinFlow, opts ...rt.MergeOption) error {
	return rt.NewInputs[*joinFlow](src).MergeArtifacts(into, opts...)
}

// TestMergeTakesFieldsEqualInAllInputs: a field with the same value in
// every input is taken without loading the split's base.
func TestMergeTakesFieldsEqualInAllInputs(t *testing.T) {
	x := newFixture(t)
	in := &joinFlow{A: 1, B: 2, Name: "same", List: []string{"p", "q"}}
	src, loads := x.source(x.data(&joinFlow{}), x.data(in), x.data(in), x.data(in))
	var into joinFlow
	if err := mergeInto(src, &into); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&into, in) {
		t.Errorf("merged %+v, want %+v", into, *in)
	}
	if *loads != 0 {
		t.Errorf("the split base was loaded %d times although no field differs", *loads)
	}
	for _, name := range []string{"A", "B", "Name", "List"} {
		if src.Merged[name] != src.Inputs[0].Data.Artifacts[name] {
			t.Errorf("Merged[%q] = %+v, want the inputs' artifact %+v", name, src.Merged[name], src.Inputs[0].Data.Artifacts[name])
		}
	}
	if _, ok := src.Merged["C"]; ok {
		t.Errorf("Merged has %q, zero in every input: a zero field is not an artifact of the join", "C")
	}
}

// TestMergeKeepsWhatTheJoinSet: a field the join set before
// MergeArtifacts keeps its value even when the inputs disagree on it.
func TestMergeKeepsWhatTheJoinSet(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{A: 1}), x.data(&joinFlow{A: 2, B: 7}), x.data(&joinFlow{A: 3, B: 7}))
	into := joinFlow{A: 42}
	if err := mergeInto(src, &into); err != nil {
		t.Fatal(err)
	}
	if into.A != 42 || into.B != 7 {
		t.Errorf("merged A=%d B=%d, want A=42 (set by the join) B=7", into.A, into.B)
	}
	if _, ok := src.Merged["A"]; ok {
		t.Errorf("Merged has %q, which the join set itself", "A")
	}
}

// TestMergeTakesTheOneBranchThatChanged: a field that differs between
// inputs but changed since the split in only one branch is that branch's.
func TestMergeTakesTheOneBranchThatChanged(t *testing.T) {
	x := newFixture(t)
	base := x.data(&joinFlow{A: 1, Name: "base", List: []string{"b"}})
	src, loads := x.source(base,
		x.data(&joinFlow{A: 1, Name: "base", List: []string{"b", "y"}}),
		x.data(&joinFlow{A: 5, Name: "base", List: []string{"b"}}),
		x.data(&joinFlow{A: 1, Name: "changed", List: []string{"b"}}))
	var into joinFlow
	if err := mergeInto(src, &into); err != nil {
		t.Fatal(err)
	}
	want := joinFlow{A: 5, Name: "changed", List: []string{"b", "y"}}
	if !reflect.DeepEqual(into, want) {
		t.Errorf("merged %+v, want %+v", into, want)
	}
	if *loads != 1 {
		t.Errorf("the split base was loaded %d times, want once", *loads)
	}
	if src.Merged["A"] != src.Inputs[1].Data.Artifacts["A"] {
		t.Errorf("Merged[A] is not the changed branch's artifact")
	}
}

// TestMergeMissingIsZero: a branch that never had a field does not
// conflict with the one that set it.
func TestMergeMissingIsZero(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{}, "A"),
		x.data(&joinFlow{B: 3}, "A", "B"),
		x.data(&joinFlow{}, "A"))
	var into joinFlow
	if err := mergeInto(src, &into); err != nil {
		t.Fatal(err)
	}
	if into.B != 3 {
		t.Errorf("merged B=%d, want 3 from the only branch that set it", into.B)
	}
}

// TestMergeConflict: a field changed differently in two branches is a
// conflict naming the field and both fixes; nothing is set then.
func TestMergeConflict(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{A: 1}),
		x.data(&joinFlow{A: 2, B: 9}),
		x.data(&joinFlow{A: 3, B: 9}))
	var into joinFlow
	err := mergeInto(src, &into)
	if err == nil {
		t.Fatal("MergeArtifacts succeeded; want a conflict on A")
	}
	msg := err.Error()
	for _, want := range []string{`"A"`, "differs between the inputs", "set it explicitly before MergeArtifacts", `rt.Exclude("A")`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, `"B"`) {
		t.Errorf("error %q names B, which merges", msg)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error %q is not one line", msg)
	}
	if !reflect.DeepEqual(into, joinFlow{}) {
		t.Errorf("a failed merge set %+v; want nothing set", into)
	}
	if len(src.Merged) != 0 {
		t.Errorf("a failed merge recorded %v", src.Merged)
	}
}

// TestMergeConflictsAllReported lists every conflicting field at once.
func TestMergeConflictsAllReported(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{}),
		x.data(&joinFlow{A: 2, C: 1, Name: "x"}),
		x.data(&joinFlow{A: 3, C: 2, Name: "y"}))
	err := mergeInto(src, new(joinFlow))
	if err == nil {
		t.Fatal("MergeArtifacts succeeded; want conflicts on A, C and Name")
	}
	want := `MergeArtifacts: "A", "C", "Name" differ between the inputs; set them explicitly before MergeArtifacts or pass rt.Exclude("A", "C", "Name")`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}

// TestMergeConflictWhenTheChangedBranchDropsTheField: a branch whose
// data lacks a field the base had changed it, but has nothing to take.
func TestMergeConflictWhenTheChangedBranchDropsTheField(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{A: 1}),
		x.data(&joinFlow{A: 1}),
		x.data(&joinFlow{}, "B"))
	err := mergeInto(src, new(joinFlow))
	if err == nil || !strings.Contains(err.Error(), `"A" differs between the inputs`) {
		t.Fatalf("MergeArtifacts: %v, want a conflict on A", err)
	}
}

// TestMergeExclude leaves the excluded fields alone, which removes their
// conflict; the rest merges.
func TestMergeExclude(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{A: 1}),
		x.data(&joinFlow{A: 2, B: 4, C: 1}),
		x.data(&joinFlow{A: 3, B: 4, C: 2}))
	var into joinFlow
	if err := mergeInto(src, &into, rt.Exclude("A"), rt.Exclude("C")); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(into, joinFlow{B: 4}) {
		t.Errorf("merged %+v, want only B=4", into)
	}
	if _, ok := src.Merged["A"]; ok {
		t.Errorf("Merged has the excluded field A")
	}
	// Excluding a field that would merge leaves it unset too.
	src2, _ := x.source(nil, x.data(&joinFlow{B: 4}), x.data(&joinFlow{B: 4}))
	into = joinFlow{}
	if err := mergeInto(src2, &into, rt.Exclude("B")); err != nil {
		t.Fatal(err)
	}
	if into.B != 0 {
		t.Errorf("merged the excluded field B=%d", into.B)
	}
}

// TestMergeInclude restricts the merge to the named fields, and a named
// field that is set nowhere is an error rather than silently skipped.
func TestMergeInclude(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(x.data(&joinFlow{A: 1}),
		x.data(&joinFlow{A: 2, B: 4}),
		x.data(&joinFlow{A: 3, B: 4}))
	var into joinFlow
	if err := mergeInto(src, &into, rt.Include("B")); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(into, joinFlow{B: 4}) {
		t.Errorf("merged %+v, want only B=4", into)
	}
	err := mergeInto(src, new(joinFlow), rt.Include("C"))
	if err == nil || !strings.Contains(err.Error(), `"C" is not set in any input`) {
		t.Errorf("Include of a field set nowhere: %v", err)
	}
}

// TestMergeUnknownField names the field and the flow.
func TestMergeUnknownField(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(nil, x.data(&joinFlow{}), x.data(&joinFlow{}))
	for _, opt := range []rt.MergeOption{rt.Exclude("Nope"), rt.Include("Nope")} {
		err := mergeInto(src, new(joinFlow), opt)
		if err == nil || !strings.Contains(err.Error(), `no artifact "Nope" in flow JoinFlow`) {
			t.Errorf("unknown field: %v", err)
		}
	}
}

// TestMergeWithoutSplitBase: inputs that differ need the split's base; a
// join without one says so instead of guessing.
func TestMergeWithoutSplitBase(t *testing.T) {
	x := newFixture(t)
	src, _ := x.source(nil, x.data(&joinFlow{A: 1}), x.data(&joinFlow{A: 2}))
	err := mergeInto(src, new(joinFlow))
	if err == nil || !strings.Contains(err.Error(), "no split base") {
		t.Errorf("differing inputs without a base: %v", err)
	}
}

// TestSourceLoad decodes every artifact of one input; a field the input
// lacks stays zero.
func TestSourceLoad(t *testing.T) {
	x := newFixture(t)
	in := &joinFlow{A: 1, Name: "n", List: []string{"l"}}
	src, _ := x.source(nil, x.data(&joinFlow{B: 2}), x.data(in, "A", "Name", "List"))
	if src.Len() != 2 || src.StepName(1) != "Y" {
		t.Fatalf("Len %d StepName(1) %q, want 2 and Y", src.Len(), src.StepName(1))
	}
	v, err := src.Load(1)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(*joinFlow); !reflect.DeepEqual(got, in) {
		t.Errorf("Load(1) = %+v, want %+v", got, in)
	}
	if _, err := src.Load(2); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("Load(2) of 2 inputs: %v", err)
	}
	ins := rt.NewInputs[*joinFlow](src)
	if got := ins.Step("X"); got.B != 2 {
		t.Errorf("Step(X).B = %d, want 2", got.B)
	}
}
