// Package cli is the command line of a generated flow binary: one kong
// command per file, each with a Run(*Env) error.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/config"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Globals are the options every command takes. The datastore, metadata
// and namespace options are not read from the environment by kong (env:"-")
// but by rt/internal/config, which resolves them for this binary and for
// rt/client alike: flag, else FLOWC_<OPTION>, else the default.
type Globals struct {
	Datastore          string  `env:"-" placeholder:"local|s3" help:"Where artifacts are stored: local (default), or s3 (with --datastore-root s3://bucket/prefix; AWS access through the standard AWS configuration, AWS_ENDPOINT_URL_S3 for an S3-compatible server). Also FLOWC_DATASTORE."`
	DatastoreRoot      string  `env:"-" placeholder:"DIR|s3://BUCKET/PREFIX" help:"Datastore root (default: .flowc in the working directory or its nearest parent that has one). Also FLOWC_DATASTORE_ROOT."`
	DatastorePathStyle bool    `env:"-" help:"S3: address the bucket in the URL path (http://host/bucket/key), as most S3-compatible servers need. Also FLOWC_DATASTORE_PATH_STYLE."`
	Metadata           string  `env:"-" placeholder:"local|service@URL" help:"Where run metadata is kept: local (in the datastore, the default), or service@http://HOST:PORT (flowc metadata-service; its token in FLOWC_METADATA_TOKEN). Also FLOWC_METADATA."`
	Namespace          *string `env:"-" placeholder:"NS" help:"Namespace new runs land in and runs are read from (default user:<name>; \"\" reads all namespaces). Also FLOWC_NAMESPACE."`
	Branch             string  `help:"Project branch (//flow:project)."`
	Production         bool    `help:"Use the production branch of the project (//flow:project)."`
	Quiet              bool    `help:"Do not echo task output or progress to the console (the final status line still prints)."`

	cfg config.Config // resolved by resolve
}

// cli is the command tree.
type cli struct {
	Globals

	Run    runCmd    `cmd:"" help:"Run the flow locally."`
	Step   stepCmd   `cmd:"" hidden:"" help:"Run one task (internal: what every scheduler starts)."`
	Show   showCmd   `cmd:"" help:"Show the flow's graph with its step docs."`
	Check  checkCmd  `cmd:"" help:"Check the flow's graph and configuration."`
	Dump   dumpCmd   `cmd:"" help:"Show the artifacts of a run, a step or a task."`
	Logs   logsCmd   `cmd:"" help:"Show the output of a task."`
	Runs   runsCmd   `cmd:"" help:"List the runs of the flow, newest first."`
	Resume resumeCmd `cmd:"" help:"Rerun a failed run from a step, reusing what succeeded before it."`
	Tag    tagCmd    `cmd:"" help:"Add, remove or list the tags of a run."`
	Spin   spinCmd   `cmd:"" help:"Rerun one step on the inputs of a past task, in a scratch run."`

	// The run browser, the code package and the targets (deploy.go);
	// empty in a binary built with -tags flowc_nodeploy (nodeploy.go).
	deployCmds
}

// Env is what commands run with.
type Env struct {
	Ctx  context.Context
	Def  *rt.FlowDef
	Name string // the binary's name, for messages
	// Selector is what the binary's own main needs before the flow's
	// arguments to reach this flow; task processes get it too.
	Selector []string
	Stdout   io.Writer
	Stderr   io.Writer
	G        *Globals

	md metadata.Provider // Metadata's, once opened
}

// exitCode ends Main with a status and no message (the message, if any,
// was printed already).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// kongExit carries kong's exit requests (after --help) out of Parse.
type kongExit int

// Main parses args (without the program name) and runs the command. Every
// error is one line `<bin>: error: ...` and status 1.
func Main(ctx context.Context, def *rt.FlowDef, selector, args []string, stdout, stderr io.Writer) (code int) {
	name := filepath.Base(os.Args[0])
	e := &Env{Ctx: ctx, Def: def, Name: name, Selector: selector, Stdout: stdout, Stderr: stderr}
	fail := func(err error) int { return failed(name, stderr, err) }
	defer func() {
		if v := recover(); v != nil {
			if ke, ok := v.(kongExit); ok {
				code = int(ke)
				return
			}
			panic(v)
		}
	}()
	var c cli
	if def.Params != nil {
		c.Run.Plugins = kong.Plugins{def.Params()}
		c.deployCmds.params(def)
	}
	// The flow's doc is literal text: kong would read a ${name} in it as
	// a variable ("$$" is its '$').
	desc := strings.ReplaceAll(def.Graph.Doc, "$", "$$")
	if desc == "" {
		desc = "Flow " + def.Graph.Flow + "."
	}
	args, err := c.deployCmds.takeArgs(args)
	if err != nil {
		return fail(err)
	}
	model, globals := narrow(&c, args)
	parser, err := kong.New(model,
		kong.Name(name),
		kong.Description(desc),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.DefaultEnvars("FLOWC"),
		kong.NamedMapper("flowcjson", jsonMapper{}),
		kong.Bind(e),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		return fail(fmt.Errorf("building the command line: %w", err))
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		return fail(leftOut(err, c.deployCmds.leftOut))
	}
	e.G = globals
	if err := e.G.resolve(os.LookupEnv); err != nil {
		return fail(err)
	}
	if err := kctx.Run(); err != nil {
		return fail(err)
	}
	return 0
}

// failed is the exit status of err, printed as one line `<bin>: error: ...`.
func failed(name string, stderr io.Writer, err error) int {
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	msg := clipLine(strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; "))
	fmt.Fprintf(stderr, "%s: error: %s\n", name, msg)
	return 1
}

// resolve resolves the datastore, metadata and namespace settings: the
// flags given, then the environment (lookup), then the defaults.
func (g *Globals) resolve(lookup func(string) (string, bool)) error {
	var in config.Input
	set := func(k config.Key, v string) {
		if v != "" {
			in.Set(k, v, config.Flag(k))
		}
	}
	set(config.Datastore, g.Datastore)
	set(config.DatastoreRoot, g.DatastoreRoot)
	set(config.Metadata, g.Metadata)
	if g.DatastorePathStyle {
		set(config.DatastorePathStyle, "true")
	}
	if g.Namespace != nil {
		in.Set(config.Namespace, *g.Namespace, config.Flag(config.Namespace))
	}
	in.Environ(lookup)
	c, err := in.Resolve()
	if err != nil {
		return err
	}
	g.cfg = c
	return nil
}

// StoreConfig is the datastore the globals name, the default local root
// filled in.
func (g *Globals) StoreConfig() (store.Config, error) {
	c := store.Config{Kind: g.cfg.Datastore, Root: g.cfg.Root, PathStyle: g.cfg.PathStyle, Metadata: g.cfg.Metadata}
	if g.cfg.MetadataURL != "" {
		// The root is bound to the service's URL as the client uses it:
		// a trailing slash does not make another provider.
		c.Metadata = "service@" + g.cfg.MetadataURL
	}
	if c.Root == "" && c.Kind == "local" {
		wd, err := os.Getwd()
		if err != nil {
			return c, err
		}
		c.Root = store.DefaultRoot(wd)
	}
	return c, nil
}

// OpenStore opens the datastore the globals name, for a task or a command
// that writes.
func (e *Env) OpenStore() (*store.Store, error) { return e.OpenStoreFor(store.ReadWrite) }

// OpenStoreFor opens the datastore the globals name: run and resume open it
// with store.Bind, readers with store.ReadOnly.
func (e *Env) OpenStoreFor(mode store.Mode) (*store.Store, error) {
	c, err := e.G.StoreConfig()
	if err != nil {
		return nil, err
	}
	return store.OpenConfig(c, mode)
}

// Metadata is the metadata provider the globals name: the local one over
// st, or the service's client.
func (e *Env) Metadata(st *store.Store) (metadata.Provider, error) {
	if e.md == nil {
		md, err := metadata.Open(e.G.cfg.Metadata, e.G.cfg.MetadataToken, st)
		if err != nil {
			return nil, err
		}
		e.md = md
	}
	return e.md, nil
}

// jsonMapper decodes a parameter of any other type from JSON.
type jsonMapper struct{}

func (jsonMapper) Decode(ctx *kong.DecodeContext, target reflect.Value) error {
	var s string
	if err := ctx.Scan.PopValueInto("value", &s); err != nil {
		return err
	}
	v := reflect.New(target.Type())
	if err := json.Unmarshal([]byte(s), v.Interface()); err != nil {
		return fmt.Errorf("%s is not JSON for type %s: %v", quote(s), target.Type(), err)
	}
	target.Set(v.Elem())
	return nil
}

// leftOut explains kong's "unexpected argument X" when X is a command that
// a build tag left out of this binary (tag names it), instead of leaving
// the user to wonder why ui or argo-workflows is unknown.
func leftOut(err error, tag func(command string) string) error {
	word, ok := strings.CutPrefix(err.Error(), "unexpected argument ")
	if !ok {
		return err
	}
	word, _, _ = strings.Cut(word, ",")
	if t := tag(word); t != "" {
		return fmt.Errorf("this binary has no %s command: it was built with -tags %s; rebuild it without the tag", word, t)
	}
	return err
}
