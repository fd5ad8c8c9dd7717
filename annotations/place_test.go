package annotations

import "testing"

func TestPlacement(t *testing.T) {
	src := `package p

type (
	//flow:flow
	A struct{}
	B struct {
		//flow:param
		Inner struct {
			//flow:includefile
			Deep string
		}
	}
)

//flow:project name=x
type (
	C struct{}
)

//flow:schedule daily
type D struct{}

//flow:step
func NotAMethod() {}

type E struct{}

// Plain doc.
func (e E) Plain() {}
`
	_, _, out, errs := parse(t, src)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if s := lookupType(out, "A"); s == nil || s.Flow == nil {
		t.Errorf("A: //flow:flow in a type group not found: %+v", s)
	}
	if s := lookupType(out, "B"); s != nil {
		t.Errorf("B: got directives %+v, want none", s)
	}
	if s := lookupType(out, "C"); s == nil || s.Project == nil || s.Project.Name != "x" {
		t.Errorf("C: //flow:project on a single-spec group not found: %+v", s)
	}
	if s := lookupType(out, "D"); s == nil || s.Schedule == nil {
		t.Errorf("D: //flow:schedule not found: %+v", s)
	}
	if s := lookupField(out, "Inner"); s == nil || s.Param == nil {
		t.Errorf("Inner: //flow:param not found: %+v", s)
	}
	if s := lookupField(out, "Deep"); s == nil || s.IncludeFile == nil {
		t.Errorf("Deep: //flow:includefile in a nested struct not found: %+v", s)
	}
	// The generator, not this package, rejects a step without receiver.
	if s := lookupMethod(out, "NotAMethod"); s == nil || s.Step == nil {
		t.Errorf("NotAMethod: //flow:step not kept: %+v", s)
	}
	if n := len(out.Types) + len(out.Fields) + len(out.Methods); n != 6 {
		t.Errorf("%d declarations carry directives, want 6", n)
	}
}

// TestNoComments: a file parsed without comments has no directives and no
// errors, rather than a crash.
func TestNoComments(t *testing.T) {
	_, _, out, errs := parse(t, "package p\n")
	if len(errs) != 0 || out.Types == nil || out.Fields == nil || out.Methods == nil {
		t.Errorf("out %+v errs %v", out, errs)
	}
}
