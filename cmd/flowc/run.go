package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alecthomas/kong"
	"github.com/flowc-dev/flowc/gen"
)

// cli is the command line. With no command, flowc generates for the
// package in the current directory (what //go:generate runs).
type cli struct {
	Generate generateCmd `cmd:"" default:"withargs" help:"Generate the runner of every flow in the packages (default: the current directory)."`
	Check    checkCmd    `cmd:"" help:"Lint the flows without writing anything; exit status 1 on any error."`
	Diff     diffCmd     `cmd:"" help:"Report generated files that are out of date; exit status 1 when any would change, 2 on errors."`
	UI       uiCmd       `cmd:"" name:"ui" help:"Browse the runs of a datastore in a web page: graphs, logs, artifacts, tags."`

	MetadataService metadataServiceCmd `cmd:"" name:"metadata-service" help:"Serve the metadata of every user's runs over HTTP+JSON, kept in PostgreSQL."`
}

// env is what every command needs; tests give their own writers and dir.
type env struct {
	stdout, stderr io.Writer
	dir            string
}

// exitCode carries a command's exit status out through kong.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// kongExit stops parsing after --help, through a panic run recovers.
type kongExit struct{ code int }

func run(args []string, stdout, stderr io.Writer) (code int) {
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "flowc:", err)
		return 2
	}
	return runIn(dir, args, stdout, stderr)
}

func runIn(dir string, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = e.code
		}
	}()
	var c cli
	parser, err := kong.New(&c,
		kong.Name("flowc"),
		kong.Description("flowc generates typed runners for //flow: annotated Go flows."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(kongExit{code}) }),
		kong.Bind(&env{stdout: stdout, stderr: stderr, dir: dir}),
	)
	if err != nil {
		fmt.Fprintln(stderr, "flowc:", err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintln(stderr, "flowc:", err)
		return 2
	}
	if err := kctx.Run(); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			return int(ec)
		}
		fmt.Fprintln(stderr, "flowc:", err)
		return 1
	}
	return 0
}

// generate runs the generator and prints every error, relative to the
// working directory. ok is false when any package has errors.
func (e *env) generate(patterns []string, opts gen.Options) (results []gen.Result, ok bool, err error) {
	results, err = gen.Generate(context.Background(), e.dir, patterns, opts)
	if err != nil {
		return nil, false, err
	}
	ok = true
	for _, r := range results {
		for _, le := range gen.RelErrors(r.Errs, e.dir) {
			fmt.Fprintln(e.stderr, le)
		}
		if len(r.Errs) > 0 {
			ok = false
		}
	}
	return results, ok, nil
}
