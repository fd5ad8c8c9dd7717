package annotations

import (
	"sort"
	"strings"
)

// placement is the kind of declaration a directive may document.
type placement uint8

const (
	onType placement = iota + 1
	onField
	onMethod
)

// where says where a directive of this placement belongs, for fixes.
func (p placement) where() string {
	switch p {
	case onType:
		return "a struct type"
	case onField:
		return "a struct field"
	default:
		return "a step method"
	}
}

// spec describes one directive. The registry below is the whole language:
// a directive that is not in it is an error, and so is any key that is not
// listed for its directive.
type spec struct {
	name     string
	on       placement
	usage    string   // the directive written out, for fixes
	keys     []string // accepted keys
	required []string // keys that must be present
	anyKey   bool     // any KEY=VALUE (//flow:env); keys are then names, not options
	bare     bool     // bare values accepted; decode checks them
	words    []string // the bare words accepted, for messages ("required")
	// decode builds the typed value. It reports bad values to errs and
	// returns a setter that the caller applies only if nothing was reported
	// for this directive.
	decode func(d *Directive, a argSet, errs *diags) func(*Set)
}

// Usages quoted by decoders (a decoder cannot read the registry: that
// would be an initialization cycle).
const (
	usageSchedule = `//flow:schedule daily|hourly|weekly|cron="..." [timezone=Area/City]`
	usageNext     = "//flow:next StepA [StepB ...]"
	usageSwitch   = "//flow:switch on=Field cases=v1:StepA,v2:StepB"
	usageEnv      = "//flow:env KEY=VALUE ..."
)

// registry is the table of every directive, by name.
var registry = map[string]*spec{
	"flow": {
		name: "flow", on: onType, usage: "//flow:flow",
		decode: func(d *Directive, _ argSet, _ *diags) func(*Set) {
			v := &Flow{Pos: d.NamePos}
			return func(s *Set) { s.Flow = v }
		},
	},
	"schedule": {
		name: "schedule", on: onType, usage: usageSchedule,
		keys: []string{"cron", "timezone"}, bare: true, words: periods,
		decode: decodeSchedule,
	},
	"project": {
		name: "project", on: onType, usage: "//flow:project name=my_project",
		keys: []string{"name"}, required: []string{"name"},
		decode: decodeProject,
	},
	"image": {
		name: "image", on: onType, usage: "//flow:image name=registry/image:tag",
		keys: []string{"name"}, required: []string{"name"},
		decode: decodeImage,
	},
	"param": {
		name: "param", on: onField, usage: "//flow:param [name=x] [default=v] [required] [separator=,]",
		keys: []string{"default", "name", "separator"}, bare: true, words: []string{"required"},
		decode: decodeParam,
	},
	"includefile": {
		name: "includefile", on: onField, usage: "//flow:includefile [name=x] [default=path]",
		keys:   []string{"default", "name"},
		decode: decodeIncludeFile,
	},
	"step": {
		name: "step", on: onMethod, usage: "//flow:step",
		decode: func(d *Directive, _ argSet, _ *diags) func(*Set) {
			v := &Step{Pos: d.NamePos}
			return func(s *Set) { s.Step = v }
		},
	},
	"next": {
		name: "next", on: onMethod, usage: usageNext,
		bare: true, decode: decodeNext,
	},
	"foreach": {
		name: "foreach", on: onMethod, usage: "//flow:foreach over=Field next=Step",
		keys: []string{"next", "over"}, required: []string{"over", "next"},
		decode: decodeForeach,
	},
	"switch": {
		name: "switch", on: onMethod, usage: usageSwitch,
		keys: []string{"cases", "on"}, required: []string{"on", "cases"},
		decode: decodeSwitch,
	},
	"retry": {
		name: "retry", on: onMethod, usage: "//flow:retry times=3 minutes_between=2",
		keys:   []string{"minutes_between", "times"},
		decode: decodeRetry,
	},
	"catch": {
		name: "catch", on: onMethod, usage: "//flow:catch var=Field",
		keys: []string{"var"}, required: []string{"var"},
		decode: decodeCatch,
	},
	"timeout": {
		name: "timeout", on: onMethod, usage: "//flow:timeout [seconds=n] [minutes=n] [hours=n]",
		keys:   []string{"hours", "minutes", "seconds"},
		decode: decodeTimeout,
	},
	"resources": {
		name: "resources", on: onMethod, usage: "//flow:resources [cpu=n] [memory=MiB] [gpu=n] [disk=MiB]",
		keys:   []string{"cpu", "disk", "gpu", "memory"},
		decode: decodeResources,
	},
	"batch": {
		name: "batch", on: onMethod, usage: "//flow:batch [queue=q] [image=ref] [iam_role=arn]",
		keys:   []string{"iam_role", "image", "queue"},
		decode: decodeBatch,
	},
	"kubernetes": {
		name: "kubernetes", on: onMethod, usage: "//flow:kubernetes [image=ref] [namespace=ns] [service_account=sa]",
		keys:   []string{"image", "namespace", "service_account"},
		decode: decodeKubernetes,
	},
	"env": {
		name: "env", on: onMethod, usage: usageEnv,
		anyKey: true, decode: decodeEnv,
	},
}

// knownNames is the sorted list of directive names, for messages.
var knownNames = func() string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}()

// argSet is the arguments of a directive after the generic checks: the first
// occurrence of each key, and the bare values in order.
type argSet struct {
	byKey map[string]*Arg
	keys  []*Arg // keyed args in order written, without duplicates
	bare  []*Arg
	// complete is false when some argument failed to lex: then "missing"
	// checks stay quiet, since the argument is there but broken.
	complete bool
}

func (a argSet) get(key string) *Arg { return a.byKey[key] }

// check applies what the table says about keys, before the directive's own
// decoder: unknown keys, duplicate keys, bare values where none are allowed,
// missing required keys.
//
// A key whose value failed to lex is absent from d.Args; lexed reports
// whether that can be ruled out, so that a bad value is not also reported
// as a missing key.
func (s *spec) check(d *Directive, lexed bool, errs *diags) argSet {
	a := argSet{byKey: map[string]*Arg{}, complete: lexed}
	for i := range d.Args {
		arg := &d.Args[i]
		if len(s.keys) == 0 && !s.bare && !s.anyKey {
			if arg.Key != "" {
				errs.errorf(arg.KeyPos, "//flow:%s takes no arguments; remove %q", s.name, arg.Key+"=")
			} else {
				errs.errorf(arg.ValuePos, "//flow:%s takes no arguments; remove %q", s.name, arg.Value)
			}
			continue
		}
		if arg.Key == "" {
			if s.bare {
				a.bare = append(a.bare, arg)
				continue
			}
			errs.errorf(arg.ValuePos, "unexpected value %q in //flow:%s; %s", arg.Value, s.name, s.keysHint())
			continue
		}
		if !s.anyKey && !contains(s.keys, arg.Key) {
			switch {
			case contains(s.words, arg.Key):
				errs.errorf(arg.KeyPos, "%q takes no value in //flow:%s; write it as a bare word: %s", arg.Key, s.name, s.usage)
			case s.name == "next":
				errs.errorf(arg.KeyPos, "//flow:next takes step names, not key=value; write %s", s.usage)
			default:
				errs.errorf(arg.KeyPos, "unknown key %q in //flow:%s; %s", arg.Key, s.name, s.keysHint())
			}
			continue
		}
		if _, dup := a.byKey[arg.Key]; dup {
			errs.errorf(arg.KeyPos, "duplicate key %q in //flow:%s; keep only one", arg.Key, s.name)
			continue
		}
		a.byKey[arg.Key] = arg
		a.keys = append(a.keys, arg)
	}
	for _, k := range s.required {
		if lexed && a.byKey[k] == nil {
			errs.errorf(d.NamePos, "//flow:%s is missing key %q; write %s", s.name, k, s.usage)
		}
	}
	return a
}

// keysHint lists what the directive accepts.
func (s *spec) keysHint() string {
	if s.anyKey {
		return "write " + s.usage
	}
	h := "supported keys: " + strings.Join(s.keys, ", ")
	if len(s.words) > 0 {
		h += "; bare words: " + strings.Join(s.words, ", ")
	}
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
