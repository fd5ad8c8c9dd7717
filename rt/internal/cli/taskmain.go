package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// MainTask runs the step command of a task process (args is what
// taskspec.Step.Args rendered) without building the command line parser:
// kong's reflection over every command and parameter cost a task about as
// much as the rest of its bookkeeping, and a task process takes its global
// options from the environment its scheduler set (FLOWC_*), never from
// flags. Anything else goes to Main.
func MainTask(ctx context.Context, def *rt.FlowDef, selector, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != taskspec.StepCommand {
		return Main(ctx, def, selector, args, stdout, stderr)
	}
	name := filepath.Base(os.Args[0])
	g, err := globalsFromEnv(os.LookupEnv)
	if err == nil {
		err = g.resolve(os.LookupEnv)
	}
	if err != nil {
		return failed(name, stderr, err)
	}
	e := &Env{Ctx: ctx, Def: def, Name: name, Selector: selector, Stdout: stdout, Stderr: stderr, G: g}
	if err := (&stepCmd{Args: args[1:]}).Run(e); err != nil {
		return failed(name, stderr, err)
	}
	return 0
}

// globalsFromEnv fills Globals as kong does from its environment
// variables alone (DefaultEnvars "FLOWC": the flag name, upper snake case)
// and the default tags; the field list is Globals itself, so a new global
// option reaches task processes too.
func globalsFromEnv(lookup func(string) (string, bool)) (*Globals, error) {
	g := new(Globals)
	v := reflect.ValueOf(g).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("env") == "-" {
			continue // not kong's to read: resolved by rt/internal/config
		}
		val, ok := lookup(envName(f))
		if !ok {
			val, ok = f.Tag.Lookup("default")
		}
		if !ok {
			continue
		}
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(val)
		case reflect.Bool:
			b, err := strconv.ParseBool(val)
			if err != nil {
				return nil, fmt.Errorf("%s=%q is not true or false", envName(f), val)
			}
			fv.SetBool(b)
		case reflect.Pointer:
			if fv.Type().Elem().Kind() != reflect.String {
				return nil, fmt.Errorf("global option %s has an unsupported type %s", f.Name, fv.Type())
			}
			s := val
			fv.Set(reflect.ValueOf(&s))
		default:
			return nil, fmt.Errorf("global option %s has an unsupported type %s", f.Name, fv.Type())
		}
	}
	return g, nil
}

// envName is kong's environment variable for a flag: FLOWC_ and the flag
// name (the name tag, or the field name in kebab case) in upper snake case.
func envName(f reflect.StructField) string {
	if e := f.Tag.Get("env"); e != "" {
		return e
	}
	name := f.Tag.Get("name")
	if name == "" {
		name = kebab(f.Name)
	}
	return "FLOWC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// kebab is kong's flag or command name for a field name: DatastoreRoot is
// datastore-root.
func kebab(field string) string {
	var b strings.Builder
	rs := []rune(field)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
			i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
