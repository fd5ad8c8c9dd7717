package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// badHeader starts every broken flow; rt is imported as a user would.
const badHeader = `package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

`

// badCase is a broken flow and the error it must get: at is a substring
// naming the offending line (unique in src), tok the token within that
// line the column must point at, phrase a key part of the message.
type badCase struct {
	name        string
	src         string
	at, tok     string
	phrase      string
	extraPhrase string // optional second phrase of the same message
}

var badCases = []badCase{{
	name: "unreachable",
	src: `//flow:flow
type Unreach struct{}

//flow:step
//flow:next End
func (f *Unreach) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *Unreach) Score(ctx context.Context) error { return nil }

//flow:step
func (f *Unreach) End(ctx context.Context) error { return nil }
`,
	at: "func (f *Unreach) Score(", tok: "Score",
	phrase: `step "Score" is unreachable from "Start"`,
}, {
	name: "unknown_target",
	src: `//flow:flow
type Target struct{}

//flow:step
//flow:next Scroe
func (f *Target) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *Target) Score(ctx context.Context) error { return nil }

//flow:step
func (f *Target) End(ctx context.Context) error { return nil }
`,
	at: "//flow:next Scroe", tok: "Scroe",
	phrase: `step "Start" goes to unknown step "Scroe"`, extraPhrase: `"Score"`,
}, {
	name: "missing_join",
	src: `//flow:flow
type Open struct{}

//flow:step
//flow:next A B
func (f *Open) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *Open) A(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *Open) B(ctx context.Context) error { return nil }

//flow:step
func (f *Open) End(ctx context.Context) error { return nil }
`,
	at: "func (f *Open) Start(", tok: "Start",
	phrase: `split step "Start" is never joined`,
}, {
	name: "foreach_non_slice",
	src: `//flow:flow
type Over struct {
	Count int
	N     int
}

//flow:step
//flow:foreach over=Count next=Body
func (f *Over) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *Over) Body(ctx context.Context, n int) error { return nil }

//flow:step
//flow:next End
func (f *Over) Join(ctx context.Context, inputs rt.Inputs[*Over]) error { return nil }

//flow:step
func (f *Over) End(ctx context.Context) error { return nil }
`,
	at: "//flow:foreach over=Count", tok: "Count",
	phrase: `iterates over field "Count" of type int`, extraPhrase: "slice",
}, {
	name: "item_type_mismatch",
	src: `//flow:flow
type Items struct {
	Names []string
}

//flow:step
//flow:foreach over=Names next=Body
func (f *Items) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *Items) Body(ctx context.Context, n int) error { return nil }

//flow:step
//flow:next End
func (f *Items) Join(ctx context.Context, inputs rt.Inputs[*Items]) error { return nil }

//flow:step
func (f *Items) End(ctx context.Context) error { return nil }
`,
	at: "func (f *Items) Body(", tok: "Body",
	phrase: `step "Body" has the wrong signature for a foreach body step`, extraPhrase: "item string",
}, {
	name: "join_without_inputs",
	src: `//flow:flow
type Merge struct{}

//flow:step
//flow:next A B
func (f *Merge) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *Merge) A(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *Merge) B(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *Merge) Join(ctx context.Context) error { return nil }

//flow:step
func (f *Merge) End(ctx context.Context) error { return nil }
`,
	at: "func (f *Merge) Join(", tok: "Join",
	phrase: `step "Join" has several predecessors (A, B) but does not take inputs`, extraPhrase: "rt.Inputs[*Merge]",
}, {
	name: "misspelled_directive",
	src: `//flow:flow
type Typo struct{}

//flow:step
//flow:nxt End
//flow:next End
func (f *Typo) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Typo) End(ctx context.Context) error { return nil }
`,
	at: "//flow:nxt End", tok: "nxt",
	phrase: `unknown directive "nxt"`, extraPhrase: "next",
}, {
	name: "unknown_argument",
	src: `//flow:flow
type Arg struct{}

//flow:step
//flow:next End
//flow:retry tims=2
func (f *Arg) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Arg) End(ctx context.Context) error { return nil }
`,
	at: "//flow:retry tims=2", tok: "tims",
	phrase: `unknown key "tims" in //flow:retry`, extraPhrase: "times",
}, {
	name: "near_miss",
	src: `//flow:flow
type Near struct{}

//flow:step
//flow:next End
func (f *Near) Start(ctx context.Context) error { return nil }

// flow:step
func (f *Near) End(ctx context.Context) error { return nil }
`,
	at: "// flow:step", tok: "//",
	phrase: `"// flow:step" is not a directive`, extraPhrase: `"//flow:step"`,
}, {
	name: "missing_end",
	src: `//flow:flow
type NoEnd struct{}

//flow:step
//flow:next Finish
func (f *NoEnd) Start(ctx context.Context) error { return nil }

//flow:step
func (f *NoEnd) Finish(ctx context.Context) error { return nil }
`,
	at: "type NoEnd struct", tok: "NoEnd",
	phrase: `flow "NoEnd" has no "End" step`,
}, {
	name: "cycle",
	src: `//flow:flow
type Cycle struct{}

//flow:step
//flow:next A
func (f *Cycle) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next B
func (f *Cycle) A(ctx context.Context) error { return nil }

//flow:step
//flow:next A End
func (f *Cycle) B(ctx context.Context) error { return nil }

//flow:step
func (f *Cycle) End(ctx context.Context) error { return nil }
`,
	at: "//flow:next A End", tok: "A End",
	phrase: `step "B" goes back to "A", a cycle`,
}, {
	// go/types says "cannot assign to f.Middle" at the use and "field and
	// method with the same name" at the method; the fix is at the field.
	name: "field_step_clash",
	src: `//flow:flow
type Clash struct {
	Middle string
}

//flow:step
//flow:next Middle
func (f *Clash) Start(ctx context.Context) error { f.Middle = "x"; return nil }

//flow:step
//flow:next End
func (f *Clash) Middle(ctx context.Context) error { return nil }

//flow:step
func (f *Clash) End(ctx context.Context) error { return nil }
`,
	at: "\tMiddle string", tok: "Middle",
	phrase: `field "Middle" of flow "Clash" has the name of its step "Middle" (flow.go:22:17)`, extraPhrase: "rename the field or the step",
}, {
	name: "cron_out_of_range",
	src: `//flow:flow
//flow:schedule cron="99 25 * * ? *"
type Cron struct{}

//flow:step
//flow:next End
func (f *Cron) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Cron) End(ctx context.Context) error { return nil }
`,
	at: "//flow:schedule cron=", tok: `"99 25`,
	phrase: `bad cron "99 25 * * ? *" in //flow:schedule: minutes "99" has 99, out of range; use 0-59`,
}, {
	name: "unknown_timezone",
	src: `//flow:flow
//flow:schedule daily timezone=Mars/Olympus
type Zone struct{}

//flow:step
//flow:next End
func (f *Zone) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Zone) End(ctx context.Context) error { return nil }
`,
	at: "//flow:schedule daily", tok: "Mars/Olympus",
	phrase: `bad timezone "Mars/Olympus" in //flow:schedule is not in the tz database`,
}, {
	// A step's environment would silently replace the task's own settings.
	name: "env_reserved",
	src: `//flow:flow
type EnvFlow struct{}

//flow:step
//flow:env FLOWC_DATASTORE_ROOT=/elsewhere
//flow:next End
func (f *EnvFlow) Start(ctx context.Context) error { return nil }

//flow:step
func (f *EnvFlow) End(ctx context.Context) error { return nil }
`,
	at: "//flow:env FLOWC_", tok: "FLOWC_DATASTORE_ROOT",
	phrase: "names starting with FLOWC_ are flowc's own settings", extraPhrase: "rename the variable",
}}

var errLine = regexp.MustCompile(`^flow\.go:\d+:\d+: \S`)

// TestGenRejectsBrokenFlows runs flowc, as //go:generate does, in the
// directory of each broken flow: exit status 1, every line a
// flow.go:LINE:COL: error, the expected one at the offending token, and no
// file written.
func TestGenRejectsBrokenFlows(t *testing.T) {
	files := map[string]string{}
	for _, c := range badCases {
		files["bad/"+c.name+"/flow.go"] = badHeader + c.src
	}
	m := newModule(t, files)
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			dir := m.path("bad/" + c.name)
			want := positionOf(t, badHeader+c.src, c.at, c.tok)
			before := listDir(t, dir)
			r := execIn(t, dir, goEnv(), flowcBin)
			if r.code != 1 {
				t.Fatalf("want exit status 1, got\n%s", r)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty:\n%s", r.stdout)
			}
			found := false
			for _, line := range strings.Split(strings.TrimRight(r.stderr, "\n"), "\n") {
				if !errLine.MatchString(line) {
					t.Errorf("stderr line is not flow.go:LINE:COL: message: %q", line)
				}
				if strings.HasPrefix(line, want) && strings.Contains(line, c.phrase) && strings.Contains(line, c.extraPhrase) {
					found = true
				}
			}
			if !found {
				t.Errorf("want a line %q ... %q ... %q, got\n%s", want, c.phrase, c.extraPhrase, r.stderr)
			}
			if after := listDir(t, dir); !slices.Equal(before, after) {
				t.Errorf("flowc wrote files on error: before %v, after %v", before, after)
			}
		})
	}
}

// TestGenCheck: flowc check lints without writing, exit 0 on a good
// flow and 1 (with the positions) on a broken one.
func TestGenCheck(t *testing.T) {
	bad := badCases[0]
	m := newModule(t, map[string]string{
		"good/flow.go": goodLinear,
		"bad/flow.go":  badHeader + bad.src,
	})
	if r := m.flowc("check", "./good"); r.code != 0 || r.stderr != "" {
		t.Errorf("check ./good: want exit 0 and no output, got\n%s", r)
	}
	r := m.flowc("check", "./bad")
	if r.code != 1 {
		t.Errorf("check ./bad: want exit 1, got\n%s", r)
	}
	want := "bad/" + positionOf(t, badHeader+bad.src, bad.at, bad.tok)
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, bad.phrase) {
		t.Errorf("check ./bad: want %q ... %q, got\n%s", want, bad.phrase, r.stderr)
	}
	// Generating both: the good package is not written either.
	if r := m.flowc("./..."); r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("flowc ./... with one broken package: want exit 1 and %q, got\n%s", want, r)
	}
	for _, d := range []string{"good", "bad"} {
		if g := generated(t, m.path(d)); len(g) > 0 {
			t.Errorf("check or a failed generate wrote %s/%v", d, g)
		}
	}
}

// TestGenDiff: flowc diff exits 1 (showing the file) while the generated
// file is missing or stale, 0 once generated, and never writes.
func TestGenDiff(t *testing.T) {
	m := newModule(t, map[string]string{"flow.go": goodLinear})
	gen := m.path("good_linear_flow.flowc.go")

	r := m.flowc("diff")
	if r.code != 1 || !strings.Contains(r.stdout, "good_linear_flow.flowc.go") {
		t.Errorf("diff before generate: want exit 1 naming the file, got\n%s", r)
	}
	if _, err := os.Stat(gen); !os.IsNotExist(err) {
		t.Fatalf("diff wrote %s (stat: %v)", gen, err)
	}

	m.generate(".")
	if r := m.flowc("diff"); r.code != 0 || r.stdout != "" {
		t.Errorf("diff after generate: want exit 0 and no output, got\n%s", r)
	}

	// A new step changes the generated file.
	before, err := os.ReadFile(gen)
	if err != nil {
		t.Fatal(err)
	}
	m.write("flow.go", strings.Replace(goodLinear, "//flow:next End\nfunc (f *GoodLinearFlow) Start", "//flow:next Middle\nfunc (f *GoodLinearFlow) Start", 1)+`
//flow:step
//flow:next End
func (f *GoodLinearFlow) Middle(ctx context.Context) error { return nil }
`)
	r = m.flowc("diff", "--name-only")
	if r.code != 1 || strings.TrimSpace(r.stdout) != "good_linear_flow.flowc.go" {
		t.Errorf("diff --name-only after a change: want exit 1 and the file name, got\n%s", r)
	}
	if after, _ := os.ReadFile(gen); string(after) != string(before) {
		t.Error("diff rewrote the generated file")
	}
	m.write("flow.go", "package main\n\nfunc broken( {\n")
	if r := m.flowc("diff"); r.code != 2 {
		t.Errorf("diff of a package that does not parse: want exit 2, got\n%s", r)
	}
}

// goodLinear is the smallest correct flow.
const goodLinear = `package main

import "context"

// GoodLinearFlow has two steps.
//
//flow:flow
type GoodLinearFlow struct {
	Msg string
}

//flow:step
//flow:next End
func (f *GoodLinearFlow) Start(ctx context.Context) error {
	f.Msg = "hi"
	return nil
}

//flow:step
func (f *GoodLinearFlow) End(ctx context.Context) error { return nil }
`

// positionOf is "flow.go:LINE:COL: " of tok within the line of src that
// contains at.
func positionOf(t *testing.T, src, at, tok string) string {
	t.Helper()
	if strings.Count(src, at) != 1 {
		t.Fatalf("marker %q occurs %d times in the source", at, strings.Count(src, at))
	}
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, at) {
			col := strings.Index(line, tok)
			if col < 0 {
				t.Fatalf("token %q is not on line %q", tok, line)
			}
			return "flow.go:" + strconv.Itoa(i+1) + ":" + strconv.Itoa(col+1) + ": "
		}
	}
	panic("unreachable")
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, filepath.Base(e.Name()))
	}
	return names
}
