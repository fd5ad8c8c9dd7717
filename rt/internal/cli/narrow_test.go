package cli

import (
	"slices"
	"testing"

	"github.com/alecthomas/kong"
)

// TestNarrow: every command of the whole tree, named first, gets a model of
// the globals and that command alone, which parses as the whole tree does;
// help, global flags first and unknown commands get the whole tree.
func TestNarrow(t *testing.T) {
	var c cli
	full, err := kong.New(&c, kong.Exit(func(int) { t.Fatal("kong exited") }))
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Model.Children) < 10 {
		t.Fatalf("the tree has %d commands", len(full.Model.Children))
	}
	for _, cmd := range full.Model.Children {
		model, _ := narrow(&c, []string{cmd.Name})
		if model == any(&c) {
			t.Errorf("narrow(%q) is the whole tree", cmd.Name)
			continue
		}
		k, err := kong.New(model)
		if err != nil {
			t.Fatalf("narrow(%q): %v", cmd.Name, err)
		}
		var names []string
		for _, n := range k.Model.Children {
			names = append(names, n.Name)
		}
		if !slices.Equal(names, []string{cmd.Name}) {
			t.Errorf("narrow(%q) has commands %q", cmd.Name, names)
		}
		if len(k.Model.Flags) != len(full.Model.Flags) {
			t.Errorf("narrow(%q) has %d global flags, the tree %d", cmd.Name, len(k.Model.Flags), len(full.Model.Flags))
		}
	}
	for _, args := range [][]string{nil, {"--quiet", "show"}, {"show", "--help"}, {"run", "-h"}, {"shwo"}} {
		if model, g := narrow(&c, args); model != any(&c) || g != &c.Globals {
			t.Errorf("narrow(%q) is not the whole tree", args)
		}
	}

	// The command is copied as Main prepared it: a run's parameter flags.
	var n cli
	n.Run.Plugins = kong.Plugins{&struct {
		Count int `name:"count"`
	}{}}
	model, _ := narrow(&n, []string{"run"})
	k, err := kong.New(model)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(k.Model.Children[0].Flags, func(f *kong.Flag) bool { return f.Name == "count" }) {
		t.Errorf("narrow(run) lost the parameter flags")
	}

	// The globals parse into the narrowed model's, wherever they are given.
	model, g := narrow(&n, []string{"show", "--quiet", "--datastore-root", "/d"})
	if k, err = kong.New(model, kong.Bind(&Env{})); err != nil {
		t.Fatal(err)
	}
	kctx, err := k.Parse([]string{"show", "--quiet", "--datastore-root", "/d"})
	if err != nil {
		t.Fatal(err)
	}
	if kctx.Command() != "show" || !g.Quiet || g.DatastoreRoot != "/d" {
		t.Errorf("parsed %q with globals %+v", kctx.Command(), *g)
	}
}
