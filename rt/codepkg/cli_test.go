package codepkg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// flowModule copies examples/genrestats into a new module in a git
// repository (CI builds with -buildvcs=false, so the VCS fields need a
// build of their own) that requires this checkout of flowc.
func flowModule(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: install git to test the VCS fields of the code package")
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	dir := t.TempDir()
	for _, f := range []string{"flow.go", "genre_stats_flow.flowc.go", "movies.csv"} {
		b, err := os.ReadFile(filepath.Join(root, "examples", "genrestats", f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, f), string(b))
	}
	write(t, filepath.Join(dir, "go.mod"), "module example.com/statsflow\n\ngo 1.26.8\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	// tidy walks the whole module graph, dependencies' tests included,
	// whose modules a fresh module cache lacks: it may use the module
	// proxy, as a user's does. The builds below stay offline.
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir, tidy.Env = dir, append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "FLOWC_USER=tester")
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "a flow")
	return dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// moduleEnv builds and runs in a flow module offline: flowc's own
// dependencies are in the module cache already.
func moduleEnv(extra ...string) []string {
	return append(append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "FLOWC_USER=tester"), extra...)
}

func buildFlow(t *testing.T, dir, out string, env ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), out)
	cmd := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	cmd.Dir, cmd.Env = dir, moduleEnv(env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return bin
}

type result struct {
	stdout, stderr string
	code           int
}

func runFlow(t *testing.T, dir, bin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, append(moduleEnv(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{o.String(), e.String(), code}
}

type listed struct {
	Flow, GraphSHA256, Binary, SHA256, Platform, GoVersion, Main, Module, VCSRevision string
	Built, VCSModified                                                                bool
	Size                                                                              int64
	Modules                                                                           []string
	Includefiles                                                                      []Include
}

func list(t *testing.T, dir, bin string) listed {
	t.Helper()
	r := runFlow(t, dir, bin, nil, "package", "list", "--json")
	if r.code != 0 {
		t.Fatalf("package list: exit %d\n%s", r.code, r.stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatalf("package list --json: %v\n%s", err, r.stdout)
	}
	var l listed
	fields := map[string]any{"flow": &l.Flow, "graph_sha256": &l.GraphSHA256, "binary": &l.Binary, "sha256": &l.SHA256,
		"platform": &l.Platform, "go_version": &l.GoVersion, "main": &l.Main, "module": &l.Module, "vcs_revision": &l.VCSRevision,
		"built": &l.Built, "vcs_modified": &l.VCSModified, "size": &l.Size, "modules": &l.Modules, "includefiles": &l.Includefiles}
	for k, v := range fields {
		if b, ok := raw[k]; ok {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatalf("package list --json field %q: %v", k, err)
			}
		}
	}
	return l
}

// TestPackageBuildInfo builds a flow as a user would, in a git repository
// with VCS stamping on, and reads what `package list` and `package save`
// record: the flow, the graph's hash, the Go version, the modules, the
// revision and whether the tree was dirty, the includefile defaults.
func TestPackageBuildInfo(t *testing.T) {
	dir := flowModule(t)
	rev := git(t, dir, "rev-parse", "HEAD")
	bin := buildFlow(t, dir, "stats", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	sum, content := fileSHA(t, bin)

	l := list(t, dir, bin)
	if l.Built || l.Binary != bin || l.SHA256 != sum || l.Size != int64(len(content)) || l.Platform != "linux/amd64" {
		t.Errorf("a static linux/amd64 binary should ship as it is: %+v", l)
	}
	// Go records a pseudo-version of the commit as the main module's version.
	if l.Flow != "GenreStatsFlow" || l.Main != "example.com/statsflow" || !strings.HasPrefix(l.Module, "example.com/statsflow@v0.0.0-") || !strings.HasSuffix(l.Module, rev[:12]) || l.GoVersion != runtime.Version() {
		t.Errorf("flow/main/module/go: %q %q %q %q", l.Flow, l.Main, l.Module, l.GoVersion)
	}
	if l.VCSRevision != rev || l.VCSModified {
		t.Errorf("vcs revision %q modified %v; want %q, clean", l.VCSRevision, l.VCSModified, rev)
	}
	if !hasPrefix(l.Modules, "github.com/flowc-dev/flowc@v0.0.0 => ") {
		t.Errorf("modules %q: want flowc, replaced", l.Modules)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "movies.csv"))
	csvSum := sha256.Sum256(csv)
	if len(l.Includefiles) != 1 || l.Includefiles[0].Field != "MovieData" || l.Includefiles[0].SHA256 != hex.EncodeToString(csvSum[:]) {
		t.Errorf("includefiles %+v: want MovieData with movies.csv's sha256", l.Includefiles)
	}
	graph := runFlow(t, dir, bin, nil, "show", "--format", "json")
	var compact bytes.Buffer
	json.Compact(&compact, []byte(graph.stdout))
	if g := sha256.Sum256(compact.Bytes()); l.GraphSHA256 != hex.EncodeToString(g[:]) {
		t.Errorf("graph_sha256 %s is not the sha256 of `show --format json`", l.GraphSHA256)
	}

	// package save: the layer holds the binary, the labels the fields.
	tarball := filepath.Join(t.TempDir(), "stats.tar")
	r := runFlow(t, dir, bin, nil, "package", "save", tarball)
	if r.code != 0 || !strings.Contains(r.stdout, "binary sha256:"+sum) {
		t.Fatalf("package save: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	img := savedImage(t, tarball)
	cf, _ := img.ConfigFile()
	lb := cf.Config.Labels
	if lb[LabelBinarySHA256] != sum || lb[LabelVCSRevision] != rev || lb[LabelVCSModified] != "false" || lb[LabelFlow] != "GenreStatsFlow" || lb[LabelGraphSHA256] != l.GraphSHA256 || lb[LabelGoVersion] != runtime.Version() || !strings.Contains(lb[LabelModules], "github.com/alecthomas/kong@") {
		t.Errorf("labels %v", lb)
	}
	layers, _ := img.Layers()
	if files := layerFiles(t, layers[0]); len(layers) != 1 || !bytes.Equal(files["flowc/flow"], content) {
		t.Errorf("the image's one layer does not hold the binary at /flowc/flow")
	}
	m, _ := img.Manifest()
	if m.Annotations["org.opencontainers.image.revision"] != rev {
		t.Errorf("manifest annotations %v: want the revision", m.Annotations)
	}

	// A bad platform: one line, nothing written.
	bad := filepath.Join(t.TempDir(), "bad.tar")
	r = runFlow(t, dir, bin, nil, "package", "save", bad, "--platform", "linux/386")
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, `--platform "linux/386" is not supported; use linux/amd64 or linux/arm64`) {
		t.Errorf("bad --platform: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed package save left a file behind")
	}

	// An uncommitted change is recorded as such.
	f, _ := os.OpenFile(filepath.Join(dir, "flow.go"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\n// an uncommitted change\n")
	f.Close()
	dirty := buildFlow(t, dir, "stats-dirty", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if l := list(t, dir, dirty); l.VCSRevision != rev || !l.VCSModified {
		t.Errorf("dirty tree: revision %q modified %v; want %q, modified", l.VCSRevision, l.VCSModified, rev)
	}
}

func hasPrefix(list []string, p string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// savedImage reads the one image of an OCI image layout tarball.
func savedImage(t *testing.T, tarball string) v1.Image {
	t.Helper()
	dir := t.TempDir()
	untar(t, tarball, dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 {
		t.Fatalf("index.json: %+v, %v; want one image", im, err)
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestPackageDynamicBinary: a default cgo build that links net and os/user
// is linux/amd64 and needs libc; package save rebuilds it static from its
// module, or, without a Go toolchain, says in one line how to build it.
// --binary with a dynamic file is refused.
func TestPackageDynamicBinary(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the dynamic-binary test runs on linux/amd64")
	}
	if !haveCC() {
		t.Skip("no C compiler: install gcc to test dynamically linked flow binaries")
	}
	dir := flowModule(t)
	dyn := buildFlow(t, dir, "stats-dyn", "CGO_ENABLED=1")
	if reason, _ := checkELF(dyn, DefaultPlatform); !strings.HasPrefix(reason, "dynamically linked") {
		t.Skipf("a default cgo build came out static (%q); nothing to test", reason)
	}
	dynSum, _ := fileSHA(t, dyn)

	cache := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	tarball := filepath.Join(t.TempDir(), "img.tar")
	r := runFlow(t, dir, dyn, cache, "package", "save", tarball)
	if r.code != 0 {
		t.Fatalf("package save from a dynamic binary: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "the running binary is dynamically linked") || !strings.Contains(r.stderr, "building example.com/statsflow for linux/amd64, static") {
		t.Errorf("package save should say it rebuilds: %q", r.stderr)
	}
	img := savedImage(t, tarball)
	layers, _ := img.Layers()
	shipped := filepath.Join(t.TempDir(), "flow")
	write(t, shipped, string(layerFiles(t, layers[0])["flowc/flow"]))
	if reason, err := checkELF(shipped, DefaultPlatform); reason != "" || err != nil {
		t.Errorf("the shipped binary is %q (%v); want a static linux/amd64 ELF", reason, err)
	}
	cf, _ := img.ConfigFile()
	if got := cf.Config.Labels[LabelBinarySHA256]; got == dynSum || got == "" {
		t.Errorf("label %s = %q: want the rebuilt binary's sha256", LabelBinarySHA256, got)
	}

	// Packaging the same binary again takes the static build from the
	// cache: no toolchain needed, the same image.
	again := filepath.Join(t.TempDir(), "again.tar")
	r = runFlow(t, dir, dyn, append(cache, "PATH="+t.TempDir()), "package", "save", again)
	if r.code != 0 || strings.Contains(r.stderr, "building") {
		t.Errorf("second package save of the same binary: exit %d, stderr %q; want the cached build", r.code, r.stderr)
	} else if d1, d2 := mustDigest(t, img), mustDigest(t, savedImage(t, again)); d1 != d2 {
		t.Errorf("the cached build gave image %s, the first %s", d2, d1)
	}

	r = runFlow(t, dir, dyn, nil, "package", "save", tarball, "--binary", dyn)
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "is dynamically linked (needs ") || !strings.Contains(r.stderr, "CGO_ENABLED=0") {
		t.Errorf("--binary with a dynamic file: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runFlow(t, dir, dyn, []string{"PATH=" + t.TempDir(), "XDG_CACHE_HOME=" + t.TempDir()}, "package", "list")
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "the Go toolchain is not on PATH") || !strings.Contains(r.stderr, "GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build") || !strings.Contains(r.stderr, "--binary FILE") {
		t.Errorf("no Go toolchain: exit %d, stderr %q", r.code, r.stderr)
	}
}

func mustDigest(t *testing.T, img v1.Image) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}
