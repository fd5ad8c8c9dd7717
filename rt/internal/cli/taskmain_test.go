package cli

import (
	"os"
	"reflect"
	"testing"

	"github.com/alecthomas/kong"
)

// A task process reads its global options from the environment without
// kong (MainTask); what it gets must be what kong gives for the same
// environment, for every global option, set and unset.
func TestGlobalsFromEnvAgreesWithKong(t *testing.T) {
	var probe struct{ Globals }
	p, err := kong.New(&probe, kong.DefaultEnvars("FLOWC"), kong.Exit(func(int) {}))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	typ := reflect.TypeOf(Globals{})
	for _, fl := range p.Model.Flags {
		if fl.Name == "help" {
			continue
		}
		if fl.Tag.Get("env") == "-" {
			continue // resolved by rt/internal/config, not kong
		}
		if len(fl.Envs) != 1 {
			t.Fatalf("flag --%s has envs %v", fl.Name, fl.Envs)
		}
		switch fl.Target.Kind() {
		case reflect.Bool:
			env[fl.Envs[0]] = "true"
		default:
			env[fl.Envs[0]] = "v-" + fl.Name
		}
	}
	for i := range typ.NumField() {
		if f := typ.Field(i); !f.IsExported() || f.Tag.Get("env") == "-" {
			continue
		}
		if _, ok := env[envName(typ.Field(i))]; !ok {
			t.Errorf("field %s: envName %q is not kong's", typ.Field(i).Name, envName(typ.Field(i)))
		}
	}
	for _, set := range []bool{false, true} {
		lookup := func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok && set
		}
		var want struct{ Globals }
		kp, err := kong.New(&want, kong.DefaultEnvars("FLOWC"), kong.Exit(func(int) {}))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range env {
			if set {
				t.Setenv(k, v)
			} else {
				t.Setenv(k, "")
			}
		}
		if !set {
			// Unset, not empty: kong reads "" as a value.
			for k := range env {
				unsetenv(t, k)
			}
		}
		if _, err := kp.Parse(nil); err != nil {
			t.Fatal(err)
		}
		got, err := globalsFromEnv(lookup)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want.Globals) {
			t.Errorf("env set=%v: globalsFromEnv = %+v, kong = %+v", set, *got, want.Globals)
		}
	}
}

func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "") // restores the old value after the test
	if err := osUnsetenv(k); err != nil {
		t.Fatal(err)
	}
}

var osUnsetenv = os.Unsetenv
