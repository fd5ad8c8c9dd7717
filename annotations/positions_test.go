package annotations

import (
	"go/token"
	"testing"
)

// TestPositions checks that the positions kept in typed values resolve to
// the exact line:col of their token in a file parsed by go/parser.
func TestPositions(t *testing.T) {
	// Columns count bytes; a tab is one column.
	src := `package main

// F is a flow.
//
//flow:flow
//flow:schedule cron="0 10 * * ? *" timezone=UTC
type F struct {
	// Data is read at start.
	//flow:includefile default=movies.csv
	Data string

	//flow:param name=max default=5
	Max int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *F) Start() error { return nil }

//flow:step
//flow:next A   B
//flow:switch on=Mode cases=x:A,yy:B
//flow:catch var=Failed
//flow:env K=V  L="w"
func (f *F) Body() error { return nil }
`
	fset, _, out, errs := parse(t, src)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	typ := lookupType(out, "F")
	data, max := lookupField(out, "Data"), lookupField(out, "Max")
	start, body := lookupMethod(out, "Start"), lookupMethod(out, "Body")
	if typ == nil || data == nil || max == nil || start == nil || body == nil {
		t.Fatalf("missing sets: type %v data %v max %v start %v body %v", typ, data, max, start, body)
	}
	for _, c := range []struct {
		what string
		pos  token.Pos
		want string
	}{
		{"flow", typ.Flow.Pos, "5:8"},
		{"schedule", typ.Schedule.Pos, "6:8"},
		{"includefile", data.IncludeFile.Pos, "9:9"},
		{"includefile default", data.IncludeFile.DefaultPos, "9:29"},
		{"param", max.Param.Pos, "12:9"},
		{"param default", max.Param.DefaultPos, "12:32"},
		{"step", start.Step.Pos, "16:8"},
		{"foreach over", start.Foreach.Over.Pos, "17:21"},
		{"foreach next", start.Foreach.Next.Pos, "17:32"},
		{"next A", body.Next.Targets[0].Pos, "21:13"},
		{"next B", body.Next.Targets[1].Pos, "21:17"},
		{"switch on", body.Switch.On.Pos, "22:18"},
		{"case A", body.Switch.Cases[0].Step.Pos, "22:31"},
		{"case B", body.Switch.Cases[1].Step.Pos, "22:36"},
		{"catch var", body.Catch.Var.Pos, "23:18"},
		{"env K", body.Env.Vars[0].Pos, "24:12"},
		{"env L", body.Env.Vars[1].Pos, "24:17"},
	} {
		p := fset.Position(c.pos)
		if got := p.Filename + ":" + c.want; p.String() != got {
			t.Errorf("%s at %s, want flow.go:%s", c.what, p, c.want)
		}
	}
}
