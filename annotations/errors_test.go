package annotations

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// methodSrc puts doc lines (one per "\n") above method M at line 5:
//
//	1 package p
//	2
//	3 type F struct{ X int }
//	4
//	5 <doc line 1>
func methodSrc(doc string) string {
	return "package p\n\ntype F struct{ X int }\n\n" + doc + "\nfunc (f *F) M() {}\n"
}

// TestErrors checks every kind of error with its exact line:col and text.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown directive", methodSrc("//flow:stpe"), []string{
			`5:8: unknown directive "stpe"; known directives: batch, catch, env, flow, foreach, image, includefile, kubernetes, next, param, project, resources, retry, schedule, step, switch, timeout`,
		}},
		{"upper-case name", methodSrc("//flow:Step"), []string{
			`5:8: "//flow:Step" is not a directive; write "//flow:step" (directive names are lowercase)`,
		}},
		{"unknown key", methodSrc("//flow:retry tims=1"), []string{
			`5:14: unknown key "tims" in //flow:retry; supported keys: minutes_between, times`,
		}},
		{"duplicate key", methodSrc("//flow:retry times=1 times=2"), []string{
			`5:22: duplicate key "times" in //flow:retry; keep only one`,
		}},
		{"missing required keys", methodSrc("//flow:foreach over=Items"), []string{
			`5:8: //flow:foreach is missing key "next"; write //flow:foreach over=Field next=Step`,
		}},
		{"missing catch var", methodSrc("//flow:catch"), []string{
			`5:8: //flow:catch is missing key "var"; write //flow:catch var=Field`,
		}},
		{"non-integer", methodSrc("//flow:retry times=three"), []string{
			`5:20: bad value "three" for "times" in //flow:retry; want a non-negative integer`,
		}},
		{"negative", methodSrc("//flow:resources cpu=2 memory=-1"), []string{
			`5:31: bad value "-1" for "memory" in //flow:resources; want a non-negative integer`,
		}},
		{"too large", methodSrc("//flow:timeout hours=1234567890"), []string{
			`5:22: bad value "1234567890" for "hours" in //flow:timeout; want at most 999999999`,
		}},
		{"zero timeout", methodSrc("//flow:timeout seconds=0"), []string{
			`5:8: //flow:timeout needs a positive duration; write e.g. //flow:timeout minutes=10`,
		}},
		{"bad quoted string", methodSrc(`//flow:env A="\z"`), []string{
			`5:14: bad quoted string "\z"; use Go string escapes`,
		}},
		{"bad identifier", methodSrc("//flow:foreach over=1x next=B-C"), []string{
			`5:21: bad value "1x" for "over" in //flow:foreach; want a field name`,
			`5:29: bad value "B-C" for "next" in //flow:foreach; want a step name`,
		}},
		{"next with commas", methodSrc("//flow:next A,B"), []string{
			`5:13: bad step list "A,B" in //flow:next; separate steps with spaces: //flow:next A B`,
		}},
		{"next with a key", methodSrc("//flow:next to=A"), []string{
			`5:13: //flow:next takes step names, not key=value; write //flow:next StepA [StepB ...]`,
		}},
		{"next empty", methodSrc("//flow:next"), []string{
			`5:8: //flow:next needs at least one step; write //flow:next StepA [StepB ...]`,
		}},
		{"next duplicate step", methodSrc("//flow:next A A"), []string{
			`5:15: duplicate step "A" in //flow:next; keep only one`,
		}},
		{"step with arguments", methodSrc("//flow:step x=1 y"), []string{
			`5:13: //flow:step takes no arguments; remove "x="`,
			`5:17: //flow:step takes no arguments; remove "y"`,
		}},
		{"switch cases", methodSrc("//flow:switch on=M cases=a:A,b,:C,d:9,a:D"), []string{
			`5:30: bad case "b" in //flow:switch; write value:Step, e.g. //flow:switch on=Field cases=v1:StepA,v2:StepB`,
			`5:32: case ":C" in //flow:switch has no value; write value:Step`,
			`5:37: bad step name "9" in //flow:switch case "d:9"; want a method name`,
			`5:39: duplicate case "a" in //flow:switch; keep only one`,
		}},
		{"switch empty cases", methodSrc("//flow:switch on=M cases=,a:A,,b:B,"), []string{
			`5:26: empty case in //flow:switch; remove the extra comma`,
			`5:30: empty case in //flow:switch; remove the extra comma`,
			`5:35: empty case in //flow:switch; remove the extra comma`,
		}},
		{"switch case without step", methodSrc("//flow:switch on=M cases=a:"), []string{
			`5:27: case "a:" in //flow:switch has no step; write value:Step`,
		}},
		{"env", methodSrc("//flow:env A=1 A=2 1B=3 C"), []string{
			`5:16: duplicate key "A" in //flow:env; keep only one`,
			`5:20: bad environment variable name "1B" in //flow:env; use letters, digits and '_', not starting with a digit`,
			`5:25: unexpected value "C" in //flow:env; write //flow:env KEY=VALUE ...`,
		}},
		{"env reserved", methodSrc("//flow:env FLOWC_DATASTORE_ROOT=/x aws_batch_job_id=1 FLOWCX=ok"), []string{
			`5:12: //flow:env FLOWC_DATASTORE_ROOT: names starting with FLOWC_ are flowc's own settings; rename the variable`,
			`5:36: //flow:env aws_batch_job_id: names starting with AWS_BATCH_ are reserved by AWS Batch; rename the variable`,
		}},
		{"empty string option", methodSrc(`//flow:batch queue=""`), []string{
			`5:20: empty value for "queue" in //flow:batch; give a value or drop the key`,
		}},
		{"repeated directive", methodSrc("//flow:step\n//flow:retry\n//flow:step"), []string{
			`7:8: duplicate //flow:step on method "M"; keep only one`,
		}},
		{"retry on a type", "package p\n\n//flow:retry\ntype F struct{}\n", []string{
			`3:8: //flow:retry does not apply to type "F"; put it on a step method`,
		}},
		{"flow on a method", methodSrc("//flow:flow"), []string{
			`5:8: //flow:flow does not apply to method "M"; put it on a struct type`,
		}},
		{"param on a method", methodSrc("//flow:param"), []string{
			`5:8: //flow:param does not apply to method "M"; put it on a struct field`,
		}},
		{"step on a field", "package p\n\ntype F struct {\n\t//flow:step\n\tX int\n}\n", []string{
			`4:9: //flow:step does not apply to field "X"; put it on a step method`,
		}},
		{"flow on a non-struct", "package p\n\n//flow:flow\ntype F int\n", []string{
			`3:8: //flow:flow needs a struct type; "F" is not a struct`,
		}},
		{"step on a var", "package p\n\n//flow:step\nvar v int\n", []string{
			`3:8: //flow:step does not apply to a var declaration; put it on a step method`,
		}},
		{"flow on a type group", "package p\n\n//flow:flow\ntype (\n\tA struct{}\n\tB struct{}\n)\n", []string{
			`3:8: //flow:flow does not apply to a group of several types; put it on a struct type`,
		}},
		{"flow on the package clause", "//flow:flow\npackage p\n", []string{
			`1:8: //flow:flow does not apply to the package clause; put it on a struct type`,
		}},
		{"trailing comment", "package p\n\ntype F struct {\n\tX int //flow:param\n}\n", []string{
			`4:15: //flow:param in a trailing comment documents nothing; move it to its own line above field "X"`,
		}},
		{"floating after a blank line", "package p\n\n//flow:step\n\nfunc (f *F) M() {}\n", []string{
			`3:8: //flow:step documents no declaration; put it in the doc comment directly above a step method`,
		}},
		{"floating in a body", "package p\n\nfunc f() {\n\t//flow:retry\n\tx := 1\n\t_ = x\n}\n", []string{
			`4:9: //flow:retry documents no declaration; put it in the doc comment directly above a step method`,
		}},
		{"floating at the end", "package p\n\n//flow:param\n", []string{
			`3:8: //flow:param documents no declaration; put it in the doc comment directly above a struct field`,
		}},
		{"local type", "package p\n\nfunc f() {\n\t//flow:flow\n\ttype F struct{}\n}\n", []string{
			`4:9: //flow:flow does not apply to a type declared inside a function; put it on a struct type`,
		}},
		{"interface method", "package p\n\ntype I interface {\n\t//flow:step\n\tM()\n}\n", []string{
			`4:9: //flow:step does not apply to an interface method; put it on a step method`,
		}},

		// Schedule.
		{"bad period", "package p\n\n//flow:schedule monthly\ntype F struct{}\n", []string{
			`3:17: bad schedule "monthly" in //flow:schedule; want daily, hourly, weekly or cron="..."`,
		}},
		{"no period", "package p\n\n//flow:schedule timezone=UTC\ntype F struct{}\n", []string{
			`3:8: //flow:schedule needs a period; write //flow:schedule daily|hourly|weekly|cron="..." [timezone=Area/City]`,
		}},
		{"period and cron", "package p\n\n//flow:schedule daily cron=\"0 * * * ? *\"\ntype F struct{}\n", []string{
			`3:23: //flow:schedule has both "daily" and cron=; keep only one`,
		}},
		{"two periods", "package p\n\n//flow:schedule daily hourly\ntype F struct{}\n", []string{
			`3:23: //flow:schedule has two periods, "daily" and "hourly"; keep only one`,
		}},
		{"bad cron", "package p\n\n//flow:schedule cron=\"0 10\"\ntype F struct{}\n", []string{
			`3:22: bad cron "0 10" in //flow:schedule: found 2 fields, AWS cron has 6 (minutes hours day-of-month month day-of-week year); e.g. cron="0 10 * * ? *"`,
		}},
		{"cron out of range", "package p\n\n//flow:schedule cron=\"99 25 * * ? *\"\ntype F struct{}\n", []string{
			`3:22: bad cron "99 25 * * ? *" in //flow:schedule: hours "25" has 25, out of range; use 0-23`,
			`3:22: bad cron "99 25 * * ? *" in //flow:schedule: minutes "99" has 99, out of range; use 0-59`,
		}},
		{"unknown timezone", "package p\n\n//flow:schedule daily timezone=Mars/Olympus\ntype F struct{}\n", []string{
			`3:32: bad timezone "Mars/Olympus" in //flow:schedule is not in the tz database; use a name such as Europe/Paris or UTC`,
		}},
		{"bad project name", "package p\n\n//flow:project name=Demo-X\ntype F struct{}\n", []string{
			`3:21: bad project name "Demo-X" in //flow:project; use lowercase letters, digits and underscores`,
		}},

		// Param.
		{"param bare value", "package p\n\ntype F struct {\n\t//flow:param 5\n\tX int\n}\n", []string{
			`4:15: unexpected value "5" in //flow:param; write key=value (supported keys: default, name, separator) or the bare word required`,
		}},
		{"param required=true", "package p\n\ntype F struct {\n\t//flow:param required=true\n\tX int\n}\n", []string{
			`4:15: "required" takes no value in //flow:param; write it as a bare word: //flow:param [name=x] [default=v] [required] [separator=,]`,
		}},
		{"param required with default", "package p\n\ntype F struct {\n\t//flow:param required default=1\n\tX int\n}\n", []string{
			`4:15: //flow:param is both required and has a default; drop one of them`,
		}},
		{"param dashed name", "package p\n\ntype F struct {\n\t//flow:param name=--x\n\tX int\n}\n", []string{
			`4:20: bad parameter name "--x" in //flow:param; use letters, digits, '-' and '_', starting with a letter (no leading "--")`,
		}},

		// Near misses, anywhere in the file.
		{"space after slashes", methodSrc("// flow:step"), []string{
			`5:1: "// flow:step" is not a directive; write "//flow:step" with no space after "//"`,
		}},
		{"two spaces", methodSrc("//  flow:step"), []string{
			`5:1: "//  flow:step" is not a directive; write "//flow:step" with no space after "//"`,
		}},
		{"tab", methodSrc("//\tflow:step"), []string{
			`5:1: "//\tflow:step" is not a directive; write "//flow:step" with no space after "//"`,
		}},
		{"capital prefix", methodSrc("//Flow:step"), []string{
			`5:1: "//Flow:step" is not a directive; write "//flow:step"`,
		}},
		{"flows", methodSrc("//flows:step"), []string{
			`5:1: "//flows:step" is not a directive; write "//flow:step"`,
		}},
		{"space and case", methodSrc("// Flow:Step"), []string{
			`5:1: "// Flow:Step" is not a directive; write "//flow:step"`,
		}},
		{"block comment", methodSrc("/* flow:step */"), []string{
			`5:4: "flow:step" in a block comment is not a directive; write "//flow:step" on a line of its own`,
		}},
		{"multi-line block comment", "package p\n\n/*\n * Doc.\n *  flow:retry times=1\n */\nfunc f() {}\n", []string{
			`5:5: "flow:retry" in a block comment is not a directive; write "//flow:retry" on a line of its own`,
		}},
		{"near miss in a function body", "package p\n\nfunc f() {\n\t// flow:step\n}\n", []string{
			`4:2: "// flow:step" is not a directive; write "//flow:step" with no space after "//"`,
		}},
		{"near miss after code", "package p\n\nvar x = 1 //flows:next\n", []string{
			`3:11: "//flows:next" is not a directive; write "//flow:next"`,
		}},

		// Several errors in one pass, sorted by position.
		{"all at once", methodSrc("//flow:stpe\n//flow:retry times=x\n// flow:next End\n//flow:foreach"), []string{
			`5:8: unknown directive "stpe"; known directives: batch, catch, env, flow, foreach, image, includefile, kubernetes, next, param, project, resources, retry, schedule, step, switch, timeout`,
			`6:20: bad value "x" for "times" in //flow:retry; want a non-negative integer`,
			`7:1: "// flow:next" is not a directive; write "//flow:next" with no space after "//"`,
			`8:8: //flow:foreach is missing key "next"; write //flow:foreach over=Field next=Step`,
			`8:8: //flow:foreach is missing key "over"; write //flow:foreach over=Field next=Step`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, got := parse(t, tt.src)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nsource:\n%s", diff, tt.src)
			}
		})
	}
}

// TestNotNearMisses: prose and other tools' directives are left alone.
func TestNotNearMisses(t *testing.T) {
	src := `// Package p does things.
//
// Flow: a flow computes; see workflow:start and flowc:step in prose.
package p

//go:embed data.txt
//nolint:all

// Flow: the main one.
// flow: lowercase prose with a space.
// flower:step is two edits away.
// fl:step and fluff:x too.
/* Flow: block prose */
type F struct{}
`
	_, _, out, errs := parse(t, src)
	if len(errs) > 0 {
		t.Errorf("unexpected errors:\n%s", strings.Join(errs, "\n"))
	}
	if len(out.Types)+len(out.Fields)+len(out.Methods) != 0 {
		t.Errorf("directives found in plain comments: %+v", out)
	}
}

// TestInvalidDirectiveIsDropped: a directive with an error is not in the
// File, its valid neighbours are.
func TestInvalidDirectiveIsDropped(t *testing.T) {
	_, _, out, errs := parse(t, methodSrc("//flow:step\n//flow:retry times=x\n//flow:next End"))
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
	}
	s := lookupMethod(out, "M")
	if s == nil || s.Step == nil || s.Next == nil {
		t.Fatalf("valid directives lost: %+v", s)
	}
	if s.Retry != nil {
		t.Errorf("invalid //flow:retry kept: %+v", s.Retry)
	}
}
