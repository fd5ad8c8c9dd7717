package codepkg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/flowc-dev/flowc/rt"
)

// Options say what to package.
type Options struct {
	Def      *rt.FlowDef
	Platform Platform // zero: DefaultPlatform
	// Binary is the flow binary to ship. "" means the running binary, or,
	// when that is not a static ELF for Platform, one built from its source.
	Binary string
	// Dir is where the Go toolchain builds from ("" is the working
	// directory): the module the running binary was built from.
	Dir string
	// Log gets one line when a binary is built; nil discards it.
	Log io.Writer
}

// Package is a flow binary ready to ship, and what it is made of.
type Package struct {
	Flow        string
	GraphSHA256 string // sha256 of the graph's JSON (`show --format json`, compact)
	Binary      *Binary
	Includes    []Include

	tmp       string
	layerOnce sync.Once
	layer     *layer
	layerErr  error
}

// Include is an includefile default embedded in the binary.
type Include struct {
	Field, Param, Path string
	Size               int
	SHA256             string
}

// New finds or builds the binary for o.Platform and reads what it ships.
// Close removes a binary New built.
func New(ctx context.Context, o Options) (*Package, error) {
	running, _ := debug.ReadBuildInfo()
	return newPackage(ctx, o, running)
}

// newPackage is New for a running binary with build info running.
func newPackage(ctx context.Context, o Options, running *debug.BuildInfo) (*Package, error) {
	if o.Platform == (Platform{}) {
		o.Platform = DefaultPlatform
	}
	if _, ok := platforms[o.Platform]; !ok {
		return nil, fmt.Errorf("platform %q is not supported; use linux/amd64 or linux/arm64", o.Platform)
	}
	g, err := json.Marshal(o.Def.Graph)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(g)
	p := &Package{Flow: o.Def.Graph.Flow, GraphSHA256: hex.EncodeToString(sum[:])}
	for _, f := range o.Def.Fields {
		if f.Kind == rt.FieldIncludeFile && f.DefaultFile != nil {
			s := sha256.Sum256(f.DefaultFile)
			p.Includes = append(p.Includes, Include{Field: f.Name, Param: f.ParamName, Path: f.Default, Size: len(f.DefaultFile), SHA256: hex.EncodeToString(s[:])})
		}
	}
	if p.Binary, err = p.resolve(ctx, o, running); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Package) resolve(ctx context.Context, o Options, running *debug.BuildInfo) (*Binary, error) {
	if o.Binary != "" {
		b, reason, err := inspect(o.Binary, o.Platform)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			return nil, fmt.Errorf("binary %q is %s; build it with %q", o.Binary, reason, buildHint(running, o.Platform))
		}
		if running != nil && b.Info.Path != running.Path {
			return nil, fmt.Errorf("binary %q is %s, not this flow's %s; pass a build of %s", o.Binary, b.Info.Path, running.Path, running.Path)
		}
		return b, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the running binary: %w", err)
	}
	b, reason, err := inspect(exe, o.Platform)
	if err != nil {
		return nil, err
	}
	if reason == "" {
		return b, nil
	}
	if p.tmp, err = os.MkdirTemp("", "flowc-package-"); err != nil {
		return nil, err
	}
	src := o.Dir
	if src == "" {
		src, _ = os.Getwd()
	}
	fail := func(err error) error {
		return fmt.Errorf("the running binary is %s and building one for %s failed: %v; build it with %q and pass --binary FILE", reason, o.Platform, err, buildHint(running, o.Platform))
	}
	cached := cachePath(exe, o.Platform)
	if cached != "" {
		if cb, creason, err := inspect(cached, o.Platform); err == nil && creason == "" && sameProgram(running, cb.Info) == nil {
			cb.Built, cb.Reason = true, reason
			return cb, nil
		}
	}
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fail(errors.New("the Go toolchain is not on PATH"))
	}
	if o.Log != nil && running != nil {
		fmt.Fprintf(o.Log, "the running binary is %s; building %s for %s, static\n", reason, running.Path, o.Platform)
	}
	path, err := build(ctx, running, o.Platform, src, p.tmp)
	if err != nil {
		return nil, fail(err)
	}
	nb, nreason, err := inspect(path, o.Platform)
	if err != nil {
		return nil, fail(err)
	}
	if nreason != "" {
		return nil, fail(fmt.Errorf("the built binary is %s", nreason))
	}
	if err := sameProgram(running, nb.Info); err != nil {
		return nil, fmt.Errorf("the binary built from %q is not the running one (%v); rebuild the running binary from this source, or pass --binary FILE", src, err)
	}
	nb.Built, nb.Reason = true, reason
	if cached != "" {
		keep(nb.Path, cached)
	}
	return nb, nil
}

// cachePath is where the static build of the binary at exe for p is kept
// ($XDG_CACHE_HOME/flowc/binaries/<sha256 of exe>-<os>-<arch>), so that
// packaging the same binary again does not rebuild it; "" when there is no
// cache directory. The key is the running binary, not the source: what ships
// is what was built from the source that binary came from.
func cachePath(exe string, p Platform) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return filepath.Join(dir, "flowc", "binaries", hex.EncodeToString(h.Sum(nil))+"-"+p.OS+"-"+p.Arch)
}

// keep copies a built binary into the cache; a failure only costs the next
// package a rebuild.
func keep(src, dst string) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		return
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".build-*")
	if err != nil {
		return
	}
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil && cerr == nil && os.Chmod(tmp.Name(), 0o755) == nil && os.Rename(tmp.Name(), dst) == nil {
		return
	}
	os.Remove(tmp.Name())
}

// Close removes what New built.
func (p *Package) Close() error {
	if p.tmp == "" {
		return nil
	}
	return os.RemoveAll(p.tmp)
}

// Labels are the image's config labels: what the image ships.
func (p *Package) Labels() map[string]string {
	b := p.Binary
	l := map[string]string{
		LabelBinarySHA256: b.SHA256,
		LabelFlow:         p.Flow,
		LabelGraphSHA256:  p.GraphSHA256,
		LabelGoVersion:    b.Info.GoVersion,
		LabelMain:         b.Info.Path,
		LabelModule:       b.Info.Main.Path + "@" + b.Info.Main.Version,
	}
	mods := moduleList(b.Info)
	if len(mods) > 0 {
		l[LabelModules] = strings.Join(mods, ",")
	}
	if rev := b.Setting("vcs.revision"); rev != "" {
		l[LabelVCSRevision] = rev
		l[LabelVCSModified] = fmt.Sprint(b.Setting("vcs.modified") == "true")
		if t := b.Setting("vcs.time"); t != "" {
			l[LabelVCSTime] = t
		}
	}
	if len(p.Includes) > 0 {
		m := map[string]string{}
		for _, in := range p.Includes {
			m[in.Field] = in.SHA256
		}
		j, _ := json.Marshal(m) // map keys sorted: deterministic
		l[LabelIncludes] = string(j)
	}
	return l
}
