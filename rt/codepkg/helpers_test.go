package codepkg

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// goBuild builds the Go program src (a main.go body) in a module of its own
// under a temp dir, with env added, and returns the binary's path.
func goBuild(t *testing.T, src string, env ...string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/prog\n\ngo 1.22\n")
	write(t, filepath.Join(dir, "main.go"), src)
	bin := filepath.Join(dir, "prog")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false", "GOWORK=off")
	cmd.Env = append(cmd.Env, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

const helloSrc = "package main\n\nfunc main() { println(\"hello\") }\n"

var (
	staticOnce sync.Once
	staticBin  string
	staticDir  string
)

// staticHello is a small static linux/amd64 Go binary with build info.
func staticHello(t *testing.T) string {
	t.Helper()
	staticOnce.Do(func() {
		var err error
		if staticDir, err = os.MkdirTemp("", "codepkg-test-"); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(staticDir, "go.mod"), "module example.com/hello\n\ngo 1.22\n")
		write(t, filepath.Join(staticDir, "main.go"), helloSrc)
		staticBin = filepath.Join(staticDir, "hello")
		cmd := exec.Command("go", "build", "-o", staticBin, ".")
		cmd.Dir = staticDir
		cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false", "GOWORK=off", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	})
	if staticBin == "" {
		t.Fatal("building the static test binary failed earlier")
	}
	return staticBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if staticDir != "" {
		os.RemoveAll(staticDir)
	}
	os.Exit(code)
}

// haveCC reports whether cgo can build here.
func haveCC() bool {
	out, err := exec.Command("go", "env", "CC").Output()
	if err != nil {
		return false
	}
	_, err = exec.LookPath(strings.TrimSpace(string(out)))
	return err == nil
}

func mustRegistry(t *testing.T, host string) authn.Resource {
	r, err := name.NewRegistry(host)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
