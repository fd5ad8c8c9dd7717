package cli

import (
	"testing"

	"github.com/alecthomas/kong"
)

// TestLeftOut: kong's error for a command a build tag left out becomes one
// line naming the tag and the fix; any other unknown word keeps kong's
// error. Kong's own parser makes the errors, so a change of its wording
// fails here.
func TestLeftOut(t *testing.T) {
	var model struct {
		Run struct{} `cmd:""`
	}
	parser, err := kong.New(&model, kong.Name("flow"), kong.Exit(func(int) {}))
	if err != nil {
		t.Fatal(err)
	}
	tag := func(command string) string {
		if command == "argo-workflows" || command == "ui" {
			return "flowc_noargo"
		}
		return ""
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"argo-workflows", "create"}, "this binary has no argo-workflows command: it was built with -tags flowc_noargo; rebuild it without the tag"},
		{[]string{"ui"}, "this binary has no ui command: it was built with -tags flowc_noargo; rebuild it without the tag"}, // kong adds `did you mean "run"?`
		{[]string{"rnu"}, `unexpected argument rnu, did you mean "run"?`},
	} {
		_, err := parser.Parse(c.args)
		if err == nil {
			t.Fatalf("%v parsed", c.args)
		}
		if got := leftOut(err, tag).Error(); got != c.want {
			t.Errorf("%v: %q, want %q", c.args, got, c.want)
		}
	}
}
