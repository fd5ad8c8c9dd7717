package cli

import (
	"reflect"
	"strings"
)

// narrow is what kong builds its model from for args. Building the model
// walks every command, flag and help text by reflection, and the command
// line of a flow binary has some sixty: it cost a `show` as much as the
// show itself and every package init of the binary together. So when args
// starts with a command's name (the usual `<bin> run ...`, `<bin> show`),
// kong gets a struct of the globals and that command alone, copied from c
// as Main prepared it (a run's parameter flags); the parse, the help of
// that command and its errors are the same. Anything else (no command,
// global flags first, --help anywhere, a misspelt command, which kong
// answers with the list of commands) gets the whole tree. globals is where
// the parsed global options land.
func narrow(c *cli, args []string) (model any, globals *Globals) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return c, &c.Globals
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" {
			return c, &c.Globals
		}
	}
	f, v, ok := command(reflect.ValueOf(c).Elem(), args[0])
	if !ok {
		return c, &c.Globals
	}
	t := reflect.StructOf([]reflect.StructField{
		{Name: "Globals", Type: reflect.TypeFor[Globals](), Tag: `embed:""`},
		{Name: f.Name, Type: f.Type, Tag: f.Tag},
	})
	m := reflect.New(t)
	m.Elem().Field(1).Set(v)
	return m.Interface(), m.Elem().Field(0).Addr().Interface().(*Globals)
}

// command finds the field of the command named name in v, a command
// struct, looking into embedded structs that are not commands (deployCmds).
func command(v reflect.Value, name string) (reflect.StructField, reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if _, isCmd := f.Tag.Lookup("cmd"); isCmd {
			if commandName(f) == name {
				return f, v.Field(i), true
			}
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Globals]() {
			if sf, sv, ok := command(v.Field(i), name); ok {
				return sf, sv, true
			}
		}
	}
	return reflect.StructField{}, reflect.Value{}, false
}

// commandName is kong's name for a command field: its name tag, or the
// field name in kebab case.
func commandName(f reflect.StructField) string {
	if n := f.Tag.Get("name"); n != "" {
		return n
	}
	return kebab(f.Name)
}
