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
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Globals are the options every command takes.
type Globals struct {
	Datastore          string  `default:"local" placeholder:"local|s3" help:"Where artifacts are stored: local, or s3 (with --datastore-root s3://bucket/prefix; AWS access through the standard AWS configuration, AWS_ENDPOINT_URL_S3 for an S3-compatible server)."`
	DatastoreRoot      string  `placeholder:"DIR|s3://BUCKET/PREFIX" help:"Datastore root (default: .flowc in the working directory or its nearest parent that has one)."`
	DatastorePathStyle bool    `help:"S3: address the bucket in the URL path (http://host/bucket/key), as most S3-compatible servers need."`
	Metadata           string  `default:"local" placeholder:"local|service@URL" help:"Where run metadata is kept: local (in the datastore), or service@http://HOST:PORT (flowc metadata-service; its token in FLOWC_METADATA_TOKEN)."`
	Namespace          *string `placeholder:"NS" help:"Namespace new runs land in and runs are read from (default user:<name>; \"\" reads all namespaces)."`
	Branch             string  `help:"Project branch (//flow:project)."`
	Production         bool    `help:"Use the production branch of the project (//flow:project)."`
	Quiet              bool    `help:"Do not echo task output or progress to the console (the final status line still prints)."`
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
	desc := def.Graph.Doc
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
		return fail(err)
	}
	e.G = globals
	if err := e.G.validate(); err != nil {
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

func (g *Globals) validate() error {
	switch g.Datastore {
	case "local":
		if store.IsS3(g.DatastoreRoot) {
			return fmt.Errorf("--datastore-root %q is an S3 URL but --datastore is local; pass --datastore s3", g.DatastoreRoot)
		}
	case "s3":
		if !store.IsS3(g.DatastoreRoot) {
			return fmt.Errorf("--datastore s3 needs --datastore-root s3://bucket/prefix, got %q; pass the bucket and prefix", g.DatastoreRoot)
		}
	default:
		return fmt.Errorf("--datastore %q is not a datastore; use local or s3", g.Datastore)
	}
	if g.Metadata != "local" {
		if _, err := metadata.ParseService(g.Metadata); err != nil {
			return err
		}
	}
	return nil
}

// StoreConfig is the datastore the globals name, the default local root
// filled in.
func (g *Globals) StoreConfig() (store.Config, error) {
	c := store.Config{Kind: g.Datastore, Root: g.DatastoreRoot, PathStyle: g.DatastorePathStyle, Metadata: g.Metadata}
	if u, err := metadata.ParseService(g.Metadata); err == nil {
		// The root is bound to the service's URL as the client uses it:
		// a trailing slash does not make another provider.
		c.Metadata = "service@" + u
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
		md, err := metadata.Open(e.G.Metadata, st)
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
		return fmt.Errorf("%s is not JSON for a %s: %v", quote(s), target.Type(), err)
	}
	target.Set(v.Elem())
	return nil
}
