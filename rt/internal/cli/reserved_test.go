package cli

import (
	"testing"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt"
)

// TestReservedNamesCoverOptions: the generator rejects a parameter named
// like a runtime option through rt.ReservedNames, so every option of the
// commands a parameter shares a command line or an environment with (the
// globals, run, resume, and the task command) must be listed there.
func TestReservedNamesCoverOptions(t *testing.T) {
	var c cli
	parser, err := kong.New(&c, kong.Name("flow"))
	if err != nil {
		t.Fatal(err)
	}
	check := func(where string, flags []*kong.Flag) {
		for _, f := range flags {
			if _, ok := rt.ReservedParam(f.Name); !ok {
				t.Errorf("option --%s of %s is not in rt.ReservedNames; add it, so no parameter can take its name", f.Name, where)
			}
		}
	}
	check("every command", parser.Model.Flags)
	seen := 0
	for _, n := range parser.Model.Children {
		switch n.Name {
		case "run", "resume", "step":
			check(n.Name, n.Flags)
			seen++
		}
	}
	if seen != 3 {
		t.Errorf("found %d of the commands run, resume and step", seen)
	}
}

// TestReservedParamSpellings: '_' and case map to the same environment
// variable as '-', so they are reserved alike.
func TestReservedParamSpellings(t *testing.T) {
	for _, n := range []string{"datastore_root", "Datastore-Root", "user", "USER", "max_workers"} {
		if _, ok := rt.ReservedParam(n); !ok {
			t.Errorf("parameter name %q is not reserved", n)
		}
	}
	for _, n := range []string{"users", "genre", "max-genres"} {
		if _, ok := rt.ReservedParam(n); ok {
			t.Errorf("parameter name %q is reserved", n)
		}
	}
}
