package e2e

import (
	"strings"
	"testing"
)

// TestHardenCLIReservedParams: a parameter cannot take the name of a
// runtime option or setting, whatever its spelling: `user` would read
// FLOWC_USER, `datastore_root` the datastore's root. The generator names
// both, with positions, and writes nothing.
func TestHardenCLIReservedParams(t *testing.T) {
	m := newModule(t, map[string]string{"flow.go": `package main

import "context"

//flow:flow
type Shadow struct {
	//flow:param default=bob
	User string
	//flow:param name=datastore_root
	Root string
	//flow:includefile name=Max_Workers
	Data string
	//flow:param
	Genre string
}

//flow:step
//flow:next End
func (f *Shadow) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Shadow) End(ctx context.Context) error { return nil }
`})
	r := m.flowc("./...")
	if r.code != 1 {
		t.Fatalf("flowc on reserved parameter names: want exit status 1, got\n%s", r)
	}
	for _, want := range []string{
		`flow.go:7:9: parameter "user" of field "User" collides with the runtime setting FLOWC_USER`,
		`flow.go:9:9: parameter "datastore_root" of field "Root" collides with the built-in option --datastore-root`,
		`flow.go:11:9: parameter "Max_Workers" of field "Data" collides with the built-in option --max-workers`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("flowc does not say %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, `"genre"`) {
		t.Errorf("flowc rejects parameter genre:\n%s", r.stderr)
	}
}

// TestHardenCLIParamEnv: parameters read FLOWC_PARAM_<NAME>; the old
// FLOWC_<NAME> is a one-line error naming the new spelling, with no run.
func TestHardenCLIParamEnv(t *testing.T) {
	b := runFlowBin(t, "params")
	old := *b
	old.env = append(old.env, "FLOWC_TOKEN=t")
	id, r := old.tryRun()
	wantOneLineError(t, "run with FLOWC_TOKEN set", r, "FLOWC_TOKEN", "--token", "FLOWC_PARAM_TOKEN")
	if id != "" {
		t.Errorf("run with FLOWC_TOKEN set recorded run %s", id)
	}
	env := *b
	env.env = append(env.env, "FLOWC_PARAM_TOKEN=from-env", "FLOWC_PARAM_NAME=Ann")
	id = env.runFlow()
	var seen string
	b.dump(id+"/Start", &seen, "--artifact", "Seen")
	if !strings.HasPrefix(seen, "Ann|") || !strings.HasSuffix(seen, "|from-env") {
		t.Errorf("Start saw %s with FLOWC_PARAM_NAME=Ann FLOWC_PARAM_TOKEN=from-env", seen)
	}
}
