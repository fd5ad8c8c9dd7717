package annotations

import (
	"go/token"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const base = token.Pos(1000)

func p(off int) token.Pos { return base + token.Pos(off) }

func TestLex(t *testing.T) {
	tests := []struct {
		text string
		name string
		args []Arg
		errs diags
	}{
		{text: "//flow:step", name: "step"},
		{text: "//flow:step   ", name: "step"},
		{
			// offsets:  0         1         2         3
			//           0123456789012345678901234567890123456789
			text: "//flow:retry times=3 minutes_between=0",
			name: "retry",
			args: []Arg{
				{Key: "times", Value: "3", KeyPos: p(13), ValuePos: p(19)},
				{Key: "minutes_between", Value: "0", KeyPos: p(21), ValuePos: p(37)},
			},
		},
		{
			text: "//flow:next A\tB",
			name: "next",
			args: []Arg{{Value: "A", ValuePos: p(12)}, {Value: "B", ValuePos: p(14)}},
		},
		{
			//     0123456789012345678901234567890123456789012345678
			text: `//flow:schedule cron="0 10 * * ? *" timezone=UTC`,
			name: "schedule",
			args: []Arg{
				{Key: "cron", Value: "0 10 * * ? *", Quoted: true, KeyPos: p(16), ValuePos: p(21)},
				{Key: "timezone", Value: "UTC", KeyPos: p(36), ValuePos: p(45)},
			},
		},
		{
			// A bare value may hold '=' after the key, and escapes unquote.
			//     0123456789012345678901234567890
			text: `//flow:env OPTS=-Dx=y Q="a\tb" E=""`,
			name: "env",
			args: []Arg{
				{Key: "OPTS", Value: "-Dx=y", KeyPos: p(11), ValuePos: p(16)},
				{Key: "Q", Value: "a\tb", Quoted: true, KeyPos: p(22), ValuePos: p(24)},
				{Key: "E", Value: "", Quoted: true, KeyPos: p(31), ValuePos: p(33)},
			},
		},
		{
			text: `//flow:param "quoted bare"`,
			name: "param",
			args: []Arg{{Value: "quoted bare", Quoted: true, ValuePos: p(13)}},
		},
		{
			text: "//flow:switch on=F cases=v1:A,v2:B",
			name: "switch",
			args: []Arg{
				{Key: "on", Value: "F", KeyPos: p(14), ValuePos: p(17)},
				{Key: "cases", Value: "v1:A,v2:B", KeyPos: p(19), ValuePos: p(25)},
			},
		},
		{text: "//flow:Step", name: "Step"},

		// Errors: each at its token, and lexing goes on after it.
		{
			text: "//flow:",
			errs: diags{{p(0), `missing directive name after "//flow:"; write e.g. "//flow:step"`}},
		},
		{
			text: "//flow: step",
			errs: diags{{p(0), `missing directive name after "//flow:"; write e.g. "//flow:step"`}},
		},
		{
			//     0123456789012345
			text: "//flow:retry=3 times=1",
			name: "retry",
			args: []Arg{{Key: "times", Value: "1", KeyPos: p(15), ValuePos: p(21)}},
			errs: diags{{p(12), `unexpected '=' after directive name "retry"; separate arguments with spaces`}},
		},
		{
			//     01234567890123456789
			text: "//flow:retry times= minutes_between=1",
			name: "retry",
			args: []Arg{{Key: "minutes_between", Value: "1", KeyPos: p(20), ValuePos: p(36)}},
			errs: diags{{p(13), `missing value after "times="; write times=value, or times="" for an empty value`}},
		},
		{
			text: "//flow:retry times=",
			name: "retry",
			errs: diags{{p(13), `missing value after "times="; write times=value, or times="" for an empty value`}},
		},
		{
			//     0123456789012345
			text: "//flow:retry =3 x",
			name: "retry",
			args: []Arg{{Value: "x", ValuePos: p(16)}},
			errs: diags{{p(13), `missing key before "="; write key=value`}},
		},
		{
			//     0123456789012345678901
			text: `//flow:catch var="abc`,
			name: "catch",
			errs: diags{{p(17), "unterminated quoted string; end it with a double quote"}},
		},
		{
			//     012345678901234567890123
			text: `//flow:catch var="a\qb" x=1`,
			name: "catch",
			args: []Arg{{Key: "x", Value: "1", KeyPos: p(24), ValuePos: p(26)}},
			errs: diags{{p(17), `bad quoted string "a\qb"; use Go string escapes`}},
		},
		{
			//     0123456789012345678901
			text: `//flow:catch var="a"b c`,
			name: "catch",
			args: []Arg{{Value: "c", ValuePos: p(22)}},
			errs: diags{{p(20), `unexpected 'b' after quoted string; separate arguments with spaces`}},
		},
		{
			//     01234567890123456789
			text: `//flow:catch var=a"b"`,
			name: "catch",
			errs: diags{{p(18), `unexpected quote inside the value of "var"; quote the whole value: var="..."`}},
		},
		{
			//     01234567890123456789
			text: `//flow:next ab"c" D`,
			name: "next",
			args: []Arg{{Value: "D", ValuePos: p(18)}},
			errs: diags{{p(14), `unexpected quote inside "ab"; quote the whole value`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d, errs := lex(tt.text, base)
			if d.Name != tt.name {
				t.Errorf("name = %q, want %q", d.Name, tt.name)
			}
			if d.Pos != base {
				t.Errorf("Pos = %d, want %d", d.Pos, base)
			}
			if tt.name != "" && d.NamePos != p(len(prefix)) {
				t.Errorf("NamePos = %d, want %d", d.NamePos, p(len(prefix)))
			}
			if diff := cmp.Diff(tt.args, d.Args); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.errs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
