package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Issue 8 (seams): one configuration resolver serves the flow binary's
// global options and client.FromEnv: the same settings, the same
// precedence (explicit > environment > default), the same errors.
// configReaderSrc opens a client from the environment (with WithRoot
// before or after FromEnv when asked) and prints its root and namespace
// and the ids of the runs it sees, or its error.
const configReaderSrc = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/rt/client"
)

func main() {
	opts := []client.Option{client.FromEnv()}
	switch {
	case len(os.Args) > 2 && os.Args[1] == "root-first":
		opts = []client.Option{client.WithRoot(os.Args[2]), client.FromEnv()}
	case len(os.Args) > 2 && os.Args[1] == "root-last":
		opts = append(opts, client.WithRoot(os.Args[2]))
	}
	c, err := client.New(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	fmt.Println(c.Root(), c.CurrentNamespace())
	runs, err := c.Flow("FlakyFlow").Runs(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	for _, r := range runs {
		fmt.Println(r.ID())
	}
}
`

func TestConfigOneResolver(t *testing.T) {
	m := newModule(t, map[string]string{"reader/main.go": configReaderSrc})
	m.goCmd("build", "-o", m.path("reader/reader"), "./reader")
	reader := m.path("reader/reader")
	b := hcExample(t, "flaky")
	id := b.okRun()
	root := filepath.Join(b.dir, ".flowc")
	elsewhere := filepath.Join(b.dir, "elsewhere", ".flowc")

	// The same bad setting: the same one-line error from the binary and
	// from the client, naming the variable.
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"FLOWC_DATASTORE=gcs"}, `FLOWC_DATASTORE "gcs" is not a datastore; use local or s3`},
		{[]string{"FLOWC_DATASTORE=local", "FLOWC_DATASTORE_ROOT=s3://b/p"}, `FLOWC_DATASTORE_ROOT "s3://b/p" is an S3 URL but FLOWC_DATASTORE is local; set FLOWC_DATASTORE=s3`},
		{[]string{"FLOWC_METADATA=service"}, `FLOWC_METADATA "service" is not a metadata provider; use local or service@http://HOST:PORT`},
		{[]string{"FLOWC_METADATA=service@ftp://h"}, `FLOWC_METADATA "service@ftp://h" does not name a service URL`},
		{[]string{"FLOWC_DATASTORE_PATH_STYLE=maybe"}, `FLOWC_DATASTORE_PATH_STYLE "maybe" is not a boolean`},
	} {
		bin := b.runEnv(tc.env, "runs")
		if bin.code != 1 || !strings.Contains(bin.stderr, tc.want) {
			t.Errorf("runs with %v: want exit status 1 and %q, got %s", tc.env, tc.want, bin)
		}
		cl := execIn(t, b.dir, hcEnv(append(slices.Clone(b.env), tc.env...)...), reader)
		if cl.code != 1 || !strings.Contains(cl.stderr, tc.want) {
			t.Errorf("client.New(FromEnv()) with %v: want %q, got %s", tc.env, tc.want, cl)
		}
	}

	// A flag beats the environment; so does a client option, wherever
	// FromEnv stands among the options.
	env := hcEnv(append(slices.Clone(b.env), "FLOWC_DATASTORE_ROOT="+elsewhere)...)
	if r := execIn(t, b.dir, env, b.path, "--datastore-root", root, "runs"); r.code != 0 || !strings.Contains(r.stdout, "\n"+id+" ") {
		t.Errorf("runs --datastore-root with FLOWC_DATASTORE_ROOT elsewhere: want run %s listed, got %s", id, r)
	}
	for _, order := range []string{"root-first", "root-last"} {
		r := execIn(t, b.dir, env, reader, order, root)
		if r.code != 0 || !strings.HasPrefix(r.stdout, root+" user:alice\n") || !strings.Contains(r.stdout, "\n"+id+"\n") {
			t.Errorf("client with WithRoot (%s) and FLOWC_DATASTORE_ROOT elsewhere: want root %s, namespace user:alice and run %s, got %s", order, root, id, r)
		}
	}
	// FLOWC_NAMESPACE set but empty is every namespace, for both.
	env = hcEnv(append(slices.Clone(b.env), "FLOWC_NAMESPACE=")...)
	if r := execIn(t, b.dir, env, reader); r.code != 0 || !strings.HasPrefix(r.stdout, root+" \n") {
		t.Errorf("client with FLOWC_NAMESPACE empty: want the global namespace, got %s", r)
	}
	if r := execIn(t, b.dir, env, b.path, "runs"); r.code != 0 || !strings.Contains(r.stdout, "NAMESPACE") {
		t.Errorf("runs with FLOWC_NAMESPACE empty: want every namespace (a NAMESPACE column), got %s", r)
	}
}
