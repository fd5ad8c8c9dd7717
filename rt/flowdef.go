package rt

import (
	"context"

	"github.com/flowc-dev/flowc/rt/codec"
)

// FlowDef is everything the generator knows about one flow, in the form the
// runtime consumes. Generated code fills one in per flow; users never write
// one by hand. All function values are generated, typed code: the runtime
// never uses reflection on artifacts.
type FlowDef struct {
	Graph *Graph

	// New returns a fresh zero *F as any.
	New func() any

	// Fields lists every persisted field (artifacts, params, includefiles)
	// in source order. Unexported fields are never listed.
	Fields []FieldDef

	// Steps holds one entry per graph step, same order as Graph.Steps.
	Steps []StepDef

	// Params returns a new pointer to the generated parameter struct. Its
	// fields carry kong struct tags (name, help, default, required, sep, env,
	// type) so the runner can embed it in the `run` command as a kong plugin.
	// Nil when the flow has no parameters or includefiles.
	Params func() any
	// ApplyParams copies parsed parameter values into f (a *F). Includefile
	// fields receive the file contents read through read, which is given the
	// path as typed, or "" for "use the default" (see FieldDef.DefaultFile).
	ApplyParams func(params any, f any, read func(field, path string) ([]byte, error)) error
}

// Field returns the field named name, or nil: an artifact of an older
// version of the flow, or none at all.
func (d *FlowDef) Field(name string) *FieldDef {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i]
		}
	}
	return nil
}

// Field kinds.
const (
	FieldArtifact    = "artifact"
	FieldParam       = "param"
	FieldIncludeFile = "includefile"
)

// Encodings of a stored artifact; see rt/codec's package doc for the format.
const (
	EncodingRaw  = "raw"  // []byte or string: the bytes themselves
	EncodingJSON = "json" // canonical JSON (compact, map keys sorted)
)

// FieldDef describes one persisted field and carries its generated codec.
type FieldDef struct {
	Name     string // Go field name; also the artifact name
	Type     string // Go type as written, package-qualified relative to the flow package ("[]Movie", "time.Duration")
	Kind     string // FieldArtifact, FieldParam or FieldIncludeFile
	Encoding string // EncodingRaw or EncodingJSON
	Doc      string // the field's doc comment, directives stripped

	// Param/includefile only.
	ParamName   string // CLI name, kebab-case ("max-genres")
	Default     string // default as written in the annotation ("" if none)
	HasDefault  bool
	Required    bool
	DefaultFile []byte // includefile: the default file's content captured at generate time (nil when not found)

	// Encode writes the field of f (a *F) in its Encoding. For EncodingRaw it
	// writes the bytes with a single Write where possible.
	Encode func(f any, w *codec.Writer) error
	// Decode reads the field into f from r; size is the serialized size,
	// known from the datastore, so raw fields can allocate once.
	Decode func(f any, r *codec.Reader, size int64) error
	// Same reports, for EncodingRaw string fields only, whether the field
	// still holds exactly the string s (same backing array and length), so an
	// unchanged large string need not be rehashed. Nil for other fields.
	Same func(f any, s string) bool
	// Reset sets the field of f to its zero value.
	Reset func(f any)
}

// StepDef is one step's dispatcher.
type StepDef struct {
	Name string
	// Run calls the step method on f (a *F). For a foreach body, the runtime
	// has already decoded the parent's foreach field into f; Run indexes it
	// with call.SplitIndex to pass the item. For a join, Run wraps call.Inputs
	// in an rt.Inputs[*F].
	Run func(ctx context.Context, f any, call StepCall) error
	// SwitchValue returns the string form of the switch field's value (as
	// compared against SwitchCase.Value), for switch steps; nil otherwise.
	SwitchValue func(f any) string
	// ForeachLen returns len() of the foreach field, for foreach steps.
	ForeachLen func(f any) int
}

// StepCall is what the runtime hands a step dispatcher.
type StepCall struct {
	SplitIndex int         // foreach bodies: the index into the parent's foreach field
	Inputs     InputSource // joins only
}
